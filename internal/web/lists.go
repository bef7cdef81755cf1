package web

import (
	"encoding/csv"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/grondslag/grondslag/internal/dossier"
)

// Lists (issue 15): every list page is sorted, paged and counted in SQL (one count and one page
// query), takes ?sorteer= (a "-" in front reverses), ?pagina= and ?per-pagina=, and offers its
// rows as CSV for Dutch Excel (?formaat=csv) through the same decide-and-log path as the page.

// sortParam reads ?sorteer=, which must be one of allowed ("" when absent).
func sortParam(r *http.Request, allowed []string) (string, error) {
	v := r.URL.Query().Get("sorteer")
	if v == "" || slices.Contains(allowed, v) {
		return v, nil
	}
	return "", badField("sorteer", "sorteer kan zijn: "+strings.Join(allowed, ", "))
}

// sortLink is a column heading's link: sorting on it, or reversing when the list is already
// sorted on it.
type sortLink struct {
	Href   string
	Active bool   // the list is sorted on this column
	Dir    string // "oplopend" or "aflopend" when active (for aria-sort: ascending, descending)
}

// AriaSort is the aria-sort value of the heading.
func (l sortLink) AriaSort() string {
	switch {
	case !l.Active:
		return "none"
	case l.Dir == "aflopend":
		return "descending"
	}
	return "ascending"
}

// sortLinks gives each sortable column (key: the sort value without "-") its heading link, keeping
// the other query parameters and going back to page 1. def is the list's default order.
func sortLinks(r *http.Request, keys []string, def string) map[string]sortLink {
	cur := r.URL.Query().Get("sorteer")
	if cur == "" {
		cur = def
	}
	out := map[string]sortLink{}
	for _, k := range keys {
		l := sortLink{}
		next := k
		switch cur {
		case k:
			l.Active, l.Dir, next = true, "oplopend", "-"+k
		case "-" + k:
			l.Active, l.Dir = true, "aflopend"
		}
		q := r.URL.Query()
		q.Set("sorteer", next)
		q.Del("pagina")
		q.Del("formaat")
		l.Href = r.URL.Path + "?" + q.Encode()
		out[k] = l
	}
	return out
}

// pageNav is the paging of a list page: the count, the page and the links to the neighbours.
type pageNav struct {
	Total, Page, Pages int
	Prev, Next         string // "" when there is none
	CSV                string // the same list as CSV
}

// listNav builds the paging links of a list from the request's own query (filters and order
// stay).
func listNav(r *http.Request, pg dossier.Page, total int) pageNav {
	n := pageNav{Total: total, Page: pg.Number, Pages: (total + pg.Size - 1) / pg.Size}
	link := func(page int) string {
		q := r.URL.Query()
		q.Set("pagina", strconv.Itoa(page))
		q.Del("formaat")
		return r.URL.Path + "?" + q.Encode()
	}
	if pg.Number > 1 {
		n.Prev = link(min(pg.Number-1, max(n.Pages, 1)))
	}
	if pg.Number < n.Pages {
		n.Next = link(pg.Number + 1)
	}
	q := r.URL.Query()
	q.Set("formaat", "csv")
	q.Del("pagina")
	n.CSV = r.URL.Path + "?" + q.Encode()
	return n
}

// wantsCSV is true for ?formaat=csv.
func wantsCSV(r *http.Request) bool { return r.URL.Query().Get("formaat") == "csv" }

// exportPageSize and exportMaxRows bound a CSV export: it is read page by page through the same
// path as the list page (every row decided and logged), at most exportMaxRows rows.
const (
	exportPageSize = 500
	exportMaxRows  = 20000
)

// csvWriter starts a CSV download for Dutch Excel: UTF-8 with a byte order mark, ";" between
// fields, CRLF line ends; name is the file name without extension.
func csvWriter(w http.ResponseWriter, name string) (*csv.Writer, error) {
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="`+url.PathEscape(name)+`.csv"`)
	if _, err := w.Write([]byte("\ufeff")); err != nil {
		return nil, err
	}
	cw := csv.NewWriter(w)
	cw.Comma = ';'
	cw.UseCRLF = true
	return cw, nil
}

// csvRow makes every cell safe for a spreadsheet (csvSafe).
func csvRow(cells ...string) []string {
	for i, c := range cells {
		cells[i] = csvSafe(c)
	}
	return cells
}
