package main

import (
	"context"
	"fmt"
	"html"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/grondslag/grondslag/internal/audit"
	"github.com/grondslag/grondslag/internal/auth"
	"github.com/grondslag/grondslag/internal/demo"
	"github.com/grondslag/grondslag/internal/ident"
	"github.com/grondslag/grondslag/internal/store"
	"github.com/grondslag/grondslag/internal/store/storetest"
)

// The per-role crawler and the name-leak test (issue 15). They run against the whole server as
// `grondslag demo` wires it (every mounted part, the store, the policy of the model convenant,
// the Merkle audit log), on a small demo region:
//
//   - every role signs in (password and TOTP; the parent with an e-mail code from the demo
//     mailbox), and for every purpose the purpose picker offers it, follows every link and
//     submits every GET form on every page it can reach; no link or form may answer 4xx or 5xx;
//   - a pupil's name may appear on a page only when the audit log holds an allowed decision on
//     identification for that user, that pupil and that purpose: a name shown without one is a
//     leak (the page showed personal data without grounds, or without recording it);
//   - every rendered page is checked for ISO dates in its text, "1 leerlingen"-style plurals and
//     English error text.

// demoSite is the demo region served by the real server.
type demoSite struct {
	t        *testing.T
	srv      *httptest.Server
	db       *store.DB
	res      *demo.Result
	reader   auditReader
	names    []pupilName
	parentEm string
	ring     *ident.KeyRing
	// publicID is the web's public id of a row (web.Server.PublicID).
	publicID func(kind string, id int64) string
	// The audit log as read so far: allowedNames reads only the entries appended since its last
	// call (the log grows with every page; rereading it whole per role and purpose was the
	// crawler's largest cost).
	auditRecs []audit.Record
	auditNext uint64
	reads     int // entries decoded, for the log line
}

type pupilName struct {
	pseudonym, first, last string
}

func newDemoSite(t *testing.T, pupils int) *demoSite {
	t.Helper()
	ctx := context.Background()
	db := storetest.SQLite(t)
	dir := t.TempDir()
	ring, err := ident.LoadKeyFile(filepath.Join(dir, "grondslag-demo-sleutels.json"))
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now().UTC()
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	res, err := demo.Generate(ctx, db, ring, demo.Options{Seed: 1, Pupils: pupils, Today: today})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := populateDemo(ctx, db, ring, res, today); err != nil {
		t.Fatal(err)
	}
	return serveDemoSite(t, db, ring, res, filepath.Join(dir, "grondslag-demo-sleutels.json"))
}

// serveDemoSite serves a demo region already in db through the real server.
func serveDemoSite(t *testing.T, db *store.DB, ring *ident.KeyRing, res *demo.Result, keyFile string) *demoSite {
	t.Helper()
	ctx := context.Background()
	cfg := &config{KeyFile: keyFile, Region: res.Region.Code}
	e := env{stdout: io.Discard, stderr: io.Discard, getenv: func(string) string { return "" }}
	ws, cleanup, _, err := newWebServer(ctx, e, cfg, db, ring)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cleanup)
	if err := setDemoLogins(ctx, e, db, ws.sealer); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(ws.web)
	t.Cleanup(srv.Close)
	d := &demoSite{t: t, srv: srv, db: db, res: res, reader: auditReader{AuditStore: store.NewAuditStore(db), db: db}, ring: ring, publicID: ws.web.PublicID}
	rows, err := db.Query(ctx, `SELECT pseudoniem, voornaam, achternaam FROM leerling WHERE regio_id = ?`, res.Region.ID)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var n pupilName
		if err := rows.Scan(&n.pseudonym, &n.first, &n.last); err != nil {
			t.Fatal(err)
		}
		d.names = append(d.names, n)
	}
	rows.Close()
	es, err := db.ParentEmailsWithGezag(ctx, res.Region.ID, 1)
	if err != nil || len(es) == 0 {
		t.Fatalf("no parent: %v", err)
	}
	d.parentEm = es[0]
	return d
}

