package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/mail"
	"strings"
	"time"

	"github.com/grondslag/grondslag/internal/absence"
	"github.com/grondslag/grondslag/internal/access"
	"github.com/grondslag/grondslag/internal/audit"
	"github.com/grondslag/grondslag/internal/auth"
	"github.com/grondslag/grondslag/internal/dossier"
	"github.com/grondslag/grondslag/internal/policy"
	"github.com/grondslag/grondslag/internal/storage"
)

// meldingCats are the categories a verzuimmelding provides to leerplicht (convenant:
// school-verzuimmelding).
var meldingCats = []string{"identificatie", "contact", "verzuim"}

// toLeerplicht is the recipient of a melding.
var toLeerplicht = policy.Actor{Party: "gemeente", Role: auth.RoleLeerplicht}

// meldingFields are the form fields of the melding with their API names (for invalidParams).
var meldingFields = []struct{ form, api string }{
	{"begindatum", "begindatum"}, {"einddatum", "einddatum"}, {"vermoedelijke_reden", "vermoedelijkeReden"},
	{"alle_lessen", "alleLessenVerzuimd"}, {"actie_school", "actieSchool"}, {"actie_gemeente", "actieGemeenteGewenst"},
	{"toelichting_geen_actie", "toelichtingGeenActie"}, {"leslocatie", "leslocatie"}, {"melder_naam", "melder.naam"},
	{"melder_functie", "melder.functie"}, {"melder_telefoon", "melder.telefoon"}, {"melder_email", "melder.email"},
	{"telefoon_ouder", "telefoonOuderOfLeerling"}, {"verblijfadres", "verblijfadres"},
}

// MeldingHint is what the form tells the reporter about content the Besluit Verzuimmelding
// forbids; the code cannot check free text for it.
const MeldingHint = "Schrijf in deze melding nooit iets over ras, politieke opvattingen, seksueel leven of lidmaatschap van een vakbond. Dat verbiedt het Besluit verzuimmelding. Schrijf alleen op wat nodig is om het verzuim te begrijpen."

// meldingContent completes the content a signal proposed with the fields of in (form names).
// Each problem is tied to its field.
func meldingContent(base absence.MeldingContent, in map[string]string) (absence.MeldingContent, map[string]string) {
	c := base
	errs := map[string]string{}
	get := func(k string) string { return strings.TrimSpace(in[k]) }
	need := func(k, msg string) string {
		v := get(k)
		if v == "" {
			errs[k] = msg
		}
		return v
	}
	if s := need("begindatum", "Vul de begindatum van het verzuim in (DD-MM-JJJJ)."); s != "" {
		d, err := absence.ParseDate(s)
		if err != nil {
			errs["begindatum"] = "De begindatum is geen geldige datum. Schrijf DD-MM-JJJJ, bijvoorbeeld 08-09-2025."
		}
		c.From = d
	}
	c.To = 0
	if s := get("einddatum"); s != "" {
		d, err := absence.ParseDate(s)
		switch {
		case err != nil:
			errs["einddatum"] = "De einddatum is geen geldige datum. Schrijf DD-MM-JJJJ, of laat het veld leeg."
		case c.From != 0 && d < c.From:
			errs["einddatum"] = "De einddatum ligt vóór de begindatum."
		}
		c.To = d
	}
	c.SuspectedReason = need("vermoedelijke_reden", "Schrijf op wat volgens de school de reden van het verzuim is.")
	c.AllLessonsMissed = get("alle_lessen") == "ja"
	c.SchoolAction = need("actie_school", "Schrijf op wat de school al heeft gedaan.")
	switch get("actie_gemeente") {
	case "ja":
		c.GemeenteActionWanted = true
	case "nee":
		c.GemeenteActionWanted = false
	default:
		errs["actie_gemeente"] = "Kies of de school actie van de gemeente wil."
	}
	c.NoActionExplanation = get("toelichting_geen_actie")
	if get("actie_gemeente") == "nee" && c.NoActionExplanation == "" {
		errs["toelichting_geen_actie"] = "Leg uit waarom de school geen actie van de gemeente wil."
	}
	c.Location = need("leslocatie", "Vul de leslocatie in: BRIN en vestiging, bijvoorbeeld 01AA00.")
	c.Reporter.Name = need("melder_naam", "Vul de naam van de melder in.")
	c.Reporter.Function = need("melder_functie", "Vul de functie van de melder in.")
	c.Reporter.Phone = need("melder_telefoon", "Vul het telefoonnummer van de melder in.")
	if c.Reporter.Email = need("melder_email", "Vul het e-mailadres van de melder in."); c.Reporter.Email != "" {
		if _, err := mail.ParseAddress(c.Reporter.Email); err != nil {
			errs["melder_email"] = "Het e-mailadres van de melder is ongeldig."
		}
	}
	c.ParentPhone = need("telefoon_ouder", "Vul een telefoonnummer van een ouder of van de leerling in.")
	c.StayAddress = get("verblijfadres")
	if len(errs) == 0 {
		if err := c.Validate(); err != nil {
			errs["vermoedelijke_reden"] = err.Error()
		}
	}
	return c, errs
}

