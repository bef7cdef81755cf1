package web

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/grondslag/grondslag/internal/absence"
	"github.com/grondslag/grondslag/internal/audit"
	"github.com/grondslag/grondslag/internal/dossier"
	"github.com/grondslag/grondslag/internal/policy"
	"github.com/grondslag/grondslag/internal/storage"
)

// The pages and API of the leerplicht dossier (absence_dossier.go holds the use cases).

var dossierStepFields = []string{"soort", "datum", "uiterlijk", "bron", "tekst", "door"}

// dossierRow is a dossier in the gemeente's list.
type dossierRow struct {
	dossierView
	Next *absence.Deadline
	// OtherPurpose names the purpose the dossier falls under when it is not the purpose the
	// user chose for this session: the row then shows neither the child nor a link.
	OtherPurpose string
}

// samePurpose refuses a dossier page under another purpose than the dossier's ground: a
// dossier about absoluut verzuim is read for that purpose, one about relatief verzuim for
// handhaving; the purpose chosen for the session binds what the user reads (AVG art. 5 lid 1
// onder b), as on the melding pages.
func (h *dossierHandlers) samePurpose(p *Principal, d absence.StoredDossier) error {
	want := d.Ground.Purpose()
	if p.Session != nil && p.Session.Purpose == want {
		return nil
	}
	return &Error{Status: http.StatusForbidden, Title: "Ander doel",
		Detail: "Dit dossier valt onder het doel " + Label(h.s.vocabOf(p).Purposes, want) + ". Kies dat doel op de startpagina om het te openen."}
}

// pageDossier is visible + samePurpose, for the web's pages (the API names no session purpose).
func (h *dossierHandlers) pageDossier(r *http.Request, id int64) error {
	p := principalFrom(r.Context())
	d, err := h.visible(r.Context(), p, id)
	if err != nil {
		return err
	}
	return h.samePurpose(p, d)
}

// dossiersPage is the data of verzuim_dossiers.html: the gemeente's leerplicht dossiers, the
// form to open one and the residents' list upload.
type dossiersPage struct {
	View
	Gemeentelijst bool // the residents' list can be read in here
	Dossiers      []dossierRow
	Verlopen      int // dossiers past a term
	Termijn       int // school days to the first contact
	In            map[string]string
	// After a residents' list upload: its result, or the refused lines.
	Lijst       *absence.ResidentsResult
	Lijstfouten []string
}

// dossierPage is the data of verzuim_dossier.html: one dossier and the step form.
type dossierPage struct {
	View
	D       dossierView
	Soorten []absence.StepKind
	In      map[string]string
	Vandaag absence.Date
}

