package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/grondslag/grondslag/internal/absence"
	"github.com/grondslag/grondslag/internal/audit"
	"github.com/grondslag/grondslag/internal/auth"
	"github.com/grondslag/grondslag/internal/dossier"
	"github.com/grondslag/grondslag/internal/policy"
	"github.com/grondslag/grondslag/internal/storage"
)

// Vrijstellingen and leave above ten school days: the leerplichtambtenaar registers a request
// (who asks, the documents, the period), decides it with reasons, and prints the decision letter.
// Leerplicht's own work on a child (absence_leerplicht.go) under the purpose vrijstelling-en-verlof
// (Leerplichtwet 1969 art. 5, 5a, 7, 14 lid 3, 15, 16).

// ExemptionStore is what these pages need (*store.DB implements it).
type ExemptionStore interface {
	ResidentLookup
	CreateExemptionRequest(ctx context.Context, regionID, pupilID int64, r absence.ExemptionRequest, now time.Time, trail absence.ExemptionTrail) (int64, error)
	ExemptionRequest(ctx context.Context, regionID, id int64) (absence.StoredExemptionRequest, error)
	ExemptionRequestsInGemeente(ctx context.Context, regionID, gemeenteID int64) ([]absence.StoredExemptionRequest, error)
	DecideExemptionRequest(ctx context.Context, regionID, id int64, d absence.ExemptionDecision, now time.Time, trail absence.ExemptionTrail) (absence.StoredExemptionRequest, error)
}

// ExemptionDeps are the collaborators of the vrijstelling pages.
type ExemptionDeps struct {
	Store ExemptionStore
	LeerplichtDeps
}

const purposeExemption = "vrijstelling-en-verlof"

var exemptionRoles = []string{auth.RoleLeerplicht}

type exemptionHandlers struct {
	s *Server
	d ExemptionDeps
}

// MountVrijstellingen adds /verzuim/vrijstellingen and /api/v1/vrijstellingen.
func (s *Server) MountVrijstellingen(d ExemptionDeps) error {
	if err := d.check("MountVrijstellingen", d.Store != nil); err != nil {
		return err
	}
	h := &exemptionHandlers{s: s, d: d}
	s.page("GET /verzuim/vrijstellingen", s.requireUser(exemptionRoles, h.list))
	s.page("POST /verzuim/vrijstellingen", s.requireUser(exemptionRoles, h.createForm))
	s.page("GET /verzuim/vrijstellingen/{id}", s.requireUser(exemptionRoles, h.page))
	s.page("POST /verzuim/vrijstellingen/{id}/besluit", s.requireUser(exemptionRoles, h.decideForm))
	s.page("GET /verzuim/vrijstellingen/{id}/brief", s.requireUser(exemptionRoles, h.letter))
	s.apiRoute("POST /api/v1/vrijstellingen", s.apiAuth(exemptionRoles, ScopeVerzuimVastleggen, h.apiCreate))
	s.apiRoute("GET /api/v1/vrijstellingen/{id}", s.apiAuth(exemptionRoles, ScopeVerzuimVastleggen, h.apiGet))
	s.apiRoute("POST /api/v1/vrijstellingen/{id}/besluit", s.apiAuth(exemptionRoles, ScopeVerzuimVastleggen, h.apiDecide))
	s.documentVrijstellingen()
	return nil
}

// exemptionCats are the categories a request touches: who the child is and the school matters;
// the art. 7 statement of a 5 sub a request is health data (convenant:
// leerplicht-vrijstelling-gezondheid).
func exemptionCats(k absence.ExemptionKind) []string {
	if k == absence.Exempt5a {
		return []string{"identificatie", "onderwijs", "gezondheid"}
	}
	return []string{"identificatie", "onderwijs"}
}