// meldingSetup is what the melding form of one signal needs.
type meldingSetup struct {
	sig      absence.StoredSignal
	pupil    dossier.Pupil
	proposal absence.MeldingContent
	facts    Facts
	decision access.Decision
}

// prepareMelding loads the signal (404 outside the school), the proposal (409 when the signal
// does not lead to a melding, e.g. sick absence) and the policy's decision on providing the
// melding to leerplicht.
func (v *verzuimHandlers) prepareMelding(ctx context.Context, p *Principal, id int64, point audit.AccessPoint) (*meldingSetup, error) {
	a := p.Actor()
	sig, err := v.schoolSignal(ctx, p, id)
	if err != nil {
		return nil, err
	}
	prop, err := absence.ProposeMelding(sig.Signal)
	if errors.Is(err, absence.ErrNotReportable) {
		return nil, &Error{Status: http.StatusConflict, Title: "Geen verzuimmelding", Detail: strings.TrimPrefix(err.Error(), absence.ErrNotReportable.Error()+": ") + "."}
	}
	if err != nil {
		return nil, err
	}
	ms, err := v.d.Store.Meldingen(ctx, a.RegionID, sig.PupilID)
	if err != nil {
		return nil, err
	}
	for _, m := range ms {
		if m.SignalID == sig.ID && m.Status() != absence.StatusWithdrawn {
			return nil, &alreadyReported{id: m.ID}
		}
	}
	f, err := v.s.pupilFacts(ctx, p, sig.PupilID, purposeHandhaving)
	if err != nil {
		return nil, err
	}
	_, ok, first, err := v.s.decideAll(ctx, p, f, policy.Disclose, meldingCats, purposeHandhaving, toLeerplicht)
	if err != nil {
		return nil, err
	}
	pup, err := v.s.d.Dossiers.DossierPupil(ctx, a.RegionID, sig.PupilID, v.s.today(), dossier.Want{Onderwijs: true, Contact: true})
	if err != nil {
		return nil, err
	}
	ms0 := &meldingSetup{sig: sig, pupil: pup, proposal: prop, facts: f, decision: first}
	if !ok {
		rec := v.s.decisionRecord(ctx, p, pup.Pseudonym, meldingCats, purposeHandhaving, audit.ActionShare, first, "", point, "verzuimmelding-voorbereiden")
		if err := v.s.d.Audit.Append(ctx, a.RegionID, rec); err != nil {
			return nil, err
		}
		return nil, denied(first)
	}
	return ms0, nil
}

