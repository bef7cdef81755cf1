package web

import (
	"context"
	"net/http"
	"time"

	"github.com/grondslag/grondslag/internal/web/auth"
	"github.com/grondslag/grondslag/internal/web/dossier"
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
type WorkItem struct {
	PupilID int64
	Title   string
	Detail  string
	Date    string
}

// Worklists supplies work lists by kind; ok is false when it does not know the kind.
type Worklists interface {
	Worklist(ctx context.Context, a dossier.Actor, kind string, now time.Time) (items []WorkItem, ok bool, err error)
}

type workSection struct {
	Kind, Title, Empty string
	Items              []WorkItem
	Connected          bool
}

var roleWork = map[string][]workSection{
	auth.RoleZorgcoordinator: {
		{Kind: WorkOpenSignals, Title: "Leerlingen met open verzuimsignalen", Empty: "Er zijn geen open signalen."},
		{Kind: WorkMeldingenToDo, Title: "Verzuimmeldingen om af te maken", Empty: "Er liggen geen meldingen klaar."},
		{Kind: WorkConsentsExpiring, Title: "Toestemmingen die binnen 30 dagen verlopen", Empty: "Er verlopen binnenkort geen toestemmingen."},
	},
	auth.RoleMentor:            {{Kind: WorkOpenSignals, Title: "Leerlingen met open verzuimsignalen", Empty: "Er zijn geen open signalen."}},
	auth.RoleDirecteur:         {{Kind: WorkOpenSignals, Title: "Leerlingen met open verzuimsignalen", Empty: "Er zijn geen open signalen."}},
	auth.RoleLeerplicht:        {{Kind: WorkMeldingenOpen, Title: "Verzuimmeldingen in behandeling", Empty: "Er zijn geen meldingen in behandeling."}},
	auth.RoleSWVConsulent:      {{Kind: WorkCases, Title: "Casussen", Empty: "U neemt aan geen open casus deel."}},
	auth.RoleOnderwijsconsul:   {{Kind: WorkCases, Title: "Casussen en doorbraakoverleggen", Empty: "U neemt aan geen open casus deel."}},
	auth.RoleJeugdarts:         {{Kind: WorkCases, Title: "Casussen", Empty: "U neemt aan geen open casus deel."}},
	auth.RoleJeugdhulpverlener: {{Kind: WorkCases, Title: "Casussen", Empty: "U neemt aan geen open casus deel."}},
	auth.RoleOuder:             {{Kind: WorkParentConsents, Title: "Uw toestemmingen", Empty: "Er zijn geen toestemmingen vastgelegd."}},
}

func (s *Server) home(w http.ResponseWriter, r *http.Request) error {
	p := principalFrom(r.Context())
	ctx, a, now := r.Context(), p.Actor(), s.now()
	var sections []workSection
	for _, sec := range roleWork[a.Role] {
		if s.d.Work != nil {
			items, ok, err := s.d.Work.Worklist(ctx, a, sec.Kind, now)
			if err != nil {
				return err
			}
			sec.Items, sec.Connected = items, ok
		}
		sections = append(sections, sec)
	}
	data := map[string]any{"secties": sections, "rol": a.Role}
	switch a.Role {
	case auth.RoleOuder:
		kids, _, err := s.d.Dossiers.VisiblePupils(ctx, a, s.today(), "", dossier.Page{Number: 1, Size: 20})
		if err != nil {
			return err
		}
		data["kinderen"] = kids
		return s.render(w, r, "start_ouder", "Mijn kind", data)
	case auth.RoleBeheerder:
		return s.render(w, r, "start_beheerder", "Beheer", data)
	case auth.RoleFG:
		return s.render(w, r, "start_fg", "Functionaris gegevensbescherming", data)
	}
	data["doel"] = p.Session.Purpose
	data["doelLabel"] = Label(s.d.Vocab.Purposes, p.Session.Purpose)
	data["doelen"] = s.purposesFor(p)
	data["leerlingRol"] = contains(pupilRoles, a.Role)
	return s.render(w, r, "start", "Start", data)
}

func (s *Server) accountList(w http.ResponseWriter, r *http.Request) error {
	p := principalFrom(r.Context())
	accs, err := s.d.Accounts.Accounts(r.Context(), p.Account.RegionID)
	if err != nil {
		return err
	}
	return s.render(w, r, "accounts", "Accounts", map[string]any{"accounts": accs})
}

func (s *Server) auditView(w http.ResponseWriter, r *http.Request) error {
	p := principalFrom(r.Context())
	data := map[string]any{"gekoppeld": s.d.AuditReader != nil}
	if s.d.AuditReader != nil {
		recs, err := s.d.AuditReader.RecentAudit(r.Context(), p.Account.RegionID, 100)
		if err != nil {
			return err
		}
		data["regels"] = recs
	}
	return s.render(w, r, "audit", "Auditlog", data)
}
