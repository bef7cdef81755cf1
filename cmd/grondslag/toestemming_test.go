package main

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
)

// runCLI runs grondslag with args and stdin and returns the exit code and both streams.
func runToestemmingCLI(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(context.Background(), env{args: args, stdin: strings.NewReader(stdin), stdout: &out, stderr: &errb,
		getenv: func(string) string { return "" }})
	return code, out.String(), errb.String()
}

func TestToestemmingNodigJSON(t *testing.T) {
	tests := []struct {
		name     string
		in       string
		leerling bool
		ouders   string
	}{
		{"jeugdhulp 9 joint gezag", `{"geboortedatum":"2017-01-01","peildatum":"2026-06-01","doel":"jeugdhulp","gezaghebbenden":2}`, false, "alle"},
		{"jeugdhulp 9 sole gezag", `{"geboortedatum":"2017-01-01","peildatum":"2026-06-01","doel":"jeugdhulp","gezaghebbenden":1}`, false, "een"},
		{"jeugdhulp 15 day before 16", `{"geboortedatum":"2010-06-02","peildatum":"2026-06-01","doel":"jeugdhulp","gezaghebbenden":2}`, true, "alle"},
		{"jeugdhulp 16 on birthday", `{"geboortedatum":"2010-06-01","peildatum":"2026-06-01","doel":"jeugdhulp","gezaghebbenden":2}`, true, "geen"},
		{"signalering 12 on birthday: parents decide until 16", `{"geboortedatum":"2014-06-01","peildatum":"2026-06-01","doel":"signalering","gezaghebbenden":2}`, false, "een"},
		{"signalering 16 on birthday", `{"geboortedatum":"2010-06-01","peildatum":"2026-06-01","doel":"signalering","gezaghebbenden":1}`, true, "geen"},
		{"jeugdhulp 12 on birthday", `{"geboortedatum":"2014-06-01","peildatum":"2026-06-01","doel":"jeugdhulp","gezaghebbenden":2}`, true, "alle"},
		{"jeugdhulp 11 day before 12", `{"geboortedatum":"2014-06-02","peildatum":"2026-06-01","doel":"jeugdhulp","gezaghebbenden":2}`, false, "alle"},
		{"jeugdhulp no gezag recorded", `{"geboortedatum":"2014-06-02","peildatum":"2026-06-01","doel":"jeugdhulp","gezaghebbenden":0}`, false, "een"},
		{"born 29 Feb, 28 Feb of a non-leap year: not yet 15", `{"geboortedatum":"2012-02-29","peildatum":"2027-02-28","doel":"jeugdhulp","gezaghebbenden":2}`, true, "alle"},
		{"signalering 11 day before", `{"geboortedatum":"2014-06-02","peildatum":"2026-06-01","doel":"signalering","gezaghebbenden":2}`, false, "een"},
		{"leerplicht", `{"geboortedatum":"2014-06-02","peildatum":"2026-06-01","doel":"handhaving-leerplicht","gezaghebbenden":2}`, false, "geen"},
		{"monitoring, fields reordered and spaced", ` { "gezaghebbenden": 0, "doel": "monitoring", "peildatum": "2026-06-01", "geboortedatum": "2014-06-02" } `, false, "geen"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, stderr := runToestemmingCLI(t, tt.in, "toestemming", "nodig", "--json")
			if code != 0 {
				t.Fatalf("exit %d, stderr %q", code, stderr)
			}
			var got map[string]any
			dec := json.NewDecoder(strings.NewReader(out))
			if err := dec.Decode(&got); err != nil {
				t.Fatalf("output %q: %v", out, err)
			}
			if len(got) != 4 {
				t.Errorf("want exactly leerling, ouders, reden, bron; got %v", got)
			}
			if got["leerling"] != tt.leerling || got["ouders"] != tt.ouders {
				t.Errorf("got leerling=%v ouders=%v, want %v %v", got["leerling"], got["ouders"], tt.leerling, tt.ouders)
			}
			if r, _ := got["reden"].(string); r == "" {
				t.Error("empty reden")
			}
			if b, _ := got["bron"].(string); b == "" {
				t.Error("empty bron")
			}
			if !strings.HasPrefix(out, `{"leerling":`) {
				t.Errorf("field order changed: %s", out)
			}
		})
	}
}