// prefill is the form as the school starts it: what the signal knows, the school's location,
// the reporter (the signed-in user) and a parent's phone number.
func (v *verzuimHandlers) prefill(p *Principal, m *meldingSetup) map[string]string {
	c := m.proposal
	in := map[string]string{
		"begindatum": dutchNumeric(c.From), "vermoedelijke_reden": c.SuspectedReason, "actie_gemeente": "ja",
		"melder_naam": p.DisplayName(), "melder_functie": roleLabel(p.Role()), "melder_email": p.Account.Email,
	}
	if c.To != 0 {
		in["einddatum"] = dutchNumeric(c.To)
	}
	if c.AllLessonsMissed {
		in["alle_lessen"] = "ja"
	}
	// The lesson location is the reporting school's own BRIN with its vestiging (the school
	// making the melding), never another school's or a made-up one.
	for _, e := range m.pupil.Enrolments {
		if e.SchoolID == p.Actor().OrgID && e.BRIN != "" {
			in["leslocatie"] = e.BRIN + e.Vestiging
			if e.To == "" {
				break
			}
		}
	}
	for _, g := range m.pupil.Guardians {
		if g.Gezag && g.Phone != "" {
			in["telefoon_ouder"] = g.Phone
			break
		}
	}
	return in
}

// dutchNumeric writes a date as DD-MM-JJJJ, as the form asks for it.
func dutchNumeric(d absence.Date) string {
	y, m, dd := d.Civil()
	return fmt.Sprintf("%02d-%02d-%04d", dd, m, y)
}

func roleLabel(role string) string {
	switch role {
	case auth.RoleZorgcoordinator:
		return "zorgcoördinator"
	case auth.RoleDirecteur:
		return "directeur"
	case auth.RoleMentor:
		return "mentor"
	}
	return role
}

// formField is one text field of a form with its value and error.
type formField struct {
	Name, Label, Value, Err string
	Long                    bool
}

var meldingLabels = map[string]string{
	"begindatum": "Begindatum (DD-MM-JJJJ)", "einddatum": "Einddatum, als die bekend is (DD-MM-JJJJ)",
	"vermoedelijke_reden": "Vermoedelijke reden van het verzuim", "actie_school": "Wat heeft de school al gedaan?",
	"toelichting_geen_actie": "Waarom geen actie van de gemeente? (alleen bij nee)", "leslocatie": "Leslocatie: BRIN en vestiging",
	"melder_naam": "Naam van de melder", "melder_functie": "Functie van de melder", "melder_telefoon": "Telefoonnummer van de melder",
	"melder_email": "E-mailadres van de melder", "telefoon_ouder": "Telefoonnummer van een ouder of van de leerling",
	"verblijfadres": "Verblijfsadres, alleen als het anders is dan in de BRP",
}

func (v *verzuimHandlers) meldingData(m *meldingSetup, in, errs map[string]string) map[string]any {
	f := map[string]formField{}
	for name, label := range meldingLabels {
		long := name == "vermoedelijke_reden" || name == "actie_school" || name == "toelichting_geen_actie"
		f[name] = formField{Name: name, Label: label, Value: in[name], Err: errs[name], Long: long}
	}
	return map[string]any{"sig": m.sig, "naam": m.pupil.FirstName + " " + m.pupil.LastName, "voorstel": m.proposal,
		"wettelijk": m.proposal.Type.Statutory(), "in": in, "f": f, "hint": MeldingHint, "grondslag": groundLine(m.decision)}
}

func (v *verzuimHandlers) meldingForm(w http.ResponseWriter, r *http.Request) error {
	p := principalFrom(r.Context())
	id, err := parseID(r.PathValue("id"))
	if err != nil {
		return err
	}
	m, err := v.prepareMelding(r.Context(), p, id, audit.AccessUI)
	if v.redirectExisting(w, r, err) {
		return nil
	}
	if err != nil {
		return err
	}
	rec := v.s.decisionRecord(r.Context(), p, m.pupil.Pseudonym, meldingCats, purposeHandhaving, audit.ActionRead, m.decision, "", audit.AccessUI, "verzuimmelding-voorbereiden")
	if err := v.s.d.Audit.Append(r.Context(), p.Actor().RegionID, rec); err != nil {
		return err
	}
	return v.s.render(w, r, "verzuim_melding", "Verzuimmelding maken", v.meldingData(m, v.prefill(p, m), nil))
}