func (h *dossierHandlers) listData(r *http.Request, p *Principal) (*dossiersPage, error) {
	ctx := r.Context()
	a := p.Actor()
	ds, err := h.d.Store.DossiersInGemeente(ctx, a.RegionID, a.OrgID)
	if err != nil {
		return nil, fmt.Errorf("leerplichtdossiers van de gemeente lezen: %w", err)
	}
	var rows []dossierRow
	var recs []audit.Record
	overdue := 0
	for _, d := range ds {
		if h.samePurpose(p, d) != nil {
			v, err := h.view(ctx, a.RegionID, d)
			if err != nil {
				return nil, err
			}
			v.Steps = nil
			row := dossierRow{dossierView: v, OtherPurpose: Label(h.s.vocabOf(p).Purposes, d.Ground.Purpose())}
			if len(v.Deadlines) > 0 {
				row.Next = &v.Deadlines[0]
			}
			if v.Overdue {
				overdue++
			}
			rows = append(rows, row)
			continue
		}
		pup, err := h.s.d.Dossiers.DossierPupil(ctx, a.RegionID, d.PupilID, h.s.today(), dossier.Want{})
		if err != nil {
			return nil, fmt.Errorf("leerling lezen: %w", err)
		}
		f, err := h.s.pupilFacts(ctx, p, d.PupilID, d.Ground.Purpose())
		if err != nil {
			return nil, err
		}
		if d.Ground == absence.GroundAbsolute {
			enrolled, err := h.d.Store.EnrolledOn(ctx, a.RegionID, d.PupilID, h.today())
			if err != nil {
				return nil, fmt.Errorf("inschrijving lezen: %w", err)
			}
			f.NotEnrolled, f.DUOMelding = !enrolled, false
		}
		dec, err := h.s.decideWith(ctx, p, f, policy.Read, "identificatie", d.Ground.Purpose(), policy.Actor{})
		if err != nil {
			return nil, err
		}
		recs = append(recs, h.s.decisionRecord(ctx, p, pup.Pseudonym, []string{"identificatie"}, d.Ground.Purpose(), audit.ActionRead, dec, "", audit.AccessUI, "leerplichtdossiers-lijst"))
		v, err := h.view(ctx, a.RegionID, d)
		if err != nil {
			return nil, err
		}
		v.Steps = nil // the list shows no content
		if dec.Allowed {
			v.Name = pup.FirstName + " " + pup.LastName
		} else {
			v.Name = "(geen grond om de naam te tonen: " + dec.Reason + ")"
		}
		row := dossierRow{dossierView: v}
		if len(v.Deadlines) > 0 {
			row.Next = &v.Deadlines[0]
		}
		if v.Overdue {
			overdue++
		}
		rows = append(rows, row)
	}
	if len(recs) > 0 {
		if err := h.s.d.Audit.Append(ctx, a.RegionID, recs...); err != nil {
			return nil, fmt.Errorf("auditregels schrijven: %w", err)
		}
	}
	rules, err := h.d.Rules(ctx, a.RegionID)
	if err != nil {
		return nil, fmt.Errorf("dossierregels van de regio: %w", err)
	}
	return &dossiersPage{Gemeentelijst: h.d.Residents != nil, Dossiers: rows, Verlopen: overdue, Termijn: rules.FirstContactDays}, nil
}

func (h *dossierHandlers) list(w http.ResponseWriter, r *http.Request) error {
	data, err := h.listData(r, principalFrom(r.Context()))
	if err != nil {
		return err
	}
	data.In = map[string]string{}
	return h.s.render(w, r, "verzuim_dossiers", "Leerplichtdossiers", data)
}

func (h *dossierHandlers) openForm(w http.ResponseWriter, r *http.Request) error {
	p := principalFrom(r.Context())
	in := map[string]string{}
	for _, f := range []string{"grond", "melding", "soort_nummer", "nummer", "geopend_op"} {
		in[f] = r.PostFormValue(f)
	}
	mid, _ := h.s.ids.decode(kindMelding, strings.TrimSpace(in["melding"])) // the melding's public id; anything else is no melding
	id, _, errs, err := h.open(r.Context(), p, dossierOpenInput{Ground: in["grond"], MeldingID: mid, NumberKind: in["soort_nummer"], Number: in["nummer"], Opened: in["geopend_op"]}, audit.AccessUI)
	if err != nil {
		return err
	}
	if len(errs) > 0 {
		data, err := h.listData(r, p)
		if err != nil {
			return err
		}
		in["nummer"] = "" // the number is not echoed back into the page
		data.In = in
		return h.s.renderForm(w, r, http.StatusBadRequest, "verzuim_dossiers", "Leerplichtdossiers", data, errs)
	}
	http.Redirect(w, r, "/verzuim/dossiers/"+h.s.pid(kindDossier, id), http.StatusSeeOther)
	return nil
}

