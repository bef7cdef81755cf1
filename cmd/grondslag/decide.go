package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/grondslag/grondslag/internal/access"
	"github.com/grondslag/grondslag/internal/convenant"
	"github.com/grondslag/grondslag/internal/policy"
)

// runMag answers "mag ik dit delen?": one request as JSON on standard input, the decision on
// standard output. Exit 0 when answered (allowed or not), 2 for a malformed request or a code
// the convenant does not know.
func runMag(ctx context.Context, e env) (err error) {
	defer wrap(&err, "beslissing vragen")
	fs := newFlagSet(e, "mag", `mag [--convenant BESTAND] [--json] < vraag.json

Leest één vraag als JSON van standaardinvoer, bijvoorbeeld:
  {"actor":{"partij":"gemeente","rol":"leerplicht"},"handeling":"vastleggen","categorie":"verzuim",
   "doel":"handhaving-leerplicht","context":{"duo_melding":true,"niveau":"persoon"}}
en antwoordt met de beslissing: toegestaan of niet, grondslag, artikel, voorwaarden, plichten en reden.`)
	var cfg config
	convenantFlag(fs, e, &cfg)
	asJSON := fs.Bool("json", false, "antwoord als JSON")
	pos, err := parseInterspersed(fs, e.args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return withExit(2, fmt.Errorf("onverwacht argument %q; de vraag komt via standaardinvoer", pos[0]))
	}
	var k *convenant.Compiled
	if cfg.Convenant == "" {
		k, err = convenant.Default()
	} else {
		k, err = loadConvenantFile(cfg.Convenant)
	}
	if err != nil {
		var ce *convenant.Error
		if errors.As(err, &ce) {
			for _, d := range ce.Diagnostics {
				fmt.Fprintln(e.stderr, d.String())
			}
			return withExit(1, fmt.Errorf("het convenant is ongeldig; herstel eerst de fouten"))
		}
		return err
	}
	data, err := io.ReadAll(io.LimitReader(e.stdin, 1<<20))
	if err != nil {
		return withExit(2, fmt.Errorf("kan de vraag niet lezen: %w", err))
	}
	req, err := policy.DecodeRequest(data, k)
	if err != nil {
		return withExit(2, err)
	}
	// A question about no pupil and no region: asked at a decision point without a log.
	ad, err := access.New(policy.NewEngine(k), 0).Ask(ctx, access.Request{Request: req})
	if err != nil {
		return err
	}
	d := ad.Decision
	if *asJSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetEscapeHTML(false)
		return enc.Encode(d.Answer())
	}
	printDecision(e.stdout, k, d)
	return nil
}

func printDecision(w io.Writer, k *convenant.Compiled, d policy.Decision) {
	if d.Allowed {
		fmt.Fprintln(w, "Ja, dit mag.")
	} else {
		fmt.Fprintln(w, "Nee, dit mag niet.")
	}
	fmt.Fprintln(w, d.Reason)
	if d.Ground != "" {
		fmt.Fprintln(w, "Grondslag:   "+d.Ground)
	}
	if d.Article != "" {
		fmt.Fprintln(w, "Artikel:     "+d.Article+" van het convenant")
	}
	if len(d.Conditions) > 0 {
		label := "Voorwaarden: "
		if !d.Allowed {
			label = "Nodig:       "
		}
		fmt.Fprintln(w, label+strings.Join(d.Conditions, "; "))
	}
	if len(d.Obligations) > 0 {
		fmt.Fprintln(w, "Plichten:    "+strings.Join(d.Obligations, "; "))
	}
	if d.RuleID != "" {
		fmt.Fprintln(w, "Regel:       "+d.RuleID)
	}
	fmt.Fprintf(w, "Convenant:   versie %s (%s)\n", k.Version(), d.ConvenantVersion)
}
