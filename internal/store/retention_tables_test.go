package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/grondslag/grondslag/internal/audit"
	"github.com/grondslag/grondslag/internal/convenant"
	"github.com/grondslag/grondslag/internal/retention"
	"github.com/grondslag/grondslag/internal/store"
	"github.com/grondslag/grondslag/internal/store/storetest"
)

// TestDestructionCoversEveryPupilTable reads the migrated schema: every table with a column
// leerling_id or leerling (a pupil's id or pseudonym) is deleted by a pupil's destruction or kept
// on purpose, with the reason (store.keptTables). A new table about pupils (another concern's
// migration) fails here until it is placed.
func TestDestructionCoversEveryPupilTable(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		{
			ctx := context.Background()
			q := "SELECT m.name, c.name FROM sqlite_master m JOIN pragma_table_info(m.name) c WHERE m.type = 'table' AND c.name IN ('leerling_id', 'leerling')"
			if db.Dialect() == store.Postgres {
				q = "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = current_schema() AND column_name IN ('leerling_id', 'leerling')"
			}
			rows, err := db.Query(ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			byID, byPseudonym, kept := store.DestructionTables()
			deleted := map[string]string{}
			for _, tb := range byID {
				deleted[tb] = "leerling_id"
			}
			for _, tb := range byPseudonym {
				deleted[tb] = "leerling"
			}
			n := 0
			for rows.Next() {
				var tb, col string
				if err := rows.Scan(&tb, &col); err != nil {
					t.Fatal(err)
				}
				n++
				if _, ok := kept[tb]; ok {
					continue
				}
				if got, ok := deleted[tb]; !ok {
					t.Errorf("tabel %s (kolom %s) gaat niet mee met de vernietiging van een leerling: zet hem in pupilTables, pupilPseudonymTables of keptTables (internal/store/retention.go)", tb, col)
				} else if got != col {
					t.Errorf("tabel %s: vernietigd via %s, maar de kolom heet %s", tb, got, col)
				}
			}
			rows.Close()
			if n < 20 {
				t.Fatalf("only %d pupil columns found: the schema query is wrong", n)
			}
		}
	})
}

// TestDestroyLeerplichtAndNoticeRows destroys a pupil with a leerplicht dossier (and a step), a
// vrijstelling request granted into a vrijstelling, notices sent and held back, and a lifted
// legal hold: the destruction must not trip over a foreign key, and leaves none of those rows.
func TestDestroyLeerplichtAndNoticeRows(t *testing.T) {
	ctx := context.Background()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		{
			w := newCaseWorld(t, db)
			r, p, now := w.reg.ID, w.pupil, w.clock.UnixMilli()
			exec := func(q string, args ...any) int64 {
				t.Helper()
				var id int64
				if err := db.WithTx(ctx, func(tx *store.Tx) error {
					var err error
					id, err = tx.InsertID(ctx, q, args...)
					return err
				}); err != nil {
					t.Fatalf("%s: %v", q, err)
				}
				return id
			}
			melding := exec(`INSERT INTO verzuimmelding (regio_id, leerling_id, school_id, soort, begindatum, vermoedelijke_reden, alle_lessen_verzuimd, actie_school,
				actie_gemeente_gewenst, toelichting_geen_actie, leslocatie, melder_naam, melder_functie, melder_telefoon, melder_email, telefoon_ouder, verblijfadres,
				verzuimde_dagen, verzuimde_uren_centi, signaal_soort, status, status_op, reden_afsluiting, afsluitnotitie, contact_gemeente, duo_nummer, aangemaakt_op)
				VALUES (?, ?, ?, '16-uur-in-4-lesweken', '2025-09-01', 'x', 0, 'x', 1, '', 'x', 'x', 'x', 'x', 'x', 'x', '', 4, 1600, '', 'geregistreerd', ?, '', '', '', '', ?)`, r, p, w.school, now, now)
			dossier := exec(`INSERT INTO leerplicht_dossier (regio_id, leerling_id, grond, gemeente_id, melding_id, geopend_op, status, sluitreden, vastgelegd_op) VALUES (?, ?, 'relatief-verzuim', ?, ?, '2025-09-02', 'open', '', ?)`, r, p, w.gem, melding, now)
			exec(`INSERT INTO leerplicht_dossier_stap (regio_id, dossier_id, leerling_id, soort, datum, bron, tekst, door, vastgelegd_op) VALUES (?, ?, ?, 'gesprek', '2025-09-03', 'x', 'x', 'lpa', ?)`, r, dossier, p, now)
			vr := exec(`INSERT INTO vrijstelling (regio_id, leerling_id, soort, van, tot, toelichting, vastgelegd_op) VALUES (?, ?, 'art5a', '2025-09-01', '2025-12-01', '', ?)`, r, p, now)
			exec(`INSERT INTO vrijstelling_aanvraag (regio_id, leerling_id, soort, artikel, aanvrager, aanvrager_naam, ontvangen, van, schooldagen, reden, documenten, besluit, motivering, besloten_door, vrijstelling_id, vastgelegd_op)
				VALUES (?, ?, 'vrijstelling', '5a', 'ouder', 'x', '2025-08-20', '2025-09-01', 60, 'x', 'x', 'toegekend', 'x', 'lpa', ?, ?)`, r, p, vr, now)
			if _, err := db.Exec(ctx, `INSERT INTO kennisgeving_verzonden (regio_id, leerling, dag, ontvanger_hash, aantal, verzonden_op) VALUES (?, ?, '2025-09-03', 'h', 2, ?)`, r, w.pseudo, now); err != nil {
				t.Fatal(err)
			}
			if _, err := db.Exec(ctx, `INSERT INTO kennisgeving_achtergehouden (regio_id, leerling, dag, tot, vastgelegd_op) VALUES (?, ?, '2025-09-04', '2025-10-01', ?)`, r, w.pseudo, now); err != nil {
				t.Fatal(err)
			}
			rs := store.NewRetentionStore(db)
			zc := w.op("zorgcoordinator")
			ex := store.Executor{UserID: zc.Actor.UserID, OrganisationID: zc.Actor.OrganisationID, Role: "zorgcoordinator", Point: audit.AccessCLI}
			d, err := rs.ErasePupil(ctx, r, p, "verzoek 2025-3", "directeur", ex, w.clock)
			if err != nil {
				t.Fatal(err)
			}
			for _, tb := range []string{"leerplicht_dossier", "leerplicht_dossier_stap", "vrijstelling_aanvraag", "vrijstelling", "verzuimmelding", "kennisgeving_verzonden", "kennisgeving_achtergehouden"} {
				if d.Counts[tb] != 1 {
					t.Errorf("%s: %d rows destroyed, want 1 (%v)", tb, d.Counts[tb], d.Counts)
				}
			}
			if left := rowsLeft(t, db, r, p); len(left) != 0 {
				t.Fatalf("rows left: %v", left)
			}
			for _, tb := range []string{"kennisgeving_verzonden", "kennisgeving_achtergehouden"} {
				var n int
				if err := db.QueryRow(ctx, "SELECT COUNT(*) FROM "+tb+" WHERE regio_id = ? AND leerling = ?", r, w.pseudo).Scan(&n); err != nil || n != 0 {
					t.Fatalf("%s: %d %v", tb, n, err)
				}
			}
		}
	})
}