// decide asks the decision point for the categories; a refusal is logged and becomes a 403.
func (h *exemptionHandlers) decide(ctx context.Context, p *Principal, pupilID int64, pseudonym string, cats []string, act policy.Action, auditAct audit.Action, point audit.AccessPoint, name string) (*auditDecision, error) {
	f, err := h.s.pupilFacts(ctx, p, pupilID, purposeExemption)
	if err != nil {
		return nil, err
	}
	_, ok, first, err := h.s.decideAll(ctx, p, f, act, cats, purposeExemption, policy.Actor{})
	if err != nil {
		return nil, err
	}
	ad := &auditDecision{rec: h.s.decisionRecord(ctx, p, pseudonym, cats, purposeExemption, auditAct, first, "", point, name)}
	if !ok {
		if err := h.s.d.Audit.Append(ctx, p.Actor().RegionID, ad.rec); err != nil {
			return nil, fmt.Errorf("auditregels schrijven: %w", err)
		}
		return nil, denied(first)
	}
	return ad, nil
}

type auditDecision struct{ rec audit.Record }

// trail returns the audit entry of a write, with the request named.
func (h *exemptionHandlers) trail(ctx context.Context, regionID int64, ad *auditDecision) absence.ExemptionTrail {
	return func(id int64) ([]audit.Entry, error) {
		return h.d.entry(ctx, regionID, ad.rec, "vrijstelling-aanvraag:"+strconv.FormatInt(id, 10))
	}
}

// requestInput is a request as the form and the API send it.
type requestInput struct {
	NumberKind, Number             string
	Kind, Requester, RequesterName string
	Received, From, To             string
	Reason                         string
	DocKind, DocIssuer, DocDate    string
}

func parseOptDate(field, s string, errs map[string]string) absence.Date {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0
	}
	d, err := absence.ParseDate(s)
	if err != nil {
		errs[field] = "Geen geldige datum; schrijf DD-MM-JJJJ."
	}
	return d
}

// create registers a request: the child must live in the user's gemeente.
func (h *exemptionHandlers) create(ctx context.Context, p *Principal, in requestInput, point audit.AccessPoint) (int64, map[string]string, error) {
	a := p.Actor()
	errs := map[string]string{}
	pupilID, pseudonym, msg, err := h.d.residentChild(ctx, h.d.Store, p, in.NumberKind, in.Number, "Er is geen kind met dit nummer dat in uw gemeente woont.")
	if err != nil {
		return 0, nil, err
	}
	if msg != "" {
		errs["nummer"] = msg
	}
	ek, err := absence.ParseExemptionKind(in.Kind)
	if err != nil {
		errs["soort"] = "Kies de soort vrijstelling of verlof."
	}
	r := absence.ExemptionRequest{Kind: ek, Requester: absence.Requester(in.Requester), RequesterName: in.RequesterName, Reason: in.Reason}
	r.Received = parseOptDate("ontvangen", in.Received, errs)
	r.From = parseOptDate("van", in.From, errs)
	r.To = parseOptDate("tot", in.To, errs)
	if in.DocKind != "" {
		r.Documents = []absence.RequestDocument{{Kind: absence.DocumentKind(in.DocKind), Issuer: in.DocIssuer, Date: parseOptDate("document_datum", in.DocDate, errs)}}
	}
	if len(errs) > 0 {
		return 0, errs, nil
	}
	cal, err := h.d.Calendar(ctx, a.RegionID)
	if err != nil {
		return 0, nil, err
	}
	if r, err = absence.NewExemptionRequest(cal, r); err != nil {
		errs["aanvraag"] = strings.TrimPrefix(err.Error(), absence.ErrRequest.Error()+": ")
		return 0, errs, nil
	}
	ad, err := h.decide(ctx, p, pupilID, pseudonym, exemptionCats(r.Kind), policy.Record, audit.ActionCreate, point, "vrijstelling-aanvraag-vastleggen")
	if err != nil {
		return 0, nil, err
	}
	id, err := h.d.Store.CreateExemptionRequest(ctx, a.RegionID, pupilID, r, h.s.now(), h.trail(ctx, a.RegionID, ad))
	return id, nil, err
}

// visible returns a request about a child living in the user's gemeente (404 otherwise).
func (h *exemptionHandlers) visible(ctx context.Context, p *Principal, id int64) (absence.StoredExemptionRequest, error) {
	a := p.Actor()
	r, err := h.d.Store.ExemptionRequest(ctx, a.RegionID, id)
	if errors.Is(err, storage.ErrNotFound) {
		return r, errNotFound
	}
	if err != nil {
		return r, fmt.Errorf("vrijstellingsaanvraag lezen: %w", err)
	}
	g, err := h.d.Store.PupilResidence(ctx, a.RegionID, r.PupilID)
	if err != nil || g != a.OrgID || a.OrgID == 0 {
		return r, errNotFound
	}
	return r, nil
}

