package demo

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/grondslag/grondslag/internal/absence"
	"github.com/grondslag/grondslag/internal/access"
	"github.com/grondslag/grondslag/internal/audit"
	"github.com/grondslag/grondslag/internal/convenant"
	"github.com/grondslag/grondslag/internal/ident"
	"github.com/grondslag/grondslag/internal/policy"
	"github.com/grondslag/grondslag/internal/region"
	"github.com/grondslag/grondslag/internal/store"
)

// historyDays is how many days of simulated use the demo's audit log holds.
const historyDays = 28

// visit is one simulated access, decided by the policy like a real one.
type visit struct {
	at      time.Time
	account Account
	party   string
	pupil   *PupilRef
	action  policy.Action
	cat     string
	purpose string
	to      policy.Actor
	melding bool
	point   audit.AccessPoint
	name    string
	audited audit.Action
}

// populateHistory gives the demo region an audit trail a new user can explore and `grondslag
// audit verify` can check: the meldingen the schools sent, the day's imports, and four weeks of
// simulated use (zorgcoördinatoren, mentors, leerplicht, the jeugdarts, the SWV looking at
// pupils), every visit decided by the policy on the model convenant, denied ones included, with
// a signed checkpoint at the end of every simulated day.
func populateHistory(ctx context.Context, db *store.DB, ring *ident.KeyRing, res *Result, today time.Time, plan []plannedMelding) ([]Step, error) {
	if ring == nil {
		// Without keys there is no log to write: the meldingen are stored without entries.
		for _, m := range plan {
			if _, err := db.CreateMelding(ctx, res.Region.ID, m.pupil.ID, m.pupil.SchoolID, m.signalID, m.melding); err != nil {
				return nil, err
			}
		}
		return []Step{{"verzuimmeldingen verstuurd", len(plan)}}, nil
	}
	conv, err := convenant.Default()
	if err != nil {
		return nil, err
	}
	point := access.New(policy.NewEngine(conv), res.Region.ID)
	keys, err := ring.Region(res.Region.Code)
	if err != nil {
		return nil, err
	}
	signer, err := audit.NewSigner(audit.Origin(res.Region.Code), keys.Signer())
	if err != nil {
		return nil, err
	}
	as := store.NewAuditStore(db)
	g := &historyGen{res: res, today: today}
	g.index(plan)
	trails, err := newTrailMaker(res, ring)
	if err != nil {
		return nil, err
	}
	ddu := newDemoDUO(res, keys)
	byDay := g.simulate()
	sends := map[time.Time][]plannedMelding{}
	for _, m := range plan {
		sends[day(m.reported)] = append(sends[day(m.reported)], m)
		if _, ok := byDay[day(m.reported)]; !ok {
			byDay[day(m.reported)] = nil
		}
	}
	type statusDue struct {
		id int64
		m  plannedMelding
	}
	dues := map[time.Time][]statusDue{}
	meldingen, inProgress := 0, 0
	days := make([]time.Time, 0, len(byDay))
	for d := range byDay {
		days = append(days, d)
	}
	sort.Slice(days, func(i, j int) bool { return days[i].Before(days[j]) })
	entries, denied, checkpoints := 0, 0, 0
	for i := 0; i < len(days); i++ { // days grows while we go: status changes fall on later days
		d := days[i]
		accs := byDay[d]
		sort.SliceStable(accs, func(i, j int) bool { return accs[i].at.Before(accs[j].at) })
		batch := make([]audit.Entry, 0, len(accs))
		for _, a := range accs {
			rec, err := g.record(ctx, point, a)
			if err != nil {
				return nil, err
			}
			if rec.Outcome == audit.Denied {
				denied++
			}
			e, err := audit.NewEntry(rec, keys)
			if err != nil {
				return nil, fmt.Errorf("auditregel: %w", err)
			}
			batch = append(batch, e)
		}
		if err := db.WithTx(ctx, func(tx *store.Tx) error { return as.Append(ctx, tx, res.Region.ID, batch...) }); err != nil {
			return nil, err
		}
		entries += len(batch)
		// In the afternoon the schools send the day's meldingen; leerplicht takes earlier ones in
		// behandeling. Each change is stored together with its audit entry.
		for _, m := range sends[d] {
			id, err := db.CreateMeldingAudited(ctx, res.Region.ID, m.pupil.ID, m.pupil.SchoolID, m.signalID, m.melding, trails.meldingTrail(m.pupil, m.reported))
			if err != nil {
				return nil, fmt.Errorf("melding leerling %d: %w", m.pupil.ID, err)
			}
			meldingen++
			entries++
			n, refused, err := ddu.exchange(ctx, db, res, trails, id, m)
			if err != nil {
				return nil, fmt.Errorf("melding leerling %d naar DUO: %w", m.pupil.ID, err)
			}
			entries += n
			if m.inProgress && !refused {
				due := day(m.reported).AddDate(0, 0, 3)
				if !due.Before(day(today)) {
					continue
				}
				dues[due] = append(dues[due], statusDue{id, m})
				if _, ok := byDay[due]; !ok {
					byDay[due] = nil
					days = insertDay(days, due)
				}
			}
		}
		for _, sd := range dues[d] {
			at := d.Add(16*time.Hour + 30*time.Minute)
			if _, err := db.ChangeMeldingStatusAudited(ctx, res.Region.ID, sd.id, absence.StatusChange{To: absence.StatusInProgress, By: absence.PartyGemeente, At: at, Contact: "leerplicht@gemeente.demo.grondslag.test"}, trails.statusTrail(sd.m.pupil, at)); err != nil {
				return nil, fmt.Errorf("status melding: %w", err)
			}
			inProgress++
			entries++
		}
		if _, err := as.MakeCheckpoint(ctx, res.Region.ID, signer, d.Add(18*time.Hour)); err != nil {
			return nil, fmt.Errorf("checkpoint: %w", err)
		}
		checkpoints++
	}
	return []Step{
		{"verzuimmeldingen verstuurd", meldingen},
		{"verzuimmeldingen in behandeling bij leerplicht", inProgress},
		{"verzuimmeldingen naar DUO (één met status van DUO, één geweigerd)", ddu.count()},
		{"auditregels (waarvan geweigerd: " + fmt.Sprint(denied) + ")", entries},
		{"ondertekende checkpoints", checkpoints},
	}, nil
}

