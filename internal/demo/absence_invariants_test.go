package demo_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/grondslag/grondslag/internal/absence"
	"github.com/grondslag/grondslag/internal/demo"
	"github.com/grondslag/grondslag/internal/ident"
	"github.com/grondslag/grondslag/internal/store"
	"github.com/grondslag/grondslag/internal/store/storetest"
)

// TestDemoAbsenceDoneWhen checks issue 13's "done when" on a built demo region: no pupil has two
// open signals for one episode, no open signal is covered by a melding, no episode has two
// meldingen, and no pupil aged 18 or more on the day has an art. 21a proposal.
func TestDemoAbsenceDoneWhen(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		ringPath := filepath.Join(t.TempDir(), "k.json")
		res := generate(t, db, 11, ringPath)
		ring, err := ident.LoadKeyFile(ringPath)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := demo.Populate(ctx, db, ring, res, today); err != nil {
			t.Fatal(err)
		}
		sigs, err := db.Signals(ctx, res.Region.ID, 0)
		if err != nil {
			t.Fatal(err)
		}
		if len(sigs) == 0 {
			t.Fatal("the demo region has no signals")
		}
		births := map[int64]absence.Date{}
		for _, p := range res.Pupils {
			births[p.ID] = absence.DateOf(p.BirthDate)
		}
		family := func(k absence.Kind) absence.Kind {
			switch k {
			case absence.KindStarting, absence.Kind16Hours, absence.KindLongTerm:
				return absence.Kind16Hours
			}
			return k
		}
		type key struct {
			pupil int64
			kind  absence.Kind
		}
		var last = map[key]store.StoredSignal{}
		covered := 0
		for _, s := range sigs {
			k := key{s.PupilID, family(s.Kind)}
			// Episodes of one pupil and kind never overlap: two overlapping signals would be two
			// signals for one episode.
			if prev, ok := last[k]; ok && s.From <= prev.To {
				t.Errorf("pupil %d: signals %d and %d overlap (%s %s–%s and %s %s–%s)", s.PupilID, prev.ID, s.ID, prev.Kind, prev.From, prev.To, s.Kind, s.From, s.To)
			}
			last[k] = s
			if s.MeldingID != 0 {
				covered++
				if s.Open() {
					t.Errorf("signal %d is covered by melding %d but open", s.ID, s.MeldingID)
				}
			}
			// Art. 21a proposals only for days the pupil was under 18.
			if s.Kind == absence.Kind16Hours || s.Kind == absence.KindStarting || s.Kind == absence.KindLongTerm || s.Kind == absence.KindLuxury || s.Kind == absence.KindSickSuspect {
				b := births[s.PupilID]
				if eighteen := b.AddMonths(18 * 12); s.To >= eighteen {
					t.Errorf("pupil %d (born %s) has a %s proposal up to %s, past 18", s.PupilID, b, s.Kind, s.To)
				}
			}
		}
		// The exempt pupil raises no signals.
		if len(res.Exempt) == 0 {
			t.Error("the demo region should show an exempt pupil")
		}
		for _, id := range res.Exempt {
			for _, s := range sigs {
				if s.PupilID == id && s.Kind != absence.KindAbsolute {
					t.Errorf("exempt pupil %d has a signal %s %s–%s", id, s.Kind, s.From, s.To)
				}
			}
		}
		todo, err := db.SignalsToReport(ctx, res.Region.ID, 0, absence.DateOf(today))
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range todo {
			if s.MeldingID != 0 {
				t.Errorf("signal %d to report is covered by melding %d", s.ID, s.MeldingID)
			}
		}
		var dup int
		if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM (SELECT signaal_id FROM verzuimmelding WHERE regio_id = ? AND signaal_id IS NOT NULL AND status <> 'ingetrokken'
			GROUP BY signaal_id HAVING COUNT(*) > 1) x`, res.Region.ID).Scan(&dup); err != nil || dup != 0 {
			t.Errorf("%d episodes with more than one melding (%v)", dup, err)
		}
		if covered == 0 {
			t.Error("the demo region should show signals covered by a melding")
		}
		t.Logf("%d signals, %d covered by a melding, %d to report", len(sigs), covered, len(todo))
		checkDemoDossiers(t, db, res)
	})
}

// checkDemoDossiers: the demo shows the leerplicht dossier's paths for leerplicht1's gemeente: a
// dossier after a melding with a note and an invitation whose letter prints, and an
// absoluut-verzuim dossier (no melding) for a child of compulsory age enrolled nowhere.
func checkDemoDossiers(t *testing.T, db *store.DB, res *demo.Result) {
	ctx := context.Background()
	if res.DossierGemeente == 0 {
		t.Fatal("the demo names no gemeente with dossiers")
	}
	ds, err := db.DossiersInGemeente(ctx, res.Region.ID, res.DossierGemeente)
	if err != nil {
		t.Fatal(err)
	}
	births := map[int64]absence.Date{}
	for _, p := range res.Pupils {
		births[p.ID] = absence.DateOf(p.BirthDate)
	}
	day := absence.DateOf(today)
	var rel, abs int
	for _, d := range ds {
		steps, err := db.DossierSteps(ctx, res.Region.ID, d.ID)
		if err != nil {
			t.Fatal(err)
		}
		switch d.Ground {
		case absence.GroundRelative:
			m, err := db.Melding(ctx, res.Region.ID, d.MeldingID)
			if err != nil || m.PupilID != d.PupilID || !m.Status().Open() {
				t.Errorf("dossier %d rests on melding %d: %+v %v", d.ID, d.MeldingID, m, err)
			}
			var note, letter bool
			for _, s := range steps {
				note = note || (s.Kind == absence.StepNote && s.Source != "" && s.Text != "")
				if s.Kind.HasLetter() {
					pdf, err := absence.StepLetter(absence.StepLetterData{Gemeente: "Gemeente", Pupil: "Kind", Birth: births[d.PupilID], Addressee: "ouders", Ground: d.Ground, Step: s.Step})
					letter = letter || (err == nil && len(pdf) > 1000)
				}
			}
			if note && letter {
				rel++
			}
		case absence.GroundAbsolute:
			if _, ok := births[d.PupilID]; !ok { // a child the gemeente's list brought in
				var b string
				if err := db.QueryRow(ctx, "SELECT geboortedatum FROM leerling WHERE id = ?", d.PupilID).Scan(&b); err != nil {
					t.Fatal(err)
				}
				births[d.PupilID], _ = absence.ParseDate(b)
			}
			enrolled, err := db.EnrolledOn(ctx, res.Region.ID, d.PupilID, day)
			if err != nil {
				t.Fatal(err)
			}
			if d.MeldingID != 0 || enrolled || absence.CompulsionAt(births[d.PupilID], day, absence.CompulsionFacts{}) == absence.NotCompulsory {
				t.Errorf("absoluut-verzuim dossier %d: melding %d, enrolled %v, born %s", d.ID, d.MeldingID, enrolled, births[d.PupilID])
				continue
			}
			abs++
		}
	}
	if rel == 0 || abs == 0 {
		t.Errorf("the demo should show a dossier after a melding with a note and a letter (%d) and an absoluut-verzuim dossier (%d)", rel, abs)
	}
}