// decideRequest records the decision with its reasons.
func (h *exemptionHandlers) decideRequest(ctx context.Context, p *Principal, id int64, in map[string]string, point audit.AccessPoint) (absence.StoredExemptionRequest, map[string]string, error) {
	a := p.Actor()
	r, err := h.visible(ctx, p, id)
	if err != nil {
		return r, nil, err
	}
	errs := map[string]string{}
	d := absence.ExemptionDecision{Outcome: absence.Outcome(in["besluit"]), Reasons: in["motivering"], DecidedBy: in["besloten_door"]}
	d.On = parseOptDate("besloten_op", in["besloten_op"], errs)
	d.From = parseOptDate("besluit_van", in["besluit_van"], errs)
	d.To = parseOptDate("besluit_tot", in["besluit_tot"], errs)
	if d.On == 0 {
		d.On = absence.DateOf(h.s.now().In(h.s.cfg.Location))
	}
	if strings.TrimSpace(d.DecidedBy) == "" && p.Account.Name != "" {
		d.DecidedBy = p.Account.Name + ", leerplichtambtenaar"
	}
	if len(errs) > 0 {
		return r, errs, nil
	}
	check := r.ExemptionRequest
	if err := check.Decide(d); err != nil {
		errs["besluit"] = strings.TrimPrefix(err.Error(), absence.ErrRequest.Error()+": ")
		return r, errs, nil
	}
	pup, err := h.s.d.Dossiers.DossierPupil(ctx, a.RegionID, r.PupilID, h.s.today(), dossier.Want{})
	if err != nil {
		return r, nil, fmt.Errorf("leerling lezen: %w", err)
	}
	ad, err := h.decide(ctx, p, r.PupilID, pup.Pseudonym, exemptionCats(r.Kind), policy.Record, audit.ActionUpdate, point, "vrijstelling-besluit-vastleggen")
	if err != nil {
		return r, nil, err
	}
	out, err := h.d.Store.DecideExemptionRequest(ctx, a.RegionID, id, d, h.s.now(), h.trail(ctx, a.RegionID, ad))
	if errors.Is(err, absence.ErrRequest) {
		errs["besluit"] = strings.TrimPrefix(err.Error(), absence.ErrRequest.Error()+": ")
		return r, errs, nil
	}
	return out, nil, err
}

// read decides and logs reading one request (the page, the letter, the API).
func (h *exemptionHandlers) read(ctx context.Context, p *Principal, id int64, point audit.AccessPoint, name string) (absence.StoredExemptionRequest, dossier.Pupil, error) {
	a := p.Actor()
	r, err := h.visible(ctx, p, id)
	if err != nil {
		return r, dossier.Pupil{}, err
	}
	pup, err := h.s.d.Dossiers.DossierPupil(ctx, a.RegionID, r.PupilID, h.s.today(), dossier.Want{})
	if err != nil {
		return r, pup, fmt.Errorf("leerling lezen: %w", err)
	}
	ad, err := h.decide(ctx, p, r.PupilID, pup.Pseudonym, exemptionCats(r.Kind), policy.Read, audit.ActionRead, point, name)
	if err != nil {
		return r, pup, err
	}
	return r, pup, h.s.d.Audit.Append(ctx, a.RegionID, ad.rec)
}

// ---- pages

var exemptionFormFields = []string{"soort_nummer", "nummer", "soort", "aanvrager", "aanvrager_naam", "ontvangen", "van", "tot", "reden", "document_soort", "document_door", "document_datum"}

// exemptionsPage is the data of verzuim_vrijstellingen.html: the gemeente's requests and the
// form to record one.
type exemptionsPage struct {
	View
	Aanvragen  []exemptionRow
	Soorten    []absence.ExemptionKind
	Aanvragers []absence.Requester
	Documenten []absence.DocumentKind
	In         map[string]string // the form as posted (never the number)
}

