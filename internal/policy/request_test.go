package policy_test

import (
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/grondslag/grondslag/internal/convenant"
	"github.com/grondslag/grondslag/internal/policy"
)

func TestDecodeRequest(t *testing.T) {
	k, _ := convenant.Default()
	good := `{"actor":{"partij":"gemeente","rol":"leerplicht"},"handeling":"verstrekken","categorie":"verzuim","doel":"toeleiding","ontvanger":{"partij":"swv","rol":"swv-consulent"},"context":{"duo_melding":true,"toestemming":false,"casusfase":"overleg","niveau":"persoon"}}`
	r, err := policy.DecodeRequest([]byte(good), k)
	if err != nil {
		t.Fatal(err)
	}
	want := policy.Request{Actor: policy.Actor{Party: "gemeente", Role: "leerplicht"}, Action: policy.Disclose, Category: "verzuim", Purpose: "toeleiding",
		Recipient: policy.Actor{Party: "swv", Role: "swv-consulent"}, Context: policy.Context{DUOMelding: true, Phase: "overleg", Level: "persoon"}}
	if r != want {
		t.Fatalf("got %+v\nwant %+v", r, want)
	}
	bad := []struct{ in, field string }{
		{``, ""},
		{`[]`, ""},
		{`{"actor":{"partij":"gemeente","rol":"leerplicht"}} {}`, ""},
		{`{"actor":{"partij":"gemeente","rol":"leerplicht"},"handeling":"lezen","categorie":"verzuim","doel":"monitoring","extra":1}`, "extra"},
		{`{"handeling":"lezen","categorie":"verzuim","doel":"monitoring"}`, "actor"},
		{`{"actor":{"partij":"politie","rol":"agent"},"handeling":"lezen","categorie":"verzuim","doel":"monitoring"}`, "actor.partij"},
		{`{"actor":{"partij":"gemeente","rol":"wethouder"},"handeling":"lezen","categorie":"verzuim","doel":"monitoring"}`, "actor.rol"},
		{`{"actor":{"partij":"gemeente","rol":"leerplicht"},"handeling":"wissen","categorie":"verzuim","doel":"monitoring"}`, "handeling"},
		{`{"actor":{"partij":"gemeente","rol":"leerplicht"},"handeling":"lezen","categorie":"religie","doel":"monitoring"}`, "categorie"},
		{`{"actor":{"partij":"gemeente","rol":"leerplicht"},"handeling":"lezen","categorie":"verzuim","doel":"marketing"}`, "doel"},
		{`{"actor":{"partij":"gemeente","rol":"leerplicht"},"handeling":"lezen","categorie":"verzuim"}`, "doel"},
		{`{"actor":{"partij":"gemeente","rol":"leerplicht"},"handeling":"verstrekken","categorie":"verzuim","doel":"toeleiding"}`, "ontvanger"},
		{`{"actor":{"partij":"gemeente","rol":"leerplicht"},"handeling":"lezen","categorie":"verzuim","doel":"toeleiding","ontvanger":{"partij":"swv","rol":"swv-consulent"}}`, "ontvanger"},
		{`{"actor":{"partij":"gemeente","rol":"leerplicht"},"handeling":"verstrekken","categorie":"verzuim","doel":"toeleiding","ontvanger":{"partij":"swv","rol":"x"}}`, "ontvanger.rol"},
		{`{"actor":{"partij":"gemeente","rol":"leerplicht"},"handeling":"lezen","categorie":"verzuim","doel":"monitoring","context":{"casusfase":"nazorg"}}`, "context.casusfase"},
		{`{"actor":{"partij":"gemeente","rol":"leerplicht"},"handeling":"lezen","categorie":"verzuim","doel":"monitoring","context":{"niveau":"land"}}`, "context.niveau"},
		{`{"actor":{"partij":"gemeente","rol":"leerplicht"},"handeling":"lezen","categorie":"verzuim","doel":"monitoring","context":{"duo_melding":"ja"}}`, "context.duo_melding"},
	}
	for _, b := range bad {
		_, err := policy.DecodeRequest([]byte(b.in), k)
		var re *policy.RequestError
		if !errors.As(err, &re) || !errors.Is(err, policy.ErrBadRequest) {
			t.Errorf("%s: err = %v, want *RequestError", b.in, err)
			continue
		}
		if re.Field != b.field {
			t.Errorf("%s: veld = %q, want %q (%v)", b.in, re.Field, b.field, err)
		}
		if re.Why == "" {
			t.Errorf("%s: geen uitleg", b.in)
		}
	}
}

func TestAnswerJSONShape(t *testing.T) {
	e := engine(t)
	for _, tc := range decisionCases[:8] {
		b, err := json.Marshal(e.Decide(tc.req).Answer())
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]any
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatal(err)
		}
		keys := []string{"toegestaan", "grondslag", "artikel", "voorwaarden", "plichten", "reden"}
		optional := map[string]bool{"regel": true, "ontbreekt": true, "verwerking_verstrekker": true, "verwerking_ontvanger": true}
		for k := range m {
			if !slices.Contains(keys, k) && !optional[k] {
				t.Fatalf("antwoord heeft onbekend veld %q: %s", k, b)
			}
		}
		for _, k := range keys {
			if _, ok := m[k]; !ok {
				t.Fatalf("veld %q ontbreekt in %s", k, b)
			}
		}
		if _, ok := m["voorwaarden"].([]any); !ok || strings.Contains(string(b), "null") {
			t.Fatalf("lijsten moeten [] zijn, niet null: %s", b)
		}
	}
}

func FuzzDecodeRequest(f *testing.F) {
	k, err := convenant.Default()
	if err != nil {
		f.Fatal(err)
	}
	e := policy.NewEngine(k)
	f.Add([]byte(`{"actor":{"partij":"gemeente","rol":"leerplicht"},"handeling":"vastleggen","categorie":"verzuim","doel":"handhaving-leerplicht","context":{"duo_melding":true,"niveau":"persoon"}}`))
	f.Add([]byte(`{"actor":{"partij":"jeugdhulp","rol":"jeugdhulpverlener"},"handeling":"verstrekken","categorie":"jeugdhulp","doel":"jeugdhulp","ontvanger":{"partij":"school","rol":"zorgcoordinator"},"context":{"toestemming":true,"casusfase":"overleg"}}`))
	f.Add([]byte(`{"actor":{"partij":"swv","rol":"swv-consulent"},"handeling":"lezen","categorie":"verzuim","doel":"monitoring","context":{"niveau":"geaggregeerd"}}`))
	f.Add([]byte(`{"actor":null}`))
	f.Add([]byte(`{"actor":{"partij":"\u0000","rol":""},"handeling":1}`))
	f.Add([]byte(`[1,2,3]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := policy.DecodeRequest(data, k)
		if err != nil {
			var re *policy.RequestError
			if !errors.As(err, &re) {
				t.Fatalf("fout is geen *RequestError: %v", err)
			}
			return
		}
		// Every request the decoder accepts has known codes, so the decision names a reason
		// and never reports an unknown code.
		d := e.Decide(r)
		if d.Reason == "" {
			t.Fatal("lege reden")
		}
		if d.Missing == policy.MissingRule {
			t.Fatalf("decoder liet onbekende code door: %+v -> %+v", r, d)
		}
		if d.Allowed && d.Ground == "" {
			t.Fatalf("toegestaan zonder grondslag: %+v", d)
		}
	})
}
