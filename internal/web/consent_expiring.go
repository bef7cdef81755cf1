package web

import (
	"cmp"
	"net/http"
	"slices"
	"strings"
)

// The order and CSV export of /toestemmingen/verlopend (issue 15: every list sortable and
// exportable). The rows are decided and logged before they are ordered; the CSV holds what the
// page shows: a name only where the identification block is allowed, else the pseudonymous
// reference. There is no order by name, which would place a pupil whose name is withheld.

// sortReminders orders the rows by order (one of expiringSorts); ties by date, then consent.
func sortReminders(rows []reminderRow, order string) {
	key, desc := strings.CutPrefix(order, "-")
	slices.SortStableFunc(rows, func(a, b reminderRow) int {
		var c int
		if key == "reden" {
			c = cmp.Compare(a.Reason, b.Reason)
		} else {
			c = cmp.Compare(a.EndsAfter, b.EndsAfter)
		}
		if desc {
			c = -c
		}
		if c == 0 {
			c = cmp.Compare(a.EndsAfter, b.EndsAfter)
		}
		if c == 0 {
			c = cmp.Compare(a.ConsentID, b.ConsentID)
		}
		return c
	})
}

// expiringCSV writes the expiring consents as CSV for Dutch Excel.
func (c *consentHandlers) expiringCSV(w http.ResponseWriter, rows []reminderRow) error {
	cw, err := csvWriter(w, "toestemmingen-verlopend-"+c.s.today())
	if err != nil {
		return err
	}
	if err := cw.Write([]string{"leerling", "toestemming", "dekt tot en met", "waarom"}); err != nil {
		return err
	}
	for _, r := range rows {
		who := r.Name
		if who == "" {
			who = "een leerling (" + r.Ref + ")"
		}
		why := r.Reason
		if r.Detail != "" {
			why += ": " + r.Detail
		}
		if err := cw.Write(csvRow(who, c.s.pid(kindConsent, r.ConsentID), dutchDate(r.EndsAfter), why)); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}