type historyGen struct {
	res      *Result
	today    time.Time
	meldings map[int64][]time.Time // pupil → dates of their meldingen
	bySchool map[int64][]*PupilRef
	orgKind  map[int64]region.Organisation
}

func (g *historyGen) index(plan []plannedMelding) {
	g.meldings = map[int64][]time.Time{}
	g.bySchool = map[int64][]*PupilRef{}
	g.orgKind = map[int64]region.Organisation{}
	for _, o := range g.res.Orgs {
		g.orgKind[o.ID] = o
	}
	for i := range g.res.Pupils {
		if p := &g.res.Pupils[i]; p.SchoolID != 0 {
			g.bySchool[p.SchoolID] = append(g.bySchool[p.SchoolID], p)
		}
	}
	for _, m := range plan {
		g.meldings[m.pupil.ID] = append(g.meldings[m.pupil.ID], m.reported)
	}
}

// hasMelding reports whether the pupil had a melding before t.
func (g *historyGen) hasMelding(pupilID int64, t time.Time) bool {
	for _, at := range g.meldings[pupilID] {
		if at.Before(t) {
			return true
		}
	}
	return false
}

// insertDay inserts d into the sorted days, keeping them sorted.
func insertDay(days []time.Time, d time.Time) []time.Time {
	i := sort.Search(len(days), func(i int) bool { return !days[i].Before(d) })
	if i < len(days) && days[i].Equal(d) {
		return days
	}
	days = append(days, time.Time{})
	copy(days[i+1:], days[i:])
	days[i] = d
	return days
}

func day(t time.Time) time.Time { return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC) }

