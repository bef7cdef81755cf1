package web

import (
	"context"
	"net/http"

	"github.com/grondslag/grondslag/internal/access"
	"github.com/grondslag/grondslag/internal/audit"
	"github.com/grondslag/grondslag/internal/auth"
	"github.com/grondslag/grondslag/internal/dossier"
	"github.com/grondslag/grondslag/internal/policy"
)

// Work lists on the start pages. Each concern (absence, consent, casework) implements Worklists
// for its kinds; the start page shows a list as "not yet connected" when nobody supplies it.
const (
	WorkOpenSignals      = "open-signalen"
	WorkMeldingenToDo    = "meldingen-af-te-maken"
	WorkConsentsExpiring = "toestemmingen-verlopen"
	WorkMeldingenOpen    = "meldingen-in-behandeling"
	WorkCases            = "casussen"
	WorkParentConsents   = "toestemmingen-ouder"
)

// WorkItem is one line of a work list.
type WorkItem = dossier.WorkItem

// Worklists supplies work lists by kind for the actor on day today (YYYY-MM-DD), limited to
// pupils the actor holds a relation with; ok is false when it does not know the kind.
type Worklists interface {
	Worklist(ctx context.Context, a dossier.Actor, kind, today string) (items []WorkItem, ok bool, err error)
}

type workSection struct {
	Kind, Title, Empty string
	Items              []WorkItem
	Connected          bool
	// CountOnly: the role sees how many, never who (the directeur: the convenant gives the role
	// no pupil data, issue 15).
	CountOnly bool
	Count     int
}

var roleWork = map[string][]workSection{
	auth.RoleZorgcoordinator: {
		{Kind: WorkOpenSignals, Title: "Leerlingen met open verzuimsignalen", Empty: "Er zijn geen open signalen."},
		{Kind: WorkMeldingenToDo, Title: "Verzuimmeldingen om af te maken", Empty: "Er liggen geen meldingen klaar."},
		{Kind: WorkConsentsExpiring, Title: "Toestemmingen die binnen 30 dagen verlopen", Empty: "Er verlopen binnenkort geen toestemmingen."},
	},
	auth.RoleMentor: {{Kind: WorkOpenSignals, Title: "Leerlingen met open verzuimsignalen", Empty: "Er zijn geen open signalen."}},
	auth.RoleDirecteur: {
		{Kind: WorkOpenSignals, Title: "Leerlingen met open verzuimsignalen", Empty: "Er zijn geen open signalen.", CountOnly: true},
		{Kind: WorkMeldingenToDo, Title: "Verzuimmeldingen die de school nog moet maken", Empty: "Er liggen geen meldingen klaar.", CountOnly: true},
	},
	auth.RoleLeerplicht:        {{Kind: WorkMeldingenOpen, Title: "Verzuimmeldingen in behandeling", Empty: "Er zijn geen meldingen in behandeling."}},
	auth.RoleSWVConsulent:      {{Kind: WorkCases, Title: "Casussen", Empty: "U neemt aan geen open casus deel."}},
	auth.RoleOnderwijsconsul:   {{Kind: WorkCases, Title: "Casussen en doorbraakoverleggen", Empty: "U neemt aan geen open casus deel."}},
	auth.RoleJeugdarts:         {{Kind: WorkCases, Title: "Casussen", Empty: "U neemt aan geen open casus deel."}},
	auth.RoleJeugdhulpverlener: {{Kind: WorkCases, Title: "Casussen", Empty: "U neemt aan geen open casus deel."}},
	auth.RoleOuder:             {{Kind: WorkParentConsents, Title: "Uw toestemmingen", Empty: "Er zijn geen toestemmingen vastgelegd."}},
}

func (s *Server) home(w http.ResponseWriter, r *http.Request) error {
	p := principalFrom(r.Context())
	ctx, a := r.Context(), p.Actor()
	purpose := ""
	if p.Session != nil {
		purpose = p.Session.Purpose
	}
	// Names in the work lists are identification data: shown only when the policy allows it for
	// the purpose the user works under (per pupil, with that pupil's facts), and every pupil named
	// is recorded in the audit trail.
	may, _ := s.nameGate(ctx, p, purpose)
	var sections []workSection
	var shown []named
	anyHidden := false
	for _, sec := range roleWork[a.Role] {
		if s.d.Work != nil {
			items, ok, err := s.d.Work.Worklist(ctx, a, sec.Kind, s.today())
			if err != nil {
				return err
			}
			if sec.CountOnly {
				// Only the number leaves this function: no name, no pupil, nothing to record.
				sec.Count, sec.Connected = len(items), ok
				sections = append(sections, sec)
				continue
			}
			for i := range items {
				ok, ans, err := may(items[i].PupilID)
				if err != nil {
					return err
				}
				if ok {
					shown = append(shown, named{items[i].Pseudonym, ans})
				} else {
					items[i].Name = ""
					anyHidden = true
				}
			}
			sec.Items, sec.Connected = items, ok
		}
		sections = append(sections, sec)
	}
	if err := s.auditNames(ctx, p, shown, purpose, audit.AccessUI, "startpagina-werklijsten"); err != nil {
		return err
	}
	data := map[string]any{"secties": sections, "rol": a.Role, "verborgen": anyHidden}
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
		data["kinderen"] = kids
		data["inzage"] = s.hasRoute("/inzage")
		data["toestemmingOnline"] = s.onlineConsent
		adults, err := s.adultChildren(ctx, a.RegionID, a.ParentID)
		if err != nil {
			return err
		}
		data["volwassen"] = adults
		return s.render(w, r, "start_ouder", "Mijn kind", data)
	case auth.RoleBeheerder:
		data["bewaartermijnen"] = s.hasRoute("/bewaartermijnen")
		return s.render(w, r, "start_beheerder", "Beheer", data)
	case auth.RoleFG:
		data["bewaartermijnen"] = s.hasRoute("/bewaartermijnen")
		return s.render(w, r, "start_fg", "Functionaris gegevensbescherming", data)
	}
	data["doel"] = purpose
	data["doelLabel"] = Label(s.vocabOf(p).Purposes, purpose)
	data["doelen"] = s.purposesFor(p)
	data["leerlingRol"] = contains(pupilRoles, a.Role) && len(data["doelen"].([]Code)) > 0
	return s.render(w, r, "start", "Start", data)
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
	a := p.Actor()
	if a.ParentID != 0 {
		return func(int64) (bool, Answer, error) { return true, parentAnswer, nil }, nil
	}
	if purpose == "" {
		no := Answer{Reason: "Er is geen doel gekozen.", Missing: "doel"}
		return func(int64) (bool, Answer, error) { return false, no, nil }, &no
	}
	q := access.Request{Request: policy.Request{Actor: policy.Actor{Party: a.Party, Role: a.Role}, Action: policy.Read, Category: "identificatie", Purpose: purpose,
		Context: policy.Context{Level: policy.LevelPerson}}}
	d, err := s.ask(ctx, a.RegionID, q)
	if err != nil {
		return func(int64) (bool, Answer, error) { return false, Answer{}, err }, nil
	}
	first := answerOf(d)
	if first.Allowed || s.d.Facts == nil || (first.Missing != policy.MissingDUO && first.Missing != policy.MissingConsent) {
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
		q.Context.DUOMelding = f.DUOMelding
		q.ConsentFor = access.ConsentFunc(f.ConsentFor)
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
