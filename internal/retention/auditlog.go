package retention

import (
	"fmt"
	"sort"
	"time"

	"github.com/grondslag/grondslag/internal/convenant"
)

// The audit log's own retention period (convenant category auditlog; docs/audit.md §14). The log
// of a region is one Merkle tree, so what is destroyed is always a prefix of it: the entries from
// the current boundary up to the first entry that must stay. An entry must stay while its
// controller's period (the auditlog period of the party its actor acted for, its own register's
// where the convenant says so) has not run out since it was recorded, and while the pupil it names
// still exists (the log is kept at least as long as the data it is about). Every controller with
// entries in the range decides over it on its own destruction list, like any other unit.

// AuditEntry is what the retention of the audit log needs of one entry.
type AuditEntry struct {
	Index uint64
	Time  time.Time
	// Controller is the organisation the actor acted for, as a controller. The zero Controller:
	// an entry without an organisation (a job, a parent, a pupil acting on their own data); it
	// takes the category's default period and is decided over by the controllers of the range.
	Controller Controller
	LivePupil  bool // the entry names a pupil that still exists (by pseudonym or by a live alias)
}

// AuditLogPlanner walks the log in index order from the current boundary and keeps the longest
// prefix that may lose its content on a day. Feed it entries with Add until it returns false.
type AuditLogPlanner struct {
	p        Periods
	day      time.Time
	limit    uint64
	approved map[Controller]uint64
	From, To uint64 // the prefix: entries From up to (not including) To
	// Stop says, in Dutch, why the prefix ended (empty while it has not); AwaitsApproval: it
	// ended at an entry whose controller has not approved it.
	Stop           string
	AwaitsApproval bool
	ctls           map[Controller]bool
	rules          map[string]bool
	dueFrom        time.Time
}

// NewAuditLogPlanner starts at the region's current boundary from; the prefix never passes
// limit (the largest signed checkpoint: every destroyed hash is then bound to a signed root).
func NewAuditLogPlanner(p Periods, from, limit uint64, day time.Time) *AuditLogPlanner {
	return &AuditLogPlanner{p: p, day: Day(day), limit: limit, From: from, To: from, ctls: map[Controller]bool{}, rules: map[string]bool{}}
}

// RequireApproval makes the prefix also stop at the first entry whose controller has not
// approved a range reaching past it: approved gives, per controller, the end (To) of the largest
// range it approved on a list. Entries without an organisation need no approval of their own.
func (a *AuditLogPlanner) RequireApproval(approved map[Controller]uint64) { a.approved = approved }

// Cap lowers the limit to to (the end of an approved range).
func (a *AuditLogPlanner) Cap(to uint64) {
	if to < a.limit {
		a.limit = to
	}
}

func (a *AuditLogPlanner) stop(format string, args ...any) bool {
	a.Stop = fmt.Sprintf(format, args...)
	return false
}

// Add takes the next entry and reports whether it belongs to the prefix; after the first false
// the prefix is final and every later call returns false.
func (a *AuditLogPlanner) Add(e AuditEntry) bool {
	switch {
	case a.Stop != "":
		return false
	case a.To >= a.limit:
		return a.stop("regel %d valt na het laatste ondertekende controlepunt", a.To)
	case e.Index != a.To:
		return a.stop("regel %d ontbreekt", a.To)
	case e.LivePupil:
		return a.stop("regel %d gaat over een leerling die nog bestaat (het log blijft zolang de gegevens)", e.Index)
	}
	r, ok := a.p.Retention(convenant.AuditLogCategory, e.Controller.Party)
	if !ok {
		return a.stop("het convenant noemt geen bewaartermijn voor het auditlog (categorie %s)", convenant.AuditLogCategory)
	}
	if r.From != EventRecorded {
		// Only the moment of recording is known for an entry; another start event keeps it.
		return a.stop("de termijn van het auditlog loopt volgens het convenant vanaf %s; Grondslag kent per regel alleen de vastlegging", EventLabel(r.From))
	}
	due := DueFrom(e.Time, r.Period)
	if due.After(a.day) {
		return a.stop("regel %d: bewaren tot en met %s", e.Index, DutchDate(EndOf(e.Time, r.Period)))
	}
	if e.Controller.Party != "" && a.approved != nil && a.approved[e.Controller] <= e.Index {
		a.AwaitsApproval = true
		return a.stop("regel %d: wacht op het besluit van %s", e.Index, e.Controller)
	}
	if e.Controller.Party != "" {
		a.ctls[e.Controller] = true
	}
	who := e.Controller.Party
	if who == "" {
		who = "regels zonder organisatie"
	}
	a.rules[who+" — "+Clock{Holding: Holding{Category: convenant.AuditLogCategory}, Rule: r}.Describe()] = true
	if due.After(a.dueFrom) {
		a.dueFrom = due
	}
	a.To++
	return true
}

// Controllers returns the controllers with entries in the prefix, sorted.
func (a *AuditLogPlanner) Controllers() []Controller {
	out := make([]Controller, 0, len(a.ctls))
	for c := range a.ctls {
		out = append(out, c)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Party != out[j].Party {
			return out[i].Party < out[j].Party
		}
		return out[i].OrganisationID < out[j].OrganisationID
	})
	return out
}

// Item is the prefix as a line of a destruction list; ok is false when the prefix is empty or
// no entry in it has a controller (then no one could decide over it: it waits until the range
// holds an entry of a controller).
func (a *AuditLogPlanner) Item() (Item, bool) {
	if a.To <= a.From || len(a.ctls) == 0 {
		return Item{}, false
	}
	rules := make([]string, 0, len(a.rules))
	for r := range a.rules {
		rules = append(rules, r)
	}
	sort.Strings(rules)
	return Item{Unit: Unit{Kind: UnitAuditLog, From: a.From, To: a.To}, DueFrom: a.dueFrom,
		Categories: []string{convenant.AuditLogCategory}, Rules: rules, Status: ItemProposed}, true
}