func (v *verzuimHandlers) meldingSubmit(w http.ResponseWriter, r *http.Request) error {
	p := principalFrom(r.Context())
	id, err := parseID(r.PathValue("id"))
	if err != nil {
		return err
	}
	m, err := v.prepareMelding(r.Context(), p, id, audit.AccessUI)
	if v.redirectExisting(w, r, err) {
		return nil
	}
	if err != nil {
		return err
	}
	in := map[string]string{}
	for _, f := range meldingFields {
		in[f.form] = r.PostFormValue(f.form)
	}
	mid, errs, err := v.createMelding(r.Context(), p, m, in, audit.AccessUI)
	if v.redirectExisting(w, r, err) {
		return nil
	}
	if err != nil {
		return err
	}
	if len(errs) > 0 {
		return v.s.renderForm(w, r, http.StatusBadRequest, "verzuim_melding", "Verzuimmelding maken", v.meldingData(m, in, errs), errs)
	}
	http.Redirect(w, r, "/verzuim/meldingen/"+v.s.pid(kindMelding, mid), http.StatusSeeOther)
	return nil
}

// alreadyReported: the signal's episode has a melding (not withdrawn). One melding per episode:
// a second submit of the form or the API leads to that melding instead of making another.
type alreadyReported struct{ id int64 }

func (e *alreadyReported) Error() string {
	return fmt.Sprintf("voor deze verzuimperiode is al een melding gedaan (melding %d)", e.id)
}

// redirectExisting answers a double submit: to the melding that exists (303).
func (v *verzuimHandlers) redirectExisting(w http.ResponseWriter, r *http.Request, err error) bool {
	var ar *alreadyReported
	if !errors.As(err, &ar) {
		return false
	}
	http.Redirect(w, r, "/verzuim/meldingen/"+v.s.pid(kindMelding, ar.id), http.StatusSeeOther)
	return true
}

// createMelding completes and stores the melding, and audits it as provided to leerplicht.
func (v *verzuimHandlers) createMelding(ctx context.Context, p *Principal, m *meldingSetup, in map[string]string, point audit.AccessPoint) (int64, map[string]string, error) {
	a := p.Actor()
	c, errs := meldingContent(m.proposal, in)
	if len(errs) > 0 {
		return 0, errs, nil
	}
	mel, err := absence.NewMelding(itoa(m.sig.PupilID), c, v.s.now())
	if err != nil {
		return 0, map[string]string{"vermoedelijke_reden": err.Error()}, nil
	}
	enc, err := v.d.Seal(ctx, a.RegionID)
	if err != nil {
		return 0, nil, err
	}
	gemeente, err := v.d.Store.PupilResidence(ctx, a.RegionID, m.sig.PupilID)
	if err != nil {
		return 0, nil, err
	}
	id, err := v.d.Store.CreateMeldingAudited(ctx, a.RegionID, m.sig.PupilID, a.OrgID, m.sig.ID, mel, func(id int64) ([]audit.Entry, error) {
		// The school's provision under its own activity, and leerplicht's receipt (the pupil's
		// gemeente) under the gemeente's own, linked by trace context (Logboek foreign_operation).
		share := v.s.decisionRecord(ctx, p, m.pupil.Pseudonym, meldingCats, purposeHandhaving, audit.ActionShare, m.decision, meldingRef(id), point, "verzuimmelding-versturen")
		recs := []audit.Record{share}
		if rec, ok := m.decision.ReceiptOf(share, a.RegionID, gemeente, auth.RoleLeerplicht); ok {
			recs = append(recs, rec)
		}
		log := access.Entries{Enc: enc}
		err := log.Append(ctx, a.RegionID, recs...)
		return log.List, err
	})
	if errors.Is(err, absence.ErrMeldingExists) {
		return 0, nil, &alreadyReported{id: id}
	}
	if err != nil {
		return 0, nil, err
	}
	return id, nil, nil
}

// meldingRef is how an audit record names a melding (a code: no spaces).
func meldingRef(id int64) string { return "verzuimmelding:" + itoa(id) }

// ---- meldingen: list, page, status, file