// exemptionRow is a request with the pupil's name (only rows the leerplichtambtenaar may see
// with the name are listed).
type exemptionRow struct {
	absence.StoredExemptionRequest
	Name string
}

// exemptionPage is the data of verzuim_vrijstelling.html: one request and the decision form.
type exemptionPage struct {
	View
	R    absence.StoredExemptionRequest
	Naam string // the pupil's name ("" after a refused decision form)
	In   map[string]string
}

func (h *exemptionHandlers) listData(ctx context.Context, p *Principal, point audit.AccessPoint) (*exemptionsPage, error) {
	a := p.Actor()
	reqs, err := h.d.Store.ExemptionRequestsInGemeente(ctx, a.RegionID, a.OrgID)
	if err != nil {
		return nil, fmt.Errorf("vrijstellingsaanvragen van de gemeente lezen: %w", err)
	}
	var rows []exemptionRow
	var recs []audit.Record
	for _, r := range reqs {
		pup, err := h.s.d.Dossiers.DossierPupil(ctx, a.RegionID, r.PupilID, h.s.today(), dossier.Want{})
		if err != nil {
			return nil, fmt.Errorf("leerling lezen: %w", err)
		}
		f, err := h.s.pupilFacts(ctx, p, r.PupilID, purposeExemption)
		if err != nil {
			return nil, err
		}
		d, err := h.s.decideWith(ctx, p, f, policy.Read, "identificatie", purposeExemption, policy.Actor{})
		if err != nil {
			return nil, err
		}
		rec := h.s.decisionRecord(ctx, p, pup.Pseudonym, []string{"identificatie"}, purposeExemption, audit.ActionRead, d, "", point, "vrijstellingen-lijst")
		recs = append(recs, rec)
		if !d.Allowed {
			continue
		}
		rows = append(rows, exemptionRow{StoredExemptionRequest: r, Name: pup.FirstName + " " + pup.LastName})
	}
	if len(recs) > 0 {
		if err := h.s.d.Audit.Append(ctx, a.RegionID, recs...); err != nil {
			return nil, fmt.Errorf("auditregels schrijven: %w", err)
		}
	}
	return &exemptionsPage{Aanvragen: rows, Soorten: absence.ExemptionKinds(), Aanvragers: absence.Requesters(), Documenten: absence.DocumentKinds()}, nil
}

func (h *exemptionHandlers) list(w http.ResponseWriter, r *http.Request) error {
	p := principalFrom(r.Context())
	data, err := h.listData(r.Context(), p, audit.AccessUI)
	if err != nil {
		return err
	}
	data.In = map[string]string{}
	return h.s.render(w, r, "verzuim_vrijstellingen", "Vrijstellingen en verlof", data)
}

func (h *exemptionHandlers) createForm(w http.ResponseWriter, r *http.Request) error {
	p := principalFrom(r.Context())
	in := map[string]string{}
	for _, f := range exemptionFormFields {
		in[f] = r.PostFormValue(f)
	}
	id, errs, err := h.create(r.Context(), p, requestInput{NumberKind: in["soort_nummer"], Number: in["nummer"], Kind: in["soort"], Requester: in["aanvrager"],
		RequesterName: in["aanvrager_naam"], Received: in["ontvangen"], From: in["van"], To: in["tot"], Reason: in["reden"],
		DocKind: in["document_soort"], DocIssuer: in["document_door"], DocDate: in["document_datum"]}, audit.AccessUI)
	if err != nil {
		return err
	}
	if len(errs) > 0 {
		data, err := h.listData(r.Context(), p, audit.AccessUI)
		if err != nil {
			return err
		}
		in["nummer"] = "" // the number is not echoed back into the page
		data.In = in
		return h.s.renderForm(w, r, http.StatusBadRequest, "verzuim_vrijstellingen", "Vrijstellingen en verlof", data, errs)
	}
	http.Redirect(w, r, "/verzuim/vrijstellingen/"+h.s.pid(kindExemptionRequest, id), http.StatusSeeOther)
	return nil
}

