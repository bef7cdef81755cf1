package web

import (
	"encoding/base64"
	"encoding/hex"
	"errors"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/grondslag/grondslag/internal/audit"
	"github.com/grondslag/grondslag/internal/casework"
)

// The case list (issue 15: every list one query whatever the region's size, sortable, filterable,
// paged and exportable). The casework service reads one page in the list's order after (?na=) or
// before (?voor=) a keyset position — the public id of a case — and decides and logs the cases
// of that page only (before, every case of the list was read whole, decided and logged: 0.94 s
// for the SWV at 50,000 pupils). Filters: ?status= (open, doorbraakoverleg, afgesloten, alle)
// and ?soort= (a case type of the convenant). A case is labelled by a reference derived from
// its public id ("Casus C-1A2B3C4D"), never by its row number; the pupil by name only where the
// identification block is allowed for the chosen purpose, else "Een leerling" with the
// pseudonymous reference. The CSV export holds what the page shows.

// casusSorts are the values ?sorteer= may take on /casussen; "" is "-geopend", newest first.
// The phase is not offered: the convenant orders the phases (bijlage 3), and an alphabetical
// order of phase codes would mislead. The kind of meeting sorts by its code, which for the
// model convenant's kinds is the order of their words (doorbraakoverleg, multidisciplinair
// overleg, thuiszittersoverleg, zorg- en adviesteam).
var casusSorts = casework.ListOrders()

// casusPageSize is the default number of cases on a page.
const casusPageSize = 25

// caseRef is the label of a case on the pages: "C-" and the first 4 bytes of its public id in
// hexadecimal (like the pupil's "L-" reference). It tells nothing of the row number or the
// number of cases, and stays the same as long as the public ids do.
func (s *Server) caseRef(id int64) string {
	raw, err := base64.RawURLEncoding.DecodeString(s.pid(kindCase, id))
	if err != nil || len(raw) < 4 {
		return ""
	}
	return "C-" + strings.ToUpper(hex.EncodeToString(raw[:4]))
}

// caseTitle is the title of a case's page.
func (s *Server) caseTitle(id int64) string { return "Casus " + s.caseRef(id) }

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

// casusRow is one case of the list as the page shows it.
type casusRow struct {
	ID       int64
	Ref      string // caseRef
	Who      string // the pupil's name, or "Een leerling (L-…)"
	Type     string // the kind of meeting in words
	Phase    string // the phase in words
	OpenedAt time.Time
	Status   string
}

// casusListPage is the model of /casussen.
type casusListPage struct {
	View
	Rijen             []casusRow
	Totaal, Verborgen int
	Sorteer           map[string]sortLink
	Nav               pageNav
	Status, Soort     string
	Statussen         []optionRow
	Soorten           []optionRow
}

var casusStatusWords = map[string]string{casework.ListOpen: "Open", casework.ListEscalated: "In het doorbraakoverleg",
	casework.ListClosed: "Afgesloten", casework.ListAll: "Alle"}