func TestToestemmingNodigMalformed(t *testing.T) {
	tests := []struct {
		name, in, field string
	}{
		{"empty", ``, "standaardinvoer"},
		{"not json", `geboortedatum=2010-01-01`, "ongeldige JSON"},
		{"unclosed", `{"geboortedatum":"2010-01-01"`, "onvolledige JSON"},
		{"missing geboortedatum", `{"peildatum":"2026-06-01","doel":"jeugdhulp","gezaghebbenden":2}`, "geboortedatum"},
		{"missing peildatum", `{"geboortedatum":"2010-01-01","doel":"jeugdhulp","gezaghebbenden":2}`, "peildatum"},
		{"missing doel", `{"geboortedatum":"2010-01-01","peildatum":"2026-06-01","gezaghebbenden":2}`, "doel"},
		{"missing gezaghebbenden", `{"geboortedatum":"2010-01-01","peildatum":"2026-06-01","doel":"jeugdhulp"}`, "gezaghebbenden"},
		{"bad date", `{"geboortedatum":"2010-02-30","peildatum":"2026-06-01","doel":"jeugdhulp","gezaghebbenden":2}`, "geboortedatum"},
		{"dutch date order", `{"geboortedatum":"01-02-2010","peildatum":"2026-06-01","doel":"jeugdhulp","gezaghebbenden":2}`, "geboortedatum"},
		{"bad peildatum", `{"geboortedatum":"2010-01-01","peildatum":"morgen","doel":"jeugdhulp","gezaghebbenden":2}`, "peildatum"},
		{"unknown purpose", `{"geboortedatum":"2010-01-01","peildatum":"2026-06-01","doel":"vakantie","gezaghebbenden":2}`, "doel"},
		{"three guardians", `{"geboortedatum":"2010-01-01","peildatum":"2026-06-01","doel":"jeugdhulp","gezaghebbenden":3}`, "gezaghebbenden"},
		{"negative guardians", `{"geboortedatum":"2010-01-01","peildatum":"2026-06-01","doel":"jeugdhulp","gezaghebbenden":-1}`, "gezaghebbenden"},
		{"guardians as text", `{"geboortedatum":"2010-01-01","peildatum":"2026-06-01","doel":"jeugdhulp","gezaghebbenden":"2"}`, "gezaghebbenden"},
		{"guardians fraction", `{"geboortedatum":"2010-01-01","peildatum":"2026-06-01","doel":"jeugdhulp","gezaghebbenden":1.5}`, "gezaghebbenden"},
		{"date as number", `{"geboortedatum":20100101,"peildatum":"2026-06-01","doel":"jeugdhulp","gezaghebbenden":2}`, "geboortedatum"},
		{"unknown field", `{"geboortedatum":"2010-01-01","peildatum":"2026-06-01","doel":"jeugdhulp","gezaghebbenden":2,"bsn":"1"}`, "bsn"},
		{"two objects", `{"geboortedatum":"2010-01-01","peildatum":"2026-06-01","doel":"jeugdhulp","gezaghebbenden":2}{}`, "één vraag"},
		{"array", `[]`, "ongeldige JSON"},
		{"peildatum before birth", `{"geboortedatum":"2010-01-01","peildatum":"2009-06-01","doel":"jeugdhulp","gezaghebbenden":2}`, "peildatum"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, stderr := runToestemmingCLI(t, tt.in, "toestemming", "nodig", "--json")
			if code != 2 {
				t.Fatalf("exit %d, want 2 (stdout %q, stderr %q)", code, out, stderr)
			}
			if out != "" {
				t.Errorf("stdout should be empty on error, got %q", out)
			}
			if !strings.Contains(stderr, tt.field) {
				t.Errorf("stderr %q does not name %q", stderr, tt.field)
			}
		})
	}
}

func TestToestemmingNodigText(t *testing.T) {
	code, out, stderr := runToestemmingCLI(t, `{"geboortedatum":"2012-01-01","peildatum":"2026-06-01","doel":"jeugdhulp","gezaghebbenden":2}`,
		"toestemming", "nodig")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []string{"Toestemming leerling zelf: ja", "Toestemming ouders met gezag: alle", "Bron: Jeugdwet"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

func TestToestemmingUsage(t *testing.T) {
	if code, _, _ := runToestemmingCLI(t, "", "toestemming"); code != 2 {
		t.Errorf("no subcommand: exit %d, want 2", code)
	}
	if code, _, stderr := runToestemmingCLI(t, "", "toestemming", "raden"); code != 2 || !strings.Contains(stderr, "raden") {
		t.Errorf("unknown subcommand: exit %d, %q", code, stderr)
	}
	if code, _, _ := runToestemmingCLI(t, "", "toestemming", "nodig", "--onzin"); code != 2 {
		t.Errorf("unknown flag: exit %d", code)
	}
}
