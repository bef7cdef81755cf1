package demo

import (
	"bytes"
	"context"
	"fmt"
	"github.com/grondslag/grondslag/internal/ident"
	"sort"
	"strconv"
	"time"

	"github.com/grondslag/grondslag/internal/absence"
	"github.com/grondslag/grondslag/internal/convenant"
	"github.com/grondslag/grondslag/internal/store"
)

// Step is one thing Populate did, for the summary the demo prints.
type Step struct {
	What  string
	Count int
}

// populateAbsence imports each school's registrations through the same path a school uses (a
// CSV file per school, ImportAbsence), evaluates the Leerplichtwet rules for every pupil, and
// turns most 16-hour and long-term signals into verzuimmeldingen, some of them already taken in
// behandeling or closed by the gemeente.
func populateAbsence(ctx context.Context, db *store.DB, ring *ident.KeyRing, res *Result, today time.Time) ([]Step, []plannedMelding, error) {
	bySchool := map[int64]*bytes.Buffer{}
	for _, r := range res.Registrations {
		b := bySchool[r.SchoolID]
		if b == nil {
			b = bytes.NewBufferString("leerling,datum,uren,reden\n")
			bySchool[r.SchoolID] = b
		}
		fmt.Fprintf(b, "%s,%s,%s,%s\n", r.Number, r.Day.Format(time.DateOnly), strconv.FormatFloat(r.Hours, 'f', -1, 64), r.Reason)
	}
	schools := make([]int64, 0, len(bySchool))
	for id := range bySchool {
		schools = append(schools, id)
	}
	sort.Slice(schools, func(i, j int) bool { return schools[i] < schools[j] })
	imported := 0
	trails, err := newTrailMaker(res, ring)
	if err != nil {
		return nil, nil, err
	}
	for _, id := range schools {
		imp, err := db.ImportAbsenceAudited(ctx, res.Region.ID, id, bySchool[id], false, today, trails.importTrail(id, today.AddDate(0, 0, -366).Add(6*time.Hour)))
		if err != nil {
			return nil, nil, fmt.Errorf("verzuim importeren school %d: %w", id, err)
		}
		imported += imp.Imported
	}
	// The demo region runs under the model convenant: its switches (and their versions by
	// date) decide the signals, as they do in the server.
	conv, err := convenant.Default()
	if err != nil {
		return nil, nil, err
	}
	ev, err := absence.NewRegionalEvaluator(res.Calendar, absence.DefaultRules(), conv.Regional(), "modelconvenant")
	if err != nil {
		return nil, nil, err
	}
	ids := make([]int64, len(res.Pupils))
	for i, p := range res.Pupils {
		ids[i] = p.ID
	}
	asOf := absence.DateOf(today)
	nExempt, err := populateExemption(ctx, db, res, today)
	if err != nil {
		return nil, nil, fmt.Errorf("vrijstelling: %w", err)
	}
	nSignals, err := db.RefreshSignals(ctx, res.Region.ID, ids, ev, asOf, today)
	if err != nil {
		return nil, nil, fmt.Errorf("signalen: %w", err)
	}
	plan, err := planMeldingen(ctx, db, res)
	if err != nil {
		return nil, nil, fmt.Errorf("verzuimmeldingen: %w", err)
	}
	return []Step{
		{"verzuimregels geïmporteerd (per school, als CSV)", imported},
		{"vrijstellingen (art. 5 sub a, aanvraag en besluit)", nExempt},
		{"signalen (Leerplichtwet, M@ZL)", nSignals},
	}, plan, nil
}

