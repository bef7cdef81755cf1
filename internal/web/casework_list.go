package web

import (
	"cmp"
	"net/http"
	"slices"
	"strings"

	"github.com/grondslag/grondslag/internal/casework"
)

// The case list's order and CSV export (issue 15: every list sortable and exportable). The list
// is the cases the user takes part in (for the SWV also the escalated ones), which the casework
// service reads, decides and logs as a whole; it is ordered here. It shows no names: only the
// case, the pupil's reference, the kind of meeting, the phase and the status, and so does the CSV.

// casusSorts are the values ?sorteer= may take on /casussen; "" is "-geopend", newest first.
// The phase is not offered: the convenant orders the phases (bijlage 3), and an alphabetical
// order of phase codes would mislead.
var casusSorts = []string{"geopend", "-geopend", "soort", "-soort", "status", "-status"}

// casusStatus is a case's status in words, as the list shows it.
func casusStatus(c casework.Summary) string {
	switch {
	case c.Closed:
		return "afgesloten"
	case c.Escalated:
		return "doorbraakoverleg"
	}
	return "open"
}

// casusStatusRank orders the statuses from what needs work to what is done.
func casusStatusRank(c casework.Summary) int {
	switch {
	case c.Closed:
		return 2
	case c.Escalated:
		return 1
	}
	return 0
}

// sortCases orders the list by order (one of casusSorts); ties by opening time, newest first,
// then by id, so every order is total.
func sortCases(list []casework.Summary, order string) {
	key, desc := strings.CutPrefix(order, "-")
	if order == "" {
		key, desc = "geopend", true
	}
	slices.SortStableFunc(list, func(a, b casework.Summary) int {
		var c int
		switch key {
		case "geopend":
			c = a.OpenedAt.Compare(b.OpenedAt)
		case "soort":
			c = cmp.Compare(workWord(a.Type), workWord(b.Type))
		case "status":
			c = cmp.Compare(casusStatusRank(a), casusStatusRank(b))
		}
		if desc {
			c = -c
		}
		if c == 0 {
			c = b.OpenedAt.Compare(a.OpenedAt) // ties: newest first
		}
		if c == 0 {
			c = cmp.Compare(a.ID, b.ID)
		}
		return c
	})
}

// casusCSV writes the (already decided and logged) case list as CSV for Dutch Excel: the case
// and the pupil by their public ids, never a name.
func (c *caseHandlers) casusCSV(w http.ResponseWriter, list []casework.Summary) error {
	cw, err := csvWriter(w, "casussen-"+c.s.today())
	if err != nil {
		return err
	}
	if err := cw.Write([]string{"casus", "leerling", "soort overleg", "fase", "geopend", "status"}); err != nil {
		return err
	}
	for _, cs := range list {
		opened := cs.OpenedAt.In(amsterdam()).Format("02-01-2006")
		if err := cw.Write(csvRow(c.s.pid(kindCase, cs.ID), c.s.pid(kindPupil, cs.PupilID), workWord(cs.Type), cs.Phase, opened, casusStatus(cs))); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}
