package demo

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/grondslag/grondslag/internal/absence"
	"github.com/grondslag/grondslag/internal/access"
	"github.com/grondslag/grondslag/internal/audit"
	"github.com/grondslag/grondslag/internal/ident"
	"github.com/grondslag/grondslag/internal/policy"
	"github.com/grondslag/grondslag/internal/region"
	"github.com/grondslag/grondslag/internal/store"
)

// populateDossiers gives the first gemeente's leerplichtambtenaar (leerplicht1) the dossiers the
// demo shows: one on a melding in behandeling (relative absence) with a note, an invitation (its
// letter), the talk and an agreement; and one per child of the gemeente in absoluut verzuim (no
// melding), the first with a note and an invitation, the others still waiting for first contact
// (their term shows on the list). Each write goes through the store with its audit entry,
// decided on the model convenant like the web's writes.
func populateDossiers(ctx context.Context, db *store.DB, ring *ident.KeyRing, res *Result, today time.Time) ([]Step, error) {
	trails, err := newTrailMaker(res, ring)
	if err != nil {
		return nil, err
	}
	var gem int64
	for _, a := range res.Accounts {
		if a.Role == region.RoleLeerplicht {
			gem = a.OrgID
			break
		}
	}
	if gem == 0 {
		return nil, nil
	}
	lp := trails.account(gem, region.RoleLeerplicht)
	by := lp.Name + ", leerplichtambtenaar"
	day := absence.DateOf(today)
	at := func(d absence.Date) time.Time { return d.Time().Add(10 * time.Hour) }
	step := func(id int64, p *PupilRef, g absence.DossierGround, s absence.Step) error {
		s.By = by
		s, err := absence.NewStep(s, day)
		if err != nil {
			return err
		}
		cat := "casusverslag"
		if s.Kind == absence.StepAgreement {
			cat = "afspraken"
		}
		_, err = db.AddDossierStep(ctx, res.Region.ID, id, s, at(s.On), trails.dossierTrail(lp, p, g, cat, "leerplichtdossier-"+string(s.Kind), at(s.On)))
		return err
	}
	open := func(p *PupilRef, g absence.DossierGround, melding int64, on absence.Date) (int64, error) {
		id, err := db.OpenDossier(ctx, res.Region.ID, store.StoredDossier{PupilID: p.ID, GemeenteID: gem, MeldingID: melding, Ground: g, Opened: on}, at(on),
			trails.dossierTrail(lp, p, g, "identificatie", "leerplichtdossier-openen", at(on)))
		if errors.Is(err, store.ErrDossierExists) {
			return id, nil
		}
		return id, err
	}
	nRel := 0
	// Relative absence: the first melding in behandeling about a child of this gemeente.
	for i := range res.Pupils {
		p := &res.Pupils[i]
		if p.GemeenteID != gem || p.SchoolID == 0 || nRel > 0 {
			continue
		}
		ms, err := db.Meldingen(ctx, res.Region.ID, p.ID)
		if err != nil {
			return nil, err
		}
		for _, m := range ms {
			if !m.Status().Open() {
				continue
			}
			on := absence.DateOf(m.StatusAt())
			if on > day {
				on = day
			}
			id, err := open(p, absence.GroundRelative, m.ID, on)
			if err != nil {
				return nil, fmt.Errorf("dossier na melding: %w", err)
			}
			for _, s := range []absence.Step{
				{Kind: absence.StepNote, On: on, Source: "verzuimmelding en telefoongesprek met moeder", Text: "Moeder bevestigt dat de leerling 's ochtends niet naar school gaat; zij krijgt hem niet uit bed. Geen medische oorzaak bekend."},
				{Kind: absence.StepInvitation, On: on, Due: on + 8, Text: "Neem het rooster en de laatste schoolrapportage mee."},
				{Kind: absence.StepTalk, On: on + 8, Text: "Gesprek met leerling en moeder op het gemeentehuis. Leerling wil naar een andere klas; school is bereid dat te bekijken."},
				{Kind: absence.StepAgreement, On: on + 8, Due: on + 30, Text: "Leerling is elke dag om 8.30 uur op school; mentor belt moeder bij afwezigheid. Evaluatie na vier weken."},
			} {
				if s.On > day {
					break // the story so far
				}
				if err := step(id, p, absence.GroundRelative, s); err != nil {
					return nil, fmt.Errorf("dossierstap: %w", err)
				}
			}
			nRel++
			break
		}
	}
	// Absoluut verzuim: the gemeente's list (BRP) through the product's own use case
	// (absence.Service.ImportResidents, as `grondslag verzuim gemeentelijst` and the upload): the
	// children of this gemeente who left school, and one child who moved in and was never enrolled.
	nAbs, err := populateResidents(ctx, db, trails, res, gem, lp, today)
	if err != nil {
		return nil, fmt.Errorf("lijst van de gemeente: %w", err)
	}
	ds, err := db.DossiersInGemeente(ctx, res.Region.ID, gem)
	if err != nil {
		return nil, err
	}
	pupils := map[int64]*PupilRef{}
	for i := range res.Pupils {
		pupils[res.Pupils[i].ID] = &res.Pupils[i]
	}
	first := true
	for _, d := range ds {
		if d.Ground != absence.GroundAbsolute || !first {
			continue
		}
		first = false
		p := pupils[d.PupilID]
		if p == nil {
			var ps string
			if err := db.QueryRow(ctx, "SELECT pseudoniem FROM leerling WHERE regio_id = ? AND id = ?", res.Region.ID, d.PupilID).Scan(&ps); err != nil {
				return nil, err
			}
			p = &PupilRef{ID: d.PupilID, Pseudonym: ps, GemeenteID: gem}
		}
		for _, s := range []absence.Step{
			{Kind: absence.StepNote, On: d.Opened, Source: "lijst van de gemeente (BRP) vergeleken met de inschrijvingen", Text: "Het kind staat op geen school in de regio ingeschreven. Navraag bij de vorige woongemeente loopt."},
			{Kind: absence.StepInvitation, On: d.Opened, Due: day + 5},
		} {
			if err := step(d.ID, p, absence.GroundAbsolute, s); err != nil {
				return nil, fmt.Errorf("dossierstap: %w", err)
			}
		}
	}
	res.DossierGemeente = gem
	return []Step{{"leerplichtdossiers na een melding (met notitie, uitnodiging, gesprek en afspraak)", nRel}, {"leerplichtdossiers over absoluut verzuim (zonder melding)", nAbs}}, nil
}

