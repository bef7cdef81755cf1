package web

import (
	"context"
	"net/http"
	"regexp"
	"time"

	"github.com/grondslag/grondslag/internal/access"
	"github.com/grondslag/grondslag/internal/audit"
	"github.com/grondslag/grondslag/internal/auth"
	"github.com/grondslag/grondslag/internal/dossier"
	"github.com/grondslag/grondslag/internal/policy"
)

// Work lists on the start pages (issue 15): what needs action, per role (roleWork, by the kinds
// of dossier.Work*). The store implements Worklists; the start page shows a list as "not yet
// connected" when nobody supplies it.

// DefaultReactionTerm is how many days leerplicht has to take up a new melding before the work
// list marks it overdue. No law sets a term; regions agree one (regional practice, check), so it
// is configurable (Config.ReactionTerm, GRONDSLAG_REACTIETERMIJN).
const DefaultReactionTerm = 10

// WorkItem is one line of a work list.
type WorkItem = dossier.WorkItem

// Worklists supplies work lists by kind for the actor on day today (YYYY-MM-DD), limited to
// pupils the actor holds a relation with; ok is false when it does not know the kind.
type Worklists interface {
	Worklist(ctx context.Context, a dossier.Actor, kind, today string) (items []WorkItem, ok bool, err error)
	// WorkPupils counts the distinct pupils of the whole list (a list shows at most 25 items).
	WorkPupils(ctx context.Context, a dossier.Actor, kind, today string) (n int, ok bool, err error)
}

type workSection struct {
	Kind, Title, Empty string
	// Category is the data an item reveals about the pupil (that there is a signal, a melding,
	// a consent request): an item is shown only where the policy lets the user read that
	// category of that pupil for the purpose he works under. Empty for cases the user takes
	// part in (his participation is the ground; the case pages decide per phase).
	Category  string
	Items     []workRow
	Connected bool
	// Hidden counts the items the policy did not let this user see for his purpose.
	Hidden int
	// CountOnly: the role sees how many pupils, never who (the directeur: the convenant gives
	// the role no pupil data, issue 15).
	CountOnly bool
	Count     int
}

// workRow is an item as the start page shows it.
type workRow struct {
	WorkItem
	Overdue bool
}

// WorkKind is a work list of a role, as the daily digest names it.
type WorkKind struct{ Kind, Title string }

// RoleWork returns the work lists of a role's start page (the daily digest counts the same).
func RoleWork(role string) []WorkKind {
	var out []WorkKind
	for _, s := range roleWork[role] {
		out = append(out, WorkKind{s.Kind, s.Title})
	}
	return out
}