// visibleMelding loads a melding the principal may handle: the school's own (made by its
// school), or one about a pupil living in leerplicht's gemeente. Anything else is 404.
func (v *verzuimHandlers) visibleMelding(ctx context.Context, p *Principal, id int64) (absence.StoredMelding, error) {
	a := p.Actor()
	m, err := v.d.Store.Melding(ctx, a.RegionID, id)
	if errors.Is(err, storage.ErrNotFound) {
		return m, errNotFound
	}
	if err != nil {
		return m, err
	}
	switch a.Party {
	case "school":
		if m.SchoolID == a.OrgID {
			return m, nil
		}
	case "gemeente":
		rels, err := v.s.d.Dossiers.PupilRelations(ctx, a, m.PupilID, v.s.today())
		if err != nil {
			return m, err
		}
		for _, k := range rels {
			if k == dossier.RelMelding {
				return m, nil
			}
		}
	}
	return m, errNotFound
}

// meldingOfRequest is the preamble of every handler on one melding (page, status, DUO, API):
// the principal, the melding of the path's id, and whether the principal may handle it
// (visibleMelding: otherwise 404).
func (v *verzuimHandlers) meldingOfRequest(r *http.Request) (*Principal, absence.StoredMelding, error) {
	p := principalFrom(r.Context())
	id, err := parseID(r.PathValue("id"))
	if err != nil {
		return p, absence.StoredMelding{}, err
	}
	m, err := v.visibleMelding(r.Context(), p, id)
	return p, m, err
}

// meldingPseudonym is the pseudonym of the melding's pupil, for its audit records.
func (v *verzuimHandlers) meldingPseudonym(ctx context.Context, p *Principal, m absence.StoredMelding) (string, error) {
	pup, err := v.s.d.Dossiers.DossierPupil(ctx, p.Actor().RegionID, m.PupilID, v.s.today(), dossier.Want{})
	return pup.Pseudonym, err
}

// meldingRow is a melding in a list, as the principal may see it.
type meldingRow struct {
	absence.StoredMelding
	Name string // "" where the identification block is not allowed
	Ref  string // the pupil's pseudonymous reference (PupilRef)
}

// meldingPageSize is the number of meldingen on a page of the list.
const meldingPageSize = 50

// visibleMeldingen lists one page of the meldingen the principal handles: the school's own, or
// those in leerplicht's gemeente (not withdrawn). open limits to geregistreerd and in behandeling.
// The store pages and orders them in SQL (one count, one page); the policy is then asked for each
// pupil of the page whether absence may be read for purpose (with that pupil's facts), and the
// name is shown only where the identification block is allowed. Every decision is logged. It
// returns the page's rows, the total and how many meldingen of the page were withheld.
func (v *verzuimHandlers) visibleMeldingen(ctx context.Context, p *Principal, purpose string, open bool, pg dossier.Page, point audit.AccessPoint, name string) ([]meldingRow, int, int, error) {
	a := p.Actor()
	if a.Party != "school" && a.Party != "gemeente" {
		return nil, 0, 0, errForbidden
	}
	list, total, err := v.d.Store.MeldingList(ctx, a, v.s.today(), open, pg)
	if err != nil {
		return nil, 0, 0, err
	}
	may, _ := v.s.nameGate(ctx, p, purpose)
	var rows []meldingRow
	var recs []audit.Record
	var shown []named
	withheld := 0
	type verdict struct {
		allowed bool
		name    string
	}
	decided := map[int64]verdict{} // per pupil: one decision and one record however many meldingen
	for _, it := range list {
		vd, ok := decided[it.PupilID]
		if !ok {
			f, err := v.s.pupilFacts(ctx, p, it.PupilID, purpose)
			if err != nil {
				return nil, 0, 0, err
			}
			d, err := v.s.decideWith(ctx, p, f, policy.Read, "verzuim", purpose, policy.Actor{})
			if err != nil {
				return nil, 0, 0, err
			}
			recs = append(recs, v.s.decisionRecord(ctx, p, it.Pseudonym, []string{"verzuim"}, purpose, audit.ActionRead, d, f.Melding, point, name))
			vd.allowed = d.Allowed
			if d.Allowed {
				if ok, ans, err := may(it.PupilID); err != nil {
					return nil, 0, 0, err
				} else if ok {
					vd.name = it.FirstName + " " + it.LastName
					shown = append(shown, named{it.Pseudonym, ans})
				}
			}
			decided[it.PupilID] = vd
		}
		if !vd.allowed {
			withheld++
			continue
		}
		rows = append(rows, meldingRow{StoredMelding: it.StoredMelding, Name: vd.name, Ref: PupilRef(it.Pseudonym)})
	}
	if len(recs) > 0 {
		if err := v.s.d.Audit.Append(ctx, a.RegionID, recs...); err != nil {
			return nil, 0, 0, err
		}
	}
	if err := v.s.auditNames(ctx, p, shown, purpose, point, name); err != nil {
		return nil, 0, 0, err
	}
	return rows, total, withheld, nil
}

