package consent

import (
	"slices"
	"strings"
	"testing"

	"github.com/grondslag/grondslag/internal/convenant"
)

func modelConfig(t *testing.T) Config {
	t.Helper()
	k, err := convenant.Default()
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := FromConvenant(k)
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

// The built-in defaults and the model convenant must give the same answer to "whose consent?"
// for every purpose, age 0–19 around each birthday and every gezag situation.
func TestModelConvenantMatchesDefaults(t *testing.T) {
	cfg := modelConfig(t)
	def := DefaultRules()
	if !slices.Equal(cfg.Rules.Purposes(), def.Purposes()) {
		t.Fatalf("purposes: convenant %v, defaults %v", cfg.Rules.Purposes(), def.Purposes())
	}
	birth := d("2010-05-10")
	for _, p := range def.Purposes() {
		for age := 0; age <= 19; age++ {
			for _, on := range []Date{birthday(birth, age).AddDays(-1), birthday(birth, age)} {
				if on.Before(birth) {
					continue
				}
				for n := 0; n <= 2; n++ {
					a, err1 := cfg.Rules.Needed(birth, on, p, n)
					b, err2 := def.Needed(birth, on, p, n)
					if err1 != nil || err2 != nil {
						t.Fatal(err1, err2)
					}
					if a.Pupil != b.Pupil || a.Parents != b.Parents {
						t.Errorf("%s on %s, %d with gezag: convenant %v/%s, defaults %v/%s", p, on, n, a.Pupil, a.Parents, b.Pupil, b.Parents)
					}
				}
			}
		}
	}
}

func TestDefaultConfigIsTheModelConvenant(t *testing.T) {
	a, b := DefaultConfig(), modelConfig(t)
	ra, _ := a.Rules.Rule(PurposeJeugdhulp)
	rb, _ := b.Rules.Rule(PurposeJeugdhulp)
	if ra.Source != rb.Source || ra.ValidMonths != rb.ValidMonths || !slices.Equal(a.Catalog.Scopes[PurposeJeugdhulp].Recipients, b.Catalog.Scopes[PurposeJeugdhulp].Recipients) {
		t.Error("DefaultConfig differs from the model convenant")
	}
}

func TestFromConvenant(t *testing.T) {
	cfg := modelConfig(t)
	r, ok := cfg.Rules.Rule(PurposeJeugdhulp)
	if !ok || r.ValidMonths != 12 || r.allowsChannel(ChannelOral) || !r.allowsChannel(ChannelDigital) {
		t.Errorf("jeugdhulp rule from the model convenant: %+v", r)
	}
	if !strings.Contains(r.Source, "Jeugdwet") || !strings.Contains(r.Source, "versie 2026.2") {
		t.Errorf("source %q should cite the law and the convenant version", r.Source)
	}
	lp, _ := cfg.Rules.Rule(PurposeLeerplicht)
	if lp.ConsentRequired || !strings.Contains(lp.Ground, "Leerplichtwet") {
		t.Errorf("leerplicht: %+v", lp)
	}
	sc := cfg.Catalog.Scopes[PurposeJeugdhulp]
	if !slices.Contains(sc.Recipients, "jeugdhulp") || !slices.Contains(sc.Categories, "gezondheid") || slices.Contains(sc.Recipients, "gemeente") {
		t.Errorf("jeugdhulp scope from the exchanges that need consent: %+v", sc)
	}
	if !cfg.Catalog.Categories["gezondheid"].Special || cfg.Catalog.Categories["contact"].Special {
		t.Error("special categories not taken from the convenant")
	}
}
