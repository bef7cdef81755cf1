package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"strings"

	"github.com/grondslag/grondslag/internal/convenant"
)

// runConvenant dispatches `grondslag convenant init|check|render`.
func runConvenant(ctx context.Context, e env) error {
	if len(e.args) == 0 || e.args[0] == "-h" || e.args[0] == "--help" || e.args[0] == "help" {
		fmt.Fprintln(e.stderr, `Gebruik: grondslag convenant <opdracht> BESTAND

Opdrachten:
  init BESTAND                     schrijft het modelconvenant naar BESTAND
  check BESTAND                    controleert BESTAND; fouten als BESTAND:regel:kolom
  render BESTAND --formaat md|html de leesbare tekst met bijlagen, verwerkingsregister en DPIA-aanzet`)
		if len(e.args) == 0 {
			return withExit(2, errors.New(""))
		}
		return nil
	}
	sub := e
	sub.args = e.args[1:]
	switch e.args[0] {
	case "init":
		return runConvenantInit(ctx, sub)
	case "check":
		return runConvenantCheck(ctx, sub)
	case "render":
		return runConvenantRender(ctx, sub)
	}
	return withExit(2, fmt.Errorf("onbekende opdracht %q; gebruik init, check of render", e.args[0]))
}

func oneFile(e env, name, usage string, setup func(*flag.FlagSet)) (string, error) {
	fs := newFlagSet(e, "convenant "+name, usage)
	if setup != nil {
		setup(fs)
	}
	pos, err := parseInterspersed(fs, e.args)
	if err != nil {
		return "", err
	}
	if len(pos) != 1 {
		fs.Usage()
		return "", withExit(2, errors.New("geef precies één bestand"))
	}
	return pos[0], nil
}

func runConvenantInit(_ context.Context, e env) error {
	var force bool
	path, err := oneFile(e, "init", "convenant init [--overschrijven] BESTAND", func(fs *flag.FlagSet) {
		fs.BoolVar(&force, "overschrijven", false, "overschrijf een bestaand bestand")
	})
	if err != nil {
		return err
	}
	flags := os.O_WRONLY | os.O_CREATE | os.O_EXCL
	if force {
		flags = os.O_WRONLY | os.O_CREATE | os.O_TRUNC
	}
	f, err := os.OpenFile(path, flags, 0o644)
	if errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("%s bestaat al; kies een andere naam of gebruik --overschrijven", path)
	}
	if err != nil {
		return fmt.Errorf("kan %s niet schrijven: %w", path, err)
	}
	if _, err := f.Write(convenant.DefaultYAML()); err != nil {
		f.Close()
		return fmt.Errorf("kan %s niet schrijven: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("kan %s niet schrijven: %w", path, err)
	}
	fmt.Fprintf(e.stdout, "Modelconvenant geschreven naar %s.\nPas partijen, organisaties en termijnen aan en controleer met: grondslag convenant check %s\n", path, path)
	return nil
}

// loadConvenantFile reads and compiles a convenant file; an invalid file yields *convenant.Error.
func loadConvenantFile(path string) (*convenant.Compiled, error) {
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("kan %s niet lezen: %w", path, err)
	}
	return convenant.Load(src, path)
}

func runConvenantCheck(_ context.Context, e env) error {
	path, err := oneFile(e, "check", "convenant check BESTAND", nil)
	if err != nil {
		return err
	}
	k, err := loadConvenantFile(path)
	var ce *convenant.Error
	if errors.As(err, &ce) {
		n := 0
		for _, d := range ce.Diagnostics {
			fmt.Fprintln(e.stdout, d.String())
			if d.Severity == convenant.SevError {
				n++
			}
		}
		return withExit(1, fmt.Errorf("%s is ongeldig: %d %s", path, n, plural(n, "fout", "fouten")))
	}
	if err != nil {
		return withExit(1, err)
	}
	for _, d := range k.Warnings() {
		fmt.Fprintln(e.stdout, d.String())
	}
	fmt.Fprintf(e.stdout, "%s is geldig: %d partijen, %d doelen, %d categorieën, %d uitwisselingen, %d verwerkingen; versie %s (%s).\n",
		path, len(k.Parties()), len(k.Purposes()), len(k.Categories()), len(k.Exchanges()), len(k.ProcessingActivities()), k.Version(), k.Hash())
	return nil
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

func runConvenantRender(_ context.Context, e env) error {
	format, party := "md", ""
	path, err := oneFile(e, "render", "convenant render BESTAND --formaat md|html|pdf [--register PARTIJ]", func(fs *flag.FlagSet) {
		fs.StringVar(&format, "formaat", "md", "uitvoerformaat: md (Markdown), html of pdf")
		fs.StringVar(&party, "register", "", "alleen het register van verwerkingsactiviteiten (AVG art. 30) van deze partij (school, swv, gemeente, …)")
	})
	if err != nil {
		return err
	}
	if format != convenant.FormatMarkdown && format != convenant.FormatHTML && format != convenant.FormatPDF {
		return withExit(2, fmt.Errorf("onbekend formaat %q; gebruik md, html of pdf", format))
	}
	k, err := loadConvenantFile(path)
	if err != nil {
		var ce *convenant.Error
		if errors.As(err, &ce) {
			for _, d := range ce.Diagnostics {
				fmt.Fprintln(e.stderr, d.String())
			}
			return withExit(1, fmt.Errorf("%s is ongeldig; herstel eerst de fouten (grondslag convenant check %s)", path, path))
		}
		return err
	}
	if party != "" {
		if _, ok := k.Party(party); !ok {
			var codes []string
			for _, p := range k.Parties() {
				codes = append(codes, p.Code)
			}
			return withExit(2, fmt.Errorf("onbekende partij %q bij --register; bekend zijn: %s", party, strings.Join(codes, ", ")))
		}
		return convenant.RenderRegister(e.stdout, k, party, format)
	}
	return convenant.Render(e.stdout, k, format)
}