func (v *verzuimHandlers) meldingList(w http.ResponseWriter, r *http.Request) error {
	p := principalFrom(r.Context())
	purpose := p.Session.Purpose
	data := map[string]any{"doel": purpose, "doelLabel": Label(v.s.vocabOf(p).Purposes, purpose), "doelen": v.s.purposesFor(p), "terug": "/verzuim/meldingen",
		"gemeente": p.Actor().Party == "gemeente", "alle": r.URL.Query().Get("alle") == "ja"}
	if purpose == "" {
		return v.s.render(w, r, "doel_kiezen", "Kies uw doel", data)
	}
	pg, err := pageParams(r, "per-pagina", meldingPageSize, 200)
	if err != nil {
		return err
	}
	if pg.Sort, err = sortParam(r, absence.MeldingSorts()); err != nil {
		return err
	}
	open := p.Actor().Party == "gemeente" && r.URL.Query().Get("alle") != "ja"
	if wantsCSV(r) {
		return v.meldingCSV(w, r, p, purpose, open, pg.Sort)
	}
	rows, total, withheld, err := v.visibleMeldingen(r.Context(), p, purpose, open, pg, audit.AccessUI, "verzuimmeldingen-lijst")
	if err != nil {
		return err
	}
	data["meldingen"], data["weggelaten"], data["totaal"] = rows, withheld, total
	data["nav"], data["sorteer"] = listNav(r, pg, total), sortLinks(r, []string{"begindatum", "status", "soort"}, "-begindatum")
	title := "Verzuimmeldingen van de school"
	if p.Actor().Party == "gemeente" {
		title = "Verzuimmeldingen in behandeling"
	}
	return v.s.render(w, r, "verzuim_meldingen", title, data)
}