func (h *dossierHandlers) renderPage(w http.ResponseWriter, r *http.Request, status int, id int64, in, errs map[string]string) error {
	if err := h.pageDossier(r, id); err != nil {
		return err
	}
	v, _, err := h.read(r.Context(), principalFrom(r.Context()), id, audit.AccessUI, "leerplichtdossier-lezen")
	if err != nil {
		return err
	}
	data := &dossierPage{D: v, Soorten: absence.StepKinds(), In: in, Vandaag: h.today()}
	title := "Leerplichtdossier " + strconv.FormatInt(id, 10)
	if status != http.StatusOK {
		return h.s.renderForm(w, r, status, "verzuim_dossier", title, data, errs)
	}
	return h.s.render(w, r, "verzuim_dossier", title, data)
}

func (h *dossierHandlers) page(w http.ResponseWriter, r *http.Request) error {
	id, err := parseID(r.PathValue("id"))
	if err != nil {
		return err
	}
	return h.renderPage(w, r, http.StatusOK, id, map[string]string{}, nil)
}

func (h *dossierHandlers) stepForm(w http.ResponseWriter, r *http.Request) error {
	id, err := parseID(r.PathValue("id"))
	if err != nil {
		return err
	}
	if err := h.pageDossier(r, id); err != nil {
		return err
	}
	in := map[string]string{}
	for _, f := range dossierStepFields {
		in[f] = r.PostFormValue(f)
	}
	_, errs, err := h.addStep(r.Context(), principalFrom(r.Context()), id, in, audit.AccessUI)
	if err != nil {
		return err
	}
	if len(errs) > 0 {
		return h.renderPage(w, r, http.StatusBadRequest, id, in, errs)
	}
	http.Redirect(w, r, "/verzuim/dossiers/"+h.s.pid(kindDossier, id), http.StatusSeeOther)
	return nil
}

func (h *dossierHandlers) closeForm(w http.ResponseWriter, r *http.Request) error {
	p := principalFrom(r.Context())
	a := p.Actor()
	id, err := parseID(r.PathValue("id"))
	if err != nil {
		return err
	}
	d, err := h.visible(r.Context(), p, id)
	if err != nil {
		return err
	}
	if err := h.samePurpose(p, d); err != nil {
		return err
	}
	reason := strings.TrimSpace(r.PostFormValue("sluitreden"))
	if reason == "" {
		return h.renderPage(w, r, http.StatusBadRequest, id, map[string]string{}, map[string]string{"sluitreden": "Geef de reden om het dossier te sluiten."})
	}
	pup, err := h.s.d.Dossiers.DossierPupil(r.Context(), a.RegionID, d.PupilID, h.s.today(), dossier.Want{})
	if err != nil {
		return fmt.Errorf("leerling lezen: %w", err)
	}
	rec, err := h.decide(r.Context(), p, d.PupilID, pup.Pseudonym, d.Ground, []string{"verzuim"}, policy.Record, audit.ActionUpdate, "", audit.AccessUI, "leerplichtdossier-sluiten")
	if err != nil {
		return err
	}
	if err := h.d.Store.CloseDossier(r.Context(), a.RegionID, id, h.today(), reason, h.trail(r.Context(), a.RegionID, rec)); err != nil {
		return fmt.Errorf("dossier sluiten: %w", err)
	}
	http.Redirect(w, r, "/verzuim/dossiers/"+h.s.pid(kindDossier, id), http.StatusSeeOther)
	return nil
}

