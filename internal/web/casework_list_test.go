package web_test

import (
	"context"
	"encoding/base64"
	"encoding/hex"
	"html"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/grondslag/grondslag/internal/audit"
	"github.com/grondslag/grondslag/internal/casework"
	"github.com/grondslag/grondslag/internal/region"
	"github.com/grondslag/grondslag/internal/store"
)

// caseRef is the label the pages give a case: "C-" and the first 4 bytes of its public id.
func caseRef(t *testing.T, w *world, id int64) string {
	t.Helper()
	raw, err := base64.RawURLEncoding.DecodeString(w.pid("casus", id))
	if err != nil {
		t.Fatal(err)
	}
	return "C-" + strings.ToUpper(hex.EncodeToString(raw[:4]))
}

// rowLabelRe finds a row number used as a label in a page's text: "Casus 17", "casus 17",
// "Leerling 866".
var rowLabelRe = regexp.MustCompile(`\b([Cc]asus|Leerling) \d+\b`)

var tagRe = regexp.MustCompile(`<[^>]*>`)

// visibleText is a page's text without its tags (the title included).
func visibleText(body string) string { return html.UnescapeString(tagRe.ReplaceAllString(body, " ")) }

// openCases opens n more cases for pupil 1 by the zorgcoördinator, a day apart, alternating
// mdo and zat; it returns their ids, oldest first.
func openCases(t *testing.T, w *world, svc *casework.Service, n int) []int64 {
	t.Helper()
	ctx := context.Background()
	zcOp := casework.Op{Actor: store.ActorOf(region.User{ID: w.users["zc"].id, Role: "zorgcoordinator", Name: "ZC"}, region.Organisation{ID: w.school1, Kind: region.KindSchool}), Point: audit.AccessUI, RequestID: "t"}
	var ids []int64
	for i := 0; i < n; i++ {
		w.clock.Add(24 * time.Hour)
		kind := "mdo"
		if i%2 == 1 {
			kind = "zat"
		}
		c, err := svc.Open(ctx, w.r1, zcOp, casework.OpenRequest{PupilID: w.pupil1, Type: kind, Purpose: "toeleiding", Question: "Wat heeft Anouk nodig?"})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, c.ID)
	}
	return ids
}

