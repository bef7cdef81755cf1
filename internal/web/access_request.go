package web

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/grondslag/grondslag/internal/audit"
	"github.com/grondslag/grondslag/internal/auth"
	"github.com/grondslag/grondslag/internal/dossier"
	"github.com/grondslag/grondslag/internal/rights"
	"github.com/grondslag/grondslag/internal/store"
)

// Inzage (AVG art. 15) on the server: a parent with gezag asks for access to the data on their
// child; the zorgcoördinator of the school the request is addressed to sees the open requests of
// that school with their deadline, extends the term once (at most two further months, with a
// reason) and marks a request as handled. The rules are internal/rights; each request and each
// change is stored with its audit entry in one transaction (the entry is sealed with the
// region's audit encrypter, Seal).
//
// What the parent gets today is the parent's view of the pupil page (/leerlingen/{id}): the data
// blocks held in Grondslag and the trail of who read or shared them. That page is linked from
// here; there is no separate download yet.

// InzageDeps are the collaborators of the inzage pages.
type InzageDeps struct {
	Store InzageStore
	// Seal returns the encrypter of a region's audit entries (the pupil's pseudonym is encrypted
	// into the entry). Required: a request is never stored without its audit entry.
	Seal func(ctx context.Context, regionID int64) (audit.Encrypter, error)
}

// InzageStore keeps access requests (*store.DB implements it). trail builds the audit entries
// of the change for the request's id; the store appends them in the change's transaction.
type InzageStore interface {
	AccessSchool(ctx context.Context, regionID, pupilID int64, day rights.Date) (int64, error)
	CreateAccessRequest(ctx context.Context, regionID int64, r rights.Request, now time.Time, trail func(id int64) ([]audit.Entry, error)) (rights.Request, error)
	UpdateAccessRequest(ctx context.Context, regionID int64, r rights.Request, from rights.Status, by int64, trail func(id int64) ([]audit.Entry, error)) error
	AccessRequest(ctx context.Context, regionID, id int64) (rights.Request, error)
	AccessRequestsOfPupil(ctx context.Context, regionID, pupilID int64) ([]rights.Request, error)
	OpenAccessRequests(ctx context.Context, regionID, schoolID int64) ([]rights.Request, error)
}

// inzageAnswer is the ground on which the school processes an access request: the legal
// obligation to answer it (AVG art. 6 lid 1 sub c with art. 12 and 15).
var inzageAnswer = Answer{Allowed: true, Ground: "avg-6-1-c", GroundText: "AVG art. 6 lid 1 sub c (wettelijke plicht), art. 12 en 15",
	Article: "AVG art. 12 en 15", ProcessingActivity: parentAnswer.ProcessingActivity}

const inzageCategory = "inzageverzoek"

var inzageSchoolRoles = []string{auth.RoleZorgcoordinator}

type inzageHandlers struct {
	s *Server
	d InzageDeps
}

// MountInzage adds the inzage pages to the server: /inzage/leerling/{id} for parents, /inzage
// for the school's zorgcoördinator.
func (s *Server) MountInzage(d InzageDeps) error {
	if d.Store == nil || d.Seal == nil {
		return errors.New("web: MountInzage vraagt Store en Seal")
	}
	h := &inzageHandlers{s: s, d: d}
	ui := func(pattern string, f handlerFunc) { s.mux.Handle(pattern, s.htmlHandler(f)) }
	parent := []string{auth.RoleOuder}
	ui("GET /inzage/leerling/{id}", s.requireUser(parent, h.parentPage))
	ui("POST /inzage/leerling/{id}", s.requireUser(parent, h.parentSubmit))
	ui("GET /inzage", s.requireUser(inzageSchoolRoles, h.schoolList))
	ui("POST /inzage/verzoeken/{id}/verlengen", s.requireUser(inzageSchoolRoles, h.extend))
	ui("POST /inzage/verzoeken/{id}/afgehandeld", s.requireUser(inzageSchoolRoles, h.handle))
	return nil
}

func inzageID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, errNotFound
	}
	return id, nil
}