func (h *exemptionHandlers) page(w http.ResponseWriter, r *http.Request) error {
	p := principalFrom(r.Context())
	id, err := parseID(r.PathValue("id"))
	if err != nil {
		return err
	}
	req, pup, err := h.read(r.Context(), p, id, audit.AccessUI, "vrijstelling-aanvraag-lezen")
	if err != nil {
		return err
	}
	return h.s.render(w, r, "verzuim_vrijstelling", "Aanvraag "+strconv.FormatInt(id, 10), &exemptionPage{R: req, Naam: pup.FirstName + " " + pup.LastName, In: map[string]string{}})
}

func (h *exemptionHandlers) decideForm(w http.ResponseWriter, r *http.Request) error {
	p := principalFrom(r.Context())
	id, err := parseID(r.PathValue("id"))
	if err != nil {
		return err
	}
	in := map[string]string{}
	for _, f := range []string{"besluit", "besloten_op", "motivering", "besluit_van", "besluit_tot", "besloten_door"} {
		in[f] = r.PostFormValue(f)
	}
	req, errs, err := h.decideRequest(r.Context(), p, id, in, audit.AccessUI)
	if err != nil {
		return err
	}
	if len(errs) > 0 {
		return h.s.renderForm(w, r, http.StatusBadRequest, "verzuim_vrijstelling", "Aanvraag "+strconv.FormatInt(id, 10), &exemptionPage{R: req, In: in}, errs)
	}
	http.Redirect(w, r, "/verzuim/vrijstellingen/"+h.s.pid(kindExemptionRequest, id), http.StatusSeeOther)
	return nil
}