// /casussen is sorted and exported as CSV (issue 15): newest first by default, by opening date,
// kind of meeting or status; the CSV holds what the page shows (the case by its reference and
// public id, the pupil by the pseudonymous reference, or by name where identification is
// allowed) and every exported case is logged as "casus-export".
func TestCasusListSortAndCSV(t *testing.T) {
	w, svc, first := caseWorld(t)
	ctx := context.Background()
	w.clock.Add(24 * time.Hour)
	second := openCases(t, w, svc, 1)[0]
	zc := w.client()
	zc.login("zc")
	order := func(path string) (int, int) {
		t.Helper()
		r := zc.get(path)
		if r.status != http.StatusOK {
			t.Fatalf("%s: %d\n%s", path, r.status, r.body)
		}
		a, b := strings.Index(r.body, "Casus "+caseRef(t, w, first)+"<"), strings.Index(r.body, "Casus "+caseRef(t, w, second)+"<")
		if a < 0 || b < 0 {
			t.Fatalf("%s: both cases expected\n%s", path, r.body)
		}
		return a, b
	}
	if a, b := order("/casussen"); b > a {
		t.Errorf("default: the newest case first")
	}
	if a, b := order("/casussen?sorteer=geopend"); a > b {
		t.Errorf("geopend: the oldest case first")
	}
	if a, b := order("/casussen?sorteer=soort"); b > a { // multidisciplinair overleg < zorg- en adviesteam
		t.Errorf("soort: mdo before zat")
	}
	if a, b := order("/casussen?sorteer=-soort"); a > b {
		t.Errorf("-soort: zat before mdo")
	}
	for _, bad := range []string{"leerling", "fase"} {
		if r := zc.get("/casussen?sorteer=" + bad); r.status != http.StatusBadRequest {
			t.Errorf("unknown order %s: %d", bad, r.status)
		}
	}
	if r := zc.get("/casussen?sorteer=status"); r.status != http.StatusOK {
		t.Errorf("order by status: %d", r.status)
	}
	page := zc.get("/casussen")
	if !strings.Contains(page.body, `href="/casussen?sorteer=soort"`) || !strings.Contains(page.body, `href="/casussen?formaat=csv"`) {
		t.Errorf("sort and CSV links missing:\n%s", page.body)
	}
	if !strings.Contains(page.body, "<td>multidisciplinair overleg</td>") || strings.Contains(page.body, "<td>mdo</td>") {
		t.Errorf("the kind of meeting is shown as a code:\n%s", page.body)
	}

	logged := func() int {
		leaves, err := store.NewAuditStore(w.db).Recent(ctx, w.r1, 1000)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, l := range leaves {
			if l.Entry.Record().Name == "casus-export" {
				n++
			}
		}
		return n
	}
	if n := logged(); n != 0 {
		t.Fatalf("%d export entries before any export", n)
	}
	r := zc.get("/casussen?formaat=csv&sorteer=geopend")
	lines := strings.Split(strings.TrimSpace(r.body), "\r\n")
	if r.status != http.StatusOK || !strings.HasPrefix(r.header.Get("Content-Type"), "text/csv") || len(lines) != 3 ||
		lines[0] != "\ufeffcasus;id;leerling;soort overleg;fase;geopend;status" {
		t.Fatalf("csv: %d %q\n%s", r.status, r.header.Get("Content-Type"), r.body)
	}
	want1 := caseRef(t, w, first) + ";" + w.pid("casus", first) + ";Een leerling (L-PSEUDO-L);zorg- en adviesteam;"
	want2 := caseRef(t, w, second) + ";" + w.pid("casus", second) + ";Een leerling (L-PSEUDO-L);multidisciplinair overleg;"
	if !strings.HasPrefix(lines[1], want1) || !strings.HasSuffix(lines[1], ";06-10-2025;open") ||
		!strings.HasPrefix(lines[2], want2) || !strings.HasSuffix(lines[2], ";08-10-2025;open") {
		t.Errorf("csv rows:\n%s\n%s\nwant\n%s…\n%s…", lines[1], lines[2], want1, want2)
	}
	if strings.Contains(r.body, "Anouk") || strings.Contains(r.body, "Visser") {
		t.Errorf("csv names the pupil without a purpose that allows identification:\n%s", r.body)
	}
	if n := logged(); n != 2 {
		t.Errorf("export logged %d entries, want one per case (2)", n)
	}
	// Under signalering the zorgcoördinator may identify the pupil: the list and the CSV name her.
	zc.setPurpose("signalering")
	if r := zc.get("/casussen"); !strings.Contains(r.body, "<td>Anouk Visser</td>") {
		t.Errorf("name not shown where identification is allowed:\n%s", r.body)
	}
	if r := zc.get("/casussen?formaat=csv"); strings.Count(r.body, ";Anouk Visser;") != 2 {
		t.Errorf("csv with identification:\n%s", r.body)
	}
}