// meldingCSV exports the list (every page, at most exportMaxRows meldingen) through the same
// path as the page: every pupil's decision is logged, names only where identification is
// allowed.
func (v *verzuimHandlers) meldingCSV(w http.ResponseWriter, r *http.Request, p *Principal, purpose string, open bool, sort string) error {
	var all []meldingRow
	for n := 1; (n-1)*exportPageSize < exportMaxRows; n++ {
		rows, total, _, err := v.visibleMeldingen(r.Context(), p, purpose, open, dossier.Page{Number: n, Size: exportPageSize, Sort: sort}, audit.AccessUI, "verzuimmeldingen-export")
		if err != nil {
			return err
		}
		all = append(all, rows...)
		if n*exportPageSize >= total {
			break
		}
	}
	cw, err := csvWriter(w, "verzuimmeldingen-"+v.s.today())
	if err != nil {
		return err
	}
	if err := cw.Write([]string{"melding", "leerling", "soort", "begindatum", "einddatum", "status", "duo-nummer"}); err != nil {
		return err
	}
	for _, m := range all {
		who := m.Name
		if who == "" {
			who = "een leerling (" + m.Ref + ")"
		}
		to := ""
		if m.Content().To != 0 {
			to = dutchDate(m.Content().To.String())
		}
		if err := cw.Write(csvRow(v.s.PublicID("verzuimmelding", m.ID), who, string(m.Content().Type), dutchDate(m.Content().From.String()), to, m.Status().Label(), m.DUONumber())); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// statusChoices are the status changes the principal's party may make from the melding's status.
func statusChoices(party absence.Party, st absence.Status) []absence.Status {
	var out []absence.Status
	for _, to := range absence.Statuses() {
		probe, err := absence.RestoreMelding("x", absence.MeldingContent{Type: absence.MeldingStarting, From: 1, SuspectedReason: "x", SchoolAction: "x",
			GemeenteActionWanted: true, Location: "x", Reporter: absence.Contact{Name: "x", Function: "x", Phone: "x", Email: "x@x.nl"}, ParentPhone: "x"},
			st, timeZero, timeZero, closingFor(st), "", "", "")
		if err != nil {
			continue
		}
		ch := absence.StatusChange{To: to, By: party, At: timeZero}
		if to == absence.StatusClosed {
			ch.Reason = absence.CloseBackToSchool
		}
		if probe.Transition(ch) == nil {
			out = append(out, to)
		}
	}
	return out
}

// timeZero is the instant of the probe melding in statusChoices.
var timeZero time.Time

func closingFor(st absence.Status) absence.ClosingReason {
	if st == absence.StatusClosed {
		return absence.CloseBackToSchool
	}
	return ""
}

func partyOf(p *Principal) absence.Party {
	if p.Actor().Party == "gemeente" {
		return absence.PartyGemeente
	}
	return absence.PartySchool
}

// statusDecision is the policy's decision on changing a melding's status: the school provides
// the change to leerplicht; leerplicht records it in the pupil's file (which needs the melding).
func (v *verzuimHandlers) statusDecision(ctx context.Context, p *Principal, m absence.StoredMelding) (access.Decision, Facts, error) {
	f, err := v.s.pupilFacts(ctx, p, m.PupilID, purposeHandhaving)
	if err != nil {
		return access.Decision{}, f, err
	}
	var d access.Decision
	if p.Actor().Party == "gemeente" {
		d, err = v.s.decideWith(ctx, p, f, policy.Record, "verzuim", purposeHandhaving, policy.Actor{})
	} else {
		d, err = v.s.decideWith(ctx, p, f, policy.Disclose, "verzuim", purposeHandhaving, toLeerplicht)
	}
	return d, f, err
}

func (v *verzuimHandlers) meldingPage(w http.ResponseWriter, r *http.Request) error {
	return v.renderMelding(w, r, http.StatusOK, nil, nil)
}

func (v *verzuimHandlers) renderMelding(w http.ResponseWriter, r *http.Request, status int, in map[string]string, errs map[string]string) error {
	p, m, err := v.meldingOfRequest(r)
	if err != nil {
		return err
	}
	purpose := p.Session.Purpose
	if purpose == "" {
		return v.s.render(w, r, "doel_kiezen", "Kies uw doel", &purposePage{PurposeChoice: PurposeChoice{Doelen: v.s.purposesFor(p), Terug: r.URL.Path}})
	}
	a := p.Actor()
	f, err := v.s.pupilFacts(r.Context(), p, m.PupilID, purpose)
	if err != nil {
		return err
	}
	cats := []string{"verzuim", "identificatie", "contact"}
	ds, _, _, err := v.s.decideAll(r.Context(), p, f, policy.Read, cats, purpose, policy.Actor{})
	if err != nil {
		return err
	}
	pup, err := v.s.d.Dossiers.DossierPupil(r.Context(), a.RegionID, m.PupilID, v.s.today(), dossier.Want{})
	if err != nil {
		return err
	}
	var recs []audit.Record
	for i, d := range ds {
		recs = append(recs, v.s.decisionRecord(r.Context(), p, pup.Pseudonym, []string{cats[i]}, purpose, audit.ActionRead, d, meldingRef(m.ID), audit.AccessUI, "verzuimmelding-lezen"))
	}
	if err := v.s.d.Audit.Append(r.Context(), a.RegionID, recs...); err != nil {
		return err
	}
	if !ds[0].Allowed {
		return denied(ds[0])
	}
	hist, err := v.d.Store.MeldingHistory(r.Context(), a.RegionID, m.ID)
	if err != nil {
		return err
	}
	if in == nil {
		in = map[string]string{}
	}
	dv, err := v.duoView(r.Context(), p, m, r)
	if err != nil {
		return err
	}
	data := map[string]any{"duo": dv, "m": m, "c": m.Content(), "geschiedenis": hist, "verzuim": ds[0], "ident": ds[1], "contact": ds[2],
		"naam": pup.FirstName + " " + pup.LastName, "keuzes": statusChoices(partyOf(p), m.Status()), "gemeente": a.Party == "gemeente",
		"dossiers": a.Party == "gemeente" && v.s.hasRoute("/verzuim/dossiers"), "redenen": absence.ClosingReasons(), "notities": absence.ClosingNotes(), "in": in, "doelLabel": Label(v.s.vocabOf(p).Purposes, purpose)}
	return v.s.renderPage(w, r, status, "verzuim_melding_detail", fmt.Sprintf("Verzuimmelding %d", m.ID), data, errs)
}

// changeStatus applies a status change by the principal's party, decided by the policy and
// audited after the store's transaction.
func (v *verzuimHandlers) changeStatus(ctx context.Context, p *Principal, id int64, in map[string]string, point audit.AccessPoint) (absence.StoredMelding, error) {
	m, err := v.visibleMelding(ctx, p, id)
	if err != nil {
		return m, err
	}
	d, f, err := v.statusDecision(ctx, p, m)
	if err != nil {
		return m, err
	}
	pseudonym, err := v.meldingPseudonym(ctx, p, m)
	if err != nil {
		return m, err
	}
	if !d.Allowed {
		rec := v.s.decisionRecord(ctx, p, pseudonym, []string{"verzuim"}, purposeHandhaving, audit.ActionUpdate, d, f.Melding, point, "verzuimmelding-status")
		if err := v.s.d.Audit.Append(ctx, p.Actor().RegionID, rec); err != nil {
			return m, err
		}
		return m, denied(d)
	}
	st, err := absence.ParseStatus(strings.TrimSpace(in["status"]))
	if err != nil {
		return m, badField("status", "Kies een nieuwe status.")
	}
	ch := absence.StatusChange{To: st, By: partyOf(p), Reason: absence.ClosingReason(strings.TrimSpace(in["reden"])),
		Note: absence.ClosingNote(strings.TrimSpace(in["notitie"])), Contact: strings.TrimSpace(in["contactpersoon"]), At: v.s.now()}
	if st == absence.StatusClosed && ch.Reason == "" {
		return m, badField("reden", "Kies de reden van afsluiten.")
	}
	enc, err := v.d.Seal(ctx, p.Actor().RegionID)
	if err != nil {
		return m, err
	}
	out, err := v.d.Store.ChangeMeldingStatusAudited(ctx, p.Actor().RegionID, m.ID, ch, func(int64) ([]audit.Entry, error) {
		e, err := audit.NewEntry(v.s.decisionRecord(ctx, p, pseudonym, []string{"verzuim"}, purposeHandhaving, audit.ActionUpdate, d, meldingRef(m.ID), point, "verzuimmelding-status"), enc)
		return []audit.Entry{e}, err
	})
	if errors.Is(err, absence.ErrTransition) {
		field := "status"
		if strings.Contains(err.Error(), "reden") {
			field = "reden"
		} else if strings.Contains(err.Error(), "afsluitnotitie") {
			field = "notitie"
		}
		return m, &Error{Status: http.StatusConflict, Title: "Statuswijziging niet toegestaan", Detail: err.Error(), Field: field, Err: err}
	}
	if err != nil {
		return m, err
	}
	return out, nil
}

func (v *verzuimHandlers) statusSubmit(w http.ResponseWriter, r *http.Request) error {
	p := principalFrom(r.Context())
	id, err := parseID(r.PathValue("id"))
	if err != nil {
		return err
	}
	in := map[string]string{"status": r.PostFormValue("status"), "reden": r.PostFormValue("reden"), "notitie": r.PostFormValue("notitie"), "contactpersoon": r.PostFormValue("contactpersoon")}
	_, err = v.changeStatus(r.Context(), p, id, in, audit.AccessUI)
	var e *Error
	if errors.As(err, &e) && e.Field != "" {
		return v.renderMelding(w, r, e.Status, in, map[string]string{e.Field: e.Detail})
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/verzuim/meldingen/"+v.s.pid(kindMelding, id), http.StatusSeeOther)
	return nil
}