// letter serves the decision letter as PDF.
func (h *exemptionHandlers) letter(w http.ResponseWriter, r *http.Request) error {
	p := principalFrom(r.Context())
	id, err := parseID(r.PathValue("id"))
	if err != nil {
		return err
	}
	req, pup, err := h.read(r.Context(), p, id, audit.AccessUI, "vrijstelling-brief")
	if err != nil {
		return err
	}
	if req.Decision == nil {
		return &Error{Status: http.StatusConflict, Title: "Nog geen besluit", Detail: "Er is nog niet beslist op deze aanvraag; de brief volgt het besluit."}
	}
	birth, _ := absence.ParseDate(pup.BirthDate)
	pdf, err := absence.DecisionLetter(absence.LetterData{Gemeente: pup.GemeenteName, Pupil: pup.FirstName + " " + pup.LastName, Birth: birth,
		Addressee: req.RequesterName, Place: pup.GemeenteName, Date: req.Decision.On, Reference: fmt.Sprintf("LPA-%d", id), Request: req.ExemptionRequest})
	if err != nil {
		return fmt.Errorf("besluitbrief maken: %w", err)
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="besluit-%d.pdf"`, id))
	w.Header().Set("Cache-Control", "no-store")
	_, err = w.Write(pdf)
	return err
}

// ---- API

type exemptionRequestJSON struct {
	Leerling struct {
		Soort  string `json:"soort"`
		Nummer string `json:"nummer"`
	} `json:"leerling"`
	Soort         string `json:"soort"`
	Aanvrager     string `json:"aanvrager"`
	AanvragerNaam string `json:"aanvragerNaam"`
	Ontvangen     string `json:"ontvangen"`
	Van           string `json:"van"`
	Tot           string `json:"tot"`
	Reden         string `json:"reden"`
	Document      *struct {
		Soort         string `json:"soort"`
		AfgegevenDoor string `json:"afgegevenDoor"`
		Datum         string `json:"datum"`
	} `json:"document"`
}

type exemptionJSON struct {
	ID             string `json:"id"`
	LeerlingID     string `json:"leerlingId"`
	Soort          string `json:"soort"`
	Artikel        string `json:"artikel"`
	Ontvangen      string `json:"ontvangen"`
	Van            string `json:"van"`
	Tot            string `json:"tot,omitempty"`
	Schooldagen    int    `json:"schooldagen,omitempty"`
	Besluit        string `json:"besluit,omitempty"`
	BeslotenOp     string `json:"beslotenOp,omitempty"`
	BesluitVan     string `json:"besluitVan,omitempty"`
	BesluitTot     string `json:"besluitTot,omitempty"`
	VrijstellingID string `json:"vrijstellingId,omitempty"`
}

func toExemptionJSON(s *Server, r absence.StoredExemptionRequest) exemptionJSON {
	ds := func(d absence.Date) string {
		if d == 0 {
			return ""
		}
		return d.String()
	}
	j := exemptionJSON{ID: s.pid(kindExemptionRequest, r.ID), LeerlingID: s.pid(kindPupil, r.PupilID), Soort: string(r.Kind), Artikel: r.Article(), Ontvangen: ds(r.Received), Van: ds(r.From), Tot: ds(r.To),
		Schooldagen: r.SchoolDays, VrijstellingID: s.pid(kindExemption, r.ExemptionID)}
	if d := r.Decision; d != nil {
		j.Besluit, j.BeslotenOp, j.BesluitVan, j.BesluitTot = string(d.Outcome), ds(d.On), ds(d.From), ds(d.To)
	}
	return j
}

func problemsOf(errs map[string]string) []invalidParam {
	var out []invalidParam
	for k, v := range errs {
		out = append(out, invalidParam{Name: k, Reason: v})
	}
	return out
}

func (h *exemptionHandlers) apiCreate(w http.ResponseWriter, r *http.Request) error {
	p := principalFrom(r.Context())
	var body exemptionRequestJSON
	if err := decodeJSON(r, &body); err != nil {
		return err
	}
	in := requestInput{NumberKind: body.Leerling.Soort, Number: body.Leerling.Nummer, Kind: body.Soort, Requester: body.Aanvrager, RequesterName: body.AanvragerNaam,
		Received: body.Ontvangen, From: body.Van, To: body.Tot, Reason: body.Reden}
	if body.Document != nil {
		in.DocKind, in.DocIssuer, in.DocDate = body.Document.Soort, body.Document.AfgegevenDoor, body.Document.Datum
	}
	id, errs, err := h.create(r.Context(), p, in, audit.AccessAPI)
	if err != nil {
		return err
	}
	if len(errs) > 0 {
		return writeProblems(w, r, "De aanvraag is niet vastgelegd.", problemsOf(errs))
	}
	stored, err := h.d.Store.ExemptionRequest(r.Context(), p.Actor().RegionID, id)
	if err != nil {
		return fmt.Errorf("vrijstellingsaanvraag lezen: %w", err)
	}
	w.Header().Set("Location", fmt.Sprintf("/api/v1/vrijstellingen/%d", id))
	return writeJSON(w, http.StatusCreated, toExemptionJSON(h.s, stored))
}

func (h *exemptionHandlers) apiGet(w http.ResponseWriter, r *http.Request) error {
	p := principalFrom(r.Context())
	id, err := parseID(r.PathValue("id"))
	if err != nil {
		return err
	}
	req, _, err := h.read(r.Context(), p, id, audit.AccessAPI, "vrijstelling-aanvraag-lezen")
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, toExemptionJSON(h.s, req))
}

func (h *exemptionHandlers) apiDecide(w http.ResponseWriter, r *http.Request) error {
	p := principalFrom(r.Context())
	id, err := parseID(r.PathValue("id"))
	if err != nil {
		return err
	}
	var body struct {
		Besluit      string `json:"besluit"`
		BeslotenOp   string `json:"beslotenOp"`
		Motivering   string `json:"motivering"`
		BesluitVan   string `json:"besluitVan"`
		BesluitTot   string `json:"besluitTot"`
		BeslotenDoor string `json:"beslotenDoor"`
	}
	if err := decodeJSON(r, &body); err != nil {
		return err
	}
	in := map[string]string{"besluit": body.Besluit, "besloten_op": body.BeslotenOp, "motivering": body.Motivering, "besluit_van": body.BesluitVan,
		"besluit_tot": body.BesluitTot, "besloten_door": body.BeslotenDoor}
	req, errs, err := h.decideRequest(r.Context(), p, id, in, audit.AccessAPI)
	if err != nil {
		return err
	}
	if len(errs) > 0 {
		return writeProblems(w, r, "Het besluit is niet vastgelegd.", problemsOf(errs))
	}
	return writeJSON(w, http.StatusOK, toExemptionJSON(h.s, req))
}