var roleWork = map[string][]workSection{
	auth.RoleZorgcoordinator: {
		{Kind: dossier.WorkSignalsNoAction, Category: "verzuim", Title: "Verzuimsignalen zonder actie", Empty: "Elk signaal heeft een melding of een casus."},
		{Kind: dossier.WorkMeldingenToDo, Category: "verzuim", Title: "Verzuimmeldingen om af te maken", Empty: "Er liggen geen meldingen klaar."},
		{Kind: dossier.WorkConsentRequests, Category: "toestemming", Title: "Toestemmingsverzoeken die op antwoord wachten", Empty: "Er wachten geen verzoeken op antwoord."},
		{Kind: dossier.WorkConsentsExpiring, Category: "toestemming", Title: "Toestemmingen die binnen 30 dagen verlopen", Empty: "Er verlopen binnenkort geen toestemmingen."},
		{Kind: dossier.WorkAgreementsDue, Title: "Uw afspraken met een datum binnen twee weken", Empty: "U heeft geen afspraken die binnenkort aflopen."},
		{Kind: dossier.WorkQuestions, Title: "Vragen aan u in een casusoverleg", Empty: "Er staan geen vragen voor u open."},
	},
	auth.RoleMentor: {
		{Kind: dossier.WorkOpenSignals, Category: "verzuim", Title: "Leerlingen uit uw klassen met open verzuimsignalen", Empty: "Er zijn geen open signalen in uw klassen."},
		{Kind: dossier.WorkAgreementsDue, Title: "Uw afspraken met een datum binnen twee weken", Empty: "U heeft geen afspraken die binnenkort aflopen."},
	},
	auth.RoleDirecteur: {
		{Kind: dossier.WorkOpenSignals, Title: "Leerlingen met open verzuimsignalen", Empty: "Er zijn geen open signalen.", CountOnly: true},
		{Kind: dossier.WorkMeldingenToDo, Title: "Verzuimmeldingen die de school nog moet maken", Empty: "Er liggen geen meldingen klaar.", CountOnly: true},
	},
	auth.RoleLeerplicht: {
		{Kind: dossier.WorkMeldingenNew, Category: "verzuim", Title: "Nieuwe verzuimmeldingen", Empty: "Er zijn geen nieuwe meldingen."},
		{Kind: dossier.WorkMeldingenOpen, Category: "verzuim", Title: "Verzuimmeldingen in behandeling", Empty: "Er zijn geen meldingen in behandeling."},
		{Kind: dossier.WorkAgreementsDue, Title: "Uw afspraken met een datum binnen twee weken", Empty: "U heeft geen afspraken die binnenkort aflopen."},
		{Kind: dossier.WorkQuestions, Title: "Vragen aan u in een casusoverleg", Empty: "Er staan geen vragen voor u open."},
	},
	auth.RoleSWVConsulent: {
		{Kind: dossier.WorkCasesWaiting, Title: "Casussen in aanmelding of voorbereiding", Empty: "Er wachten geen casussen op u."},
		{Kind: dossier.WorkThuiszitters, Title: "Thuiszitters- en doorbraakoverleggen", Empty: "U neemt aan geen thuiszittersoverleg deel."},
		{Kind: dossier.WorkQuestions, Title: "Vragen aan u in een casusoverleg", Empty: "Er staan geen vragen voor u open."},
		{Kind: dossier.WorkCases, Title: "Casussen", Empty: "U neemt aan geen open casus deel."},
	},
	auth.RoleOnderwijsconsul: {
		{Kind: dossier.WorkThuiszitters, Title: "Thuiszitters- en doorbraakoverleggen", Empty: "U neemt aan geen thuiszittersoverleg deel."},
		{Kind: dossier.WorkCases, Title: "Casussen en doorbraakoverleggen", Empty: "U neemt aan geen open casus deel."},
	},
	auth.RoleJeugdarts: {
		{Kind: dossier.WorkMAZLConsent, Category: "verzuim", Title: "Leerlingen met ziekteverzuim (M@ZL) en toestemming", Empty: "Er zijn geen M@ZL-signalen met toestemming voor u."},
		{Kind: dossier.WorkQuestions, Title: "Vragen aan u in een casusoverleg", Empty: "Er staan geen vragen voor u open."},
		{Kind: dossier.WorkCases, Title: "Casussen", Empty: "U neemt aan geen open casus deel."},
	},
	auth.RoleJeugdhulpverlener: {
		{Kind: dossier.WorkQuestions, Title: "Vragen aan u in een casusoverleg", Empty: "Er staan geen vragen voor u open."},
		{Kind: dossier.WorkCases, Title: "Casussen", Empty: "U neemt aan geen open casus deel."},
	},
	auth.RoleOuder: {{Kind: dossier.WorkParentConsents, Title: "Uw toestemmingen", Empty: "Er zijn geen toestemmingen vastgelegd."}},
}

// isoInText finds ISO dates inside a work item's detail text; they are shown as Dutch dates.
var isoInText = regexp.MustCompile(`\b\d{4}-\d{2}-\d{2}\b`)

// workSections reads the role's work lists for the start page: per item the policy decides
// whether this user may see it for purpose (its category, with the pupil's facts) and whether
// the pupil's name may be shown (identification); what is shown is recorded in the audit trail.
func (s *Server) workSections(ctx context.Context, p *Principal, purpose string) (sections []workSection, anyHidden bool, err error) {
	a := p.Actor()
	if s.d.Work == nil {
		return append(sections, roleWork[a.Role]...), false, nil
	}
	may, _ := s.nameGate(ctx, p, purpose)
	gates := map[string]func(int64) (bool, Answer, error){}
	gate := func(category string) func(int64) (bool, Answer, error) {
		if g, ok := gates[category]; ok {
			return g
		}
		g, _ := s.categoryGate(ctx, p, purpose, category)
		gates[category] = g
		return g
	}
	today := s.today()
	var shown []named
	var recs []audit.Record
	recorded := map[string]bool{}
	for _, sec := range roleWork[a.Role] {
		if sec.CountOnly {
			// Only the number leaves this function: no name, no pupil, nothing to record. One
			// COUNT over the whole list (the items of a list stop at 25).
			n, ok, err := s.d.Work.WorkPupils(ctx, a, sec.Kind, today)
			if err != nil {
				return nil, false, err
			}
			sec.Connected, sec.Count = ok, n
			sections = append(sections, sec)
			continue
		}
		items, ok, err := s.d.Work.Worklist(ctx, a, sec.Kind, today)
		if err != nil {
			return nil, false, err
		}
		sec.Connected = ok
		for _, it := range items {
			if a.ParentID == 0 && sec.Category != "" {
				ok, ans, err := gate(sec.Category)(it.PupilID)
				if err != nil {
					return nil, false, err
				}
				if !ok {
					sec.Hidden++
					continue
				}
				if key := it.Pseudonym + "/" + sec.Category; !recorded[key] {
					recorded[key] = true
					recs = append(recs, s.auditRecord(ctx, p, it.Pseudonym, sec.Category, purpose, ans, Facts{}, audit.AccessUI, "startpagina-werklijsten"))
				}
			}
			ok, ans, err := may(it.PupilID)
			if err != nil {
				return nil, false, err
			}
			if ok {
				shown = append(shown, named{it.Pseudonym, ans})
			} else {
				it.Name = ""
				anyHidden = true
			}
			if sec.Kind == dossier.WorkMeldingenNew && it.Date != "" {
				it.Due = addDaysISO(it.Date, s.reactionTerm())
			}
			it.Title = workWord(it.Title)
			it.Detail = isoInText.ReplaceAllStringFunc(it.Detail, func(d string) string { return LongDate(d) })
			sec.Items = append(sec.Items, workRow{WorkItem: it, Overdue: it.Due != "" && it.Due < today})
		}
		sections = append(sections, sec)
	}
	if len(recs) > 0 {
		if err := s.d.Audit.Append(ctx, a.RegionID, recs...); err != nil {
			return nil, false, err
		}
	}
	if err := s.auditNames(ctx, p, shown, purpose, audit.AccessUI, "startpagina-werklijsten"); err != nil {
		return nil, false, err
	}
	return sections, anyHidden, nil
}

