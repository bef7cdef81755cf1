package web

import (
	"context"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/grondslag/grondslag/internal/access"
	"github.com/grondslag/grondslag/internal/audit"
	"github.com/grondslag/grondslag/internal/auth"
	"github.com/grondslag/grondslag/internal/civil"
	"github.com/grondslag/grondslag/internal/dossier"
	"github.com/grondslag/grondslag/internal/policy"
)

// Categories the pupil page can show today, in page order. Each is shown only when the policy
// allows reading it for the actor's purpose. (Absence, signals, meldingen, consents and case
// blocks join as their packages land.)
var pupilCategories = []struct{ Code, Title string }{
	{"identificatie", "Leerling"},
	{"onderwijs", "Inschrijvingen"},
	{"contact", "Ouders en verzorgers"},
	{"verzuim", "Verzuim: signalen en meldingen"},
	{"toestemming", "Toestemmingen"},
}

// block is one block of a pupil page with the decision it is shown (or withheld) under.
type block struct {
	Category string
	Title    string
	Allowed  bool
	Answer   Answer
}

// pupilView is a pupil as the actor may see it.
type pupilView struct {
	Pupil     dossier.Pupil
	Relations []dossier.RelationKind
	Purpose   string
	Blocks    []block
}

func (v *pupilView) allowed(cat string) bool {
	for _, b := range v.Blocks {
		if b.Category == cat {
			return b.Allowed
		}
	}
	return false
}

func (v *pupilView) anyAllowed() bool {
	for _, b := range v.Blocks {
		if b.Allowed {
			return true
		}
	}
	return false
}

// parentAnswer is the ground on which parents (and the pupil from 16) see the data about their
// own child: the data subject's right of access, not an exchange under the convenant.
var parentAnswer = Answer{Allowed: true, Ground: "avg-15", GroundText: "AVG art. 15 (recht op inzage)", Article: "AVG art. 15",
	Reason: "U heeft het gezag over deze leerling en mag de gegevens inzien.", ProcessingActivity: "urn:grondslag:verwerking:inzage-betrokkene"}

// readPupil is the one path to a pupil's data, shared by the UI and the API: relation check
// (404 without one), the policy per category for the purpose, and an audit record per decision.
func (s *Server) readPupil(ctx context.Context, p *Principal, pupilID int64, purpose string, point audit.AccessPoint) (*pupilView, error) {
	a := p.Actor()
	today := s.today()
	rels, err := s.d.Dossiers.PupilRelations(ctx, a, pupilID, today)
	if err != nil {
		return nil, err
	}
	if len(rels) == 0 {
		s.log.InfoContext(ctx, "leerling buiten relatie gevraagd", "request_id", requestID(ctx), "rol", a.Role)
		return nil, dossier.ErrNotVisible
	}
	v := &pupilView{Relations: rels, Purpose: purpose}
	var facts Facts
	now := s.now()
	if s.d.Facts != nil && a.ParentID == 0 && a.PupilID == 0 {
		if facts, err = s.d.Facts.DecisionContext(ctx, a, pupilID, purpose, now); err != nil {
			return nil, err
		}
	}
	for _, c := range pupilCategories {
		var ans Answer
		if a.ParentID != 0 || a.PupilID != 0 {
			ans = parentAnswer
		} else {
			q := policy.Request{Actor: policy.Actor{Party: a.Party, Role: a.Role}, Action: policy.Read, Category: c.Code, Purpose: purpose,
				Context: facts.policyContext(policy.LevelPerson, now)}
			d, err := s.ask(ctx, a.RegionID, access.Request{Request: q, ConsentFor: facts.consentRoute(q, a)})
			if err != nil {
				return nil, err
			}
			ans = answerOf(d)
		}
		v.Blocks = append(v.Blocks, block{Category: c.Code, Title: c.Title, Allowed: ans.Allowed, Answer: ans})
	}
	// Only the blocks the policy allowed are read from the store.
	want := dossier.Want{Onderwijs: v.allowed("onderwijs"), Contact: v.allowed("contact"), Verzuim: v.allowed("verzuim"), Toestemming: v.allowed("toestemming")}
	pup, err := s.d.Dossiers.DossierPupil(ctx, a.RegionID, pupilID, today, want)
	if err != nil {
		return nil, err
	}
	v.Pupil = pup
	// One audit record per distinct decision (categories decided alike share a record), all
	// appended together: one group commit per page.
	var recs []audit.Record
	for _, b := range v.Blocks {
		r := s.auditRecord(ctx, p, pup.Pseudonym, b.Category, purpose, b.Answer, facts, point, "leerling-lezen")
		merged := false
		for i := range recs {
			if sameDecision(recs[i], r) {
				recs[i].Categories = append(recs[i].Categories, b.Category)
				merged = true
				break
			}
		}
		if !merged {
			recs = append(recs, r)
		}
	}
	if err := s.d.Audit.Append(ctx, a.RegionID, recs...); err != nil {
		return nil, err
	}
	return v, nil
}

