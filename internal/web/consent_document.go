package web

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"regexp"

	"github.com/grondslag/grondslag/internal/audit"
	"github.com/grondslag/grondslag/internal/consent"
	"github.com/grondslag/grondslag/internal/storage"
)

// The signed paper form as proof of a consent (issue 16, item 2): uploaded with the consent on
// the zorgcoördinator's page (multipart field "bestand"), checked by its content
// (consent.NewDocument), stored sealed with the pupil's key; shown to a professional who may read
// the register (GET /toestemmingen/leerling/{pupil}/bewijs/{id}) and to the parent with gezag or the pupil
// on their own page (GET /toestemmingen/kind/{pupil}/bewijs/{id}); each read is logged.

// consentUploadPath is the page that takes a consent with its signed form.
var consentUploadPath = regexp.MustCompile(`^/toestemmingen/leerling/[A-Za-z0-9_-]{22}$`)

// maxConsentUpload is the body limit of that page: the largest form and the other fields.
const maxConsentUpload = consent.MaxDocumentSize + 256<<10

// uploadedDocument reads the file of field from a parsed multipart form. No file: nil and "".
// A refused file gives the Dutch message for the field.
func uploadedDocument(r *http.Request, field string) (*consent.Document, string) {
	if r.MultipartForm == nil || len(r.MultipartForm.File[field]) == 0 {
		return nil, ""
	}
	fh := r.MultipartForm.File[field][0]
	if fh.Size == 0 && fh.Filename == "" {
		return nil, "" // the browser sends an empty part when no file was chosen
	}
	f, err := fh.Open()
	if err != nil {
		return nil, "Het bestand kon niet worden gelezen. Kies het opnieuw."
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, consent.MaxDocumentSize+1))
	if err != nil {
		return nil, "Het bestand kon niet worden gelezen. Kies het opnieuw."
	}
	doc, err := consent.NewDocument(b)
	if err != nil {
		return nil, userText(err)
	}
	return &doc, ""
}

// documentLink is the signed form as the consent lists show it.
type documentLink struct {
	ID    int64 // the consent
	Label string
	Size  string
}

func linkDocument(r consent.Record) *documentLink {
	d := r.Data().Document
	if d == nil {
		return nil
	}
	return &documentLink{ID: r.ID(), Label: d.Label(), Size: sizeText(d.Size)}
}

func sizeText(n int64) string {
	if n >= 1<<20 {
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	}
	return fmt.Sprintf("%d kB", (n+1023)/1024)
}

// documentPage is GET /toestemmingen/leerling/{pupil}/bewijs/{id} for professionals: the relation to the
// pupil (enrolled at the user's school, else 404), then the service decides and logs the read.
func (c *consentHandlers) documentPage(w http.ResponseWriter, r *http.Request) error {
	p := principalFrom(r.Context())
	ctx := r.Context()
	pupilID, err := parseID(r.PathValue("pupil"))
	if err != nil {
		return err
	}
	id, err := parseID(r.PathValue("id"))
	if err != nil {
		return err
	}
	pup, err := c.pupil(ctx, p, pupilID)
	if err != nil {
		return err
	}
	rec, err := c.d.Register.Get(ctx, p.Actor().RegionID, id)
	if errors.Is(err, consent.ErrNotFound) || (err == nil && rec.Data().PupilID != pupilID) {
		return errNotFound
	}
	if err != nil {
		return err
	}
	_, doc, err := c.svc.Document(ctx, c.change(ctx, p, pup.Pseudonym, audit.AccessUI, "toestemming-bewijs"), id)
	return c.sendDocument(w, id, doc, err)
}

// ownDocumentPage is GET /toestemmingen/kind/{pupil}/bewijs/{id}: the parent with gezag or the
// pupil reads the signed form of a consent about the pupil (their own right of access).
func (c *consentHandlers) ownDocumentPage(w http.ResponseWriter, r *http.Request) error {
	p := principalFrom(r.Context())
	ctx := r.Context()
	pupilID, err := parseID(r.PathValue("pupil"))
	if err != nil {
		return err
	}
	id, err := parseID(r.PathValue("id"))
	if err != nil {
		return err
	}
	if _, ok := parentGiver(p); !ok {
		return errNotFound
	}
	pup, err := c.child(ctx, p, pupilID)
	if err != nil {
		return err
	}
	base := c.s.auditRecord(ctx, p, pup.Pseudonym, "toestemming", "inzage", parentAnswer, Facts{}, audit.AccessUI, "toestemming-bewijs-ouder")
	_, doc, err := c.svc.OwnDocument(ctx, c.change(ctx, p, pup.Pseudonym, audit.AccessUI, "").WithBase(base), pupilID, id)
	return c.sendDocument(w, id, doc, err)
}

func (c *consentHandlers) sendDocument(w http.ResponseWriter, id int64, doc consent.Document, err error) error {
	switch {
	case errors.Is(err, consent.ErrNotFound):
		return errNotFound
	case errors.Is(err, storage.ErrContentDestroyed):
		return &Error{Status: http.StatusGone, Title: "Vernietigd", Detail: "Het getekende formulier is vernietigd: de bewaartermijn is voorbij of de gegevens van deze leerling zijn gewist.", Err: err}
	case err != nil:
		return consentErr(err)
	}
	h := w.Header()
	h.Set("Content-Type", doc.MediaType)
	h.Set("Content-Disposition", fmt.Sprintf(`attachment; filename="toestemming-%d-formulier.%s"`, id, doc.Extension()))
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	_, err = w.Write(doc.Bytes)
	return err
}