// letter serves the letter of an invitation or warning as PDF.
func (h *dossierHandlers) letter(w http.ResponseWriter, r *http.Request) error {
	p := principalFrom(r.Context())
	id, err := parseID(r.PathValue("id"))
	if err != nil {
		return err
	}
	sid, err := parseID(r.PathValue("sid"))
	if err != nil {
		return err
	}
	if err := h.pageDossier(r, id); err != nil {
		return err
	}
	v, pup, err := h.read(r.Context(), p, id, audit.AccessUI, "leerplichtdossier-brief")
	if err != nil {
		return err
	}
	var step *absence.Step
	for i := range v.Steps {
		if v.Steps[i].ID == sid {
			step = &v.Steps[i].Step
		}
	}
	if step == nil {
		return errNotFound
	}
	if !step.Kind.HasLetter() {
		return &Error{Status: http.StatusConflict, Title: "Geen brief", Detail: "Alleen bij een uitnodiging of een waarschuwing hoort een brief."}
	}
	birth, _ := absence.ParseDate(pup.BirthDate)
	name := pup.FirstName + " " + pup.LastName
	age := 0
	if birth != 0 {
		age = policy.AgeOn(birth.Time(), step.On.Time())
	}
	tpl := ""
	if h.d.Letters != nil {
		t, err := h.d.Letters.LetterTemplate(r.Context(), p.Actor().RegionID, step.Kind)
		switch {
		case err == nil:
			tpl = t.Text
		case !errors.Is(err, storage.ErrNotFound):
			return fmt.Errorf("briefsjabloon lezen: %w", err)
		}
	}
	pdf, err := absence.StepLetter(absence.StepLetterData{Gemeente: pup.GemeenteName, Pupil: name, Birth: birth, Addressee: "ouder(s)/verzorger(s) van " + name,
		Place: pup.GemeenteName, Reference: fmt.Sprintf("LPD-%d-%d", id, sid), Ground: v.StoredDossier.Ground, Step: *step, WithPupil: age >= 12, Template: tpl})
	if err != nil {
		return fmt.Errorf("brief bij de stap maken: %w", err)
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s-%d-%d.pdf"`, step.Kind, id, sid))
	w.Header().Set("Cache-Control", "no-store")
	_, err = w.Write(pdf)
	return err
}

// ---- API

type dossierStepJSON struct {
	ID        string `json:"id"`
	Soort     string `json:"soort"`
	Artikel   string `json:"artikel"`
	Datum     string `json:"datum"`
	Uiterlijk string `json:"uiterlijk,omitempty"`
	Bron      string `json:"bron,omitempty"`
	Tekst     string `json:"tekst,omitempty"`
	Door      string `json:"door"`
}

type deadlineJSON struct {
	Wat       string `json:"wat"`
	Uiterlijk string `json:"uiterlijk"`
	Verlopen  bool   `json:"verlopen"`
}

type dossierJSON struct {
	ID           string            `json:"id"`
	LeerlingID   string            `json:"leerlingId"`
	Grond        string            `json:"grond"`
	Artikel      string            `json:"artikel"`
	MeldingID    string            `json:"meldingId,omitempty"`
	GeopendOp    string            `json:"geopendOp"`
	Status       string            `json:"status"`
	GeslotenOp   string            `json:"geslotenOp,omitempty"`
	Termijnen    []deadlineJSON    `json:"termijnen"`
	Stappen      []dossierStepJSON `json:"stappen"`
	Verlopen     bool              `json:"verlopen"`
	AlGeopend    bool              `json:"alGeopend,omitempty"`
	ToegestaanOp string            `json:"grondslag,omitempty"`
}

func (h *dossierHandlers) toJSON(v dossierView) dossierJSON {
	ds := func(d absence.Date) string {
		if d == 0 {
			return ""
		}
		return d.String()
	}
	j := dossierJSON{ID: h.s.pid(kindDossier, v.ID), LeerlingID: h.s.pid(kindPupil, v.PupilID), Grond: string(v.StoredDossier.Ground), Artikel: v.StoredDossier.Ground.Article(),
		MeldingID: h.s.pid(kindMelding, v.MeldingID), GeopendOp: ds(v.Opened), Status: "open", GeslotenOp: ds(v.Closed), Verlopen: v.Overdue, ToegestaanOp: v.Ground,
		Termijnen: []deadlineJSON{}, Stappen: []dossierStepJSON{}}
	if !v.Open {
		j.Status = "gesloten"
	}
	today := h.today()
	for _, d := range v.Deadlines {
		j.Termijnen = append(j.Termijnen, deadlineJSON{Wat: d.What, Uiterlijk: d.Due.String(), Verlopen: d.Due < today})
	}
	for _, s := range v.Steps {
		j.Stappen = append(j.Stappen, dossierStepJSON{ID: h.s.pid(kindDossierStep, s.ID), Soort: string(s.Kind), Artikel: s.Kind.Article(), Datum: s.On.String(), Uiterlijk: ds(s.Due),
			Bron: s.Source, Tekst: s.Text, Door: s.By})
	}
	return j
}

func (h *dossierHandlers) apiOpen(w http.ResponseWriter, r *http.Request) error {
	p := principalFrom(r.Context())
	var body struct {
		Grond     string `json:"grond"`
		MeldingID string `json:"meldingId"`
		Leerling  *struct {
			Soort  string `json:"soort"`
			Nummer string `json:"nummer"`
		} `json:"leerling"`
		GeopendOp string `json:"geopendOp"`
	}
	if err := decodeJSON(r, &body); err != nil {
		return err
	}
	in := dossierOpenInput{Ground: body.Grond, Opened: body.GeopendOp}
	if body.MeldingID != "" {
		mid, err := h.s.rowID(kindMelding, body.MeldingID, "meldingId")
		if err != nil {
			return err
		}
		in.MeldingID = mid
	}
	if body.Leerling != nil {
		in.NumberKind, in.Number = body.Leerling.Soort, body.Leerling.Nummer
	}
	id, existing, errs, err := h.open(r.Context(), p, in, audit.AccessAPI)
	if err != nil {
		return err
	}
	if len(errs) > 0 {
		return writeProblems(w, r, "Het dossier is niet geopend.", problemsOf(errs))
	}
	v, _, err := h.read(r.Context(), p, id, audit.AccessAPI, "leerplichtdossier-lezen")
	if err != nil {
		return err
	}
	j := h.toJSON(v)
	status := http.StatusCreated
	if existing {
		status, j.AlGeopend = http.StatusOK, true
	}
	w.Header().Set("Location", "/api/v1/leerplichtdossiers/"+j.ID)
	return writeJSON(w, status, j)
}

func (h *dossierHandlers) apiGet(w http.ResponseWriter, r *http.Request) error {
	id, err := parseID(r.PathValue("id"))
	if err != nil {
		return err
	}
	v, _, err := h.read(r.Context(), principalFrom(r.Context()), id, audit.AccessAPI, "leerplichtdossier-lezen")
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, h.toJSON(v))
}