// consentRegisterLink is the link to the pupil's consent register when this user can open it: the
// zorgcoördinator (and mentor, directeur) of the pupil's own school, where the policy lets them
// read consents. "" otherwise.
func (s *Server) consentRegisterLink(p *Principal, v *pupilView) string {
	if p.Role() == auth.RoleOuder || !contains(consentReadRoles, p.Role()) || !slices.Contains(v.Relations, dossier.RelEnrolled) || !v.allowed("toestemming") {
		return ""
	}
	link := "/toestemmingen/leerling/" + s.pid(kindPupil, v.Pupil.ID)
	if !s.hasRoute(link) {
		return ""
	}
	return link
}

// PupilRef is the short pseudonymous reference of a pupil that pages show where the name may not
// be shown: "L-" and the first eight characters of the pseudonym, in capitals. It identifies the
// pupil only to whoever can look the pseudonym up (the store, the audit log).
func PupilRef(pseudonym string) string {
	if len(pseudonym) > 8 {
		pseudonym = pseudonym[:8]
	}
	return "L-" + strings.ToUpper(pseudonym)
}

func sameDecision(a, b audit.Record) bool {
	return a.Outcome == b.Outcome && a.LegalGround == b.LegalGround && a.Article == b.Article && a.Reason == b.Reason && a.ConsentID == b.ConsentID &&
		a.ProcessingActivity == b.ProcessingActivity && a.ConvenantVersion == b.ConvenantVersion
}

// audit appends the record of one decision.
func (s *Server) audit(ctx context.Context, p *Principal, pseudonym, category, purpose string, ans Answer, facts Facts, point audit.AccessPoint, name string) error {
	return s.d.Audit.Append(ctx, p.Actor().RegionID, s.auditRecord(ctx, p, pseudonym, category, purpose, ans, facts, point, name))
}

// auditRecord builds the record of one decision.
func (s *Server) auditRecord(ctx context.Context, p *Principal, pseudonym, category, purpose string, ans Answer, facts Facts, point audit.AccessPoint, name string) audit.Record {
	a := p.Actor()
	tc := traceContext(ctx)
	now := s.now()
	rec := audit.Record{
		Time:  now,
		Actor: audit.Actor{UserID: a.UserID, OrganisationID: a.OrgID, Role: a.Role},
		Pupil: pseudonym, Categories: []string{category}, Action: audit.ActionRead,
		Purpose: purpose, LegalGround: ans.Ground, Article: ans.Article, ConvenantVersion: ans.ConvenantVersion,
		ConsentID: ans.ConsentID, Melding: facts.Melding,
		AccessPoint: point, RequestID: requestID(ctx),
		// Each record is an operation of its own in the request's trace (no parent: the HTTP
		// request is no logged operation, and parent_span_id must name a record); an API
		// caller's traceparent is its foreign operation.
		TraceID: tc.TraceID, OperationID: audit.NewOperationID(), Foreign: foreignOperation(ctx, p),
		Name: name, Start: now, End: now, ProcessingActivity: ans.ProcessingActivity,
	}
	if ans.Allowed {
		rec.Outcome = audit.Allowed
	} else {
		rec.Outcome, rec.Reason = audit.Denied, "ontbreekt-"+orDefault(ans.Missing, "regel")
	}
	// The actor is exactly one of a user, a parent or an API client (a system of an
	// organisation, without a person).
	switch {
	case p.Client != nil:
		rec.Actor = audit.Actor{ClientID: p.Client.ID, OrganisationID: p.Client.OrgID, Role: rec.Actor.Role}
	case a.ParentID != 0:
		rec.Actor = audit.Actor{ParentID: a.ParentID, Role: rec.Actor.Role}
	case a.PupilID != 0:
		rec.Actor = audit.Actor{Self: true, Role: rec.Actor.Role}
	}
	if rec.Purpose == "" && (a.ParentID != 0 || a.PupilID != 0) {
		rec.Purpose = "inzage"
	}
	if ans.decided {
		// A decision of the policy: its fields go into the record in the one way
		// (access.Decision.Record); the parents' own access (parentAnswer) has none.
		rec = ans.Decision.Record(rec)
	}
	return rec
}