// kwalificatiePeriods is the model convenant with the gemeente's file kept 2 years after the end
// of the kwalificatieplicht (VNG Selectielijst 2020, 12.1.4) instead of 19 years after birth.
type kwalificatiePeriods struct{ *convenant.Compiled }

func (k kwalificatiePeriods) Retention(cat, party string) (convenant.RetentionPeriod, bool) {
	if party == "gemeente" {
		return convenant.RetentionPeriod{Category: cat, Party: party, Period: convenant.Period{Years: 2}, From: retention.EventQualificationEnd, Source: "VNG Selectielijst 2020, 12.1.4"}, true
	}
	return k.Compiled.Retention(cat, party)
}

// TestPlanBoundaryDates runs the daily job (Candidates → Plan, the store's own facts) on the
// boundary days of a pupil born on 29 February 2008 who left school on 31 July 2020 and has a
// leerplicht file (a vrijstelling): the school's 5 years end on 31 July 2025; the gemeente's 19
// years after birth end on 28 February 2027 (no 29th: clamped), so nothing is proposed that day
// and both controllers get the pupil on 1 March 2027. With the kwalificatieplicht rule instead
// (its end taken as the 18th birthday, the latest it can be: 1 March 2026 for a leap-day child,
// the later of the two readings), the gemeente's 2 years end on 1 March 2028.
func TestPlanBoundaryDates(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		k, err := convenant.Default()
		if err != nil {
			t.Fatal(err)
		}
		f := seedRegion(t, db, "bd", newRing(t))
		if _, err := db.Exec(ctx, "UPDATE inschrijving SET tot = '2020-07-31' WHERE regio_id = ? AND leerling_id = ?", f.reg.ID, f.pupil); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Exec(ctx, "UPDATE leerling SET geboortedatum = '2008-02-29' WHERE regio_id = ? AND id = ?", f.reg.ID, f.pupil); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Exec(ctx, "INSERT INTO vrijstelling (regio_id, leerling_id, soort, van, tot, toelichting, vastgelegd_op) VALUES (?, ?, 'art5a', '2019-09-01', '2020-07-31', '', ?)",
			f.reg.ID, f.pupil, now.UnixMilli()); err != nil {
			t.Fatal(err)
		}
		plan := func(p retention.Periods, on string) map[string]string {
			t.Helper()
			cands, err := store.NewRetentionStore(db).Candidates(ctx, f.reg.ID)
			if err != nil {
				t.Fatal(err)
			}
			out := map[string]string{}
			for _, pr := range retention.Plan(p, cands, day(on)) {
				for _, it := range pr.Items {
					if it.Unit.PupilID == f.pupil && it.Unit.Kind == retention.UnitPupil {
						out[pr.Controller.Party] = it.DueFrom.Format(time.DateOnly)
					}
				}
			}
			return out
		}
		for _, c := range []struct {
			p    retention.Periods
			on   string
			want map[string]string
		}{
			{k, "2025-08-01", map[string]string{}}, // the school's period is over, the gemeente's is not
			{k, "2027-02-28", map[string]string{}}, // the 19th birthday, clamped: the last day to keep
			{k, "2027-03-01", map[string]string{"school": "2027-03-01", "gemeente": "2027-03-01"}},
			{kwalificatiePeriods{k}, "2028-03-01", map[string]string{}},
			{kwalificatiePeriods{k}, "2028-03-02", map[string]string{"school": "2028-03-02", "gemeente": "2028-03-02"}},
		} {
			if got := plan(c.p, c.on); fmt.Sprint(got) != fmt.Sprint(c.want) {
				t.Errorf("on %s: proposed %v, want %v", c.on, got, c.want)
			}
		}
		// The stored lists of the job on the day: one per controller.
		lists, err := store.NewRetentionStore(db).Plan(ctx, f.reg.ID, k, day("2027-03-01"), now)
		if err != nil || len(lists) != 2 {
			t.Fatalf("lists: %+v %v", lists, err)
		}
	})
}
