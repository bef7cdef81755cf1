package casework

import (
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/grondslag/grondslag/internal/convenant"
)

// Results of a closed case.
const (
	ResultBackToSchool = "terug-naar-school"
	ResultOtherSchool  = "andere-school"
	ResultCare         = "zorg"
	ResultExemption    = "vrijstelling"
	ResultMoved        = "verhuisd"
	ResultOther        = "anders"
)

// Results lists the results with their Dutch labels.
var Results = []struct{ Code, Label string }{
	{ResultBackToSchool, "Terug naar school"},
	{ResultOtherSchool, "Naar een andere school"},
	{ResultCare, "Zorg of onderwijs-zorgarrangement"},
	{ResultExemption, "Vrijstelling van de leerplicht"},
	{ResultMoved, "Verhuisd buiten de regio"},
	{ResultOther, "Anders (toelichting verplicht)"},
}

// Closure is how a case ended.
type Closure struct {
	Result    string
	Note      string
	At        time.Time
	By        int64
	Retention []RetentionClock
}

// RetentionClock is the retention of one category of the case at one party, started by the
// closing (bijlage 4 of the convenant). Until is zero when the period runs from an event the
// case does not know (uitschrijving, einde-jeugdhulp): the retention job then waits for it.
type RetentionClock struct {
	Category string
	Party    string
	Period   convenant.Period
	From     string // the event
	Until    time.Time
	Source   string
}

// Close closes the case with its result: it moves to the convenant's last phase and starts the
// retention clocks for every category the case holds (minutes, agreements and the categories
// brought in) at every party that took part. Whoever holds the broad regie closes.
func (c *Case) Close(k *convenant.Compiled, result, note string, categories []string, by Actor, now time.Time) error {
	if err := c.open(); err != nil {
		return err
	}
	if !by.Professional() || by.UserID != c.RegieHolder(RegieBroad) {
		return denied("alleen wie de brede regie heeft sluit de casus af")
	}
	ok := false
	for _, r := range Results {
		ok = ok || r.Code == result
	}
	if !ok {
		var codes []string
		for _, r := range Results {
			codes = append(codes, r.Code)
		}
		return fieldErr("resultaat", "kies uit %s", strings.Join(codes, ", "))
	}
	note = strings.TrimSpace(note)
	if result == ResultOther && note == "" {
		return fieldErr("toelichting", "licht het resultaat anders toe")
	}
	cats := append([]string{CatMinutes, CatAgreements}, categories...)
	slices.Sort(cats)
	cats = slices.Compact(cats)
	var parties []string
	for _, p := range c.Participants {
		if p.Kind == KindProfessional && !slices.Contains(parties, p.Party) {
			parties = append(parties, p.Party)
		}
	}
	sort.Strings(parties)
	var clocks []RetentionClock
	for _, cat := range cats {
		for _, party := range parties {
			r, ok := k.Retention(cat, party)
			if !ok {
				continue
			}
			rc := RetentionClock{Category: cat, Party: party, Period: r.Period, From: r.From, Source: r.Source}
			switch r.From {
			case "afsluiting-casus", "vastlegging":
				rc.Until = r.Period.AddTo(dayOf(now))
			case "geboortedatum":
				rc.Until = r.Period.AddTo(dayOf(c.BirthDate))
			}
			clocks = append(clocks, rc)
		}
	}
	if last := LastPhase(k); last != "" && c.Phase != last {
		c.setPhase(last, "afgesloten: "+result, by.UserID, now)
		c.Version--
	}
	c.Closure = &Closure{Result: result, Note: note, At: now, By: by.UserID, Retention: clocks}
	c.Version++
	return nil
}