// browser is a client without JavaScript that does not follow redirects by itself.
type browser struct {
	d   *demoSite
	hc  *http.Client
	who string
}

func (d *demoSite) browser(who string) *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{d: d, who: who, hc: &http.Client{Jar: jar, Timeout: 3 * time.Minute, // the FG's full audit export takes long under -race
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

type page struct {
	status int
	ctype  string
	body   string
	loc    string
}

func (b *browser) do(method, path string, form url.Values) page {
	b.d.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, _ := http.NewRequest(method, b.d.srv.URL+path, body)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	r, err := b.hc.Do(req)
	if err != nil {
		b.d.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer r.Body.Close()
	raw, _ := io.ReadAll(r.Body)
	return page{status: r.StatusCode, ctype: r.Header.Get("Content-Type"), body: string(raw), loc: r.Header.Get("Location")}
}

var crawlCSRF = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

func (b *browser) post(from, action string, form url.Values) page {
	b.d.t.Helper()
	p := b.do("GET", from, nil)
	m := crawlCSRF.FindStringSubmatch(p.body)
	if m == nil {
		b.d.t.Fatalf("%s: no csrf token on %s (%d)", b.who, from, p.status)
	}
	form.Set("csrf", m[1])
	return b.do("POST", action, form)
}

// login signs a professional in with the demo password and the TOTP code of this moment.
func (b *browser) login(email string) {
	t := b.d.t
	t.Helper()
	r := b.post("/inloggen", "/inloggen", url.Values{"email": {email}, "wachtwoord": {DemoPassword}})
	if r.status != http.StatusSeeOther || r.loc != "/inloggen/mfa" {
		t.Fatalf("login %s: %d %s", email, r.status, r.loc)
	}
	code, _ := auth.TOTPCode(demoTOTPSecret(email), time.Now())
	r = b.post("/inloggen/mfa", "/inloggen/mfa", url.Values{"code": {code}})
	if r.status != http.StatusSeeOther || r.loc != "/start" {
		t.Fatalf("mfa %s: %d %s", email, r.status, r.loc)
	}
}

var mailCode = regexp.MustCompile(`\b(\d{8})\b`)

// loginParent signs the parent in with the code from the demo mailbox.
func (b *browser) loginParent(email string) {
	t := b.d.t
	t.Helper()
	r := b.post("/inloggen/ouder", "/inloggen/ouder", url.Values{"email": {email}})
	if r.status != http.StatusSeeOther {
		t.Fatalf("parent: %d", r.status)
	}
	box := b.do("GET", "/dev/postvak", nil)
	codes := mailCode.FindAllString(box.body, -1)
	if len(codes) == 0 {
		t.Fatalf("no code in the demo mailbox:\n%s", box.body)
	}
	r = b.post("/inloggen/ouder/code", "/inloggen/ouder/code", url.Values{"code": {codes[len(codes)-1]}})
	if r.status != http.StatusSeeOther || r.loc != "/start" {
		t.Fatalf("parent code: %d %s", r.status, r.loc)
	}
}

var (
	hrefRe    = regexp.MustCompile(`<a\b[^>]*?\bhref="([^"]*)"`)
	formRe    = regexp.MustCompile(`(?s)<form\b([^>]*)>(.*?)</form>`)
	attrRe    = regexp.MustCompile(`\b(method|action)="([^"]*)"`)
	inputRe   = regexp.MustCompile(`<input\b[^>]*>`)
	selectRe  = regexp.MustCompile(`(?s)<select\b[^>]*\bname="([^"]*)"[^>]*>(.*?)</select>`)
	optionRe  = regexp.MustCompile(`<option\b[^>]*\bvalue="([^"]*)"`)
	nameAttr  = regexp.MustCompile(`\bname="([^"]*)"`)
	valueAttr = regexp.MustCompile(`\bvalue="([^"]*)"`)
	typeAttr  = regexp.MustCompile(`\btype="([^"]*)"`)
	digits    = regexp.MustCompile(`\d+`)
)

// links returns the same-site links and GET-form submissions of an HTML page, resolved against
// the page's path.
func links(from, body string) []string {
	base, _ := url.Parse(from)
	var out []string
	add := func(ref string) {
		ref = html.UnescapeString(ref)
		u, err := base.Parse(ref)
		if err != nil || u.Host != "" || u.Scheme != "" || !strings.HasPrefix(u.Path, "/") {
			return
		}
		u.Fragment = ""
		if u.Path == "/uitloggen" || strings.HasPrefix(u.Path, "/static/") {
			return
		}
		out = append(out, u.String())
	}
	for _, m := range hrefRe.FindAllStringSubmatch(body, -1) {
		if strings.HasPrefix(m[1], "#") || strings.HasPrefix(m[1], "mailto:") {
			continue
		}
		add(m[1])
	}
	for _, f := range formRe.FindAllStringSubmatch(body, -1) {
		method, action := "get", from
		for _, a := range attrRe.FindAllStringSubmatch(f[1], -1) {
			if a[1] == "method" {
				method = strings.ToLower(a[2])
			} else {
				action = a[2]
			}
		}
		if method != "get" {
			continue
		}
		q := url.Values{}
		for _, in := range inputRe.FindAllString(f[2], -1) {
			n := nameAttr.FindStringSubmatch(in)
			if n == nil {
				continue
			}
			typ := "text"
			if m := typeAttr.FindStringSubmatch(in); m != nil {
				typ = m[1]
			}
			if (typ == "checkbox" || typ == "radio") && !strings.Contains(in, "checked") {
				continue
			}
			v := ""
			if m := valueAttr.FindStringSubmatch(in); m != nil {
				v = html.UnescapeString(m[1])
			}
			q.Add(n[1], v)
		}
		for _, s := range selectRe.FindAllStringSubmatch(f[2], -1) {
			if o := optionRe.FindStringSubmatch(s[2]); o != nil {
				q.Add(s[1], html.UnescapeString(o[1]))
			}
		}
		u, err := base.Parse(html.UnescapeString(action))
		if err != nil || u.Host != "" {
			continue
		}
		u.RawQuery = q.Encode()
		add(u.String())
	}
	return out
}

// visit is one page the crawler fetched.
type visit struct {
	url, from string
	status    int
	html      bool
	body      string
}

// crawl follows every link and GET form from /start breadth first. At most perShape pages are
// fetched per URL shape (digits replaced), so that a list of 400 pupils costs a few pages.
func (b *browser) crawl(perShape, max int) []visit {
	seen := map[string]bool{}
	shapes := map[string]int{}
	type item struct{ url, from string }
	queue := []item{{"/start", ""}}
	var out []visit
	for len(queue) > 0 && len(out) < max {
		it := queue[0]
		queue = queue[1:]
		if seen[it.url] {
			continue
		}
		seen[it.url] = true
		shape := urlShape(it.url)
		if shapes[shape] >= perShape {
			continue
		}
		shapes[shape]++
		p := b.do("GET", it.url, nil)
		if p.status == http.StatusSeeOther || p.status == http.StatusFound {
			queue = append(queue, item{p.loc, it.url})
		}
		out = append(out, visit{url: it.url, from: it.from, status: p.status, html: strings.HasPrefix(p.ctype, "text/html"), body: p.body})
		if strings.HasPrefix(p.ctype, "text/html") {
			for _, l := range links(it.url, p.body) {
				if !seen[l] {
					queue = append(queue, item{l, it.url})
				}
			}
		}
	}
	return out
}

// publicIDs are the web's public ids (22 characters of base64url) and other long tokens.
var publicIDs = regexp.MustCompile(`[A-Za-z0-9_-]{20,}`)

// urlShape is the URL with every id replaced (row numbers and public ids) and the query's values
// dropped (a sort order, a filter value or a page number is the same page shape): the crawler
// fetches at most perShape pages of each shape.
func urlShape(u string) string {
	path, query, _ := strings.Cut(u, "?")
	path = digits.ReplaceAllString(publicIDs.ReplaceAllString(path, "ID"), "N")
	if query == "" {
		return path
	}
	v, _ := url.ParseQuery(query)
	keys := make([]string, 0, len(v))
	for k := range v {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return path + "?" + strings.Join(keys, "&")
}

// purposes are the purposes the purpose picker offers on the start page.
var purposeSelect = regexp.MustCompile(`(?s)<select\b[^>]*\bname="doel"[^>]*>(.*?)</select>`)

func offeredPurposes(body string) []string {
	m := purposeSelect.FindStringSubmatch(body)
	if m == nil {
		return nil
	}
	var out []string
	for _, o := range optionRe.FindAllStringSubmatch(m[1], -1) {
		if o[1] != "" {
			out = append(out, o[1])
		}
	}
	return out
}

// allowedNames returns the pseudonyms of the pupils whose identification the audit log records
// as allowed for user under purpose.
func (d *demoSite) allowedNames(userID, parentID int64, purpose string) map[string]bool {
	d.t.Helper()
	ctx := context.Background()
	size, _, err := d.reader.AuditStore.Head(ctx, d.res.Region.ID)
	if err != nil {
		d.t.Fatal(err)
	}
	if size > d.auditNext {
		first := len(d.auditRecs)
		var aliases []string
		err = d.reader.AuditStore.Entries(ctx, d.res.Region.ID, d.auditNext, size, func(e audit.StoredEntry) error {
			l, err := audit.DecodeLeaf(e.Leaf)
			if err != nil {
				return err
			}
			r := l.Entry.Record()
			if audit.IsAlias(r.Pupil) {
				aliases = append(aliases, r.Pupil)
			}
			d.auditRecs = append(d.auditRecs, r)
			d.reads++
			return nil
		})
		if err != nil {
			d.t.Fatal(err)
		}
		// Entries about a pupil carry the pupil's audit alias (docs/audit.md §10): resolve it to
		// the pseudonym the names are known by, as the FG's overview does.
		if len(aliases) > 0 {
			pseudonyms, err := d.reader.AuditStore.AuditAliasPupils(ctx, d.res.Region.ID, aliases)
			if err != nil {
				d.t.Fatal(err)
			}
			for i := first; i < len(d.auditRecs); i++ {
				if ps, ok := pseudonyms[d.auditRecs[i].Pupil]; ok {
					d.auditRecs[i].Pupil = ps
				}
			}
		}
		d.auditNext = size
	}
	out := map[string]bool{}
	for _, r := range d.auditRecs {
		if r.Outcome != audit.Allowed || r.Pupil == "" {
			continue
		}
		if (userID != 0 && r.Actor.UserID != userID) || (parentID != 0 && r.Actor.ParentID != parentID) {
			continue
		}
		if userID != 0 && r.Purpose != purpose {
			continue
		}
		for _, c := range r.Categories {
			if c == "identificatie" {
				out[r.Pupil] = true
			}
		}
	}
	return out
}

// namesOn returns, per full name that appears in the page's text, the pupils bearing it (two
// pupils may share a name).
func (d *demoSite) namesOn(body string) map[string][]string {
	text := html.UnescapeString(body)
	out := map[string][]string{}
	for _, n := range d.names {
		if !strings.Contains(text, n.last) {
			continue
		}
		if strings.Contains(text, n.first+" "+n.last) || strings.Contains(text, n.last+", "+n.first) {
			full := n.first + " " + n.last
			out[full] = append(out[full], n.pseudonym)
		}
	}
	return out
}

// Text checks (issue 15 item 8): visible text only (tags and attribute values removed).
var (
	tagRe       = regexp.MustCompile(`(?s)<[^>]*>`)
	isoDateRe   = regexp.MustCompile(`\b\d{4}-\d{2}-\d{2}\b`)
	pluralOneRe = regexp.MustCompile(`(?i)(^|[^\d,.])1 (leerlingen|signalen|meldingen|casussen|toestemmingen|verzoeken|dagen|uren|weken|maanden|jaren|regels|pagina's|organisaties|gebruikers|accounts|acties|verslagen|deelnemers)\b`)
	englishRe   = regexp.MustCompile(`\b(Not Found|Forbidden|Internal Server Error|Method Not Allowed|Bad Request|Unauthorized|page not found)\b`)
	coordRe     = regexp.MustCompile(`(?i)zorgcoordinator`)
	// rowLabelRe: a case or a pupil labelled by its row number ("Casus 17", "Leerling 866")
	// leaks how many records exist; pages name them by reference (issue 15).
	rowLabelRe = regexp.MustCompile(`\b([Cc]asus|Leerling) \d+\b`)
)

func textProblems(body string) []string {
	text := html.UnescapeString(tagRe.ReplaceAllString(body, " "))
	var out []string
	if m := isoDateRe.FindString(text); m != "" {
		out = append(out, "ISO-datum in de tekst: "+m)
	}
	if m := pluralOneRe.FindString(text); m != "" {
		out = append(out, "meervoud na 1: "+strings.TrimSpace(m))
	}
	if m := englishRe.FindString(text); m != "" {
		out = append(out, "Engelse fouttekst: "+m)
	}
	if m := coordRe.FindString(text); m != "" {
		out = append(out, "schrijfwijze: "+m)
	}
	if m := rowLabelRe.FindString(text); m != "" {
		out = append(out, "rijnummer als label: "+m)
	}
	return out
}

// TestCrawlEveryRole is the per-role crawler and name-leak test.
func TestCrawlEveryRole(t *testing.T) {
	if testing.Short() {
		t.Skip("crawler: not in -short")
	}
	prev := slog.Default()
	slog.SetDefault(slog.New(slog.NewTextHandler(io.Discard, nil)))
	defer slog.SetDefault(prev)
	d := newDemoSite(t, 400)
	// One account per role (the first of each), and a parent.
	type who struct {
		email, role string
		id          int64
	}
	var accounts []who
	seenRole := map[string]bool{}
	for _, a := range d.res.Accounts {
		if !seenRole[string(a.Role)] {
			seenRole[string(a.Role)] = true
			accounts = append(accounts, who{a.Email, string(a.Role), a.UserID})
		}
	}
	sort.Slice(accounts, func(i, j int) bool { return accounts[i].role < accounts[j].role })
	var problems []string
	report := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }
	check := func(who, purpose string, vs []visit, allowed map[string]bool) {
		for _, v := range vs {
			if v.status >= 400 {
				report("%s [%s]: GET %s → %d (link op %s)", who, purpose, v.url, v.status, v.from)
			}
			for name, ps := range d.namesOn(v.body) {
				ok := false
				for _, p := range ps {
					ok = ok || allowed[p]
				}
				if !ok {
					report("%s [%s]: naam van leerling %s zonder grond op %s", who, purpose, ps[0], v.url)
					_ = name
				}
			}
			if seg := rowNumberIn(v.url); seg != "" {
				report("%s [%s]: rijnummer %s in de URL %s (link op %s)", who, purpose, seg, v.url, v.from)
			}
			if !v.html {
				continue
			}
			for _, ref := range pageRefs(v.body) {
				if seg := rowNumberIn(ref); seg != "" {
					report("%s [%s]: rijnummer %s in link of formulier %s op %s", who, purpose, seg, ref, v.url)
				}
			}
			for _, p := range textProblems(v.body) {
				report("%s [%s]: %s op %s", who, purpose, p, v.url)
			}
		}
	}
	for _, a := range accounts {
		t.Run(a.role, func(t *testing.T) {
			b := d.browser(a.role)
			b.login(a.email)
			start := b.do("GET", "/start", nil)
			// Role-fit start pages: the directeur sees counts, never a list of pupils.
			if a.role == "directeur" && (!strings.Contains(start.body, "U ziet alleen het aantal") || strings.Contains(start.body, `class="werklijst"`)) {
				report("directeur: startpagina toont geen aantallen of wel een lijst")
			}
			vs := b.crawl(3, 300)
			check(a.role, "geen doel", vs, d.allowedNames(a.id, 0, ""))
			t.Logf("%s [geen doel]: %d pagina's: %s", a.role, len(vs), visitedPaths(vs))
			for _, purpose := range offeredPurposes(start.body) {
				if r := b.post("/start", "/doel", url.Values{"doel": {purpose}}); r.status != http.StatusSeeOther {
					report("%s: doel %s kiezen → %d", a.role, purpose, r.status)
					continue
				}
				vs := b.crawl(3, 300)
				check(a.role, purpose, vs, d.allowedNames(a.id, 0, purpose))
				t.Logf("%s [%s]: %d pagina's: %s", a.role, purpose, len(vs), visitedPaths(vs))
			}
		})
	}
	t.Run("ouder", func(t *testing.T) {
		b := d.browser("ouder")
		b.loginParent(d.parentEm)
		vs := b.crawl(3, 300)
		check("ouder", "inzage", vs, d.allowedNames(0, parentIDOf(t, d), ""))
	})
	t.Logf("audit log: %d entries read once each", d.reads)
	sort.Strings(problems)
	for _, p := range problems {
		t.Error(p)
	}
}

// pageRefs are the paths of every link and every form (GET and POST) on a page.
func pageRefs(body string) []string {
	var out []string
	for _, m := range hrefRe.FindAllStringSubmatch(body, -1) {
		out = append(out, html.UnescapeString(m[1]))
	}
	for _, f := range formRe.FindAllStringSubmatch(body, -1) {
		for _, a := range attrRe.FindAllStringSubmatch(f[1], -1) {
			if a[1] == "action" {
				out = append(out, html.UnescapeString(a[2]))
			}
		}
	}
	return out
}

// rowNumberIn returns a path segment of ref that is a row number ("" when there is none): the
// web links by public id (issue 15). The position of an entry in the audit log
// (/leerlingen/{id}/auditbewijs/{index}) is no row number.
func rowNumberIn(ref string) string {
	u, err := url.Parse(ref)
	if err != nil || u.Host != "" || !strings.HasPrefix(u.Path, "/") {
		return ""
	}
	segs := strings.Split(u.Path, "/")
	for i, seg := range segs {
		if seg != "" && strings.Trim(seg, "0123456789") == "" && (i == 0 || segs[i-1] != "auditbewijs") {
			return seg
		}
	}
	return ""
}

func parentIDOf(t *testing.T, d *demoSite) int64 {
	var id int64
	if err := d.db.QueryRow(context.Background(), `SELECT id FROM ouder WHERE regio_id = ? AND email = ?`, d.res.Region.ID, d.parentEm).Scan(&id); err != nil {
		t.Fatal(err)
	}
	return id
}

func visitedPaths(vs []visit) string {
	seen := map[string]bool{}
	var out []string
	for _, v := range vs {
		s := urlShape(strings.SplitN(v.url, "?", 2)[0])
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return strings.Join(out, " ")
}

func TestRowNumberIn(t *testing.T) {
	for ref, want := range map[string]string{"/leerlingen/866": "866", "/casussen/12/afspraken": "12", "/leerlingen/" + strings.Repeat("A", 22): "",
		"/leerlingen/" + strings.Repeat("A", 22) + "/auditbewijs/20": "", "/verzuim/meldingen?pagina=2": "", "/inloggen/burger/1": "1", "https://example.org/1": ""} {
		if got := rowNumberIn(ref); got != want {
			t.Errorf("rowNumberIn(%q) = %q, want %q", ref, got, want)
		}
	}
}
