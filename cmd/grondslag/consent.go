package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/grondslag/grondslag/internal/consent"
	"github.com/grondslag/grondslag/internal/convenant"
)

// runToestemming dispatches `grondslag toestemming <opdracht>`: the consent register's commands.
func runToestemming(ctx context.Context, e env) error {
	subs := []struct {
		name, summary string
		run           func(context.Context, env) error
	}{
		{"nodig", "wiens toestemming is nodig? (JSON op standaardinvoer)", runToestemmingNodig},
	}
	subs = append(subs, toestemmingStoreCommands()...)
	if len(e.args) == 0 || e.args[0] == "-h" || e.args[0] == "--help" || e.args[0] == "help" {
		fmt.Fprintln(e.stdout, "Gebruik: grondslag toestemming <opdracht> [opties]\n\nOpdrachten:")
		for _, s := range subs {
			fmt.Fprintf(e.stdout, "  %-12s %s\n", s.name, s.summary)
		}
		if len(e.args) == 0 {
			return withExit(2, errors.New(""))
		}
		return nil
	}
	for _, s := range subs {
		if s.name == e.args[0] {
			sub := e
			sub.args = e.args[1:]
			return s.run(ctx, sub)
		}
	}
	return withExit(2, fmt.Errorf("onbekende opdracht %q; zie 'grondslag toestemming help'", e.args[0]))
}

// nodigRequest is the question on standard input. Pointers tell a missing field from a zero one.
type nodigRequest struct {
	Geboortedatum  *string `json:"geboortedatum"`
	Peildatum      *string `json:"peildatum"`
	Doel           *string `json:"doel"`
	Gezaghebbenden *int    `json:"gezaghebbenden"`
	// Partij is the disclosing party (school, ggd, jeugdhulp, …): the WGBO ages of the jeugdarts
	// and the jeugdhulpverlener differ from the school's. Optional; "" = the purpose's own rule.
	Partij *string `json:"partij"`
}

// nodigAnswer is the contract other tools rely on: keep the field names and values stable.
type nodigAnswer struct {
	Leerling bool   `json:"leerling"`
	Ouders   string `json:"ouders"`
	Reden    string `json:"reden"`
	Bron     string `json:"bron"`
}

func runToestemmingNodig(_ context.Context, e env) error {
	fs := flag.NewFlagSet("toestemming nodig", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	asJSON := fs.Bool("json", false, "antwoord als JSON: {\"leerling\":bool,\"ouders\":\"geen|een|alle\",\"reden\":…,\"bron\":…}")
	var c config
	convenantFlag(fs, e, &c)
	fs.Usage = func() {
		fmt.Fprintln(e.stderr, "Gebruik: grondslag toestemming nodig [--json] [--convenant BESTAND] < vraag.json")
		fmt.Fprintln(e.stderr, "\nLeest van standaardinvoer:")
		fmt.Fprintln(e.stderr, `  {"geboortedatum":"JJJJ-MM-DD","peildatum":"JJJJ-MM-DD","doel":"<doelcode>","gezaghebbenden":0|1|2,"partij":"school|ggd|jeugdhulp|…"}`)
		fmt.Fprintln(e.stderr, "en zegt of de leerling zelf en hoeveel ouders met gezag (geen, een, alle) moeten toestemmen.")
		fmt.Fprintln(e.stderr, "partij (de verstrekkende partij) mag ontbreken; voor ggd en jeugdhulp geeft de jeugdige vanaf 12 jaar zelf toestemming (BW 7:457 en 7:465).")
		fmt.Fprintln(e.stderr, "Exitcode 0 bij een antwoord, 2 bij een onjuiste vraag of een onbekend doel.\n\nOpties:")
		fs.PrintDefaults()
	}
	if err := fs.Parse(e.args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return withExit(2, errors.New(""))
	}
	if fs.NArg() > 0 {
		return withExit(2, fmt.Errorf("onverwacht argument %q; de vraag komt op standaardinvoer", fs.Arg(0)))
	}
	req, err := decodeNodig(e.stdin)
	if err != nil {
		return withExit(2, err)
	}
	birth, err := consent.ParseDate(*req.Geboortedatum)
	if err != nil {
		return withExit(2, fmt.Errorf("veld geboortedatum: %v", err))
	}
	on, err := consent.ParseDate(*req.Peildatum)
	if err != nil {
		return withExit(2, fmt.Errorf("veld peildatum: %v", err))
	}
	cfg, k, err := consentConfig(c.Convenant)
	if err != nil {
		return err
	}
	rules := cfg.Rules
	if _, ok := rules.Rule(*req.Doel); !ok {
		return withExit(2, fmt.Errorf("veld doel: onbekend doel %q; bekende doelen: %s", *req.Doel, strings.Join(rules.Purposes(), ", ")))
	}
	if n := *req.Gezaghebbenden; n < 0 || n > 2 {
		return withExit(2, fmt.Errorf("veld gezaghebbenden: moet 0, 1 of 2 zijn, niet %d", n))
	}
	if on.Before(birth) {
		return withExit(2, fmt.Errorf("veld peildatum: %s ligt vóór de geboortedatum %s", on, birth))
	}
	party := ""
	if req.Partij != nil {
		party = *req.Partij
		if _, ok := k.Party(party); !ok {
			var codes []string
			for _, p := range k.Parties() {
				codes = append(codes, p.Code)
			}
			return withExit(2, fmt.Errorf("veld partij: onbekende partij %q; bekende partijen: %s", party, strings.Join(codes, ", ")))
		}
	}
	q, err := rules.NeededFor(birth, on, *req.Doel, party, *req.Gezaghebbenden)
	if err != nil {
		return withExit(2, err)
	}
	ans := nodigAnswer{Leerling: q.Pupil, Ouders: string(q.Parents), Reden: q.Reason, Bron: q.Source}
	if *asJSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetEscapeHTML(false)
		return enc.Encode(ans)
	}
	leerling := "nee"
	if ans.Leerling {
		leerling = "ja"
	}
	fmt.Fprintf(e.stdout, "Toestemming leerling zelf: %s\nToestemming ouders met gezag: %s\n\n%s\n\nBron: %s\n", leerling, ans.Ouders, ans.Reden, ans.Bron)
	return nil
}

