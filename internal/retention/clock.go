package retention

import (
	"fmt"
	"sort"
	"time"

	"github.com/grondslag/grondslag/internal/convenant"
)

// Start events (convenant "vanaf").
const (
	EventLeftSchool       = "uitschrijving"
	EventBirth            = "geboortedatum"
	EventQualificationEnd = "einde-kwalificatieplicht"
	EventCaseClosed       = "afsluiting-casus"
	EventConsentEnded     = "einde-toestemming"
	EventCareEnded        = "einde-jeugdhulp"
	EventLastChange       = "laatste-wijziging"
	EventRecorded         = "vastlegging"
)

// EventLabel is the Dutch description of an event for lists and reports.
func EventLabel(ev string) string {
	switch ev {
	case EventLeftSchool:
		return "vertrek van school (uitschrijving)"
	case EventBirth:
		return "geboortedatum"
	case EventQualificationEnd:
		return "einde kwalificatieplicht"
	case EventCaseClosed:
		return "afsluiting van de casus"
	case EventConsentEnded:
		return "einde van de toestemming"
	case EventCareEnded:
		return "einde van de jeugdhulp"
	case EventLastChange:
		return "laatste wijziging"
	case EventRecorded:
		return "vastlegging"
	}
	return ev
}

// Periods is what the package needs of the convenant (convenant.Compiled).
type Periods interface {
	Retention(category, party string) (convenant.RetentionPeriod, bool)
}

// Controller is one controller: a party of the convenant, and the organisation when the party
// has several (each school is its own controller).
type Controller struct {
	Party          string // convenant party code: school, gemeente, swv, ggd, jeugdhulp
	OrganisationID int64
}

func (c Controller) String() string {
	if c.OrganisationID == 0 {
		return c.Party
	}
	return fmt.Sprintf("%s (organisatie %d)", c.Party, c.OrganisationID)
}

// Holding is one category of data about a pupil that one controller holds, with the dates of the
// start events as far as they are known for that controller.
type Holding struct {
	Controller Controller
	Category   string
	Events     map[string]time.Time // event → date; absent: not happened or not known
}

// Clock is the retention of one holding.
type Clock struct {
	Holding
	Rule    convenant.RetentionPeriod
	Start   time.Time // the start event's date; zero when not known
	KeepTo  time.Time // last day to keep (inclusive); zero when not known
	DueFrom time.Time // first day destruction is due; zero when not known
	Missing string    // why there is no date: no rule, or which event is awaited
}

// Due reports whether the clock has run out on day.
func (c Clock) Due(day time.Time) bool {
	return !c.DueFrom.IsZero() && !Day(day).Before(c.DueFrom)
}

// Describe says in Dutch which rule applies ("5 jaar na vertrek van school (uitschrijving), bron …").
func (c Clock) Describe() string {
	if c.Missing != "" && c.Rule.From == "" {
		return c.Missing
	}
	s := fmt.Sprintf("%s: %s na %s", c.Category, c.Rule.Period.Dutch(), EventLabel(c.Rule.From))
	if c.Rule.Source != "" {
		s += " (" + c.Rule.Source + ")"
	}
	return s
}

// ClockOf computes a holding's clock from the convenant: the controller's own period for the
// category if its register has one, else the category's default.
func ClockOf(p Periods, h Holding) Clock {
	c := Clock{Holding: h}
	r, ok := p.Retention(h.Category, h.Controller.Party)
	if !ok {
		c.Missing = fmt.Sprintf("het convenant noemt geen bewaartermijn voor %s bij %s", h.Category, h.Controller.Party)
		return c
	}
	c.Rule = r
	start, ok := h.Events[r.From]
	if !ok || start.IsZero() {
		c.Missing = "wacht op: " + EventLabel(r.From)
		return c
	}
	c.Start = Day(start)
	c.KeepTo = EndOf(start, r.Period)
	c.DueFrom = c.KeepTo.AddDate(0, 0, 1)
	return c
}

// Assessment is the verdict on one unit (a pupil, a case) on one day.
type Assessment struct {
	Clocks  []Clock
	Due     bool      // every clock has run out and no hold applies
	DueFrom time.Time // the latest DueFrom (zero when some clock has no date)
	Held    *Hold     // the hold that stops it, if any
}

// Waiting lists, in Dutch, what keeps the unit (clocks not yet run out or without a date).
func (a Assessment) Waiting(day time.Time) []string {
	var out []string
	for _, c := range a.Clocks {
		switch {
		case c.Missing != "":
			out = append(out, fmt.Sprintf("%s bij %s: %s", c.Category, c.Controller, c.Missing))
		case !c.Due(day):
			out = append(out, fmt.Sprintf("%s bij %s: bewaren tot en met %s", c.Category, c.Controller, DutchDate(c.KeepTo)))
		}
	}
	return out
}

// Assess computes every holding's clock and says whether the whole unit may be destroyed on day:
// only when every holding of every controller is due (the longest period wins for data that
// several controllers hold together) and no hold applies.
func Assess(p Periods, holdings []Holding, holds []Hold, day time.Time) Assessment {
	var a Assessment
	a.Due = len(holdings) > 0
	known := true
	for _, h := range holdings {
		c := ClockOf(p, h)
		a.Clocks = append(a.Clocks, c)
		if !c.Due(day) {
			a.Due = false
		}
		if c.DueFrom.IsZero() {
			known = false
		} else if c.DueFrom.After(a.DueFrom) {
			a.DueFrom = c.DueFrom
		}
	}
	if !known {
		a.DueFrom = time.Time{}
	}
	sort.SliceStable(a.Clocks, func(i, j int) bool {
		if a.Clocks[i].Controller.Party != a.Clocks[j].Controller.Party {
			return a.Clocks[i].Controller.Party < a.Clocks[j].Controller.Party
		}
		return a.Clocks[i].Category < a.Clocks[j].Category
	})
	for i := range holds {
		if holds[i].Active(day) {
			a.Held, a.Due = &holds[i], false
			break
		}
	}
	return a
}

// Rules lists the distinct rules (in Dutch) of the clocks, for the list and the report.
func (a Assessment) Rules() []string {
	seen := map[string]bool{}
	var out []string
	for _, c := range a.Clocks {
		d := c.Controller.Party + " — " + c.Describe()
		if !seen[d] {
			seen[d] = true
			out = append(out, d)
		}
	}
	return out
}

// Controllers returns the distinct controllers of the holdings, sorted.
func Controllers(holdings []Holding) []Controller {
	seen := map[Controller]bool{}
	var out []Controller
	for _, h := range holdings {
		if !seen[h.Controller] {
			seen[h.Controller] = true
			out = append(out, h.Controller)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Party != out[j].Party {
			return out[i].Party < out[j].Party
		}
		return out[i].OrganisationID < out[j].OrganisationID
	})
	return out
}

var months = []string{"januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober", "november", "december"}

// DutchDate renders a date as "3 december 2026".
func DutchDate(t time.Time) string {
	if t.IsZero() {
		return "onbekend"
	}
	return fmt.Sprintf("%d %s %d", t.Day(), months[t.Month()-1], t.Year())
}