// ---- UI

const pageSize = 25

func pageParams(r *http.Request, sizeKey string, def, max int) (dossier.Page, error) {
	p := dossier.Page{Number: 1, Size: def}
	if v := r.URL.Query().Get("pagina"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 100000 {
			return p, badField("pagina", "pagina moet een geheel getal van 1 of hoger zijn")
		}
		p.Number = n
	}
	if v := r.URL.Query().Get(sizeKey); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > max {
			return p, badField(sizeKey, sizeKey+" moet een geheel getal van 1 tot en met "+strconv.Itoa(max)+" zijn")
		}
		p.Size = n
	}
	return p, nil
}

func (s *Server) pupilList(w http.ResponseWriter, r *http.Request) error {
	p := principalFrom(r.Context())
	pg, err := pageParams(r, "per-pagina", pageSize, 100)
	if err != nil {
		return err
	}
	if pg.Sort, err = sortParam(r, dossier.PupilSorts()); err != nil {
		return err
	}
	data := &pupilsPage{PurposeChoice: PurposeChoice{Doel: p.Session.Purpose, Doelen: s.purposesFor(p), Terug: "/leerlingen"}}
	if p.Session.Purpose == "" {
		data.Weigering = "Er is geen doel gekozen."
		return s.render(w, r, "leerlingen", "Leerlingen", data)
	}
	if _, denied := s.nameGate(r.Context(), p, p.Session.Purpose); denied != nil {
		data.Weigering = denied.Reason
		return s.render(w, r, "leerlingen", "Leerlingen", data)
	}
	q := r.URL.Query().Get("zoek")
	if wantsCSV(r) {
		return s.pupilCSV(w, r, p, q, pg.Sort)
	}
	list, total, err := s.visiblePupilPage(r.Context(), p, q, pg, "leerlingen-lijst")
	if err != nil {
		return err
	}
	data.Leerlingen, data.Totaal, data.Zoek, data.Toon = list, total, q, true
	data.Nav, data.Sorteer = listNav(r, pg, total), sortLinks(r, []string{"naam", "geboortedatum"}, "naam")
	return s.render(w, r, "leerlingen", "Leerlingen", data)
}

// pupilsPage is the pupil list: the purpose chooser while no purpose (or one that gives no names)
// is chosen, otherwise one page of the pupils.
type pupilsPage struct {
	View
	PurposeChoice
	Weigering  string // why no names are shown (Toon false)
	Toon       bool   // the list is shown
	Leerlingen []dossier.PupilSummary
	Totaal     int
	Zoek       string // the search text
	Nav        pageNav
	Sorteer    map[string]sortLink // by column: naam, geboortedatum
}

// purposePage asks for the purpose first (the doel_kiezen page).
type purposePage struct {
	View
	PurposeChoice
}

// visiblePupilPage is one page of the pupils the principal holds a relation with, names and
// birth dates blanked where the identification block is not allowed, and a record logged for
// every name shown.
func (s *Server) visiblePupilPage(ctx context.Context, p *Principal, q string, pg dossier.Page, name string) ([]dossier.PupilSummary, int, error) {
	list, total, err := s.d.Dossiers.VisiblePupils(ctx, p.Actor(), s.today(), q, pg)
	if err != nil {
		return nil, 0, err
	}
	list, shown, err := s.gateNames(ctx, p, p.Session.Purpose, list)
	if err != nil {
		return nil, 0, err
	}
	if err := s.auditNames(ctx, p, shown, p.Session.Purpose, audit.AccessUI, name); err != nil {
		return nil, 0, err
	}
	return list, total, nil
}