// populateExemption gives the last pupil with the 16-hour profile a vrijstelling under art. 5 sub
// a, requested by a parent with the jeugdarts's statement (art. 7) and granted by the
// leerplichtambtenaar before the absence, so the demo shows an exempt pupil raising no signals.
func populateExemption(ctx context.Context, db *store.DB, res *Result, today time.Time) (int, error) {
	var p *PupilRef
	for i := range res.Pupils {
		if res.Pupils[i].Profile == ProfileSixteen && res.Pupils[i].GemeenteID != 0 {
			p = &res.Pupils[i]
		}
	}
	if p == nil {
		return 0, nil
	}
	received := absence.DateOf(today.AddDate(0, 0, -380))
	r, err := absence.NewExemptionRequest(res.Calendar, absence.ExemptionRequest{Kind: absence.Exempt5a, Requester: absence.RequesterParent,
		RequesterName: "de ouders", Received: received, From: received + 7, To: absence.DateOf(today.AddDate(0, 6, 0)),
		Reason:    "Langdurig ziek; kan tijdelijk geen onderwijs volgen.",
		Documents: []absence.RequestDocument{{Kind: absence.DocStatement7, Issuer: "jeugdarts GGD", Date: received - 10}}})
	if err != nil {
		return 0, err
	}
	id, err := db.CreateExemptionRequest(ctx, res.Region.ID, p.ID, r, today, nil)
	if err != nil {
		return 0, err
	}
	_, err = db.DecideExemptionRequest(ctx, res.Region.ID, id, absence.ExemptionDecision{Outcome: absence.Granted, On: received + 5,
		Reasons:   "De verklaring van de jeugdarts (art. 7) toont dat de leerling lichamelijk niet in staat is een school te bezoeken.",
		DecidedBy: "leerplichtambtenaar", From: received + 7, To: absence.DateOf(today.AddDate(0, 6, 0))}, today, nil)
	if err != nil {
		return 0, err
	}
	res.Exempt = append(res.Exempt, p.ID)
	return 1, nil
}

// plannedMelding is a melding the demo's school sends on the day after its signal ends; the
// history creates it on that day, so the log stays in time order.
type plannedMelding struct {
	pupil      *PupilRef
	signalID   int64
	melding    *absence.Melding
	reported   time.Time
	inProgress bool // the gemeente takes it in behandeling three days later
}

// planMeldingen plans a melding to DUO (as a record; the link to DUO is out of scope) for most
// 16-hour and long-term signals, some of which the gemeente takes in behandeling.
func planMeldingen(ctx context.Context, db *store.DB, res *Result) ([]plannedMelding, error) {
	sigs, err := db.Signals(ctx, res.Region.ID, 0)
	if err != nil {
		return nil, err
	}
	pupils := map[int64]*PupilRef{}
	for i := range res.Pupils {
		pupils[res.Pupils[i].ID] = &res.Pupils[i]
	}
	schools := map[int64]string{}
	for _, o := range res.Orgs {
		schools[o.ID] = o.BRIN + o.Vestiging
	}
	reporter := map[int64]Account{}
	for _, a := range res.Accounts {
		if a.Role == "zorgcoordinator" {
			reporter[a.OrgID] = a
		}
	}
	var plan []plannedMelding
	for i, s := range sigs {
		if s.Kind != absence.Kind16Hours && s.Kind != absence.KindLongTerm {
			continue
		}
		p := pupils[s.PupilID]
		if p == nil || p.SchoolID == 0 || i%5 == 4 { // one in five is still to be reported
			continue
		}
		c, err := absence.ProposeMelding(s.Signal)
		if err != nil {
			continue
		}
		zc := reporter[p.SchoolID]
		c.SuspectedReason = map[bool]string{true: "Leerling komt al weken niet meer naar school; contact met ouders loopt moeizaam.", false: "Regelmatig ongeoorloofd afwezig, vooral de eerste uren."}[s.Kind == absence.KindLongTerm]
		c.SchoolAction = "Gesprek met leerling en ouders gevoerd; afspraken over aanwezigheid gemaakt."
		c.Location = schools[p.SchoolID]
		c.Reporter = absence.Contact{Name: zc.Name, Function: "zorgcoördinator", Phone: "020-5550100", Email: zc.Email}
		c.ParentPhone = "06-90000000"
		reported := s.To.Time().AddDate(0, 0, 1).Add(16 * time.Hour)
		m, err := absence.NewMelding(p.Pseudonym, c, reported)
		if err != nil {
			return nil, fmt.Errorf("melding leerling %d: %w", p.ID, err)
		}
		plan = append(plan, plannedMelding{pupil: p, signalID: s.ID, melding: m, reported: reported, inProgress: len(plan)%3 != 2})
	}
	return plan, nil
}

func absenceDate(t time.Time) absence.Date { return absence.DateOf(t) }
