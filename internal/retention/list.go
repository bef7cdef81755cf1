package retention

import (
	"fmt"
	"sort"
	"strings"
	"time"
)

// UnitKind is what one destruction destroys.
type UnitKind string

const (
	// UnitPupil is everything about a pupil: the pupil's key is destroyed (crypto-shredding) and
	// every row deleted, the identification block included.
	UnitPupil UnitKind = "leerling"
	// UnitCase is one closed case with its participants, minutes, agreements, questions and
	// contributions, while the pupil's other data stays.
	UnitCase UnitKind = "casus"
	// UnitAuditLog is the content of a range of the region's audit log, [From, To), at the end of
	// the log's own retention period: the leaves lose their content, their hashes, the tree and
	// every signed checkpoint stay (docs/audit.md §14; AuditLogPlanner).
	UnitAuditLog UnitKind = "auditlog"
)

// Unit names what is destroyed.
type Unit struct {
	Kind     UnitKind
	PupilID  int64
	CaseID   int64  // UnitCase only
	From, To uint64 // UnitAuditLog only: the entries From up to (not including) To
}

func (u Unit) String() string {
	if u.Kind == UnitAuditLog {
		return fmt.Sprintf("auditlog regels %d tot %d", u.From, u.To)
	}
	if u.Kind == UnitCase {
		return fmt.Sprintf("casus %d (leerling %d)", u.CaseID, u.PupilID)
	}
	return fmt.Sprintf("leerling %d", u.PupilID)
}

// Candidate is a unit with the holdings and holds the store found for it.
type Candidate struct {
	Unit     Unit
	Holdings []Holding
	Holds    []Hold
}

// Item statuses.
const (
	ItemProposed = "voorgesteld"
	ItemDone     = "vernietigd"
	ItemSkipped  = "overgeslagen" // a hold appeared, or it is no longer due
)

// Item is one unit on a destruction list.
type Item struct {
	ID         int64
	Unit       Unit
	DueFrom    time.Time
	Categories []string
	Rules      []string // the rules (Dutch) that made it due
	Status     string
	DoneAt     time.Time
	Counts     map[string]int // rows destroyed per table (never content)
	Note       string         // why it was skipped
}

// Proposal is what the daily job proposes for one controller.
type Proposal struct {
	Controller Controller
	Items      []Item
}

// Plan assesses every candidate on day and proposes, per controller holding data in it, the
// units that are due. A unit is due only when every controller's period has run out; it then
// appears on the list of each of those controllers, and is destroyed once all of them approved.
func Plan(p Periods, cands []Candidate, day time.Time) []Proposal {
	byCtl := map[Controller]*Proposal{}
	for _, c := range cands {
		holds := make([]Hold, 0, len(c.Holds))
		for _, h := range c.Holds {
			if h.Covers(c.Unit.PupilID, c.Unit.CaseID) {
				holds = append(holds, h)
			}
		}
		a := Assess(p, c.Holdings, holds, day)
		if !a.Due {
			continue
		}
		it := Item{Unit: c.Unit, DueFrom: a.DueFrom, Rules: a.Rules(), Status: ItemProposed, Categories: categories(c.Holdings)}
		for _, ctl := range Controllers(c.Holdings) {
			pr := byCtl[ctl]
			if pr == nil {
				pr = &Proposal{Controller: ctl}
				byCtl[ctl] = pr
			}
			pr.Items = append(pr.Items, it)
		}
	}
	var out []Proposal
	for _, pr := range byCtl {
		sort.Slice(pr.Items, func(i, j int) bool {
			if pr.Items[i].Unit.PupilID != pr.Items[j].Unit.PupilID {
				return pr.Items[i].Unit.PupilID < pr.Items[j].Unit.PupilID
			}
			return pr.Items[i].Unit.CaseID < pr.Items[j].Unit.CaseID
		})
		out = append(out, *pr)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Controller.Party != out[j].Controller.Party {
			return out[i].Controller.Party < out[j].Controller.Party
		}
		return out[i].Controller.OrganisationID < out[j].Controller.OrganisationID
	})
	return out
}

func categories(hs []Holding) []string {
	seen := map[string]bool{}
	var out []string
	for _, h := range hs {
		if !seen[h.Category] {
			seen[h.Category] = true
			out = append(out, h.Category)
		}
	}
	sort.Strings(out)
	return out
}

// List statuses.
const (
	ListProposed = "voorgesteld"
	ListAdvised  = "advies-gegeven"
	ListApproved = "goedgekeurd"
	ListRejected = "afgewezen"
	ListExecuted = "uitgevoerd"
)

// FG opinions.
const (
	OpinionPositive    = "positief"
	OpinionWithRemarks = "positief-met-opmerkingen"
	OpinionNegative    = "negatief"
)

