package main

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/grondslag/grondslag/internal/ident"
	"github.com/grondslag/grondslag/internal/region"
	"github.com/grondslag/grondslag/internal/store"
)

// monitorFixture: a region with a gemeente and a VO school; seven pupils at home since September
// (langdurig relatief verzuim), five not enrolled (absoluut verzuim), one exempt (art. 5 onder a).
func monitorFixture(t *testing.T) []string {
	t.Helper()
	dir := t.TempDir()
	dbPath, keys := filepath.Join(dir, "g.db"), filepath.Join(dir, "k.json")
	st := []string{"--db", dbPath, "--sleutels", keys}
	if code, _, errs := runCmd(t, "", "migrate", "--db", dbPath); code != 0 {
		t.Fatalf("migrate: %s", errs)
	}
	if code, _, errs := runCmd(t, "", append([]string{"regio", "aanmaken", "--code", "mon", "--naam", "Monitorregio", "--vakantieregio", "midden"}, st...)...); code != 0 {
		t.Fatalf("regio: %s", errs)
	}
	ctx := context.Background()
	db, err := store.Open(ctx, dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ring, err := ident.LoadKeyFile(keys)
	if err != nil {
		t.Fatal(err)
	}
	rk, _ := ring.Region("mon")
	r, _ := db.RegionByCode(ctx, "mon")
	numbers, err := ident.SyntheticBSNs(13)
	if err != nil {
		t.Fatal(err)
	}
	err = db.WithTx(ctx, func(tx *store.Tx) error {
		g, _ := region.NewOrganisation(region.Organisation{Kind: region.KindGemeente, Name: "Lindewaard", CBSCode: "GM9901"})
		gem, err := tx.CreateOrganisation(ctx, r.ID, g)
		if err != nil {
			return err
		}
		o, _ := region.NewOrganisation(region.Organisation{Kind: region.KindSchool, Name: "Het College", BRIN: "02BB", Sector: region.SectorVO, GemeenteID: gem})
		school, err := tx.CreateOrganisation(ctx, r.ID, o)
		if err != nil {
			return err
		}
		for i, n := range numbers {
			p, err := region.NewPupil(region.Pupil{NumberKind: ident.BSN, Number: n, FirstName: "Sem", LastName: fmt.Sprintf("Jansen%d", i), BirthDate: time.Date(2012, 5, 1, 0, 0, 0, 0, time.UTC), GemeenteID: gem}, time.Now())
			if err != nil {
				return err
			}
			id, _, err := tx.CreatePupil(ctx, r.ID, p, rk, time.Now())
			if err != nil {
				return err
			}
			kind := "langdurig-relatief-verzuim"
			switch {
			case i == 12:
				_, err := tx.Exec(ctx, `INSERT INTO vrijstelling (regio_id, leerling_id, soort, van, toelichting, vastgelegd_op) VALUES (?, ?, 'art5a', '2026-01-01', '', 0)`, r.ID, id)
				if err != nil {
					return err
				}
				continue
			case i >= 7:
				kind = "absoluut-verzuim"
			default:
				if _, err := tx.AddEnrolment(ctx, r.ID, id, region.Enrolment{SchoolID: school, Number: fmt.Sprintf("L%d", i), From: time.Date(2024, 8, 26, 0, 0, 0, 0, time.UTC), Year: "2"}); err != nil {
					return err
				}
			}
			if _, err := tx.Exec(ctx, `INSERT INTO verzuim_signaal (regio_id, leerling_id, soort, van, tot, uren_centi, dagen, bron, prioriteit, peildatum, gevonden_op) VALUES (?, ?, ?, '2026-09-01', '2026-11-27', 0, 0, 'test', 1, '2026-11-30', 0)`, r.ID, id, kind); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func TestMonitorCommand(t *testing.T) {
	st := monitorFixture(t)
	code, out, errs := runCmd(t, "", append([]string{"monitor", "--peildatum", "01-12-2026", "--formaat", "json"}, st...)...)
	if code != 0 {
		t.Fatalf("monitor: %d %s", code, errs)
	}
	if strings.Contains(out, "Sem") || strings.Contains(out, "Jansen") || strings.Contains(out, "9999") {
		t.Fatal("the monitor printed a name or a number")
	}
	var doc struct {
		Peildatum string
		Tabellen  []struct {
			ID     string
			Regels []struct {
				Label   string
				Waarden []string
				Totaal  string
			}
			Totaalrij []string
		}
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if doc.Peildatum != "2026-12-01" {
		t.Errorf("peildatum %q", doc.Peildatum)
	}
	var overview []string
	for _, tab := range doc.Tabellen {
		if tab.ID == "overzicht" {
			for _, r := range tab.Regels {
				overview = append(overview, r.Label+"="+r.Totaal)
			}
		}
	}
	// Seven at home is shown; the one exempt child is hidden, and so is the smallest other
	// figure on its line (the five absolute), so that the total does not give it away.
	want := "Langdurig relatief verzuim=7,Absoluut verzuim=<5,Vrijstelling art. 5 onder a=<5,Overige vrijstellingen=0"
	if strings.Join(overview, ",") != want {
		t.Errorf("overview %v", overview)
	}

	code, out, _ = runCmd(t, "", append([]string{"monitor", "--peildatum", "2026-12-01", "--formaat", "csv", "--inspectie"}, st...)...)
	if code != 0 || !strings.HasPrefix(out, "\ufeffPeildatum;01-12-2026") || strings.Count(out, "Tabel;") != 2 {
		t.Errorf("inspectie csv: %d %q", code, out)
	}
	code, out, _ = runCmd(t, "", append([]string{"monitor", "--peildatum", "2026-12-01", "--trend", "3"}, st...)...)
	if code != 0 || !strings.Contains(out, "2026-K3") || !strings.Contains(out, "Ontwikkeling per kwartaal") {
		t.Errorf("trend: %d %s", code, out)
	}
	for _, bad := range [][]string{
		{"--formaat", "xlsx"},
		{"--formaat", "pdf"},
		{"--peildatum", "31-02-2026"},
		{"--drempel", "1"},
	} {
		if code, _, errs := runCmd(t, "", append(append([]string{"monitor"}, bad...), st...)...); code != 2 || errs == "" {
			t.Errorf("%v: exit %d, stderr %q", bad, code, errs)
		}
	}
	xlsx := filepath.Join(t.TempDir(), "m.xlsx")
	if code, _, errs := runCmd(t, "", append([]string{"monitor", "--formaat", "xlsx", "--uit", xlsx}, st...)...); code != 0 {
		t.Errorf("xlsx: %s", errs)
	}
}
