package web_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/grondslag/grondslag/internal/access"
	"github.com/grondslag/grondslag/internal/audit"
	"github.com/grondslag/grondslag/internal/auth"
	"github.com/grondslag/grondslag/internal/convenant"
	"github.com/grondslag/grondslag/internal/dossier"
	"github.com/grondslag/grondslag/internal/policy"
	"github.com/grondslag/grondslag/internal/store"
	"github.com/grondslag/grondslag/internal/store/storetest"
	"github.com/grondslag/grondslag/internal/web"
	"github.com/grondslag/grondslag/internal/web/apitest"
)

// clock is the test's controllable time.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// recAudit validates every record as internal/audit would (NewEntry) and keeps it.
type recAudit struct {
	mu   sync.Mutex
	recs []audit.Record
}

func (a *recAudit) Append(_ context.Context, regionID int64, recs ...audit.Record) error {
	if regionID <= 0 {
		return errors.New("no region")
	}
	for _, r := range recs {
		if _, err := audit.NewEntry(r, audit.EncryptFunc(func(p, _ []byte) ([]byte, error) { return append([]byte("x"), p...), nil })); err != nil {
			return err
		}
	}
	a.mu.Lock()
	a.recs = append(a.recs, recs...)
	a.mu.Unlock()
	return nil
}

// RecentAudit and PupilTrail make the recording auditor an AuditReader.
func (a *recAudit) RecentAudit(_ context.Context, _ int64, limit int) ([]audit.Record, error) {
	all := a.all()
	var out []audit.Record
	for i := len(all) - 1; i >= 0 && len(out) < limit; i-- {
		out = append(out, all[i])
	}
	return out, nil
}

func (a *recAudit) PupilTrail(_ context.Context, _ int64, pseudonym string) ([]web.TrailItem, error) {
	var out []web.TrailItem
	for _, r := range a.all() {
		if r.Pupil == pseudonym {
			out = append(out, web.TrailItem{Time: r.Time, Organisation: "org-" + strconv.FormatInt(r.Actor.OrganisationID, 10), Role: r.Actor.Role,
				Action: string(r.Action), Categories: r.Categories, Purpose: r.Purpose, Ground: r.LegalGround, Outcome: string(r.Outcome)})
		}
	}
	return out, nil
}

func (a *recAudit) all() []audit.Record {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]audit.Record(nil), a.recs...)
}

// user is a fixture account with its password and TOTP secret.
type user struct {
	id       int64
	email    string
	role     string
	password string
	secret   string
}

// world is a region with two schools, a gemeente, an SWV, a GGD and a second region, with an
// account for every role, pupils at each school, and a parent.
type world struct {
	t        testing.TB
	db       *store.DB
	srv      *httptest.Server
	web      *web.Server
	clock    *clock
	audit    *recAudit
	mailbox  *web.DevMailbox
	sealer   *auth.Sealer
	r1, r2   int64
	school1  int64
	school2  int64
	gem1     int64
	users    map[string]user // by key: zc, mentor, directeur, lpa, swv, oco, jeugdarts, jhv, fg, beheerder, zc2 (school2), zcR2 (region 2), new (no MFA yet)
	pupil1   int64           // at school1
	pupil2   int64           // at school2
	pupilR2  int64           // in region 2
	parent   int64
	parentEm string

	validator *apitest.Transport // checks every /api/v1 call against the served OpenAPI document
}

// apiValidator is the transport of every test client: API calls are validated against the
// served OpenAPI document (package apitest).
func (w *world) apiValidator() http.RoundTripper {
	if w.validator == nil {
		w.validator = &apitest.Transport{T: w.t, Generation: func() int { return len(w.web.APIPatterns()) }}
	}
	return w.validator
}

var fastParams = auth.PasswordParams{Memory: 1024, Time: 1, Threads: 1, KeyLen: 32, SaltLen: 16}

func ins(t testing.TB, db *store.DB, q string, args ...any) int64 {
	t.Helper()
	var id int64
	err := db.WithTx(context.Background(), func(tx *store.Tx) error {
		var err error
		id, err = tx.InsertID(context.Background(), q, args...)
		return err
	})
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return id
}

// newWorld builds the fixture; opts are func(*web.Config) or func(*web.Deps).
func newWorld(t *testing.T, opts ...any) *world { return newWorldTB(t, opts...) }