// Advice is the FG's advice on a list (AVG art. 39: the FG advises, the controller decides).
type Advice struct {
	UserID  int64
	Name    string
	Opinion string
	Note    string
	At      time.Time
}

// Decision is the authorised official's approval or rejection.
type Decision struct {
	UserID   int64
	Name     string
	Function string // e.g. "gemeentesecretaris (gemandateerd door B en W)", "voorzitter college van bestuur"
	Capacity string // Capacity(party): zorgdrager (Archiefwet) or bevoegd gezag
	Approved bool
	Note     string
	At       time.Time
}

// List is one controller's destruction list.
type List struct {
	ID         int64
	Controller Controller
	Day        time.Time // the day it was assessed on
	Created    time.Time
	Status     string
	Items      []Item
	Advice     *Advice
	Decision   *Decision
	Executed   time.Time
}

// Capacity says in which capacity a party's official approves destruction: for a public body the
// zorgdrager under the Archiefwet 1995 (art. 1 sub c, 3 and 5: the college van B en W for the
// gemeente, the GGD's governing body), for a school or SWV its bevoegd gezag (the board), for a
// private care provider its bestuurder.
func Capacity(party string) string {
	switch party {
	case "gemeente", "ggd":
		return "zorgdrager (Archiefwet 1995 art. 3 en 5)"
	case "school", "swv":
		return "bevoegd gezag (bestuur)"
	}
	return "bestuurder van de verwerkingsverantwoordelijke"
}

// Advise records the FG's advice; only a user with the FG role gives it, once, before the
// decision.
func (l *List) Advise(a Advice, role string) error {
	if role != "fg" {
		return fieldErr("advies", "alleen de functionaris gegevensbescherming (FG) geeft advies")
	}
	if l.Status != ListProposed {
		return fieldErr("advies", fmt.Sprintf("de lijst is %s; advies kan alleen op een voorgestelde lijst", l.Status))
	}
	switch a.Opinion {
	case OpinionPositive, OpinionWithRemarks, OpinionNegative:
	default:
		return fieldErr("oordeel", "kies positief, positief-met-opmerkingen of negatief")
	}
	a.Name, a.Note = strings.TrimSpace(a.Name), strings.TrimSpace(a.Note)
	if a.UserID <= 0 || a.Name == "" {
		return fieldErr("door", "wie geeft het advies?")
	}
	if a.Opinion != OpinionPositive && a.Note == "" {
		return fieldErr("toelichting", "licht een negatief advies of opmerkingen toe")
	}
	l.Advice, l.Status = &a, ListAdvised
	return nil
}

// Decide records the approval or rejection by the controller's authorised official. It needs the
// FG's advice first; the FG does not decide (separation of advice and decision); the official
// belongs to the controller's party. A negative advice may be overruled, with a note.
func (l *List) Decide(d Decision, deciderParty, deciderRole string) error {
	if l.Status != ListAdvised {
		if l.Status == ListProposed {
			return fieldErr("besluit", "vraag eerst het advies van de FG")
		}
		return fieldErr("besluit", fmt.Sprintf("de lijst is al %s", l.Status))
	}
	if deciderRole == "fg" {
		return fieldErr("besluit", "de FG adviseert en besluit niet; het besluit is aan de bevoegde functionaris van "+l.Controller.Party)
	}
	if deciderParty != l.Controller.Party {
		return fieldErr("besluit", "alleen een bevoegde functionaris van "+l.Controller.Party+" besluit over deze lijst")
	}
	d.Name, d.Function, d.Note = strings.TrimSpace(d.Name), strings.TrimSpace(d.Function), strings.TrimSpace(d.Note)
	if d.UserID <= 0 || d.Name == "" || d.Function == "" {
		return fieldErr("functie", "noem naam en functie van wie besluit (bijvoorbeeld: gemandateerd door het college van B en W)")
	}
	if d.Approved && l.Advice.Opinion == OpinionNegative && d.Note == "" {
		return fieldErr("toelichting", "licht toe waarom u afwijkt van het negatieve advies van de FG")
	}
	if !d.Approved && d.Note == "" {
		return fieldErr("toelichting", "licht de afwijzing toe")
	}
	d.Capacity = Capacity(l.Controller.Party)
	l.Decision = &d
	if d.Approved {
		l.Status = ListApproved
	} else {
		l.Status = ListRejected
	}
	return nil
}

// CountsText renders counts for the audit log and the report ("3 casus_verslag, 1 casus").
func CountsText(c map[string]int) string {
	keys := make([]string, 0, len(c))
	for k, n := range c {
		if n > 0 {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%d %s", c[k], k)
	}
	if len(parts) == 0 {
		return "geen rijen"
	}
	return strings.Join(parts, ", ")
}
