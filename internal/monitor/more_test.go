package monitor

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

func TestExportsShowWhatThePageShows(t *testing.T) {
	c, _ := Aggregate(region(300, 11), []string{"Lindewaard", "Oosterveen"}, d(2026, 12, 3))
	p := Publish(c, StandardSpecs(), 5)
	var csv, js, xl bytes.Buffer
	if err := p.WriteCSV(&csv); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(csv.String(), "\ufeffPeildatum;03-12-2026\r\n") {
		t.Errorf("CSV head %q", csv.String()[:40])
	}
	if !strings.Contains(csv.String(), "<5") || !strings.Contains(csv.String(), "Definitie;") {
		t.Error("CSV lacks suppressed cells or definitions")
	}
	if err := p.WriteJSON(&js); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Tabellen []struct {
			ID        string
			Definitie struct{ Definitie string }
			Regels    []struct{ Waarden []string }
		}
	}
	if err := json.Unmarshal(js.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Tabellen) != len(p.Tables) || doc.Tabellen[0].Definitie.Definitie == "" {
		t.Fatalf("JSON tables %d", len(doc.Tabellen))
	}
	// A hidden figure never appears as a number: every hidden cell is "<5" in the grid.
	for _, tab := range p.Tables {
		g := p.Grid(tab)
		for r := range tab.Cells {
			for col, v := range tab.Cells[r] {
				if v.Suppressed && g[r+1][col+1] != "<5" {
					t.Fatalf("hidden cell shown as %q", g[r+1][col+1])
				}
			}
		}
	}
	if err := p.WriteXLSX(&xl); err != nil {
		t.Fatal(err)
	}
	z, err := zip.NewReader(bytes.NewReader(xl.Bytes()), int64(xl.Len()))
	if err != nil {
		t.Fatal(err)
	}
	if len(z.File) != 4+len(p.Tables) {
		t.Errorf("xlsx parts %d", len(z.File))
	}
}

func TestInspectieFormIsTheSuppressedOverview(t *testing.T) {
	c, _ := Aggregate(region(200, 5), []string{"Lindewaard", "Oosterveen"}, d(2026, 12, 31))
	p := Publish(c, StandardSpecs(), 5)
	f := p.Inspectie()
	if len(f.Tables) != 2 || f.Tables[0] != p.Table("overzicht") {
		t.Fatal("the form must be the publication's own tables")
	}
}

func TestQuarterEnds(t *testing.T) {
	got := QuarterEnds(d(2026, 12, 3), 3)
	want := []string{"2026-06-30", "2026-09-30", "2026-12-03"}
	for i := range want {
		if got[i].String() != want[i] {
			t.Fatalf("QuarterEnds = %v", got)
		}
	}
	got = QuarterEnds(d(2026, 3, 31), 2)
	if got[0].String() != "2025-12-31" || got[1].String() != "2026-03-31" {
		t.Fatalf("QuarterEnds = %v", got)
	}
	if SchoolYear(d(2026, 7, 31)) != "2025-2026" || SchoolYear(d(2026, 8, 1)) != "2026-2027" {
		t.Error("school year boundary")
	}
}

func TestTrendPointsFollowTheirPublication(t *testing.T) {
	spells := region(250, 3)
	dates := QuarterEnds(d(2026, 12, 3), 4)
	pts, err := Trend(spells, []string{"Lindewaard", "Oosterveen"}, dates, 5)
	if err != nil {
		t.Fatal(err)
	}
	for i, pt := range pts {
		c, _ := Aggregate(spells, []string{"Lindewaard", "Oosterveen"}, dates[i])
		ov := Publish(c, StandardSpecs(), 5).Table("overzicht")
		for k, v := range pt.ByKind {
			if v != ov.RowTotals[k] {
				t.Errorf("%s kind %d: trend %v, publication %v", pt.Kwartaal, k, v, ov.RowTotals[k])
			}
		}
	}
}

func TestReliabilityFlagsImplausiblyLowSchools(t *testing.T) {
	flags := Reliability([]SchoolAbsence{
		{School: "A", Type: VO, Pupils: 400, Hours: 4000},
		{School: "B", Type: VO, Pupils: 500, Hours: 5200},
		{School: "C", Type: VO, Pupils: 300, Hours: 200}, // 0,67 h per pupil against a median of 10
		{School: "D", Type: VO, Pupils: 450, Hours: 4400},
		{School: "E", Type: PO, Pupils: 200, Hours: 0}, // group of two: not compared
		{School: "F", Type: PO, Pupils: 200, Hours: 900},
	})
	if len(flags) != 1 || flags[0].School != "C" {
		t.Fatalf("flags %+v", flags)
	}
}

func BenchmarkAggregatePublish2_5M(b *testing.B) {
	spells := region(2_500_000, 42)
	gem := []string{"Lindewaard", "Oosterveen"}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		c, err := Aggregate(spells, gem, d(2026, 12, 3))
		if err != nil {
			b.Fatal(err)
		}
		Publish(c, StandardSpecs(), 5)
	}
}

func BenchmarkPublishDemoRegion(b *testing.B) {
	c, _ := Aggregate(region(300, 7), []string{"Lindewaard", "Oosterveen"}, d(2026, 12, 3))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		Publish(c, StandardSpecs(), 5)
	}
}