// newWorldTB is newWorld for tests and benchmarks.
func newWorldTB(t testing.TB, opts ...any) *world {
	t.Helper()
	ctx := context.Background()
	db := storetest.SQLite(t)
	w := &world{t: t, db: db, clock: &clock{t: time.Date(2025, 10, 6, 9, 0, 0, 0, time.UTC)}, audit: &recAudit{}, users: map[string]user{}}
	w.r1 = ins(t, db, `INSERT INTO regio (code, naam, vakantieregio, aangemaakt_op) VALUES ('r1', 'Regio Een', 'noord', 0)`)
	w.r2 = ins(t, db, `INSERT INTO regio (code, naam, vakantieregio, aangemaakt_op) VALUES ('r2', 'Regio Twee', 'zuid', 0)`)
	w.gem1 = ins(t, db, `INSERT INTO organisatie (regio_id, soort, naam, cbs_code) VALUES (?, 'gemeente', 'Gemeente Een', 'GM0001')`, w.r1)
	w.school1 = ins(t, db, `INSERT INTO organisatie (regio_id, soort, naam, brin, vestiging, sector) VALUES (?, 'school', 'De Linde', '11AA', '00', 'po')`, w.r1)
	w.school2 = ins(t, db, `INSERT INTO organisatie (regio_id, soort, naam, brin, vestiging, sector) VALUES (?, 'school', 'Het Anker', '22BB', '00', 'po')`, w.r1)
	swv := ins(t, db, `INSERT INTO organisatie (regio_id, soort, naam) VALUES (?, 'swv', 'SWV Een')`, w.r1)
	oco := ins(t, db, `INSERT INTO organisatie (regio_id, soort, naam) VALUES (?, 'oco', 'Onderwijsconsulenten')`, w.r1)
	ggd := ins(t, db, `INSERT INTO organisatie (regio_id, soort, naam) VALUES (?, 'ggd', 'GGD Een')`, w.r1)
	jh := ins(t, db, `INSERT INTO organisatie (regio_id, soort, naam) VALUES (?, 'jeugdhulp', 'Jeugdhulp Een')`, w.r1)
	schoolR2 := ins(t, db, `INSERT INTO organisatie (regio_id, soort, naam, brin, vestiging, sector) VALUES (?, 'school', 'Zuiderschool', '33CC', '00', 'vo')`, w.r2)

	sealKey := bytes.Repeat([]byte{42}, 32)
	sealer, err := auth.NewSealer(sealKey)
	if err != nil {
		t.Fatal(err)
	}
	w.sealer = sealer
	now := w.clock.Now()
	addUser := func(key string, region, org int64, role, email string, mfa bool) {
		id := ins(t, db, `INSERT INTO gebruiker (regio_id, organisatie_id, naam, email, rol, aangemaakt_op) VALUES (?, ?, ?, ?, ?, 0)`, region, org, "Gebruiker "+key, email, role)
		pw := "wachtwoord-van-" + key
		h, _ := auth.HashPassword(pw, fastParams)
		if err := db.SetPasswordHash(ctx, region, id, h, now); err != nil {
			t.Fatal(err)
		}
		u := user{id: id, email: email, role: role, password: pw}
		if mfa {
			secret, _, _ := auth.NewTOTPKey(email)
			if err := db.SetTOTP(ctx, region, id, web.SealTOTP(sealer, auth.Account{RegionID: region, ID: id}, secret), true, now); err != nil {
				t.Fatal(err)
			}
			u.secret = secret
		}
		w.users[key] = u
	}
	addUser("zc", w.r1, w.school1, "zorgcoordinator", "zc@linde.example", true)
	addUser("mentor", w.r1, w.school1, "mentor", "mentor@linde.example", true)
	addUser("directeur", w.r1, w.school1, "directeur", "directeur@linde.example", true)
	addUser("zc2", w.r1, w.school2, "zorgcoordinator", "zc@anker.example", true)
	addUser("lpa", w.r1, w.gem1, "leerplicht", "lpa@gemeente.example", true)
	addUser("swv", w.r1, swv, "swv-consulent", "consulent@swv.example", true)
	addUser("oco", w.r1, oco, "onderwijsconsulent", "oco@swv.example", true)
	addUser("jeugdarts", w.r1, ggd, "jeugdarts", "arts@ggd.example", true)
	addUser("jhv", w.r1, jh, "jeugdhulpverlener", "jhv@jeugdhulp.example", true)
	addUser("fg", w.r1, w.gem1, "fg", "fg@gemeente.example", true)
	addUser("beheerder", w.r1, w.gem1, "beheerder", "beheer@gemeente.example", true)
	addUser("zcR2", w.r2, schoolR2, "zorgcoordinator", "zc@zuider.example", true)
	addUser("new", w.r1, w.school1, "zorgcoordinator", "nieuw@linde.example", false)

	pupil := func(region int64, ps, first string) int64 {
		return ins(t, db, `INSERT INTO leerling (regio_id, pseudoniem, id_soort, id_versleuteld, sleutel_versie, voornaam, achternaam, geboortedatum, woongemeente_id, aangemaakt_op) VALUES (?, ?, 'bsn', ?, 1, ?, 'Visser', '2013-05-04', NULL, 0)`, region, ps, []byte{1}, first)
	}
	w.pupil1 = pupil(w.r1, "pseudo-leerling-een-0001", "Anouk")
	w.pupil2 = pupil(w.r1, "pseudo-leerling-twee-0002", "Bart")
	w.pupilR2 = pupil(w.r2, "pseudo-leerling-drie-0003", "Cem")
	ins(t, db, `INSERT INTO inschrijving (regio_id, leerling_id, school_id, leerlingnummer, van, leerjaar, klas) VALUES (?, ?, ?, '101', '2020-08-01', 'groep 7', '7A')`, w.r1, w.pupil1, w.school1)
	// The mentor is mentor of 7A, Anouk's class (a mentor sees his own classes only).
	if err := db.WithTx(ctx, func(tx *store.Tx) error { return tx.SetMentorClasses(ctx, w.r1, w.users["mentor"].id, []string{"7A"}) }); err != nil {
		t.Fatal(err)
	}
	ins(t, db, `INSERT INTO inschrijving (regio_id, leerling_id, school_id, leerlingnummer, van, leerjaar) VALUES (?, ?, ?, '201', '2020-08-01', 'groep 6')`, w.r1, w.pupil2, w.school2)
	ins(t, db, `INSERT INTO inschrijving (regio_id, leerling_id, school_id, leerlingnummer, van, leerjaar) VALUES (?, ?, ?, '301', '2020-08-01', 'vmbo 2')`, w.r2, w.pupilR2, schoolR2)
	w.parentEm = "ouder@thuis.example"
	w.parent = ins(t, db, `INSERT INTO ouder (regio_id, voornaam, achternaam, email, telefoon) VALUES (?, 'Olga', 'Visser', ?, '0612345678')`, w.r1, w.parentEm)
	if err := db.WithTx(ctx, func(tx *store.Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO leerling_ouder (regio_id, leerling_id, ouder_id, relatie, gezag) VALUES (?, ?, ?, 'moeder', 1)`, w.r1, w.pupil1, w.parent)
		return err
	}); err != nil {
		t.Fatal(err)
	}

	conv, err := convenant.Default()
	if err != nil {
		t.Fatal(err)
	}
	w.mailbox = &web.DevMailbox{Now: w.clock.Now}
	c := web.Config{Demo: true, Now: w.clock.Now, Location: time.UTC}
	for _, o := range opts {
		if f, ok := o.(func(*web.Config)); ok {
			f(&c)
		}
	}
	ws := store.NewWebStore(db)
	t.Cleanup(func() { ws.CloseStatements() })
	deps := web.Deps{
		Accounts: ws, Sessions: ws, Throttle: ws, Dossiers: ws, Work: ws, Digest: ws, Admin: ws, Facts: meldingFacts{ws},
		Access: access.New(policy.NewEngine(conv), 0), Vocab: web.VocabularyOf(conv),
		Audit: w.audit, AuditReader: w.audit, Mailbox: w.mailbox, Sealer: sealer,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Classify: store.Classify,
	}
	for _, o := range opts {
		if f, ok := o.(func(*web.Deps)); ok {
			f(&deps)
		}
	}
	s, err := web.New(c, deps)
	if err != nil {
		t.Fatal(err)
	}
	w.web = s
	w.srv = httptest.NewServer(s)
	t.Cleanup(w.srv.Close)
	return w
}

// client is a browser without JavaScript: a cookie jar, no automatic redirects.
type client struct {
	w   *world
	hc  *http.Client
	jar *cookiejar.Jar
}

func (w *world) client() *client {
	jar, _ := cookiejar.New(nil)
	return &client{w: w, jar: jar, hc: &http.Client{Jar: jar, Transport: w.apiValidator(),
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

type resp struct {
	status int
	body   string
	header http.Header
}

func (c *client) do(method, path string, form url.Values, hdr ...string) resp {
	c.w.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, _ := http.NewRequest(method, c.w.srv.URL+path, body)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	r, err := c.hc.Do(req)
	if err != nil {
		c.w.t.Fatal(err)
	}
	defer r.Body.Close()
	b, _ := io.ReadAll(r.Body)
	return resp{status: r.StatusCode, body: string(b), header: r.Header}
}

func (c *client) get(path string, hdr ...string) resp { return c.do("GET", path, nil, hdr...) }

var csrfRe = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

func csrfOf(t testing.TB, body string) string {
	t.Helper()
	m := csrfRe.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no csrf token in page:\n%s", body)
	}
	return m[1]
}

// post fetches page (for its CSRF token) and posts form to action.
func (c *client) post(page, action string, form url.Values) resp {
	c.w.t.Helper()
	r := c.get(page)
	form.Set("csrf", csrfOf(c.w.t, r.body))
	return c.do("POST", action, form)
}

func (c *client) cookie(name string) string {
	u, _ := url.Parse(c.w.srv.URL)
	for _, k := range c.jar.Cookies(u) {
		if k.Name == name {
			return k.Value
		}
	}
	return ""
}

// login signs in with password and TOTP; it advances the clock so each code is fresh.
func (c *client) login(key string) {
	t := c.w.t
	t.Helper()
	u := c.w.users[key]
	r := c.post("/inloggen", "/inloggen", url.Values{"email": {u.email}, "wachtwoord": {u.password}})
	if r.status != http.StatusSeeOther || r.header.Get("Location") != "/inloggen/mfa" {
		t.Fatalf("login %s: %d %s", key, r.status, r.header.Get("Location"))
	}
	c.w.clock.Add(31 * time.Second)
	code, _ := auth.TOTPCode(u.secret, c.w.clock.Now())
	r = c.post("/inloggen/mfa", "/inloggen/mfa", url.Values{"code": {code}})
	if r.status != http.StatusSeeOther || r.header.Get("Location") != "/start" {
		t.Fatalf("mfa %s: %d %s %s", key, r.status, r.header.Get("Location"), r.body)
	}
}

// loginParent signs the parent in with an e-mail code from the demo mailbox.
func (c *client) loginParent() {
	t := c.w.t
	t.Helper()
	r := c.post("/inloggen/ouder", "/inloggen/ouder", url.Values{"email": {c.w.parentEm}})
	if r.status != http.StatusSeeOther {
		t.Fatalf("parent request: %d", r.status)
	}
	msgs := c.w.mailbox.Messages()
	if len(msgs) == 0 {
		t.Fatal("no code sent")
	}
	code := regexp.MustCompile(`\b(\d{8})\b`).FindString(msgs[0].Body)
	r = c.post("/inloggen/ouder/code", "/inloggen/ouder/code", url.Values{"code": {code}})
	if r.status != http.StatusSeeOther || r.header.Get("Location") != "/start" {
		t.Fatalf("parent code: %d %s", r.status, r.body)
	}
}

// setOfferedPurpose chooses the first purpose the purpose picker offers, if any.
func (c *client) setOfferedPurpose() {
	c.w.t.Helper()
	if p := regexpFind(`<select[^>]*name="doel"[^>]*>\s*(?:<option value="">[^<]*</option>\s*)?<option value="([^"]+)"`, c.get("/start").body); p != "" {
		c.setPurpose(p)
	}
}

