package web

import (
	"cmp"
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/grondslag/grondslag/internal/audit"
	"github.com/grondslag/grondslag/internal/consent"
	"github.com/grondslag/grondslag/internal/dossier"
	"github.com/grondslag/grondslag/internal/policy"
)

// /toestemmingen/verlopend: the school's consents that stop covering within 30 days (issue 15:
// every list one query whatever the region's size, sortable, paged and exportable). The store
// reads the consents of the expiry window of the school's own pupils in one query
// (ExpiringConsents; before, every active consent of the region was read, 1.5 s at 50,000
// pupils); the consent register decides which of them stop covering (Expiring); only the rows of
// the page shown (or of the export) are decided and logged. The page and the CSV show a name only
// where the identification block is allowed, else the pseudonymous reference; a consent is named
// by its purposes, never by its row number. There is no order by name, which would place a pupil
// whose name is withheld.

// ExpiringConsents reads the candidates of the expiring list: the consents of window w of the
// pupils the actor holds the enrolment relation with, and their families (*store.DB).
type ExpiringConsents interface {
	ExpiringConsents(ctx context.Context, a dossier.Actor, w consent.ExpiryWindow) ([]consent.Record, map[int64]consent.Family, error)
}

// expiringDays is the reminder window of the page.
const expiringDays = 30

// expiringPageSize is the page's default number of rows.
const expiringPageSize = 25

// reminderRow is one consent expiring soon.
type reminderRow struct {
	ConsentID int64
	PupilID   int64
	Name      string // "" where the identification block is not allowed
	Ref       string // the pupil's pseudonymous reference (PupilRef)
	Purposes  string // the consent's purposes in words
	EndsAfter string
	Reason    string
	Detail    string
}

// Who is the pupil as the row may show it: the name, or "Een leerling" with the reference.
func (r reminderRow) Who() string {
	if r.Name != "" {
		return r.Name
	}
	return "Een leerling (" + r.Ref + ")"
}

// expiringPage is the page's model.
type expiringPage struct {
	View
	Rijen   []reminderRow
	Totaal  int
	Sorteer map[string]sortLink
	Nav     pageNav
}

// expiringSorts are the values ?sorteer= may take on /toestemmingen/verlopend; "" is "datum",
// the first to stop covering first.
var expiringSorts = []string{"datum", "-datum", "reden", "-reden"}

func (c *consentHandlers) expiring(w http.ResponseWriter, r *http.Request) error {
	p := principalFrom(r.Context())
	ctx, a := r.Context(), p.Actor()
	order, err := sortParam(r, expiringSorts)
	if err != nil {
		return err
	}
	pg, err := pageParams(r, "per-pagina", expiringPageSize, 200)
	if err != nil {
		return err
	}
	name := "toestemmingen-verlopend"
	if wantsCSV(r) {
		name = "toestemmingen-verlopend-export"
	}
	// Decide first: nothing of the register is read for a user who may not read it.
	dec, purpose, err := c.registerDecision(ctx, p, policy.Read, "")
	if err != nil {
		return err
	}
	if !dec.Allowed {
		return denied(dec)
	}
	rems, err := c.d.Register.RemindersIn(ctx, a.RegionID, c.s.now(), expiringDays, func(ctx context.Context, win consent.ExpiryWindow) ([]consent.Record, map[int64]consent.Family, error) {
		return c.d.Expiring.ExpiringConsents(ctx, a, win)
	})
	if err != nil {
		return err
	}
	vocab := c.s.vocabOf(p)
	rows := make([]reminderRow, 0, len(rems))
	for _, rm := range rems {
		d := rm.Consent.Data()
		words := make([]string, len(d.Purposes))
		for i, code := range d.Purposes {
			words[i] = Label(vocab.Purposes, code)
		}
		rows = append(rows, reminderRow{ConsentID: rm.Consent.ID(), PupilID: d.PupilID,
			Purposes: strings.Join(words, ", "), EndsAfter: rm.EndsAfter.String(), Reason: rm.Reason, Detail: rm.Detail})
	}
	sortReminders(rows, order)
	total := len(rows)
	if wantsCSV(r) {
		rows = rows[:min(len(rows), exportMaxRows)]
	} else {
		rows = pageSlice(rows, pg)
	}
	// Only the rows shown (or exported) are read: one record each, and the names where the
	// identification block is allowed.
	ids := make([]int64, len(rows))
	for i, row := range rows {
		ids[i] = row.PupilID
	}
	pupils, err := c.s.d.Dossiers.PupilLabels(ctx, a.RegionID, ids)
	if err != nil {
		return err
	}
	may, _ := c.s.nameGate(ctx, p, p.Session.Purpose)
	recs := make([]audit.Record, 0, len(rows))
	var shown []named
	for i := range rows {
		row := &rows[i]
		pup, ok := pupils[row.PupilID]
		if !ok {
			return fmt.Errorf("verlopende toestemmingen: leerling %d niet gevonden", row.PupilID)
		}
		row.Ref = PupilRef(pup.Pseudonym)
		recs = append(recs, c.s.decisionRecord(ctx, p, pup.Pseudonym, []string{"toestemming"}, purpose, audit.ActionRead, dec, "", audit.AccessUI, name))
		ok, ans, err := may(row.PupilID)
		if err != nil {
			return err
		}
		if ok {
			row.Name = pup.FirstName + " " + pup.LastName
			shown = append(shown, named{pup.Pseudonym, ans})
		}
	}
	if len(recs) > 0 {
		if err := c.s.d.Audit.Append(ctx, a.RegionID, recs...); err != nil {
			return err
		}
	}
	if err := c.s.auditNames(ctx, p, shown, p.Session.Purpose, audit.AccessUI, name); err != nil {
		return err
	}
	if wantsCSV(r) {
		return c.expiringCSV(w, rows)
	}
	return c.s.render(w, r, "toestemming_verlopend", "Toestemmingen die binnen 30 dagen verlopen", &expiringPage{Rijen: rows, Totaal: total,
		Sorteer: sortLinks(r, []string{"datum", "reden"}, "datum"), Nav: listNav(r, pg, total)})
}

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

// expiringCSV writes the expiring consents as CSV for Dutch Excel: the consent by its public id
// and its purposes, the pupil by name only where identification is allowed.
func (c *consentHandlers) expiringCSV(w http.ResponseWriter, rows []reminderRow) error {
	cw, err := csvWriter(w, "toestemmingen-verlopend-"+c.s.today())
	if err != nil {
		return err
	}
	if err := cw.Write([]string{"leerling", "toestemming", "doelen", "dekt tot en met", "waarom"}); err != nil {
		return err
	}
	for _, r := range rows {
		why := r.Reason
		if r.Detail != "" {
			why += ": " + r.Detail
		}
		if err := cw.Write(csvRow(r.Who(), c.s.pid(kindConsent, r.ConsentID), r.Purposes, dutchDate(r.EndsAfter), why)); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}
