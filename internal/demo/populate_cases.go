package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/grondslag/grondslag/internal/audit"
	"github.com/grondslag/grondslag/internal/casework"
	"github.com/grondslag/grondslag/internal/consent"
	"github.com/grondslag/grondslag/internal/convenant"
	"github.com/grondslag/grondslag/internal/ident"
	"github.com/grondslag/grondslag/internal/policy"
	"github.com/grondslag/grondslag/internal/region"
	"github.com/grondslag/grondslag/internal/store"
)

// populateCases opens a thuiszittersoverleg for every thuiszitter, through the casework service
// (so the policy decides every step and the audit log records it): the zorgcoördinator opens
// it, invites the family, brings in leerplicht (there is a melding), the SWV and jeugdhulp, and
// takes it to a plan van aanpak with agreements. The longest thuiszitters are escalated to a
// doorbraakoverleg with the onderwijsconsulent; one case is closed.
func populateCases(ctx context.Context, db *store.DB, ring *ident.KeyRing, res *Result, today time.Time) ([]Step, error) {
	if ring == nil {
		return nil, nil
	}
	conv, err := convenant.Default()
	if err != nil {
		return nil, err
	}
	cfg, err := consent.FromConvenant(conv)
	if err != nil {
		return nil, err
	}
	keys, err := ring.Region(res.Region.Code)
	if err != nil {
		return nil, err
	}
	clock := today.Add(10 * time.Hour)
	now := func() time.Time { clock = clock.Add(time.Second); return clock }
	guard := casework.NewGuard(conv, policy.NewEngine(conv), consent.NewRegister(db, cfg, nil))
	svc, err := casework.NewService(store.NewCaseStore(db), guard, store.CaseDirectory{DB: db}, keys, casework.DefaultConfig(), now)
	if err != nil {
		return nil, err
	}
	users := map[string]map[int64]casework.Actor{} // role → organisation → actor
	var first = map[region.Role]casework.Actor{}
	for _, a := range res.Accounts {
		org := region.Organisation{}
		for _, o := range res.Orgs {
			if o.ID == a.OrgID {
				org = o
			}
		}
		act := casework.Actor{Kind: casework.KindProfessional, UserID: a.UserID, OrganisationID: a.OrgID, Party: org.Party(), Role: string(a.Role), Name: a.Name}
		if users[string(a.Role)] == nil {
			users[string(a.Role)] = map[int64]casework.Actor{}
		}
		users[string(a.Role)][a.OrgID] = act
		if _, ok := first[a.Role]; !ok {
			first[a.Role] = act
		}
	}
	rid := res.Region.ID
	op := func(a casework.Actor) casework.Op {
		return casework.Op{Actor: a, Point: audit.AccessUI, RequestID: fmt.Sprintf("demo-casus-%d", clock.UnixNano())}
	}
	opened, escalated, closed := 0, 0, 0
	for i := range res.Pupils {
		p := &res.Pupils[i]
		if p.Profile != ProfileThuiszitter || p.SchoolID == 0 {
			continue
		}
		zc := users[string(region.RoleZorgcoordinator)][p.SchoolID]
		c, err := svc.Open(ctx, rid, op(zc), casework.OpenRequest{PupilID: p.ID, Type: "thuiszittersoverleg", Purpose: "toeleiding", Question: "De leerling komt al weken niet naar school. Welke plek en welke hulp passen?"})
		if err != nil {
			return nil, fmt.Errorf("casus leerling %d openen: %w", p.ID, err)
		}
		opened++
		if c, err = svc.InviteFamily(ctx, rid, op(zc), c.ID); err != nil {
			return nil, fmt.Errorf("gezin uitnodigen: %w", err)
		}
		for _, pid := range p.ParentIDs[:1] {
			if _, err := svc.Respond(ctx, rid, op(zc), c.ID, casework.Ref(fmt.Sprintf("ouder:%d", pid)), true, ""); err != nil {
				return nil, fmt.Errorf("uitnodiging beantwoorden: %w", err)
			}
		}
		// Leerplicht joins only where a verzuimmelding gives it the ground (a pupil of 18 or
		// older has none: that is RMC, not leerplicht).
		who := []casework.Actor{first[region.RoleSWVConsulent], first[region.RoleJeugdhulpverlener]}
		if has, err := db.HasMelding(ctx, rid, p.ID, clock); err != nil {
			return nil, err
		} else if has {
			who = append([]casework.Actor{users[string(region.RoleLeerplicht)][p.GemeenteID]}, who...)
		}
		for _, who := range who {
			if _, err := svc.AddProfessional(ctx, rid, op(zc), c.ID, who.UserID, ""); err != nil {
				return nil, fmt.Errorf("deelnemer %s toevoegen: %w", who.Role, err)
			}
		}
		for _, to := range []string{"voorbereiding", "overleg"} {
			if _, err := svc.Advance(ctx, rid, op(zc), c.ID, to, ""); err != nil {
				return nil, fmt.Errorf("fase %s: %w", to, err)
			}
		}
		if _, err := svc.WriteMinutes(ctx, rid, op(zc), c.ID, casework.MinutesInput{MeetingOn: today, ForParents: true,
			Text: "Overleg met ouder, leerplicht, samenwerkingsverband en jeugdhulp. De leerling wil terug naar school in een kleinere groep. Ouder stemt in met gezinsbegeleiding."}); err != nil {
			return nil, fmt.Errorf("verslag: %w", err)
		}
		if _, err := svc.Advance(ctx, rid, op(zc), c.ID, "plan-van-aanpak", ""); err != nil {
			return nil, fmt.Errorf("plan van aanpak: %w", err)
		}
		for k, ag := range []struct {
			what  string
			owner casework.Actor
		}{
			{"School maakt een maatwerkrooster voor de eerste vier weken", zc},
			{"Samenwerkingsverband zoekt een plek in een kleinere setting", first[region.RoleSWVConsulent]},
			{"Jeugdhulp start gezinsbegeleiding", first[region.RoleJeugdhulpverlener]},
		} {
			desc, owner, due, forParents := ag.what, casework.RefOf(ag.owner), today.AddDate(0, 0, 14*(k+1)), true
			if _, err := svc.AddAgreement(ctx, rid, op(zc), c.ID, casework.AgreementInput{Description: &desc, Owner: &owner, Due: &due, ForParents: &forParents}); err != nil {
				return nil, fmt.Errorf("afspraak: %w", err)
			}
		}
		switch {
		case p.Profile == ProfileThuiszitter && opened%3 == 1:
			oc := first[region.RoleOnderwijsconsulent]
			if _, err := svc.Escalate(ctx, rid, op(zc), c.ID, casework.EscalateRequest{Reason: "handmatig", Detail: "Ondanks afspraken geen passende plek gevonden; de leerling zit langer dan drie maanden thuis.",
				ConsultantID: oc.UserID, Holder: casework.Doorzettingsmacht{Name: "directeur-bestuurder", Function: "directeur-bestuurder samenwerkingsverband", OrganisationID: first[region.RoleSWVConsulent].OrganisationID}}); err != nil {
				return nil, fmt.Errorf("doorbraakoverleg: %w", err)
			}
			escalated++
		case opened == 2:
			if _, err := svc.Advance(ctx, rid, op(zc), c.ID, "uitvoering-en-evaluatie", ""); err != nil {
				return nil, fmt.Errorf("uitvoering: %w", err)
			}
			if _, err := svc.Close(ctx, rid, op(zc), c.ID, "terug-naar-school", "Leerling gaat sinds deze week weer halve dagen naar school."); err != nil {
				return nil, fmt.Errorf("afsluiten: %w", err)
			}
			closed++
		}
	}
	return []Step{{"casussen (thuiszittersoverleg)", opened}, {"doorbraakoverleggen", escalated}, {"casussen afgesloten", closed}}, nil
}