// simulate lays out the accesses per day. The pattern is fixed by the generated region, so the
// same seed gives the same history.
func (g *historyGen) simulate() map[time.Time][]visit {
	out := map[time.Time][]visit{}
	add := func(a visit) { out[day(a.at)] = append(out[day(a.at)], a) }
	start := day(g.today).AddDate(0, 0, -historyDays)
	for d := start; d.Before(day(g.today)); d = d.AddDate(0, 0, 1) {
		if d.Weekday() == time.Saturday || d.Weekday() == time.Sunday || !g.res.Calendar.IsSchoolDay(absenceDate(d)) {
			continue
		}
		n := int(d.Sub(start).Hours() / 24)
		for _, a := range g.res.Accounts {
			org := g.orgKind[a.OrgID]
			switch a.Role {
			case region.RoleZorgcoordinator, region.RoleMentor:
				pupils := g.bySchool[a.OrgID]
				for k := 0; k < 6 && len(pupils) > 0; k++ {
					p := pupils[(n*7+k*13+int(a.UserID))%len(pupils)]
					add(visit{at: d.Add(time.Duration(8*60+k*37) * time.Minute), account: a, party: "school", pupil: p, action: "lezen", cat: "verzuim", purpose: "signalering", point: audit.AccessUI, name: "leerlingpagina"})
				}
			case region.RoleLeerplicht:
				k := 0
				for i := range g.res.Pupils {
					p := &g.res.Pupils[i]
					if p.GemeenteID != org.ID || !g.hasMelding(p.ID, d) || (i+n)%3 != 0 {
						continue
					}
					add(visit{at: d.Add(time.Duration(9*60+k*11) * time.Minute), account: a, party: "gemeente", pupil: p, action: "lezen", cat: "verzuim", purpose: "handhaving-leerplicht", melding: true, point: audit.AccessUI, name: "dossier leerplicht"})
					k++
				}
				// A preventive talk at school about a pupil without a melding: a note on the person
				// is refused, and that refusal is in the log too.
				if pupils := g.bySchool[g.res.Orgs[len(g.res.Orgs)-1].ID]; n%5 == 0 && len(pupils) > 0 {
					p := pupils[n%len(pupils)]
					if !g.hasMelding(p.ID, d.Add(24*time.Hour)) {
						add(visit{at: d.Add(14 * time.Hour), account: a, party: "gemeente", pupil: p, action: "vastleggen", cat: "verzuim", purpose: "handhaving-leerplicht", point: audit.AccessUI, name: "notitie leerplicht"})
					}
				}
			case region.RoleJeugdarts:
				for i := range g.res.Pupils {
					p := &g.res.Pupils[i]
					if p.Profile == ProfileMazl && (i+n)%4 == 0 {
						add(visit{at: d.Add(11 * time.Hour), account: a, party: "ggd", pupil: p, action: "lezen", cat: "verzuim", purpose: "signalering", point: audit.AccessUI, name: "M@ZL-signaal"})
					}
				}
			case region.RoleSWVConsulent:
				for i := range g.res.Pupils {
					p := &g.res.Pupils[i]
					if p.Profile == ProfileThuiszitter && (i+n)%2 == 0 {
						add(visit{at: d.Add(13 * time.Hour), account: a, party: "swv", pupil: p, action: "lezen", cat: "ondersteuningsbehoefte", purpose: "toeleiding", point: audit.AccessUI, name: "thuiszittersoverzicht"})
					}
				}
			}
		}
	}
	return out
}

// record decides the visit with the policy and builds its audit record.
func (g *historyGen) record(ctx context.Context, point *access.Point, a visit) (audit.Record, error) {
	req := policy.Request{Actor: policy.Actor{Party: a.party, Role: string(a.account.Role)}, Action: a.action, Category: a.cat, Purpose: a.purpose, Recipient: a.to, Context: policy.Context{DUOMelding: a.melding}}
	d, err := point.Ask(ctx, access.Request{RegionID: point.RegionID(), Request: req})
	if err != nil {
		return audit.Record{}, err
	}
	action := a.audited
	if action == "" {
		action = map[policy.Action]audit.Action{"lezen": audit.ActionRead, "vastleggen": audit.ActionCreate, "verstrekken": audit.ActionShare}[a.action]
	}
	rec := audit.Record{
		Time:  a.at,
		Actor: audit.Actor{UserID: a.account.UserID, OrganisationID: a.account.OrgID, Role: string(a.account.Role)},
		Pupil: a.pupil.Pseudonym, Categories: []string{a.cat}, Action: action, Purpose: a.purpose,
		AccessPoint: a.point, RequestID: fmt.Sprintf("demo-%d-%d", a.at.UnixMilli(), a.pupil.ID),
		TraceID: audit.NewTraceID(), OperationID: audit.NewOperationID(),
		Name: a.name, Start: a.at, End: a.at.Add(40 * time.Millisecond),
	}
	rec = d.Record(rec)
	if a.melding {
		rec.Melding = "demo"
	}
	return rec, nil
}
