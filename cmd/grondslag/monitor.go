package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/grondslag/grondslag/internal/civil"
	"github.com/grondslag/grondslag/internal/monitor"
)

// runMonitor is 'grondslag monitor': the thuiszitter counts of a region, suppressed exactly as
// the SWV's and the gemeente's pages show them (internal/monitor).
func runMonitor(ctx context.Context, e env) (err error) {
	defer wrap(&err, "monitor maken")
	fs := newFlagSet(e, "monitor", "monitor [--db …] [--regio …] [--peildatum JJJJ-MM-DD] [--formaat tekst|csv|json|xlsx] [--inspectie] [--trend N] [--uit BESTAND]")
	cfg := storeFlags(fs, e)
	peil := fs.String("peildatum", "", "de peildatum (JJJJ-MM-DD of DD-MM-JJJJ); leeg: vandaag")
	format := fs.String("formaat", "tekst", "tekst, csv (Excel: puntkomma, UTF-8 met BOM), json of xlsx")
	inspectie := fs.Bool("inspectie", false, "alleen de kwartaalregistratie voor de Inspectie")
	trend := fs.Int("trend", 0, "ook de ontwikkeling over de laatste N kwartalen (alleen tekst en json)")
	threshold := fs.Int("drempel", 5, "aantallen onder deze drempel worden onderdrukt (minimaal 3)")
	out := fs.String("uit", "", "schrijf naar dit bestand (rechten 0600) in plaats van naar standaarduitvoer; verplicht bij xlsx")
	if err := parseFlags(fs, e.args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return withExit(2, fmt.Errorf("onverwacht argument %q", fs.Arg(0)))
	}
	on := civil.Today(time.Now())
	if *peil != "" {
		d, err := civil.ParseDate(*peil)
		if err != nil {
			return withExit(2, fmt.Errorf("--peildatum: %w", err))
		}
		on = d
	}
	if *threshold < 3 {
		return withExit(2, errors.New("--drempel moet minstens 3 zijn: kleinere aantallen maken een kind herkenbaar"))
	}
	switch *format {
	case "tekst", "csv", "json", "xlsx":
	default:
		return withExit(2, fmt.Errorf("--formaat %q is onbekend: kies tekst, csv, json of xlsx", *format))
	}
	if *format == "xlsx" && *out == "" {
		return withExit(2, errors.New("xlsx is een binair bestand: geef --uit BESTAND.xlsx"))
	}
	db, err := cfg.openStore(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	reg, err := cfg.region(ctx, db)
	if err != nil {
		return err
	}
	spells, gemeenten, err := db.MonitorSpells(ctx, reg.ID)
	if err != nil {
		return err
	}
	cube, err := monitor.Aggregate(spells, gemeenten, on)
	if err != nil {
		return err
	}
	pub := monitor.Publish(cube, monitor.StandardSpecs(), *threshold)
	if *inspectie {
		pub = pub.Inspectie()
	}
	var points []monitor.Point
	if *trend > 0 {
		if points, err = monitor.Trend(spells, gemeenten, monitor.QuarterEnds(on, *trend), *threshold); err != nil {
			return err
		}
	}

	w := e.stdout
	if *out != "" {
		f, err := os.OpenFile(*out, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o600)
		if err != nil {
			return fmt.Errorf("--uit: %w", err)
		}
		defer f.Close()
		w = f
	}
	switch *format {
	case "csv":
		return pub.WriteCSV(w)
	case "xlsx":
		return pub.WriteXLSX(w)
	case "json":
		if err := pub.WriteJSON(w); err != nil {
			return err
		}
		if len(points) > 0 {
			return writeTrendJSON(w, points, pub.Threshold)
		}
		return nil
	}
	return writeMonitorText(w, pub, points)
}

func writeMonitorText(w io.Writer, pub *monitor.Publication, points []monitor.Point) error {
	fmt.Fprintf(w, "Thuiszitters — peildatum %s\n", pub.Peildatum.Dutch())
	fmt.Fprintf(w, "Aantallen onder %d staan als \"<%d\"; zo nodig zijn ook andere aantallen verborgen, zodat niets terug te rekenen is.\n", pub.Threshold, pub.Threshold)
	fmt.Fprintln(w, monitor.Dispute)
	for _, t := range pub.Tables {
		def := monitor.Definitions[t.Spec.Definition]
		fmt.Fprintf(w, "\n%s\nDefinitie: %s\nBron: %s\n", t.Spec.Title, def.Text, def.Source)
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
		for _, row := range pub.Grid(t) {
			fmt.Fprintln(tw, strings.Join(row, "\t")+"\t")
		}
		if err := tw.Flush(); err != nil {
			return err
		}
	}
	if len(points) > 0 {
		fmt.Fprintln(w, "\nOntwikkeling per kwartaal (peildatum: laatste dag van het kwartaal)")
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
		head := []string{"kwartaal", "peildatum"}
		for _, k := range monitor.Kinds() {
			head = append(head, k.Name())
		}
		fmt.Fprintln(tw, strings.Join(append(head, "thuiszitters"), "\t")+"\t")
		for _, p := range points {
			row := []string{p.Kwartaal, p.Peildatum.Numeric()}
			for _, v := range p.ByKind {
				row = append(row, pub.Shown(v))
			}
			fmt.Fprintln(tw, strings.Join(append(row, pub.Shown(p.Thuiszitters)), "\t")+"\t")
		}
		return tw.Flush()
	}
	return nil
}

func writeTrendJSON(w io.Writer, points []monitor.Point, threshold int) error {
	type pt struct {
		Kwartaal     string            `json:"kwartaal"`
		Peildatum    string            `json:"peildatum"`
		PerSoort     map[string]string `json:"perSoort"`
		Thuiszitters string            `json:"thuiszitters"`
	}
	pub := &monitor.Publication{Threshold: threshold}
	var out []pt
	for _, p := range points {
		x := pt{Kwartaal: p.Kwartaal, Peildatum: p.Peildatum.String(), PerSoort: map[string]string{}, Thuiszitters: pub.Shown(p.Thuiszitters)}
		for i, k := range monitor.Kinds() {
			x.PerSoort[k.Code()] = pub.Shown(p.ByKind[i])
		}
		out = append(out, x)
	}
	return writeJSON(w, map[string]any{"trend": out})
}