// consentConfig is the register's configuration from the region's convenant file, or from the
// model convenant when path is empty, with the compiled convenant itself.
func consentConfig(path string) (consent.Config, *convenant.Compiled, error) {
	var k *convenant.Compiled
	var err error
	if path == "" {
		k, err = convenant.Default()
	} else {
		k, err = loadConvenantFile(path)
	}
	if err != nil {
		return consent.Config{}, nil, fmt.Errorf("convenant: %w", err)
	}
	cfg, err := consent.FromConvenant(k)
	return cfg, k, err
}

// decodeNodig reads exactly one JSON object with exactly the four known fields.
func decodeNodig(r io.Reader) (nodigRequest, error) {
	var req nodigRequest
	data, err := io.ReadAll(io.LimitReader(r, 1<<16))
	if err != nil {
		return req, fmt.Errorf("standaardinvoer lezen: %v", err)
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return req, errors.New("geen vraag op standaardinvoer; verwacht een JSON-object met geboortedatum, peildatum, doel en gezaghebbenden")
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		return req, describeJSONError(err)
	}
	if dec.More() {
		return req, errors.New("na het JSON-object volgt nog meer invoer; stuur één vraag")
	}
	switch {
	case req.Geboortedatum == nil:
		return req, errors.New("veld geboortedatum ontbreekt (JJJJ-MM-DD)")
	case req.Peildatum == nil:
		return req, errors.New("veld peildatum ontbreekt (JJJJ-MM-DD)")
	case req.Doel == nil:
		return req, errors.New("veld doel ontbreekt (een doelcode van het convenant)")
	case req.Gezaghebbenden == nil:
		return req, errors.New("veld gezaghebbenden ontbreekt (aantal ouders met gezag: 0, 1 of 2)")
	}
	return req, nil
}

// describeJSONError turns encoding/json's errors into Dutch messages that name the field.
func describeJSONError(err error) error {
	var typeErr *json.UnmarshalTypeError
	var syntaxErr *json.SyntaxError
	switch {
	case errors.As(err, &typeErr):
		want := map[string]string{"geboortedatum": "een datum als tekst (\"JJJJ-MM-DD\")", "peildatum": "een datum als tekst (\"JJJJ-MM-DD\")",
			"doel": "een doelcode als tekst", "gezaghebbenden": "een geheel getal 0, 1 of 2", "partij": "een partijcode als tekst"}[typeErr.Field]
		if want == "" {
			return fmt.Errorf("ongeldige JSON: verwacht een object met geboortedatum, peildatum, doel en gezaghebbenden")
		}
		return fmt.Errorf("veld %s: verwacht %s, niet een JSON-%s", typeErr.Field, want, typeErr.Value)
	case errors.As(err, &syntaxErr):
		return fmt.Errorf("ongeldige JSON op positie %d: %v", syntaxErr.Offset, syntaxErr)
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		return fmt.Errorf("onbekend veld %s; toegestaan zijn geboortedatum, peildatum, doel, gezaghebbenden en partij",
			strings.TrimPrefix(err.Error(), "json: unknown field "))
	case errors.Is(err, io.ErrUnexpectedEOF):
		return errors.New("onvolledige JSON: het object is niet afgesloten")
	}
	return fmt.Errorf("ongeldige JSON: %v", err)
}