// dossierTrail: leerplicht writes in its dossier, on the dossier's own ground (the melding, or the
// child enrolled nowhere).
func (t *trailMaker) dossierTrail(lp Account, p *PupilRef, g absence.DossierGround, cat, name string, at time.Time) store.DossierTrail {
	if t.keys == nil {
		return nil
	}
	return func(id, stepID int64) ([]audit.Entry, error) {
		ctx := policy.Context{Level: policy.LevelPerson, DUOMelding: g == absence.GroundRelative, NotEnrolled: g == absence.GroundAbsolute}
		act := audit.ActionCreate
		r, err := t.record(lp, policy.Request{Actor: policy.Actor{Party: "gemeente", Role: string(region.RoleLeerplicht)}, Action: policy.Record, Category: cat, Purpose: g.Purpose(),
			Context: ctx}, act, audit.AccessUI, name, at)
		if err != nil {
			return nil, err
		}
		r.Pupil, r.Melding = p.Pseudonym, fmt.Sprintf("leerplichtdossier:%d", id)
		if stepID != 0 {
			r.Melding += fmt.Sprintf(":stap:%d", stepID)
		}
		e, err := audit.NewEntry(r, t.keys)
		return []audit.Entry{e}, err
	}
}

// populateResidents reads the gemeente's list in with the absence service, twelve days before the
// reference day: the gemeente's children who left school (their number from the store) and one
// child of nine who moved in and was never enrolled.
func populateResidents(ctx context.Context, db *store.DB, trails *trailMaker, res *Result, gem int64, lp Account, today time.Time) (int, error) {
	if trails.keys == nil {
		return 0, nil
	}
	var b strings.Builder
	b.WriteString("bsn;voornaam;voorvoegsel;achternaam;geboortedatum\r\n")
	for _, p := range res.Pupils {
		if p.Profile != ProfileAbsoluut || p.GemeenteID != gem || p.SchoolID != 0 {
			continue
		}
		kind, number, err := db.PupilNumber(ctx, res.Region.ID, p.ID, trails.keys)
		if err != nil {
			return 0, err
		}
		if kind != ident.BSN {
			// Beyond the BSN test range a demo pupil has an onderwijsnummer only; the gemeente's
			// list (from the BRP) holds BSNs.
			continue
		}
		var first, last string
		if err := db.QueryRow(ctx, "SELECT voornaam, achternaam FROM leerling WHERE regio_id = ? AND id = ?", res.Region.ID, p.ID).Scan(&first, &last); err != nil {
			return 0, err
		}
		fmt.Fprintf(&b, "%s;%s;;%s;%s\r\n", number, first, last, p.BirthDate.Format("02-01-2006"))
	}
	// One child on the list who is enrolled nowhere and not yet known: a BSN past the pupils and
	// the former pupils of populateRetention. A region of more than 8,091 pupils has used every
	// BSN of the test range (the rest get onderwijsnummers, which a gemeente's list does not
	// hold), so a large demo has no such child.
	if n := len(res.Pupils) + 1000; n <= ident.MaxSyntheticBSNs {
		bsns, err := ident.SyntheticBSNs(n)
		if err != nil {
			return 0, fmt.Errorf("bsn of a child not yet known: %w", err)
		}
		fmt.Fprintf(&b, "%s;Sem;van;Leeuwen;%s\r\n", bsns[len(bsns)-1], today.AddDate(-9, -3, 0).Format("02-01-2006"))
	}
	asOf := absence.DateOf(today) - 12
	at := asOf.Time().Add(9 * time.Hour)
	ev, err := absence.NewEvaluator(res.Calendar, absence.DefaultRules())
	if err != nil {
		return 0, err
	}
	svc, err := absence.NewService(absence.ServiceDeps{Repo: store.AbsenceRepository{DB: db}, Decisions: trails.point, Log: refusalLog{db: db, keys: trails.keys},
		Seal:      func(context.Context, int64) (audit.Encrypter, error) { return trails.keys, nil },
		Evaluator: func(context.Context, int64) (*absence.Evaluator, error) { return ev, nil },
		Today:     func() absence.Date { return asOf }, Now: func() time.Time { return at },
		Residents: store.ResidentsRepository{DB: db, Keys: func(context.Context, int64) (store.Keys, error) { return trails.keys, nil }}})
	if err != nil {
		return 0, err
	}
	op := audit.NewOperationID()
	out, err := svc.ImportResidents(ctx, absence.ResidentsImport{RegionID: res.Region.ID, GemeenteID: gem, Actor: policy.Actor{Party: "gemeente", Role: string(region.RoleLeerplicht)},
		CSV: strings.NewReader(b.String()), AsOf: asOf,
		Base: audit.Record{Time: at, Actor: audit.Actor{UserID: lp.UserID, OrganisationID: lp.OrgID, Role: string(region.RoleLeerplicht)}, AccessPoint: audit.AccessUI,
			RequestID: "demo-" + op.String(), TraceID: audit.NewTraceID(), OperationID: op, Name: "gemeentelijst inlezen", Start: at, End: at.Add(time.Second)}})
	if err != nil {
		return 0, err
	}
	return len(out.NotEnrolled), nil
}

// refusalLog appends refused decisions to the region's log (the demo's writes are all allowed).
type refusalLog struct {
	db   *store.DB
	keys *ident.RegionKeys
}

func (l refusalLog) Append(ctx context.Context, regionID int64, recs ...audit.Record) error {
	es := access.Entries{Enc: l.keys}
	if err := es.Append(ctx, regionID, recs...); err != nil {
		return err
	}
	as := store.NewAuditStore(l.db)
	return l.db.WithTx(ctx, func(tx *store.Tx) error { return as.Append(ctx, tx, regionID, es.List...) })
}
