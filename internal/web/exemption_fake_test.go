package web_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/grondslag/grondslag/internal/absence"
	"github.com/grondslag/grondslag/internal/access"
	"github.com/grondslag/grondslag/internal/audit"
	"github.com/grondslag/grondslag/internal/auth"
	"github.com/grondslag/grondslag/internal/convenant"
	"github.com/grondslag/grondslag/internal/policy"
	"github.com/grondslag/grondslag/internal/storage"
	"github.com/grondslag/grondslag/internal/web"
)

// The vrijstelling pages against fakes of the interfaces web declares (web.ExemptionStore over
// absence's records, web.Dossiers, web.Auditor): no database, no internal/store. They prove
// that leerplicht sees only the requests about children living in its own gemeente, that a
// request about another gemeente's child and an unknown one (storage.ErrNotFound) are the same
// 404 with nothing logged, that a read is decided and logged with the pupil's pseudonym, and
// that a storage answer from the port (storage.ErrUnavailable) is a 503 with Retry-After.

// fakeExemptions holds the region's requests and where each pupil lives; fail makes every read
// fail.
type fakeExemptions struct {
	web.ExemptionStore // writes panic: these tests only read
	reqs               map[int64]absence.StoredExemptionRequest
	livesIn            map[int64]int64 // pupil → gemeente
	fail               error
}

func (f *fakeExemptions) ExemptionRequestsInGemeente(_ context.Context, _ int64, gemeenteID int64) ([]absence.StoredExemptionRequest, error) {
	if f.fail != nil {
		return nil, f.fail
	}
	var out []absence.StoredExemptionRequest
	for id := int64(1); id <= int64(len(f.reqs)); id++ {
		if r := f.reqs[id]; f.livesIn[r.PupilID] == gemeenteID {
			out = append(out, r)
		}
	}
	return out, nil
}

func (f *fakeExemptions) ExemptionRequest(_ context.Context, _ int64, id int64) (absence.StoredExemptionRequest, error) {
	if f.fail != nil {
		return absence.StoredExemptionRequest{}, f.fail
	}
	r, ok := f.reqs[id]
	if !ok {
		return r, storage.ErrNotFound
	}
	return r, nil
}

func (f *fakeExemptions) PupilResidence(_ context.Context, _ int64, pupilID int64) (int64, error) {
	g, ok := f.livesIn[pupilID]
	if !ok {
		return 0, storage.ErrNotFound
	}
	return g, nil
}