// child checks that the parent has gezag over the pupil (else 404, the same page as for a
// pupil that does not exist) and returns the pupil (name and pseudonym only).
func (h *inzageHandlers) child(ctx context.Context, p *Principal, pupilID int64) (dossier.Pupil, error) {
	a := p.Actor()
	rels, err := h.s.d.Dossiers.PupilRelations(ctx, a, pupilID, h.s.today())
	if err != nil {
		return dossier.Pupil{}, err
	}
	for _, k := range rels {
		if k == dossier.RelGuardian {
			return h.s.d.Dossiers.DossierPupil(ctx, a.RegionID, pupilID, h.s.today(), dossier.Want{})
		}
	}
	return dossier.Pupil{}, errNotFound
}

// trail returns the function that builds the audit entry of a change for the stored request id.
func (h *inzageHandlers) trail(ctx context.Context, p *Principal, pseudonym string, act audit.Action, name string) (func(int64) ([]audit.Entry, error), error) {
	regionID := p.Actor().RegionID
	enc, err := h.d.Seal(ctx, regionID)
	if err != nil {
		return nil, err
	}
	rec := h.s.auditRecord(ctx, p, pseudonym, inzageCategory, "inzage", inzageAnswer, Facts{}, audit.AccessUI, name)
	rec.Action = act
	return func(int64) ([]audit.Entry, error) {
		e, err := audit.NewEntry(rec, enc)
		if err != nil {
			return nil, err
		}
		return []audit.Entry{e}, nil
	}, nil
}

// requestView is a request as the pages show it.
type requestView struct {
	ID                       int64
	PupilID                  int64
	Name                     string
	Requester                string
	Received, Deadline       string
	Status                   string
	ExtensionMonths          int
	ExtensionReason          string
	HandledOn, HandledNote   string
	DaysLeft                 int
	Overdue, Late, CanExtend bool
}

func viewOf(r rights.Request, today rights.Date) requestView {
	d := r.Data()
	v := requestView{ID: d.ID, PupilID: d.PupilID, Received: d.Received.String(), Deadline: d.Deadline.String(), Status: string(d.Status),
		ExtensionMonths: d.ExtensionMonths, ExtensionReason: d.ExtensionReason, HandledNote: d.HandledNote,
		DaysLeft: r.DaysLeft(today), Overdue: r.OverdueOn(today), Late: r.Late(), CanExtend: d.Status == rights.StatusReceived && !today.After(d.Deadline)}
	if !d.HandledOn.IsZero() {
		v.HandledOn = d.HandledOn.String()
	}
	v.Requester = "ouder"
	if d.Requester.Kind == rights.RequesterPupil {
		v.Requester = "leerling zelf"
	}
	return v
}

// ---- parents

func (h *inzageHandlers) parentPage(w http.ResponseWriter, r *http.Request) error {
	return h.renderParent(w, r, http.StatusOK, nil)
}

func (h *inzageHandlers) renderParent(w http.ResponseWriter, r *http.Request, status int, errs map[string]string) error {
	ctx, p := r.Context(), principalFrom(r.Context())
	id, err := inzageID(r)
	if err != nil {
		return err
	}
	pup, err := h.child(ctx, p, id)
	if err != nil {
		return err
	}
	a := p.Actor()
	all, err := h.d.Store.AccessRequestsOfPupil(ctx, a.RegionID, id)
	if err != nil {
		return err
	}
	today := rights.Today(h.s.now())
	var mine []requestView
	open := false
	for _, q := range all {
		d := q.Data()
		// A parent sees the requests they made themselves.
		if d.Requester.Kind != rights.RequesterParent || d.Requester.ParentID != a.ParentID {
			continue
		}
		mine = append(mine, viewOf(q, today))
		open = open || d.Status != rights.StatusHandled
	}
	if err := h.s.audit(ctx, p, pup.Pseudonym, "identificatie", "", parentAnswer, Facts{}, audit.AccessUI, "inzage-overzicht"); err != nil {
		return err
	}
	return h.s.renderForm(w, r, status, "inzage_ouder", "Inzage vragen", map[string]any{
		"kind": pup, "verzoeken": mine, "open": open, "verzonden": r.URL.Query().Get("verzonden") == "ja",
		"termijnVandaag": today.AddMonths(rights.TermMonths).String(), "maxVerlenging": rights.MaxExtensionMonths,
	}, errs)
}

