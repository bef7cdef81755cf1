package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/grondslag/grondslag/internal/absence"
	"github.com/grondslag/grondslag/internal/access"
	"github.com/grondslag/grondslag/internal/audit"
	"github.com/grondslag/grondslag/internal/auth"
	"github.com/grondslag/grondslag/internal/convenant"
	"github.com/grondslag/grondslag/internal/policy"
	"github.com/grondslag/grondslag/internal/store"
	"github.com/grondslag/grondslag/internal/web"
)

// verzuimWorld is the web fixture with the absence pages mounted; pupil 1 lives in gemeente 1.
func verzuimWorld(t *testing.T) *world {
	t.Helper()
	w := newWorld(t)
	mountVerzuim(t, w)
	return w
}

// mountVerzuim mounts the absence pages and API on w, with the file channel to DUO.
func mountVerzuim(t *testing.T, w *world) {
	t.Helper()
	mountVerzuimWith(t, w, nil)
}

// mountVerzuimWith mounts the absence pages with the given channel to DUO (nil: the file).
func mountVerzuimWith(t *testing.T, w *world, channel absence.DUO) {
	t.Helper()
	ctx := context.Background()
	if _, err := w.db.Exec(ctx, "UPDATE leerling SET woongemeente_id = ? WHERE regio_id = ? AND id = ?", w.gem1, w.r1, w.pupil1); err != nil {
		t.Fatal(err)
	}
	seal := func(context.Context, int64) (audit.Encrypter, error) {
		return audit.EncryptFunc(func(p, _ []byte) ([]byte, error) { return append([]byte("x"), p...), nil }), nil
	}
	conv, err := convenant.Default()
	if err != nil {
		t.Fatal(err)
	}
	svc, err := absence.NewService(absence.ServiceDeps{Repo: store.AbsenceRepository{DB: w.db}, Decisions: access.New(policy.NewEngine(conv), 0), Log: w.audit, Seal: seal,
		Evaluator: func(context.Context, int64) (*absence.Evaluator, error) {
			cal, err := absence.DefaultCalendar(absence.Region("noord"))
			if err != nil {
				return nil, err
			}
			return absence.NewEvaluator(cal, absence.DefaultRules())
		},
		Today: func() absence.Date { return absence.DateOf(w.clock.Now()) }, Now: w.clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	err = w.web.MountVerzuim(web.VerzuimDeps{
		Store: w.db, Import: svc,
		PupilNumber: func(_ context.Context, regionID, pupilID int64) (string, string, error) {
			return "bsn", "123456782", nil
		},
		Seal: seal, DUO: channel,
	})
	if err != nil {
		t.Fatal(err)
	}
}

// upload posts a registrations file through the form.
func (c *client) upload(csv string, skip bool) resp {
	c.w.t.Helper()
	page := c.get("/verzuim/registraties")
	if page.status != http.StatusOK {
		c.w.t.Fatalf("upload form: %d", page.status)
	}
	var b strings.Builder
	const boundary = "grens"
	part := func(name, filename, body string) {
		b.WriteString("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name + "\"")
		if filename != "" {
			b.WriteString("; filename=\"" + filename + "\"\r\nContent-Type: text/csv")
		}
		b.WriteString("\r\n\r\n" + body + "\r\n")
	}
	part("csrf", "", csrfOf(c.w.t, page.body))
	if skip {
		part("sla_fouten_over", "", "ja")
	}
	part("bestand", "verzuim.csv", csv)
	b.WriteString("--" + boundary + "--\r\n")
	return c.doBody("POST", "/verzuim/registraties", b.String(), "Content-Type", "multipart/form-data; boundary="+boundary)
}

// 16 unauthorised hours in one week (pupil 101 at De Linde) and 7 sick school days.
const goodCSV = "leerling,datum,uren,reden\n" +
	"101,2025-09-22,4,ongeoorloofd\n101,2025-09-23,4,ongeoorloofd\n101,2025-09-24,4,ongeoorloofd\n101,2025-09-25,4,ongeoorloofd\n" +
	"101,2025-09-08,5,ziek\n101,2025-09-09,5,ziek\n101,2025-09-10,5,ziek\n101,2025-09-11,5,ziek\n101,2025-09-12,5,ziek\n101,2025-09-15,5,ziek\n101,2025-09-16,5,ziek\n"

func countRegs(t *testing.T, w *world) int {
	var n int
	if err := w.db.QueryRow(context.Background(), "SELECT COUNT(*) FROM verzuim_registratie WHERE regio_id = ?", w.r1).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func signalOf(t *testing.T, w *world, kind absence.Kind) int64 {
	t.Helper()
	sigs, err := w.db.Signals(context.Background(), w.r1, w.pupil1)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range sigs {
		if s.Kind == kind {
			return s.ID
		}
	}
	t.Fatalf("no %s signal in %v", kind, sigs)
	return 0
}

var completeMelding = url.Values{
	"begindatum": {"22-09-2025"}, "einddatum": {"2025-09-25"}, "vermoedelijke_reden": {"Spijbelt op vrijdagmiddag en maandag."},
	"actie_school": {"Gesprek met leerling en ouders op 26 september."}, "actie_gemeente": {"ja"}, "leslocatie": {"11AA00"},
	"melder_naam": {"J. Bakker"}, "melder_functie": {"zorgcoördinator"}, "melder_telefoon": {"0301234567"}, "melder_email": {"zc@linde.example"},
	"telefoon_ouder": {"0612345678"},
}

func clone(v url.Values) url.Values {
	out := url.Values{}
	for k, x := range v {
		out[k] = append([]string(nil), x...)
	}
	return out
}

func TestVerzuimUploadSignalsAndMelding(t *testing.T) {
	w := verzuimWorld(t)
	zc := w.client()
	zc.login("zc")
	zc.setPurpose("signalering")

	// A file with one bad line imports nothing, and names the line at the upload field.
	bad := "leerling,datum,uren,reden\n101,2025-09-22,4,ongeoorloofd\n101,2025-09-31,4,ongeoorloofd\n"
	r := zc.upload(bad, false)
	if r.status != http.StatusBadRequest || !strings.Contains(r.body, "regel 3") || !strings.Contains(r.body, `aria-describedby="bestand-fout bestand-regels"`) {
		t.Fatalf("bad upload: %d\n%s", r.status, r.body)
	}
	if n := countRegs(t, w); n != 0 {
		t.Fatalf("bad file imported %d registrations", n)
	}
	imports := func() int {
		leaves, err := store.NewAuditStore(w.db).Recent(context.Background(), w.r1, 1000)
		if err != nil {
			t.Fatal(err)
		}
		// Entries per pupil imported; each is a child of the import's own entry (which names no
		// pupil), so its parent_span_id names a record of the log.
		n, ops := 0, map[audit.OperationID]bool{}
		for _, l := range leaves {
			if r := l.Entry.Record(); r.Name == "verzuim-importeren" && r.Pupil == "" {
				ops[r.OperationID] = true
			}
		}
		for _, l := range leaves {
			if r := l.Entry.Record(); r.Name == "verzuim-importeren" && r.Pupil != "" {
				n++
				if !ops[r.ParentOperationID] {
					t.Errorf("pupil entry %d: parent %s is no import entry", l.Index, r.ParentOperationID)
				}
			}
		}
		return n
	}
	if n := imports(); n != 0 {
		t.Fatalf("a refused file left %d import entries", n)
	}
	// With sla-fouten-over the good line goes in, with its audit entry in the same transaction.
	if r := zc.upload(bad, true); r.status != http.StatusOK || !strings.Contains(r.body, "1 foute regels zijn overgeslagen") {
		t.Fatalf("skip upload: %d\n%s", r.status, r.body)
	}
	if n := imports(); n != 1 {
		t.Fatalf("import of one pupil left %d import entries, want 1", n)
	}
	// The real file; signals are refreshed.
	if r := zc.upload(goodCSV, false); r.status != http.StatusOK || !strings.Contains(r.body, "Het bestand is verwerkt") {
		t.Fatalf("upload: %d\n%s", r.status, r.body)
	}
	sig16 := signalOf(t, w, absence.Kind16Hours)
	mazl := signalOf(t, w, absence.KindMAZL)

	// Per role: who sees the signals and the melding form.
	zc2, zcR2, lpa, mentor := w.client(), w.client(), w.client(), w.client()
	zc2.login("zc2")
	zc2.setPurpose("signalering")
	zcR2.login("zcR2")
	zcR2.setPurpose("signalering")
	lpa.login("lpa")
	lpa.setPurpose("handhaving-leerplicht")
	mentor.login("mentor")
	mentor.setPurpose("signalering")
	meldPath := "/verzuim/signalen/" + w.pid("verzuimsignaal", sig16) + "/melding"
	for _, tc := range []struct {
		name, path string
		c          *client
		status     int
		must, not  []string
	}{
		{"zc sees the school's signals", "/verzuim/signalen", zc, 200, []string{"16 uur verzuim in 4 lesweken", "Anouk", meldPath}, []string{"mazl"}},
		{"mentor sees them, no melding for mentors", "/verzuim/signalen", mentor, 200, []string{"16 uur verzuim in 4 lesweken"}, nil},
		{"other school sees none", "/verzuim/signalen", zc2, 200, []string{"Er zijn geen open signalen"}, []string{"Anouk", "16 uur verzuim"}},
		{"other region sees none", "/verzuim/signalen", zcR2, 200, []string{"Er zijn geen open signalen"}, []string{"Anouk"}},
		{"leerplicht has no school signals page", "/verzuim/signalen", lpa, 403, nil, []string{"Anouk"}},
		{"melding form prefilled with the hint", meldPath, zc, 200, []string{"ras, politieke opvattingen, seksueel leven", `value="22-09-2025"`, `value="11AA00"`, "0612345678"}, nil},
		{"mentor may not make a melding", meldPath, mentor, 403, []string{"convenant staat dit niet toe"}, []string{"0612345678"}},
		{"cross-school melding form is 404", meldPath, zc2, 404, nil, []string{"Anouk"}},
		{"cross-region melding form is 404", meldPath, zcR2, 404, nil, []string{"Anouk"}},
		{"sick absence never proposes a melding", "/verzuim/signalen/" + w.pid("verzuimsignaal", mazl) + "/melding", zc, 409, []string{"jeugdarts"}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := tc.c.get(tc.path)
			if r.status != tc.status {
				t.Fatalf("%s: status %d, want %d\n%s", tc.path, r.status, tc.status, r.body)
			}
			for _, m := range tc.must {
				if !strings.Contains(r.body, m) {
					t.Errorf("%s: missing %q", tc.path, m)
				}
			}
			for _, m := range tc.not {
				if strings.Contains(r.body, m) {
					t.Errorf("%s: must not contain %q", tc.path, m)
				}
			}
		})
	}

	// A mentor sees the signals of his own classes only (issue 15): with Anouk moved to 7B the
	// mentor of 7A sees no signal and no name, the zorgcoördinator still sees hers; the API the same.
	ins(t, w.db, `UPDATE inschrijving SET klas = '7B' WHERE regio_id = ? AND leerling_id = ?`, w.r1, w.pupil1)
	if r := mentor.get("/verzuim/signalen"); r.status != http.StatusOK || !strings.Contains(r.body, "Er zijn geen open signalen") || strings.Contains(r.body, "16 uur verzuim") || strings.Contains(r.body, "Anouk") {
		t.Fatalf("mentor of 7A sees a signal of a pupil in 7B: %d\n%s", r.status, r.body)
	}
	if r := zc.get("/verzuim/signalen"); r.status != http.StatusOK || !strings.Contains(r.body, "16 uur verzuim in 4 lesweken") {
		t.Fatalf("zorgcoördinator lost the school's signal: %d\n%s", r.status, r.body)
	}
	ins(t, w.db, `UPDATE inschrijving SET klas = '7A' WHERE regio_id = ? AND leerling_id = ?`, w.r1, w.pupil1)
	if r := mentor.get("/verzuim/signalen"); r.status != http.StatusOK || !strings.Contains(r.body, "16 uur verzuim in 4 lesweken") {
		t.Fatalf("mentor of 7A back: %d\n%s", r.status, r.body)
	}

	// A post without the CSRF token is refused; nothing is made.
	if r := zc.do("POST", meldPath, clone(completeMelding)); r.status != http.StatusForbidden {
		t.Fatalf("csrf-less melding: %d", r.status)
	}
	// Missing fields are tied to their fields.
	incomplete := clone(completeMelding)
	incomplete.Del("melder_telefoon")
	incomplete.Set("actie_gemeente", "nee")
	r = zc.post(meldPath, meldPath, incomplete)
	if r.status != http.StatusBadRequest || !strings.Contains(r.body, `id="melder_telefoon-fout"`) || !strings.Contains(r.body, `id="toelichting_geen_actie-fout"`) ||
		!strings.Contains(r.body, "Spijbelt op vrijdagmiddag") {
		t.Fatalf("incomplete melding: %d\n%s", r.status, r.body)
	}
	r = zc.post(meldPath, meldPath, clone(completeMelding))
	if r.status != http.StatusSeeOther || !strings.HasPrefix(r.header.Get("Location"), "/verzuim/meldingen/") {
		t.Fatalf("melding: %d %s\n%s", r.status, r.header.Get("Location"), r.body)
	}
	mPath := r.header.Get("Location")
	// One melding per episode: the form again, or a double submit, leads to the same melding.
	if r := zc.get(meldPath); r.status != http.StatusSeeOther || r.header.Get("Location") != mPath {
		t.Fatalf("form for a reported signal: %d %s", r.status, r.header.Get("Location"))
	}
	if r := zc.post(mPath, meldPath, clone(completeMelding)); r.status != http.StatusSeeOther || r.header.Get("Location") != mPath {
		t.Fatalf("double submit: %d %s", r.status, r.header.Get("Location"))
	}
	var nMeld int
	w.db.QueryRow(context.Background(), "SELECT COUNT(*) FROM verzuimmelding").Scan(&nMeld)
	if nMeld != 1 {
		t.Fatalf("%d meldingen after a double submit", nMeld)
	}
	// The melding's audit entry is in the region's log, written in the melding's transaction.
	var shared *audit.Record
	leaves, err := store.NewAuditStore(w.db).Recent(context.Background(), w.r1, 50)
	if err != nil {
		t.Fatal(err)
	}
	var received *audit.Record
	for _, l := range leaves {
		switch rec := l.Entry.Record(); rec.Name {
		case "verzuimmelding-versturen":
			shared = &rec
		case "verzuimmelding-versturen-ontvangen":
			received = &rec
		}
	}
	if shared == nil || shared.Action != audit.ActionShare || shared.LegalGround != "avg-6-1-c" || shared.Purpose != "handhaving-leerplicht" ||
		shared.Melding == "" || shared.ProcessingActivity == "" || shared.Outcome != audit.Allowed {
		t.Fatalf("audit of the melding: %+v", shared)
	}
	// Leerplicht's own receipt (the pupil's gemeente), under its own activity, in a trace of its
	// own, linked to the school's record by foreign_operation.
	if received == nil || received.Action != audit.ActionReceive || received.Actor.OrganisationID != w.gem1 || received.Actor.UserID != 0 ||
		received.ProcessingActivity == shared.ProcessingActivity || !strings.HasSuffix(received.ProcessingActivity, "leerplicht-handhaving") ||
		received.TraceID == shared.TraceID || received.Foreign == nil || received.Foreign.TraceID != shared.TraceID ||
		received.Foreign.OperationID != shared.OperationID || received.Foreign.Entity != audit.OrganisationURI(w.r1, shared.Actor.OrganisationID) ||
		received.Pupil != shared.Pupil || received.Melding != shared.Melding {
		t.Fatalf("leerplicht's receipt of the melding: %+v (the school's: %+v)", received, shared)
	}

	// Leerplicht sees it in its gemeente; other schools and regions get 404.
	for _, tc := range []struct {
		name, path string
		c          *client
		status     int
		must, not  []string
	}{
		{"leerplicht's list", "/verzuim/meldingen", lpa, 200, []string{"Melding ", "16 uur verzuim in 4 lesweken", "Anouk"}, nil},
		{"leerplicht reads the melding", mPath, lpa, 200, []string{"Spijbelt op vrijdagmiddag", "0612345678", "<dd>Geregistreerd sinds", `<option value="in-behandeling">In behandeling</option>`}, []string{">geregistreerd", ">in-behandeling<"}},
		{"school reads its melding, may withdraw", mPath, zc, 200, []string{`<option value="ingetrokken">Ingetrokken</option>`, "Meldingsbestand voor DUO maken"}, []string{"In behandeling</option>"}},
		{"other school: 404", mPath, zc2, 404, nil, []string{"Spijbelt"}},
		{"other region: 404", mPath, zcR2, 404, nil, []string{"Spijbelt"}},
		{"school's list", "/verzuim/meldingen", zc, 200, []string{"16 uur verzuim in 4 lesweken"}, nil},
		{"other school's list is empty", "/verzuim/meldingen", zc2, 200, []string{"Er zijn geen meldingen"}, []string{"Anouk"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := tc.c.get(tc.path)
			if r.status != tc.status {
				t.Fatalf("%s: status %d, want %d\n%s", tc.path, r.status, tc.status, r.body)
			}
			for _, m := range tc.must {
				if !strings.Contains(r.body, m) {
					t.Errorf("%s: missing %q", tc.path, m)
				}
			}
			for _, m := range tc.not {
				if strings.Contains(r.body, m) {
					t.Errorf("%s: must not contain %q", tc.path, m)
				}
			}
		})
	}

	// No second way for the BSN: the melding's file is the DUO port's export only
	// (TestNoBSNOutsideDUOExport); the old download is gone for the school and leerplicht.
	for _, c := range []*client{zc, lpa} {
		if r := c.get(mPath + "/bestand"); r.status != 404 || strings.Contains(r.body, "123456782") {
			t.Fatalf("old file: %d", r.status)
		}
	}

	// Status changes: leerplicht takes it in behandeling; closing needs a reason; the school can
	// no longer withdraw.
	st := mPath + "/status"
	if r := lpa.do("POST", st, url.Values{"status": {"in-behandeling"}}); r.status != http.StatusForbidden {
		t.Fatalf("csrf-less status: %d", r.status)
	}
	if r := lpa.post(mPath, st, url.Values{"status": {"in-behandeling"}}); r.status != http.StatusSeeOther {
		t.Fatalf("in behandeling: %d %s", r.status, r.body)
	}
	if r := lpa.post(mPath, st, url.Values{"status": {"afgesloten"}}); r.status != http.StatusBadRequest || !strings.Contains(r.body, `id="reden-fout"`) {
		t.Fatalf("close without reason: %d %s", r.status, r.body)
	}
	if r := zc.post(mPath, st, url.Values{"status": {"ingetrokken"}}); r.status != http.StatusConflict || !strings.Contains(r.body, "niet toegestaan") {
		t.Fatalf("withdraw in behandeling: %d %s", r.status, r.body)
	}
	if r := zc2.post("/verzuim/signalen", st, url.Values{"status": {"ingetrokken"}}); r.status != http.StatusNotFound {
		t.Fatalf("other school's status change: %d", r.status)
	}
	if r := lpa.post(mPath, st, url.Values{"status": {"afgesloten"}, "reden": {"terug-naar-school"}, "notitie": {"leerling-gesproken"}}); r.status != http.StatusSeeOther {
		t.Fatalf("close: %d %s", r.status, r.body)
	}
	if r := lpa.get("/verzuim/meldingen"); strings.Contains(r.body, "16 uur verzuim in 4 lesweken") {
		t.Fatalf("closed melding still in behandeling list")
	}
	if r := lpa.get("/verzuim/meldingen?alle=ja"); !strings.Contains(r.body, "<td>Afgesloten</td>") {
		t.Fatalf("closed melding not in full list: %s", r.body)
	}
	// The status, reason and note in words on the page and in the CSV; the codes stay in the API.
	if r := lpa.get(mPath); !strings.Contains(r.body, "<dd>Afgesloten sinds") || !strings.Contains(r.body, "reden: Terug naar school · Leerling gesproken") ||
		!strings.Contains(r.body, "Geregistreerd door school") || strings.Contains(r.body, ">afgesloten") || strings.Contains(r.body, "terug-naar-school<") {
		t.Fatalf("closed melding in words: %s", r.body)
	}
	if r := lpa.get("/verzuim/meldingen?alle=ja&formaat=csv"); r.status != 200 || !strings.Contains(r.body, ";Afgesloten;") || strings.Contains(r.body, ";afgesloten;") {
		t.Fatalf("csv status in words: %d %s", r.status, r.body)
	}
}

func apiClient(t *testing.T, w *world, org int64, role string, scopes ...string) string {
	t.Helper()
	tok, hash := auth.NewAPIToken()
	if _, err := w.db.CreateAPIClient(context.Background(), auth.APIClient{RegionID: w.r1, OrgID: org, Name: "LAS", Role: role, Scopes: scopes}, hash, w.clock.Now()); err != nil {
		t.Fatal(err)
	}
	return tok
}

func TestVerzuimAPI(t *testing.T) {
	w := verzuimWorld(t)
	c := w.client()
	tok := apiClient(t, w, w.school1, "zorgcoordinator", auth.ScopeVerzuimVastleggen, auth.ScopeLeerlingenLezen, auth.ScopeMeldingenLezen)
	other := apiClient(t, w, w.school2, "zorgcoordinator", auth.ScopeVerzuimVastleggen, auth.ScopeLeerlingenLezen)
	bearer := func(tk string) []string { return []string{"Authorization", "Bearer " + tk} }
	post := func(tk, path, ct, body string) resp {
		return c.doBody("POST", path, body, append(bearer(tk), "Content-Type", ct)...)
	}

	// CSV with a bad line: 400, every bad line in invalidParams, nothing imported.
	r := post(tok, "/api/v1/verzuimregistraties?doel=signalering", "text/csv", "leerling,datum,uren,reden\n101,2025-09-22,4,ongeoorloofd\n101,2025-09-23,30,ongeoorloofd\n")
	var p struct {
		InvalidParams []struct{ Name, Reason string }
	}
	json.Unmarshal([]byte(r.body), &p)
	if r.status != 400 || r.header.Get("Content-Type") != "application/problem+json" || len(p.InvalidParams) != 1 || p.InvalidParams[0].Name != "regel 3" {
		t.Fatalf("bad csv: %d %s", r.status, r.body)
	}
	if countRegs(t, w) != 0 {
		t.Fatal("bad csv imported")
	}
	// JSON with a bad row names the row and field.
	r = post(tok, "/api/v1/verzuimregistraties?doel=signalering", "application/json", `[{"leerling":"101","datum":"2025-09-22","uren":4,"reden":"ongeoorloofd"},{"leerling":"101","datum":"2025-09-23","uren":"4","reden":"spijbelen"}]`)
	json.Unmarshal([]byte(r.body), &p)
	if r.status != 400 || len(p.InvalidParams) != 1 || p.InvalidParams[0].Name != "[1].reden" {
		t.Fatalf("bad json: %d %s", r.status, r.body)
	}
	// Without doel: 400 naming doel; a session cookie cannot post.
	if r := post(tok, "/api/v1/verzuimregistraties", "text/csv", goodCSV); r.status != 400 || !strings.Contains(r.body, `"name":"doel"`) {
		t.Fatalf("no doel: %d %s", r.status, r.body)
	}
	if r := c.doBody("POST", "/api/v1/verzuimregistraties?doel=signalering", goodCSV, "Content-Type", "text/csv"); r.status != 401 {
		t.Fatalf("no token: %d", r.status)
	}
	r = post(tok, "/api/v1/verzuimregistraties?doel=signalering", "text/csv", goodCSV)
	var imp struct{ Geimporteerd, Signalen int }
	if json.Unmarshal([]byte(r.body), &imp); r.status != 200 || imp.Geimporteerd != 11 || imp.Signalen == 0 || r.header.Get("API-Version") == "" {
		t.Fatalf("import: %d %s", r.status, r.body)
	}
	// Another school cannot import this school's pupils: every line is unknown there.
	if r := post(other, "/api/v1/verzuimregistraties?doel=signalering", "text/csv", goodCSV); r.status != 400 || !strings.Contains(r.body, "niet bekend bij deze school") {
		t.Fatalf("other school's import: %d %s", r.status, r.body)
	}

	// Signals: this school sees them, the other school none.
	var sigs struct {
		Embedded struct {
			Signalen []struct {
				ID       string
				Soort    string
				Meldbaar bool
			}
		} `json:"_embedded"`
	}
	r = c.get("/api/v1/verzuimsignalen?doel=signalering", bearer(tok)...)
	if json.Unmarshal([]byte(r.body), &sigs); r.status != 200 || len(sigs.Embedded.Signalen) == 0 {
		t.Fatalf("signals: %d %s", r.status, r.body)
	}
	if r := c.get("/api/v1/verzuimsignalen?doel=signalering", bearer(other)...); r.status != 200 || strings.Contains(r.body, "16-uur") {
		t.Fatalf("other school's signals: %d %s", r.status, r.body)
	}
	sig := signalOf(t, w, absence.Kind16Hours)
	body := `{"signaal":"` + w.pid("verzuimsignaal", sig) + `","vermoedelijkeReden":"Spijbelen","actieSchool":"Gesprek met ouders","actieGemeenteGewenst":true,"leslocatie":"11AA00",` +
		`"melder":{"naam":"J. Bakker","functie":"zorgcoördinator","telefoon":"0301234567","email":"zc@linde.example"}}`
	r = post(tok, "/api/v1/verzuimmeldingen", "application/json", body)
	json.Unmarshal([]byte(r.body), &p)
	if r.status != 400 || len(p.InvalidParams) != 1 || p.InvalidParams[0].Name != "telefoonOuderOfLeerling" {
		t.Fatalf("incomplete melding: %d %s", r.status, r.body)
	}
	if r := post(other, "/api/v1/verzuimmeldingen", "application/json", strings.Replace(body, `"leslocatie"`, `"telefoonOuderOfLeerling":"06","leslocatie"`, 1)); r.status != 404 {
		t.Fatalf("other school's melding: %d %s", r.status, r.body)
	}
	r = post(tok, "/api/v1/verzuimmeldingen", "application/json", strings.Replace(body, `"leslocatie"`, `"telefoonOuderOfLeerling":"0612345678","leslocatie"`, 1))
	var m struct {
		ID        string
		Status    string
		Wettelijk bool
	}
	if json.Unmarshal([]byte(r.body), &m); r.status != 201 || m.Status != "geregistreerd" || !m.Wettelijk {
		t.Fatalf("melding: %d %s", r.status, r.body)
	}
	// The same request again (a retry): the existing melding, 200, no second one.
	again := post(tok, "/api/v1/verzuimmeldingen", "application/json", strings.Replace(body, `"leslocatie"`, `"telefoonOuderOfLeerling":"0612345678","leslocatie"`, 1))
	var m2 struct{ ID string }
	if json.Unmarshal([]byte(again.body), &m2); again.status != 200 || m2.ID != m.ID {
		t.Fatalf("retry: %d %s (first %s)", again.status, again.body, m.ID)
	}
	// Leerplicht's system: list and status.
	lp := apiClient(t, w, w.gem1, "leerplicht", auth.ScopeMeldingenLezen, auth.ScopeVerzuimVastleggen)
	r = c.get("/api/v1/verzuimmeldingen?doel=handhaving-leerplicht", bearer(lp)...)
	if r.status != 200 || !strings.Contains(r.body, `"id":"`+m.ID+`"`) {
		t.Fatalf("leerplicht's list: %d %s", r.status, r.body)
	}
	st := "/api/v1/verzuimmeldingen/" + m.ID + "/status"
	if r := post(lp, st, "application/json", `{"status":"afgesloten"}`); r.status != 400 || !strings.Contains(r.body, `"name":"redenAfsluiting"`) {
		t.Fatalf("close without reason: %d %s", r.status, r.body)
	}
	if r := post(lp, st, "application/json", `{"status":"ter-kennisgeving-aangenomen"}`); r.status != 200 || !strings.Contains(r.body, "ter-kennisgeving-aangenomen") {
		t.Fatalf("acknowledge: %d %s", r.status, r.body)
	}
	if r := post(tok, st, "application/json", `{"status":"ingetrokken"}`); r.status != 409 {
		t.Fatalf("withdraw after acknowledgement: %d %s", r.status, r.body)
	}
	if r := post(other, st, "application/json", `{"status":"ingetrokken"}`); r.status != 404 {
		t.Fatalf("other school's status change: %d %s", r.status, r.body)
	}
}

// TestVerzuimOpenAPI: with the absence part mounted, the served document still describes exactly
// the API routes.
func TestVerzuimOpenAPI(t *testing.T) {
	w := verzuimWorld(t)
	r := w.client().get("/api/v1/openapi.json")
	var doc struct {
		Paths map[string]map[string]struct {
			Responses map[string]struct {
				Headers map[string]any
				Content map[string]any
			}
		}
	}
	if err := json.Unmarshal([]byte(r.body), &doc); err != nil {
		t.Fatal(err)
	}
	documented := map[string]bool{}
	for p, ops := range doc.Paths {
		for m, op := range ops {
			documented[strings.ToUpper(m)+" /api/v1"+p] = true
			for code, resp := range op.Responses {
				if code[0] == '2' && resp.Headers["API-Version"] == nil || code[0] >= '4' && resp.Content["application/problem+json"] == nil {
					t.Errorf("%s %s %s: header or problem+json missing", m, p, code)
				}
			}
		}
	}
	routes := w.web.APIPatterns()
	for _, rt := range routes {
		if !documented[rt] {
			t.Errorf("route %s not documented", rt)
		}
		delete(documented, rt)
	}
	for d := range documented {
		t.Errorf("documented %s is no route", d)
	}
	_ = store.ErrNotFound
}