func (c *caseHandlers) list(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	qv := r.URL.Query()
	order, err := sortParam(r, casusSorts)
	if err != nil {
		return err
	}
	status := qv.Get("status")
	if status == "" && qv.Get("alle") != "" {
		status = casework.ListAll // the older link "?alle=ja"
	}
	if status != "" && !slices.Contains(casework.ListStatuses(), status) {
		return badField("status", "status kan zijn: "+strings.Join(casework.ListStatuses(), ", "))
	}
	var types []optionRow
	for _, t := range c.svc(ctx).Guard().Convenant().CaseTypes() {
		types = append(types, optionRow{t.Code, workWord(t.Code)})
	}
	soort := qv.Get("soort")
	if soort != "" && !slices.ContainsFunc(types, func(o optionRow) bool { return o.Value == soort }) {
		return badField("soort", "onbekende soort overleg")
	}
	pg, err := pageParams(r, "per-pagina", casusPageSize, 200)
	if err != nil {
		return err
	}
	q := casework.ListQuery{Status: status, Type: soort, Order: order, Size: pg.Size}
	if v := qv.Get("na"); v != "" {
		if q.After, err = c.s.rowID(kindCase, v, "na"); err != nil {
			return err
		}
	}
	if v := qv.Get("voor"); v != "" && q.After == 0 {
		if q.Before, err = c.s.rowID(kindCase, v, "voor"); err != nil {
			return err
		}
	}
	op, region := c.op(r, audit.AccessUI)
	svc := c.svc(ctx)
	if wantsCSV(r) {
		// Every page of the list, each decided and logged as exported.
		q.After, q.Before, q.Size = 0, 0, exportPageSize
		var items []casework.Summary
		for {
			page, err := svc.ListPage(ctx, region, op, q, "casus-export")
			if err != nil {
				return caseError(err)
			}
			items = append(items, page.Items...)
			if page.Next == 0 || len(items) >= exportMaxRows {
				break
			}
			q.After = page.Next
		}
		rows, err := c.casusRows(r, items, "casus-export")
		if err != nil {
			return err
		}
		return c.casusCSV(w, rows)
	}
	page, err := svc.ListPage(ctx, region, op, q, "casus-lijst")
	if errors.Is(err, casework.ErrNotFound) {
		return badField("na", "Deze plaats in de lijst bestaat niet meer. Begin de lijst opnieuw.")
	}
	if err != nil {
		return caseError(err)
	}
	rows, err := c.casusRows(r, page.Items, "casus-lijst")
	if err != nil {
		return err
	}
	nav := pageNav{Total: page.Total}
	link := func(param string, id int64) string {
		q := r.URL.Query()
		for _, k := range []string{"na", "voor", "pagina", "formaat"} {
			q.Del(k)
		}
		q.Set(param, c.s.pid(kindCase, id))
		return r.URL.Path + "?" + q.Encode()
	}
	if page.Prev != 0 {
		nav.Prev = link("voor", page.Prev)
	}
	if page.Next != 0 {
		nav.Next = link("na", page.Next)
	}
	csvq := r.URL.Query()
	for _, k := range []string{"na", "voor", "pagina"} {
		csvq.Del(k)
	}
	csvq.Set("formaat", "csv")
	nav.CSV = r.URL.Path + "?" + csvq.Encode()
	statuses := []optionRow{}
	for _, s := range casework.ListStatuses() {
		statuses = append(statuses, optionRow{s, casusStatusWords[s]})
	}
	if status == "" {
		status = casework.ListOpen
	}
	return c.s.render(w, r, "casus_lijst", "Casussen", &casusListPage{Rijen: rows, Totaal: page.Total, Verborgen: page.Hidden,
		Sorteer: sortLinks(r, []string{"geopend", "soort", "status"}, "-geopend"), Nav: nav,
		Status: status, Soort: soort, Statussen: statuses, Soorten: types})
}

// casusRows labels the cases for the page or the CSV: the case by its reference, the pupil by
// name where the identification block is allowed for the session's purpose (each name shown is
// logged under name), else by the pseudonymous reference.
func (c *caseHandlers) casusRows(r *http.Request, items []casework.Summary, name string) ([]casusRow, error) {
	ctx := r.Context()
	p := principalFrom(ctx)
	vocab := c.s.vocabOf(p)
	rows := make([]casusRow, len(items))
	for i, it := range items {
		rows[i] = casusRow{ID: it.ID, Ref: c.s.caseRef(it.ID), Who: "Een leerling (" + PupilRef(it.Pupil) + ")", Type: workWord(it.Type),
			Phase: Label(vocab.Phases, it.Phase), OpenedAt: it.OpenedAt, Status: casusStatus(it)}
	}
	may, none := c.s.nameGate(ctx, p, p.Session.Purpose)
	if none != nil || len(items) == 0 {
		return rows, nil // identification is not allowed for this purpose: no name is read
	}
	ids := make([]int64, len(items))
	for i, it := range items {
		ids[i] = it.PupilID
	}
	labels, err := c.s.d.Dossiers.PupilLabels(ctx, p.Actor().RegionID, ids)
	if err != nil {
		return nil, err
	}
	var shown []named
	for i, it := range items {
		l, ok := labels[it.PupilID]
		if !ok {
			continue
		}
		allowed, ans, err := may(it.PupilID)
		if err != nil {
			return nil, err
		}
		if allowed {
			rows[i].Who = l.FirstName + " " + l.LastName
			shown = append(shown, named{l.Pseudonym, ans})
		}
	}
	if err := c.s.auditNames(ctx, p, shown, p.Session.Purpose, audit.AccessUI, name); err != nil {
		return nil, err
	}
	return rows, nil
}

// casusCSV writes the (already decided and logged) case list as CSV for Dutch Excel: what the
// page shows, the case by its reference and public id.
func (c *caseHandlers) casusCSV(w http.ResponseWriter, rows []casusRow) error {
	cw, err := csvWriter(w, "casussen-"+c.s.today())
	if err != nil {
		return err
	}
	if err := cw.Write([]string{"casus", "id", "leerling", "soort overleg", "fase", "geopend", "status"}); err != nil {
		return err
	}
	for _, x := range rows {
		opened := x.OpenedAt.In(amsterdam()).Format("02-01-2006")
		if err := cw.Write(csvRow(x.Ref, c.s.pid(kindCase, x.ID), x.Who, x.Type, x.Phase, opened, x.Status)); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}