func (h *inzageHandlers) parentSubmit(w http.ResponseWriter, r *http.Request) error {
	ctx, p := r.Context(), principalFrom(r.Context())
	id, err := inzageID(r)
	if err != nil {
		return err
	}
	pup, err := h.child(ctx, p, id)
	if err != nil {
		return err
	}
	a := p.Actor()
	today := rights.Today(h.s.now())
	school, err := h.d.Store.AccessSchool(ctx, a.RegionID, id, today)
	if err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return &Error{Status: http.StatusConflict, Title: "Geen school gevonden",
				Detail: "Uw kind staat vandaag niet ingeschreven bij een school in Grondslag. Stuur uw verzoek om inzage dan rechtstreeks aan de organisatie die gegevens van uw kind heeft.", Err: err}
		}
		return err
	}
	req, err := rights.NewRequest(rights.Draft{PupilID: id, SchoolID: school, Requester: rights.Requester{Kind: rights.RequesterParent, ParentID: a.ParentID},
		Gezag: true, Received: today})
	if err != nil {
		return err
	}
	trail, err := h.trail(ctx, p, pup.Pseudonym, audit.ActionCreate, "inzage-aanvragen")
	if err != nil {
		return err
	}
	if _, err := h.d.Store.CreateAccessRequest(ctx, a.RegionID, req, h.s.now(), trail); err != nil {
		if errors.Is(err, rights.ErrOpenRequest) {
			return h.renderParent(w, r, http.StatusConflict, map[string]string{"aanvragen": "U heeft al een verzoek dat nog loopt. De school beantwoordt dat eerst; daarna kunt u opnieuw inzage vragen."})
		}
		if errors.Is(err, rights.ErrInvalid) {
			return &Error{Status: http.StatusConflict, Title: "Verzoek niet mogelijk", Detail: "Dit verzoek kan niet worden vastgelegd. Neem contact op met de school van uw kind.", Err: err}
		}
		return err
	}
	h.s.log.InfoContext(ctx, "inzageverzoek ontvangen", "request_id", requestID(ctx), "ouder_id", a.ParentID)
	http.Redirect(w, r, "/inzage/leerling/"+strconv.FormatInt(id, 10)+"?verzonden=ja", http.StatusSeeOther)
	return nil
}

// ---- the school

func (h *inzageHandlers) schoolList(w http.ResponseWriter, r *http.Request) error {
	return h.renderSchool(w, r, http.StatusOK, nil)
}

func (h *inzageHandlers) renderSchool(w http.ResponseWriter, r *http.Request, status int, errs map[string]string) error {
	ctx, p := r.Context(), principalFrom(r.Context())
	a := p.Actor()
	if a.Party != "school" || a.OrgID == 0 {
		return errForbidden
	}
	open, err := h.d.Store.OpenAccessRequests(ctx, a.RegionID, a.OrgID)
	if err != nil {
		return err
	}
	today := rights.Today(h.s.now())
	var rows []requestView
	var shown []named
	for _, q := range open {
		v := viewOf(q, today)
		pup, err := h.s.d.Dossiers.DossierPupil(ctx, a.RegionID, q.Data().PupilID, h.s.today(), dossier.Want{})
		if err != nil {
			return err
		}
		v.Name = strings.TrimSpace(pup.FirstName + " " + pup.LastName)
		shown = append(shown, named{pup.Pseudonym, inzageAnswer})
		rows = append(rows, v)
	}
	// The names are shown to answer the request (the school's legal obligation), and recorded.
	if err := h.s.auditNames(ctx, p, shown, "inzage", audit.AccessUI, "inzage-werklijst"); err != nil {
		return err
	}
	return h.s.renderForm(w, r, status, "inzage_school", "Inzageverzoeken", map[string]any{
		"verzoeken": rows, "maxVerlenging": rights.MaxExtensionMonths, "vandaag": today.String(),
	}, errs)
}

