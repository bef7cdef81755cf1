package absence

import (
	"errors"
	"fmt"
	"time"
)

// Rules holds the numbers of every rule. DefaultRules gives the legal and usual values; a region
// may set others where the source is practice rather than law (marked "instelbaar" in
// docs/verzuim.md).
type Rules struct {
	// LessonHours is a school day's lesson time per weekday (index time.Weekday); a day with at
	// least that much absence counts as a whole day. Default 5 hours every weekday.
	LessonHours [7]Hours

	// Leerplichtwet art. 21a: Threshold hours of unauthorised absence within Weeks consecutive
	// lesweken (16 in 4).
	Threshold16 Hours
	Weeks16     int

	// LateCounts: time lost by coming late (te-laat) counts as unauthorised (default true).
	LateCounts bool

	// Langdurig relatief verzuim: whole days of unauthorised absence through LongWeeks
	// consecutive complete lesweken (4); Priority after PriorityMonths (3, Thuiszitterspact).
	LongWeeks      int
	PriorityMonths int

	// M@ZL (NCJ): MAZLReports sick reports within MAZLWeeks lesweken (4 in 12), or the
	// MAZLConsecutive-th consecutive school day sick (7).
	MAZLReports     int
	MAZLWeeks       int
	MAZLConsecutive int

	// LongSickDays: a pupil ill for this many consecutive school days raises a signal for
	// leerplicht (KindLongSick), where the region reports long sick absence to leerplicht
	// (convenant: langdurig_ziekteverzuim_naar_leerplicht, langdurig_ziekteverzuim_na_schooldagen;
	// Amsterdam practice, not statute). 0: off (the default; sick absence is permitted absence).
	LongSickDays int

	// Beginnend verzuim: StartingDays separate school days with unauthorised absence (te-laat
	// included when LateCounts) within StartingWeeks lesweken while the art. 21a threshold has not
	// been reached (3 in 4).
	StartingDays  int
	StartingWeeks int

	// ReturnDays: an episode of absence ends when the pupil was back at school for this many
	// consecutive school days without absence of the episode's kind (default 10, two lesweken).
	// Absence that continues without such a return stays one episode, whose melding is updated;
	// absence after a return starts a new episode (and a new melding when a threshold is reached
	// again). Regional practice, not statute: instelbaar (DOMAIN.md, "Absence reporting", check).
	ReturnDays int
}

// DefaultRules returns the defaults described in docs/verzuim.md.
func DefaultRules() Rules {
	r := Rules{
		Threshold16: HoursOf(16), Weeks16: 4, LateCounts: true,
		LongWeeks: 4, PriorityMonths: 3,
		MAZLReports: 4, MAZLWeeks: 12, MAZLConsecutive: 7,
		StartingDays: 3, StartingWeeks: 4,
		ReturnDays: 10,
	}
	r.SetLessonHours(HoursOf(5))
	return r
}

// SetLessonHours sets the same lesson time on every weekday.
func (r *Rules) SetLessonHours(h Hours) {
	for wd := time.Monday; wd <= time.Friday; wd++ {
		r.LessonHours[wd] = h
	}
	r.LessonHours[time.Saturday], r.LessonHours[time.Sunday] = h, h
}

// ErrRules is returned for rule numbers that make no sense.
var ErrRules = errors.New("ongeldige verzuimregels")

// Validate checks the numbers.
func (r Rules) Validate() error {
	for wd, h := range r.LessonHours {
		if h <= 0 || h > MaxHoursPerDay {
			return fmt.Errorf("%w: lesuren op %s moet tussen 0 en 24 liggen", ErrRules, time.Weekday(wd))
		}
	}
	switch {
	case r.Threshold16 <= 0 || r.Weeks16 < 1:
		return fmt.Errorf("%w: drempel art. 21a", ErrRules)
	case r.LongWeeks < 1 || r.PriorityMonths < 1:
		return fmt.Errorf("%w: langdurig verzuim", ErrRules)
	case r.MAZLReports < 2 || r.MAZLWeeks < 1 || r.MAZLConsecutive < 2:
		return fmt.Errorf("%w: M@ZL", ErrRules)
	case r.StartingDays < 2 || r.StartingWeeks < 1:
		return fmt.Errorf("%w: beginnend verzuim", ErrRules)
	case r.LongSickDays < 0 || r.LongSickDays == 1:
		return fmt.Errorf("%w: langdurig ziekteverzuim: 0 (uit) of minstens 2 schooldagen", ErrRules)
	case r.ReturnDays < 1:
		return fmt.Errorf("%w: terug op school (schooldagen zonder verzuim) moet minstens 1 zijn", ErrRules)
	}
	return nil
}

// sourceText returns the bron text of each rule with the configured numbers.
func (r Rules) sourceText(k Kind, variant int) string {
	switch k {
	case Kind16Hours:
		return fmt.Sprintf("Leerplichtwet 1969 art. 21a: %s uur ongeoorloofd verzuim in %d opeenvolgende lesweken", r.Threshold16, r.Weeks16)
	case KindLongTerm:
		return fmt.Sprintf("Kamerbrief thuiszitters 3 februari 2016: langdurig relatief verzuim, %d lesweken of langer hele dagen ongeoorloofd afwezig; prioriteit na %d maanden (Thuiszitterspact 2016)", r.LongWeeks, r.PriorityMonths)
	case KindLuxury:
		return "Leerplichtwet 1969 art. 11, 13a en 14: ongeoorloofd afwezig direct voor of na een vakantie, vermoedelijk luxe verzuim"
	case KindMAZL:
		if variant == 1 {
			return fmt.Sprintf("NCJ-richtlijn ziekteverzuim (M@ZL): %de aaneengesloten schooldag ziek", r.MAZLConsecutive)
		}
		return fmt.Sprintf("NCJ-richtlijn ziekteverzuim (M@ZL): %d ziekmeldingen in %d lesweken", r.MAZLReports, r.MAZLWeeks)
	case KindLongSick:
		return fmt.Sprintf("Regionale afspraak in het convenant (langdurig ziekteverzuim naar leerplicht): %de aaneengesloten schooldag ziek", r.LongSickDays)
	case KindStarting:
		return fmt.Sprintf("Regionaal verzuimprotocol (instelbaar): beginnend verzuim, %d schooldagen ongeoorloofd verzuim in %d lesweken onder de drempel van art. 21a", r.StartingDays, r.StartingWeeks)
	case KindSickSuspect:
		return "Leerplichtwet 1969 art. 21a; vermoedelijk ongeoorloofd ziekteverzuim, te melden als overig verzuim (Ingrado, seed 002)"
	case KindAbsolute:
		return "Leerplichtwet 1969 art. 2 en 4a: leer- of kwalificatieplichtig, niet ingeschreven, geen vrijstelling"
	case KindRMC:
		return fmt.Sprintf("RMC-functie (Wet educatie en beroepsonderwijs art. 8.3.1; artikel te controleren): 18 tot 23 jaar zonder startkwalificatie, %s uur ongeoorloofd verzuim in %d lesweken; dreigend voortijdig schoolverlaten, geen melding op grond van art. 21a", r.Threshold16, r.Weeks16)
	}
	return ""
}
