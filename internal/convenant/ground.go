package convenant

import (
	"slices"
	"strings"
)

// avgBases are the grounds of AVG art. 6 lid 1.
var avgBases = map[string]string{
	"a": "toestemming",
	"b": "overeenkomst",
	"c": "wettelijke verplichting",
	"d": "vitaal belang",
	"e": "taak van algemeen belang of openbaar gezag",
	"f": "gerechtvaardigd belang",
}

// exceptions are the exceptions for special (AVG art. 9 lid 2) and criminal data (AVG art. 10
// with UAVG art. 32 and 33) that a rule may name.
var exceptions = map[string]struct {
	criminal bool
	label    string
}{
	"9.2.a":     {false, "AVG art. 9 lid 2 sub a (uitdrukkelijke toestemming)"},
	"9.2.b":     {false, "AVG art. 9 lid 2 sub b (arbeidsrecht en sociale bescherming)"},
	"9.2.c":     {false, "AVG art. 9 lid 2 sub c (vitaal belang)"},
	"9.2.d":     {false, "AVG art. 9 lid 2 sub d (stichting of vereniging)"},
	"9.2.e":     {false, "AVG art. 9 lid 2 sub e (kennelijk openbaar gemaakt)"},
	"9.2.f":     {false, "AVG art. 9 lid 2 sub f (rechtsvordering)"},
	"9.2.g":     {false, "AVG art. 9 lid 2 sub g (zwaarwegend algemeen belang, bij wet geregeld)"},
	"9.2.h":     {false, "AVG art. 9 lid 2 sub h (gezondheidszorg en sociale diensten)"},
	"9.2.i":     {false, "AVG art. 9 lid 2 sub i (volksgezondheid)"},
	"9.2.j":     {false, "AVG art. 9 lid 2 sub j (archivering, onderzoek, statistiek)"},
	"uavg-32.a": {true, "AVG art. 10 jo. UAVG art. 32 sub a (uitdrukkelijke toestemming)"},
	"uavg-32.f": {true, "AVG art. 10 jo. UAVG art. 32 sub f (zwaarwegend algemeen belang)"},
	"uavg-33":   {true, "AVG art. 10 jo. UAVG art. 33 (verwerking door bepaalde organen en instellingen)"},
}

func exceptionCodes(criminal bool) []string {
	var out []string
	for k, v := range exceptions {
		if v.criminal == criminal {
			out = append(out, k)
		}
	}
	slices.Sort(out)
	return out
}

// String renders the ground as lawyers write it, e.g.
// "AVG art. 6 lid 1 sub c (wettelijke verplichting); AVG art. 9 lid 2 sub g (…); Leerplichtwet 1969 art. 21a".
func (g Ground) String() string {
	if g.Basis == "" {
		return ""
	}
	parts := []string{"AVG art. 6 lid 1 sub " + g.Basis + " (" + avgBases[g.Basis] + ")"}
	if e, ok := exceptions[g.Exception]; ok {
		parts = append(parts, e.label)
	}
	if g.Law != "" {
		parts = append(parts, g.Law)
	}
	return strings.Join(parts, "; ")
}

// BasisName is the Dutch name of the art. 6 ground ("wettelijke verplichting").
func (g Ground) BasisName() string { return avgBases[g.Basis] }

// ArticleRef renders an article reference "4" or "4.2" as "artikel 4" or "artikel 4 lid 2".
func ArticleRef(ref string) string {
	if ref == "" {
		return ""
	}
	num, lid, ok := strings.Cut(ref, ".")
	if ok {
		return "artikel " + num + " lid " + lid
	}
	return "artikel " + num
}