// schoolRequest loads request id for the zorgcoördinator: 404 unless it is addressed to their
// own school in their own region.
func (h *inzageHandlers) schoolRequest(ctx context.Context, p *Principal, r *http.Request) (rights.Request, dossier.Pupil, error) {
	id, err := inzageID(r)
	if err != nil {
		return rights.Request{}, dossier.Pupil{}, err
	}
	a := p.Actor()
	q, err := h.d.Store.AccessRequest(ctx, a.RegionID, id)
	if err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return rights.Request{}, dossier.Pupil{}, errNotFound
		}
		return rights.Request{}, dossier.Pupil{}, err
	}
	if a.Party != "school" || q.Data().SchoolID != a.OrgID {
		return rights.Request{}, dossier.Pupil{}, errNotFound
	}
	pup, err := h.s.d.Dossiers.DossierPupil(ctx, a.RegionID, q.Data().PupilID, h.s.today(), dossier.Want{})
	return q, pup, err
}

// stateError turns a refused change into a 409 with the rule that refused it.
func stateError(err error) error {
	for _, e := range []error{rights.ErrAlreadyExtended, rights.ErrAlreadyHandled, rights.ErrExtensionTooLate} {
		if errors.Is(err, e) {
			return &Error{Status: http.StatusConflict, Title: "Niet mogelijk", Detail: upperFirst(e.Error()) + ".", Err: err}
		}
	}
	return err
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

func (h *inzageHandlers) extend(w http.ResponseWriter, r *http.Request) error {
	ctx, p := r.Context(), principalFrom(r.Context())
	q, pup, err := h.schoolRequest(ctx, p, r)
	if err != nil {
		return err
	}
	months, _ := strconv.Atoi(r.PostFormValue("maanden"))
	x, err := q.Extend(rights.Today(h.s.now()), months, r.PostFormValue("reden"))
	if err != nil {
		if errors.Is(err, rights.ErrInvalid) {
			field := "reden-" + strconv.FormatInt(q.ID(), 10)
			if months < 1 || months > rights.MaxExtensionMonths {
				field = "maanden-" + strconv.FormatInt(q.ID(), 10)
			}
			return h.renderSchool(w, r, http.StatusBadRequest, map[string]string{field: upperFirst(strings.TrimPrefix(err.Error(), rights.ErrInvalid.Error()+": "))})
		}
		return stateError(err)
	}
	trail, err := h.trail(ctx, p, pup.Pseudonym, audit.ActionUpdate, "inzage-verlengen")
	if err != nil {
		return err
	}
	if err := h.d.Store.UpdateAccessRequest(ctx, p.Actor().RegionID, x, q.Status(), p.Actor().UserID, trail); err != nil {
		return stateError(err)
	}
	http.Redirect(w, r, "/inzage", http.StatusSeeOther)
	return nil
}

func (h *inzageHandlers) handle(w http.ResponseWriter, r *http.Request) error {
	ctx, p := r.Context(), principalFrom(r.Context())
	q, pup, err := h.schoolRequest(ctx, p, r)
	if err != nil {
		return err
	}
	x, err := q.Handle(rights.Today(h.s.now()), r.PostFormValue("notitie"))
	if err != nil {
		if errors.Is(err, rights.ErrInvalid) {
			return h.renderSchool(w, r, http.StatusBadRequest, map[string]string{"notitie-" + strconv.FormatInt(q.ID(), 10): upperFirst(strings.TrimPrefix(err.Error(), rights.ErrInvalid.Error()+": "))})
		}
		return stateError(err)
	}
	trail, err := h.trail(ctx, p, pup.Pseudonym, audit.ActionUpdate, "inzage-afhandelen")
	if err != nil {
		return err
	}
	if err := h.d.Store.UpdateAccessRequest(ctx, p.Actor().RegionID, x, q.Status(), p.Actor().UserID, trail); err != nil {
		return stateError(err)
	}
	http.Redirect(w, r, "/inzage", http.StatusSeeOther)
	return nil
}