func (h *dossierHandlers) apiStep(w http.ResponseWriter, r *http.Request) error {
	p := principalFrom(r.Context())
	id, err := parseID(r.PathValue("id"))
	if err != nil {
		return err
	}
	var body struct {
		Soort     string `json:"soort"`
		Datum     string `json:"datum"`
		Uiterlijk string `json:"uiterlijk"`
		Bron      string `json:"bron"`
		Tekst     string `json:"tekst"`
		Door      string `json:"door"`
	}
	if err := decodeJSON(r, &body); err != nil {
		return err
	}
	in := map[string]string{"soort": body.Soort, "datum": body.Datum, "uiterlijk": body.Uiterlijk, "bron": body.Bron, "tekst": body.Tekst, "door": body.Door}
	sid, errs, err := h.addStep(r.Context(), p, id, in, audit.AccessAPI)
	if err != nil {
		return err
	}
	if len(errs) > 0 {
		return writeProblems(w, r, "De stap is niet vastgelegd.", problemsOf(errs))
	}
	v, _, err := h.read(r.Context(), p, id, audit.AccessAPI, "leerplichtdossier-lezen")
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/leerplichtdossiers/"+h.s.pid(kindDossier, id))
	j := h.toJSON(v)
	_ = sid
	return writeJSON(w, http.StatusCreated, j)
}