func (s *Server) reactionTerm() int {
	if s.cfg.ReactionTerm > 0 {
		return s.cfg.ReactionTerm
	}
	return DefaultReactionTerm
}

func addDaysISO(day string, n int) string {
	d, err := time.Parse("2006-01-02", day)
	if err != nil {
		return ""
	}
	return d.AddDate(0, 0, n).Format("2006-01-02")
}

func (s *Server) home(w http.ResponseWriter, r *http.Request) error {
	p := principalFrom(r.Context())
	ctx, a := r.Context(), p.Actor()
	purpose := ""
	if p.Session != nil {
		purpose = p.Session.Purpose
	}
	// Each item is shown only where the policy allows it for the purpose the user works under;
	// names only where identification is allowed; everything shown is recorded.
	sections, anyHidden, err := s.workSections(ctx, p, purpose)
	if err != nil {
		return err
	}
	lists := workLists{Secties: sections, Verborgen: anyHidden}
	switch a.Role {
	case auth.RoleLeerling:
		return s.pupilHome(w, r, p)
	case auth.RoleOuder:
		kids, _, err := s.d.Dossiers.VisiblePupils(ctx, a, s.today(), "", dossier.Page{Number: 1, Size: 20})
		if err != nil {
			return err
		}
		var ns []named
		for _, k := range kids {
			ns = append(ns, named{k.Pseudonym, parentAnswer})
		}
		if err := s.auditNames(ctx, p, ns, "", audit.AccessUI, "ouderportaal"); err != nil {
			return err
		}
		data := &parentHomePage{workLists: lists, Kinderen: kids, Inzage: s.hasRoute("/inzage"), ToestemmingOnline: s.onlineConsent}
		adults, err := s.adultChildren(ctx, a.RegionID, a.ParentID)
		if err != nil {
			return err
		}
		data.Volwassen = adults
		return s.render(w, r, "start_ouder", "Mijn kind", data)
	case auth.RoleBeheerder:
		return s.render(w, r, "start_beheerder", "Beheer", &adminHomePage{
			Bewaartermijnen: s.hasRoute("/bewaartermijnen"), Briefsjablonen: s.hasRoute("/beheer/briefsjablonen")})
	case auth.RoleFG:
		return s.render(w, r, "start_fg", "Functionaris gegevensbescherming", &adminHomePage{Bewaartermijnen: s.hasRoute("/bewaartermijnen")})
	}
	data := &homePage{workLists: lists}
	if s.d.Digest != nil && digestRole(a.Role) {
		on, err := s.d.Digest.DigestOn(ctx, a.RegionID, a.UserID)
		if err != nil {
			return err
		}
		data.Overzicht, data.OverzichtAan = true, on
	}
	data.Doel = purpose
	data.DoelLabel = Label(s.vocabOf(p).Purposes, purpose)
	data.Doelen = s.purposesFor(p)
	data.LeerlingRol = contains(pupilRoles, a.Role) && len(data.Doelen) > 0
	return s.render(w, r, "start", "Start", data)
}

// workLists is what the werklijsten partial shows: the sections of the user's worklists and
// whether names were left out. The partial also reads Doel (the chosen purpose), which the page
// embedding workLists provides.
type workLists struct {
	Secties   []workSection
	Verborgen bool // some names were not shown
}

// homePage is the start page of the roles that work with pupils: the purpose chooser, the
// worklists and the daily overview by e-mail.
type homePage struct {
	View
	PurposeChoice
	workLists
	DoelLabel    string // the label of the chosen purpose
	LeerlingRol  bool   // the role works with pupils and may choose a purpose
	Overzicht    bool   // the daily overview by e-mail is offered
	OverzichtAan bool   // and it is on
}

