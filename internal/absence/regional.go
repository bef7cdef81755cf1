package absence

import (
	"fmt"

	"github.com/grondslag/grondslag/internal/convenant"
)

// The region's switches for the signal rules come from its convenant (regionale_instellingen,
// bijlage 6): long sick absence reported to leerplicht after N school days (a regional choice,
// Amsterdam practice) and the M@ZL thresholds (NCJ: 4 in 12, 7th day; older variants differ).
// A convenant may state later versions with the date from which they apply (versies:
// geldig_vanaf); each becomes a RuleVersion, and the version in force on the day an episode
// opens decides it (NewVersionedEvaluator). The numbers of the law (art. 21a: 16 hours in 4
// lesweken) are not regional and stay as base has them.

// RegionalRules returns base with the region's switches of one version applied.
func RegionalRules(base Rules, r convenant.RegionalSettings) Rules {
	base.MAZLReports, base.MAZLWeeks, base.MAZLConsecutive = r.MAZLReports, r.MAZLWeeks, r.MAZLConsecutiveDays
	base.LongSickDays = 0
	if r.LongSickToLeerplicht {
		base.LongSickDays = r.LongSickDays
	}
	return base
}

// RuleVersionsFrom returns the rule versions a convenant's regional settings state: the
// settings as the file states them (always, up to the first version's date) and one version per
// entry of versies from its geldig_vanaf on. source names the convenant for the signals' bron.
func RuleVersionsFrom(base Rules, r convenant.RegionalSettings, source string) ([]RuleVersion, error) {
	out := []RuleVersion{{Rules: RegionalRules(base, r), Source: source}}
	for _, v := range r.Versions {
		from, err := ParseDate(v.From)
		if err != nil {
			return nil, fmt.Errorf("%w: regionale_instellingen, versie vanaf %q: %v", ErrRules, v.From, err)
		}
		out = append(out, RuleVersion{From: from, Rules: RegionalRules(base, v.Settings), Source: source})
	}
	if len(out) == 1 {
		// One version: the rules apply always; no version text in the bron.
		out[0].Source = ""
	}
	return out, nil
}

// NewRegionalEvaluator is the evaluator of a region: base with its convenant's switches, each
// version from its date.
func NewRegionalEvaluator(cal *Calendar, base Rules, r convenant.RegionalSettings, source string) (*Evaluator, error) {
	vs, err := RuleVersionsFrom(base, r, source)
	if err != nil {
		return nil, err
	}
	return NewVersionedEvaluator(cal, vs)
}