// pupilCSV exports the pupil list (every page, at most exportMaxRows pupils) through the same
// path as the page: names only where identification is allowed, each name shown logged.
func (s *Server) pupilCSV(w http.ResponseWriter, r *http.Request, p *Principal, q, sort string) error {
	var all []dossier.PupilSummary
	for n := 1; (n-1)*exportPageSize < exportMaxRows; n++ {
		list, total, err := s.visiblePupilPage(r.Context(), p, q, dossier.Page{Number: n, Size: exportPageSize, Sort: sort}, "leerlingen-export")
		if err != nil {
			return err
		}
		all = append(all, list...)
		if n*exportPageSize >= total {
			break
		}
	}
	cw, err := csvWriter(w, "leerlingen-"+s.today())
	if err != nil {
		return err
	}
	if err := cw.Write([]string{"leerling", "achternaam", "voornaam", "geboortedatum", "school", "leerjaar"}); err != nil {
		return err
	}
	for _, l := range all {
		birth := ""
		if l.BirthDate != "" {
			birth = dutchDate(l.BirthDate)
		}
		if err := cw.Write(csvRow(PupilRef(l.Pseudonym), l.LastName, l.FirstName, birth, l.SchoolName, l.Year)); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// gateNames blanks the names (and birth dates) in a list that the policy does not allow the user
// to see for purpose, and returns who was shown.
func (s *Server) gateNames(ctx context.Context, p *Principal, purpose string, list []dossier.PupilSummary) ([]dossier.PupilSummary, []named, error) {
	may, _ := s.nameGate(ctx, p, purpose)
	var shown []named
	for i := range list {
		ok, ans, err := may(list[i].ID)
		if err != nil {
			return nil, nil, err
		}
		if ok {
			shown = append(shown, named{list[i].Pseudonym, ans})
		} else {
			list[i].FirstName, list[i].LastName, list[i].BirthDate, list[i].Year = "", "", "", ""
		}
	}
	return list, shown, nil
}

func (s *Server) pupilPage(w http.ResponseWriter, r *http.Request) error {
	p := principalFrom(r.Context())
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return errNotFound
	}
	purpose := p.Session.Purpose
	if p.Role() == auth.RoleLeerling && civil.AgeOn(p.Pupil.BirthDate, civil.Today(s.now())) < 16 {
		return errNotFound // from 16 the pupil sees their own data; before that the parents with gezag do
	}
	if p.Role() != auth.RoleOuder && p.Role() != auth.RoleLeerling && purpose == "" {
		// Ask the purpose first; the relation check still comes first, so that this form does not
		// reveal that a pupil exists.
		rels, err := s.d.Dossiers.PupilRelations(r.Context(), p.Actor(), id, s.today())
		if err != nil {
			return err
		}
		if len(rels) == 0 {
			return errNotFound
		}
		return s.render(w, r, "doel_kiezen", "Kies uw doel", &purposePage{PurposeChoice: PurposeChoice{Doelen: s.purposesFor(p), Terug: r.URL.Path}})
	}
	v, err := s.readPupil(r.Context(), p, id, purpose, audit.AccessUI)
	if err != nil {
		return err
	}
	// A page on which every block is withheld is still a working page (it says what is missing
	// and how to change that: another purpose, a consent); only the name stays hidden.
	status := http.StatusOK
	// Parents see who looked at their child's data (newest first), with the proof that each
	// entry is in the latest signed checkpoint (parent_proof.go).
	var trail []TrailItem
	var proof *pupilProof
	trailUnreadable := false
	if (p.Role() == auth.RoleOuder || p.Role() == auth.RoleLeerling) && s.d.AuditReader != nil {
		if pr := s.proofReader(); pr != nil {
			if proof, err = provePupil(r.Context(), pr, p.Actor().RegionID, v.Pupil.Pseudonym); err != nil {
				return err
			}
			if proof != nil {
				proof.Self = p.Role() == auth.RoleLeerling
			}
		}
		all, err := s.d.AuditReader.PupilTrail(r.Context(), p.Actor().RegionID, v.Pupil.Pseudonym)
		if err != nil {
			if proof == nil || proof.OK() {
				return err
			}
			trailUnreadable = true // the proof block below says why, loudly
		}
		for i := len(all) - 1; i >= 0; i-- {
			if all[i].Role != auth.RoleOuder && all[i].Role != auth.RoleLeerling {
				trail = append(trail, all[i])
			}
		}
	}
	// The name is identification data: in the title, heading and breadcrumb only when that block
	// is allowed; otherwise "Een leerling" with the pseudonymous reference.
	title := "Een leerling (" + PupilRef(v.Pupil.Pseudonym) + ")"
	if v.allowed("identificatie") {
		title = v.Pupil.FirstName + " " + v.Pupil.LastName
	}
	return s.renderPage(w, r, status, "leerling", title, &pupilPageView{
		V: v, DoelLabel: Label(s.vocabOf(p).Purposes, purpose), PurposeChoice: PurposeChoice{Doelen: s.purposesFor(p)},
		Ouder: p.Role() == auth.RoleOuder || p.Role() == auth.RoleLeerling, Zelf: p.Role() == auth.RoleLeerling,
		Leeftijd: dossier.Age(v.Pupil.BirthDate, s.now().In(s.cfg.Location)),
		Spoor:    s.trailPage(r, trail), SpoorTotaal: len(trail), SpoorGekoppeld: s.d.AuditReader != nil, Bewijs: proof, SpoorFout: trailUnreadable,
		Register: s.consentRegisterLink(p, v), CasusOpenen: s.mayOpenCase(p),
	}, nil)
}

// pupilPageView is the pupil page (leerling): the blocks of the pupil's data, each shown or
// withheld, and for parents and the pupil themselves who looked at it.
type pupilPageView struct {
	View
	PurposeChoice  // only Doelen: the chooser to change purpose
	V              *pupilView
	DoelLabel      string // the label of the purpose the page was read for
	Ouder          bool   // a parent or the pupil reads (their own inzage)
	Zelf           bool   // the pupil reads their own data
	Leeftijd       int
	Spoor          trailView // who looked (parents and the pupil only)
	SpoorTotaal    int
	SpoorGekoppeld bool // the audit trail can be read in this installation
	Bewijs         *pupilProof
	SpoorFout      bool   // the trail could not be read (the proof block says why)
	Register       string // the link to the consent register, if any
	CasusOpenen    bool   // the user may open a case
}

// purposesFor lists the purposes the convenant gives the user's role: a purpose is offered when
// the policy allows the role to read or record at least one category of pupil data for it, now or
// once a fact is there (a DUO melding, a consent, a phase of the casusoverleg, another level).
// Purposes the convenant does not give the role at all are not offered.
func (s *Server) purposesFor(p *Principal) []Code {
	if p == nil {
		return nil
	}
	a := p.Actor()
	var out []Code
	for _, c := range s.vocabOf(p).Purposes {
		if s.purposeGivesRole(context.Background(), a.RegionID, a.Party, a.Role, c.Code) {
			out = append(out, c)
		}
	}
	return out
}

// liftable are the reasons of a refusal that a fact of the case can lift.
var liftable = map[string]bool{policy.MissingConsent: true, policy.MissingDUO: true, policy.MissingPhase: true, policy.MissingLevel: true}

// purposeGivesRole asks the policy (without logging: no pupil is concerned) whether the purpose
// gives the role anything of a pupil's data.
func (s *Server) purposeGivesRole(ctx context.Context, regionID int64, party, role, purpose string) bool {
	for _, c := range pupilCategories {
		for _, act := range []policy.Action{policy.Read, policy.Record} {
			for _, level := range []string{policy.LevelPerson, policy.LevelSchool} {
				d, err := s.ask(ctx, regionID, access.Request{Request: policy.Request{Actor: policy.Actor{Party: party, Role: role}, Action: act, Category: c.Code, Purpose: purpose,
					Context: policy.Context{Level: level}}})
				if err == nil && (d.Allowed || liftable[d.Missing]) {
					return true
				}
			}
		}
	}
	return false
}

func (s *Server) choosePurpose(w http.ResponseWriter, r *http.Request) error {
	p := principalFrom(r.Context())
	d := r.PostFormValue("doel")
	if !hasCode(s.purposesFor(p), d) {
		return badField("doel", "Kies een doel uit de lijst.")
	}
	if err := s.d.Sessions.SetSessionPurpose(r.Context(), p.Session.IDHash, d); err != nil {
		return err
	}
	s.log.InfoContext(r.Context(), "doel gekozen", "gebruiker_id", p.Account.ID, "doel", d)
	http.Redirect(w, r, safeReturnOr(r.PostFormValue("terug"), "/start"), http.StatusSeeOther)
	return nil
}

func safeReturnOr(p, def string) string {
	if v := safeReturn(p); v != "" {
		return v
	}
	return def
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