// setPurpose chooses the purpose in the session.
func (c *client) setPurpose(p string) {
	c.w.t.Helper()
	r := c.post("/start", "/doel", url.Values{"doel": {p}})
	if r.status != http.StatusSeeOther {
		c.w.t.Fatalf("purpose %s: %d %s", p, r.status, r.body)
	}
}

func itoa(n int64) string { return strconvFormat(n) }

// pid is the API's public id of row id of kind (leerling, casus, afspraak, …).
func (w *world) pid(kind string, id int64) string { return w.web.PublicID(kind, id) }

func strconvFormat(n int64) string { return strconv.FormatInt(n, 10) }

func regexpFind(expr, s string) string {
	m := regexp.MustCompile(expr).FindStringSubmatch(s)
	if m == nil {
		return ""
	}
	return m[len(m)-1]
}

func regexpAll(expr, s string) []string {
	var out []string
	for _, m := range regexp.MustCompile(expr).FindAllStringSubmatch(s, -1) {
		out = append(out, m[1])
	}
	return out
}

func (c *client) doBody(method, path, body string, hdr ...string) resp {
	c.w.t.Helper()
	req, _ := http.NewRequest(method, c.w.srv.URL+path, strings.NewReader(body))
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	r, err := c.hc.Do(req)
	if err != nil {
		c.w.t.Fatal(err)
	}
	defer r.Body.Close()
	b, _ := io.ReadAll(r.Body)
	return resp{status: r.StatusCode, body: string(b), header: r.Header}
}

// meldingFacts gives the decision context a DUO melding from the store, as cmd/grondslag does.
type meldingFacts struct{ ws *store.WebStore }

func (f meldingFacts) DecisionContext(ctx context.Context, a dossier.Actor, pupilID int64, _ string, now time.Time) (web.Facts, error) {
	has, err := f.ws.HasMelding(ctx, a.RegionID, pupilID, now)
	if err != nil {
		return web.Facts{}, err
	}
	birth, err := f.ws.PupilBirth(ctx, a.RegionID, pupilID)
	return web.Facts{DUOMelding: has, Birth: birth}, err
}