func TestExemptionPagesAgainstFakes(t *testing.T) {
	conv, err := convenant.Default()
	if err != nil {
		t.Fatal(err)
	}
	sealer, err := auth.NewSealer(bytes.Repeat([]byte{5}, 32))
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)
	accounts := map[int64]auth.Account{
		1: {ID: 1, RegionID: 1, OrgID: 20, OrgKind: "gemeente", Role: auth.RoleLeerplicht, Name: "Leerplicht A", Active: true},
		2: {ID: 2, RegionID: 1, OrgID: 10, OrgKind: "school", Role: auth.RoleZorgcoordinator, Name: "Zorg", Active: true},
	}
	tokens := map[int64]string{}
	sessions := map[string]auth.Session{}
	for id, a := range accounts {
		token, s := auth.NewSession(a.RegionID, id, 0, auth.StageActive, now)
		s.Purpose = "vrijstelling-en-verlof"
		tokens[id], sessions[s.IDHash] = token, s
	}
	req := func(id, pupil int64) absence.StoredExemptionRequest {
		return absence.StoredExemptionRequest{ID: id, PupilID: pupil, RecordedAt: now,
			ExemptionRequest: absence.ExemptionRequest{Kind: absence.Leave14, Requester: absence.RequesterParent, Received: absence.DateOf(now), From: absence.DateOf(now.AddDate(0, 1, 0)), To: absence.DateOf(now.AddDate(0, 1, 14)), Reason: "familieomstandigheden"}}
	}
	store := &fakeExemptions{
		reqs:    map[int64]absence.StoredExemptionRequest{1: req(1, 7), 2: req(2, 8)},
		livesIn: map[int64]int64{7: 20, 8: 21},
	}
	aud := &fakeAudit{}
	s, err := web.New(web.Config{Now: func() time.Time { return now }, Location: time.UTC}, web.Deps{
		Accounts: pageAccounts{byID: accounts}, Sessions: fakeSessions{byHash: sessions}, Throttle: struct{ web.Throttle }{},
		Dossiers: &fakeDossiers{}, Access: access.New(policy.NewEngine(conv), 1), Vocab: web.VocabularyOf(conv),
		Audit: aud, Sealer: sealer, Mailbox: &web.DevMailbox{}, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	if err != nil {
		t.Fatal(err)
	}
	notUsed := errors.New("not used by the pages read here")
	err = s.MountVrijstellingen(web.ExemptionDeps{Store: store, LeerplichtDeps: web.LeerplichtDeps{
		Pseudonym: func(context.Context, int64, string, string) (string, error) { return "", notUsed },
		Calendar:  func(context.Context, int64) (*absence.Calendar, error) { return nil, notUsed },
		Seal:      func(context.Context, int64) (audit.Encrypter, error) { return nil, notUsed },
	}})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s)
	defer srv.Close()
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	get := func(user int64, path string) (*http.Response, string) {
		t.Helper()
		r, _ := http.NewRequest(http.MethodGet, srv.URL+path, nil)
		r.AddCookie(&http.Cookie{Name: "gs_sessie", Value: tokens[user]})
		resp, err := client.Do(r)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp, string(b)
	}
	page := func(id int64) string { return "/verzuim/vrijstellingen/" + s.PublicID("vrijstellingsaanvraag", id) }

	// Leerplicht of gemeente 20 sees the request about its own resident, not the other one.
	resp, body := get(1, "/verzuim/vrijstellingen")
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, page(1)) || strings.Contains(body, page(2)) {
		t.Fatalf("list: %d\n%s", resp.StatusCode, body)
	}
	if len(aud.recs) != 1 || aud.recs[0].Pupil != "pseudo-leerling-zeven-0007" || aud.recs[0].Action != audit.ActionRead {
		t.Fatalf("list logged %+v", aud.recs)
	}
	// Its page: the child's name, the read decided and logged.
	logged := len(aud.recs)
	if resp, body = get(1, page(1)); resp.StatusCode != http.StatusOK || !strings.Contains(body, "Zeven Test") {
		t.Fatalf("own request: %d\n%s", resp.StatusCode, body)
	}
	if len(aud.recs) != logged+1 || aud.recs[logged].Outcome != audit.Allowed || aud.recs[logged].Purpose != "vrijstelling-en-verlof" || aud.recs[logged].AccessPoint != audit.AccessUI {
		t.Fatalf("page logged %+v", aud.recs[logged:])
	}
	// Another gemeente's child and an unknown request: the same 404, nothing read or logged.
	logged = len(aud.recs)
	for _, id := range []int64{2, 99} {
		if resp, _ = get(1, page(id)); resp.StatusCode != http.StatusNotFound {
			t.Errorf("request %d: %d, want 404", id, resp.StatusCode)
		}
	}
	if len(aud.recs) != logged {
		t.Errorf("a 404 logged %+v", aud.recs[logged:])
	}
	// A school's zorgcoördinator has no access to leerplicht's pages.
	if resp, _ = get(2, "/verzuim/vrijstellingen"); resp.StatusCode != http.StatusForbidden {
		t.Errorf("zorgcoördinator: %d, want 403", resp.StatusCode)
	}
	// The storage port's answer: unreachable is a 503 that says to try again, not a 500.
	store.fail = storage.ErrUnavailable
	if resp, _ = get(1, "/verzuim/vrijstellingen"); resp.StatusCode != http.StatusServiceUnavailable || resp.Header.Get("Retry-After") == "" {
		t.Errorf("storage unavailable: %d, Retry-After %q", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
}