// parentHomePage is a parent's start page: their children, the worklists and (adult children)
// who still sees what.
type parentHomePage struct {
	View
	workLists
	Doel              string // always "": a parent works under no purpose; the werklijsten partial reads it
	Kinderen          []dossier.PupilSummary
	Inzage            bool // the rights pages are mounted
	ToestemmingOnline bool // online consent requests are mounted
	Volwassen         []adultChild
}

// adminHomePage is the start page of the administrator and the data protection officer (the
// latter reads only Bewaartermijnen).
type adminHomePage struct {
	View
	Bewaartermijnen bool // the retention pages are mounted
	Briefsjablonen  bool // the letter template pages are mounted
}

// ageBound reports whether the region's convenant bounds rule by the pupil's age.
func (s *Server) ageBound(ctx context.Context, regionID int64, rule string) bool {
	pt, err := s.d.Access.For(ctx, regionID)
	if err != nil || rule == "" {
		return false
	}
	for _, x := range pt.Convenant().Exchanges() {
		if x.ID == rule {
			return x.Ages.Set()
		}
	}
	return false
}

// named is a pupil whose name was shown, with the decision it was shown under.
type named struct {
	pseudonym string
	ans       Answer
}

// nameGate returns a function that says whether the pupil's name (category identificatie) may be
// shown to the user for purpose. It asks the policy once without facts; only when the policy says a
// fact is missing (a DUO melding, a consent) does it ask again per pupil with that pupil's facts.
//
// denied is the decision when the policy refuses names for this purpose whatever the pupil's
// facts (nil when names may depend on the pupil).
func (s *Server) nameGate(ctx context.Context, p *Principal, purpose string) (may func(pupilID int64) (bool, Answer, error), denied *Answer) {
	return s.categoryGate(ctx, p, purpose, "identificatie")
}

// categoryGate is nameGate for any category of data: whether the user may read that category
// of a pupil for purpose.
func (s *Server) categoryGate(ctx context.Context, p *Principal, purpose, category string) (may func(pupilID int64) (bool, Answer, error), denied *Answer) {
	a := p.Actor()
	if a.ParentID != 0 {
		return func(int64) (bool, Answer, error) { return true, parentAnswer, nil }, nil
	}
	if purpose == "" {
		no := Answer{Reason: "Er is geen doel gekozen.", Missing: "doel"}
		return func(int64) (bool, Answer, error) { return false, no, nil }, &no
	}
	q := access.Request{Request: policy.Request{Actor: policy.Actor{Party: a.Party, Role: a.Role}, Action: policy.Read, Category: category, Purpose: purpose,
		Context: policy.Context{Level: policy.LevelPerson}}}
	d, err := s.ask(ctx, a.RegionID, q)
	if err != nil {
		return func(int64) (bool, Answer, error) { return false, Answer{}, err }, nil
	}
	first := answerOf(d)
	// A rule bounded by age (leerplicht to 18, the RMC from 18) allows without an age: then
	// each pupil's age on the day decides.
	perPupil := first.Missing == policy.MissingDUO || first.Missing == policy.MissingConsent || (first.Allowed && s.ageBound(ctx, a.RegionID, d.RuleID))
	if s.d.Facts == nil || !perPupil {
		var d *Answer
		if !first.Allowed {
			d = &first
		}
		return func(int64) (bool, Answer, error) { return first.Allowed, first, nil }, d
	}
	return func(pupilID int64) (bool, Answer, error) {
		f, err := s.d.Facts.DecisionContext(ctx, a, pupilID, purpose, s.now())
		if err != nil {
			return false, Answer{}, err
		}
		q := q
		q.Context = f.policyContext(policy.LevelPerson, s.now())
		q.ConsentFor = f.consentRoute(q.Request, a)
		d, err := s.ask(ctx, a.RegionID, q)
		if err != nil {
			return false, Answer{}, err
		}
		return d.Allowed, answerOf(d), nil
	}, nil
}

// auditNames records that the pupils' names (identification data) were shown: one record per
// pupil, appended together.
func (s *Server) auditNames(ctx context.Context, p *Principal, shown []named, purpose string, point audit.AccessPoint, name string) error {
	seen := map[string]bool{}
	var recs []audit.Record
	for _, n := range shown {
		if seen[n.pseudonym] || !n.ans.Allowed {
			continue
		}
		seen[n.pseudonym] = true
		recs = append(recs, s.auditRecord(ctx, p, n.pseudonym, "identificatie", purpose, n.ans, Facts{}, point, name))
	}
	if len(recs) == 0 {
		return nil
	}
	return s.d.Audit.Append(ctx, p.Actor().RegionID, recs...)
}
