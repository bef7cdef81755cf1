package casework

import (
	"context"
	"strings"

	"github.com/grondslag/grondslag/internal/audit"
)

// A case list page by page (issue 15: every list one query, sorted, filtered and paged whatever
// the region's size). List reads every case of the actor (for the SWV every escalated case of the
// region), each whole, and decides and logs each; ListPage reads one page in the list's order
// after (or before) a keyset position, with only the case rows, participants and regie the
// decision needs, and decides and logs the cases of that page only.

// List statuses (PageQuery.Status, ListQuery.Status).
const (
	ListOpen      = "open"             // open cases (the default)
	ListEscalated = "doorbraakoverleg" // open cases escalated to the doorbraakoverleg
	ListClosed    = "afgesloten"       // closed cases
	ListAll       = "alle"             // every case
)

// ListStatuses are the values a list's status filter may take.
func ListStatuses() []string { return []string{ListOpen, ListEscalated, ListClosed, ListAll} }

// ListOrders are the orders of a case list ("-" in front reverses): by opening time, by kind of
// meeting, by status (open, doorbraakoverleg, closed). Ties: newest first. "" is "-geopend".
func ListOrders() []string {
	return []string{"geopend", "-geopend", "soort", "-soort", "status", "-status"}
}

// ListQuery asks for one page of the actor's case list.
type ListQuery struct {
	Status string // one of ListStatuses; "" is ListOpen
	Type   string // a case type of the convenant; "" every type
	Order  string // one of ListOrders; "" is "-geopend"
	// After and Before are keyset positions: the page after (or before) this case of the list.
	// Both 0: the first page.
	After, Before int64
	Size          int
}

// PageQuery is what the repository reads for a page: whose cases (the CaseFilter's actor
// fields; OrEscalated adds the region's escalated cases to a user's own), the filter, the order
// and the keyset position.
type PageQuery struct {
	CaseFilter
	// OrEscalated: with UserID, also the escalated cases of the region (the SWV's list).
	OrEscalated   bool
	Status        string
	Type          string
	Key           string // "geopend", "soort" or "status"
	Desc          bool
	After, Before int64
	Limit         int
}

// CasePage is one page read by the repository: the cases (rows, participants and regie; no
// sealed field opened), whether the list goes on beyond them in the direction read, and the
// number of cases of the query on all pages.
type CasePage struct {
	Cases []*Case
	More  bool
	Total int
}

// ListPage is one page of a case list as the actor may see it.
type ListPage struct {
	Items []Summary
	// Total counts the cases of the list on every page; Hidden the cases of this page the actor
	// may not see (identification not allowed for them in the case).
	Total, Hidden int
	// Prev and Next are the keyset positions of the neighbouring pages (0: there is none).
	Prev, Next int64
}

// ListPage reads one page of the cases the actor takes part in (parents: the cases they are
// invited to; the SWV also the escalated cases of the region), and records each case shown as a
// read of the pupil's identification, under name ("casus-lijst", "casus-export").
func (s *Service) ListPage(ctx context.Context, regionID int64, op Op, q ListQuery, name string) (ListPage, error) {
	now := s.now()
	key, desc := strings.CutPrefix(q.Order, "-")
	if q.Order == "" {
		key, desc = "geopend", true
	}
	switch key {
	case "geopend", "soort", "status":
	default:
		return ListPage{}, &FieldError{Field: "sorteer", Msg: "sorteer kan zijn: " + strings.Join(ListOrders(), ", ")}
	}
	status := q.Status
	if status == "" {
		status = ListOpen
	}
	switch status {
	case ListOpen, ListEscalated, ListClosed, ListAll:
	default:
		return ListPage{}, &FieldError{Field: "status", Msg: "status kan zijn: " + strings.Join(ListStatuses(), ", ")}
	}
	if q.Size < 1 {
		q.Size = 25
	}
	pq := PageQuery{Status: status, Type: q.Type, Key: key, Desc: desc, After: q.After, Before: q.Before, Limit: q.Size}
	switch {
	case op.Actor.Kind == KindParent:
		pq.ParentID = op.Actor.ParentID
	case op.Actor.Kind == KindPupil:
		pq.PupilID = op.Actor.PupilID
	case op.Actor.UserID == 0 && op.Actor.ClientID != 0 && op.Actor.OrganisationID != 0:
		pq.OrganisationID, pq.Role = op.Actor.OrganisationID, op.Actor.Role
	case op.Actor.UserID == 0:
		return ListPage{}, nil // no user and no client: no cases (an empty filter would list them all)
	default:
		pq.UserID = op.Actor.UserID
		pq.OrEscalated = op.Actor.Party == PartySWV
	}
	pg, err := s.repo.CasePage(ctx, regionID, pq)
	if err != nil {
		return ListPage{}, err
	}
	out := ListPage{Total: pg.Total}
	if n := len(pg.Cases); n > 0 {
		first, last := pg.Cases[0].ID, pg.Cases[n-1].ID
		if q.Before != 0 {
			out.Next = last
			if pg.More {
				out.Prev = first
			}
		} else {
			if q.After != 0 {
				out.Prev = first
			}
			if pg.More {
				out.Next = last
			}
		}
	}
	var entries []audit.Entry
	for _, c := range pg.Cases {
		me, ok := c.ParticipantFor(op.Actor)
		if op.Actor.Kind == KindPupil && (!ok || !me.Active()) {
			out.Hidden++
			continue
		}
		v := Verdict{Scope: ScopeContent, Category: "identificatie", Purpose: c.Purpose}
		if op.Actor.Professional() {
			if v, err = s.record(ctx, c, op.Actor, "identificatie", FactsOn(regionID, c.MeldingRef != "", c.BirthDate, now)); err != nil {
				return ListPage{}, err
			}
			if !v.Allowed() {
				out.Hidden++
				continue
			}
		}
		e, err := s.entry(op, c, v, audit.ActionRead, name, now)
		if err != nil {
			return ListPage{}, err
		}
		entries = append(entries, e)
		out.Items = append(out.Items, Summary{ID: c.ID, PupilID: c.PupilID, Pupil: c.Pupil, Type: c.Type, Phase: c.Phase, OpenedAt: c.OpenedAt,
			Escalated: c.Escalation != nil, Closed: c.Closed(), Regie: c.RegieHolder(RegieBroad)})
	}
	if len(entries) > 0 {
		if err := s.repo.AppendAudit(ctx, regionID, entries); err != nil {
			return ListPage{}, err
		}
	}
	return out, nil
}