// /casussen pages by keyset (issue 15): ?na= and ?voor= carry a case's public id, never an
// offset or a row number; walking forward and back gives every case once, in order; the count
// covers the whole list; the filters narrow it.
func TestCasusListKeysetPages(t *testing.T) {
	w, svc, first := caseWorld(t)
	more := openCases(t, w, svc, 6)
	all := append([]int64{first}, more...) // oldest first
	zc := w.client()
	zc.login("zc")
	linkRe := regexp.MustCompile(`href="([^"]+)" rel="(prev|next)"`)
	refRe := regexp.MustCompile(`>Casus (C-[0-9A-F]{8})<`)
	type pg struct {
		refs       []string
		prev, next string
	}
	get := func(path string) pg {
		t.Helper()
		r := zc.get(path)
		if r.status != http.StatusOK {
			t.Fatalf("%s: %d\n%s", path, r.status, r.body)
		}
		if !strings.Contains(r.body, "7 casussen") {
			t.Errorf("%s: the count of the whole list is missing", path)
		}
		var p pg
		for _, m := range refRe.FindAllStringSubmatch(r.body, -1) {
			p.refs = append(p.refs, m[1])
		}
		for _, m := range linkRe.FindAllStringSubmatch(r.body, -1) {
			u := html.UnescapeString(m[1])
			if strings.Contains(u, "?pagina=") || strings.Contains(u, "&pagina=") {
				t.Errorf("offset paging link %s", u)
			}
			if m[2] == "prev" {
				p.prev = u
			} else {
				p.next = u
			}
		}
		return p
	}
	var want []string
	for i := len(all) - 1; i >= 0; i-- {
		want = append(want, caseRef(t, w, all[i]))
	}
	var got []string
	var pages []pg
	p := get("/casussen?per-pagina=3")
	if p.prev != "" {
		t.Errorf("first page links back: %s", p.prev)
	}
	for {
		pages = append(pages, p)
		got = append(got, p.refs...)
		if p.next == "" {
			break
		}
		if len(pages) > 5 {
			t.Fatal("no end to the pages")
		}
		p = get(p.next)
	}
	if strings.Join(got, ",") != strings.Join(want, ",") || len(pages) != 3 {
		t.Fatalf("forward: %d pages %v, want %v", len(pages), got, want)
	}
	// Back from the last page: the same pages.
	p = pages[2]
	for i := 1; i >= 0; i-- {
		if p.prev == "" {
			t.Fatalf("page %d has no link back", i+2)
		}
		p = get(p.prev)
		if strings.Join(p.refs, ",") != strings.Join(pages[i].refs, ",") {
			t.Fatalf("back to page %d: %v, want %v", i+1, p.refs, pages[i].refs)
		}
	}
	// Sorted by kind: the mdo cases first, newest first within a kind, across pages.
	got = nil
	for p = get("/casussen?per-pagina=2&sorteer=soort"); ; p = get(p.next) {
		got = append(got, p.refs...)
		if p.next == "" {
			break
		}
	}
	if len(got) != 7 || got[0] != caseRef(t, w, more[4]) || got[3] != caseRef(t, w, more[5]) {
		t.Errorf("by kind: %v", got)
	}
	// Filters.
	r := zc.get("/casussen?soort=zat")
	if n := len(refRe.FindAllString(r.body, -1)); n != 4 || !strings.Contains(r.body, "4 casussen") {
		t.Errorf("soort=zat: %d cases\n%s", n, r.body)
	}
	if r := zc.get("/casussen?status=afgesloten"); r.status != http.StatusOK || refRe.MatchString(r.body) {
		t.Errorf("status=afgesloten: %d\n%s", r.status, r.body)
	}
	if r := zc.get("/casussen?status=alle"); len(refRe.FindAllString(r.body, -1)) != 7 {
		t.Errorf("status=alle\n%s", r.body)
	}
	for _, bad := range []string{"status=weg", "soort=onbekend", "na=17", "na=" + w.pid("leerling", w.pupil1), "per-pagina=0"} {
		if r := zc.get("/casussen?" + bad); r.status != http.StatusBadRequest {
			t.Errorf("%s: %d, want 400", bad, r.status)
		}
	}
}

// No row number is a label (issue 15): the case list, the case page and its plan of approach
// name a case by its reference and the pupil by name or pseudonymous reference; a row number
// ("Casus 17", "Leerling 866") leaks how many records exist.
func TestCasusPagesShowNoRowNumbers(t *testing.T) {
	w, _, id := caseWorld(t)
	ref := caseRef(t, w, id)
	zc := w.client()
	zc.login("zc")
	for _, purpose := range []string{"", "signalering"} {
		if purpose != "" {
			zc.setPurpose(purpose)
		}
		for _, path := range []string{"/casussen", "/casussen/" + w.pid("casus", id), "/casussen/" + w.pid("casus", id) + "/plan-van-aanpak"} {
			r := zc.get(path)
			if r.status != http.StatusOK {
				t.Fatalf("%s: %d", path, r.status)
			}
			text := visibleText(r.body)
			if m := rowLabelRe.FindString(text); m != "" {
				t.Errorf("[%s] %s: row number as a label: %q", purpose, path, m)
			}
			if !strings.Contains(text, ref) {
				t.Errorf("[%s] %s: the case's reference %s is missing", purpose, path, ref)
			}
		}
	}
	r := zc.get("/casussen/" + w.pid("casus", id))
	if !strings.Contains(r.body, "<title>Casus "+ref+" ·") || !strings.Contains(r.body, "<h1>Casus "+ref+": zorg- en adviesteam</h1>") {
		t.Errorf("title and heading:\n%s", r.body)
	}
	// The pattern itself finds what it must.
	for _, leak := range []string{"Casus 17", "Plan van aanpak, casus 3", "Leerling 866"} {
		if !rowLabelRe.MatchString(leak) {
			t.Errorf("rowLabelRe misses %q", leak)
		}
	}
}
