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

	"github.com/grondslag/grondslag/internal/access"
	"github.com/grondslag/grondslag/internal/audit"
	"github.com/grondslag/grondslag/internal/auth"
	"github.com/grondslag/grondslag/internal/convenant"
	"github.com/grondslag/grondslag/internal/policy"
	"github.com/grondslag/grondslag/internal/retention"
	"github.com/grondslag/grondslag/internal/web"
)

// The destruction pages against fakes of the interfaces web declares (web.RetentionLists,
// web.Sessions, web.Accounts): no database. They prove that the pages show a user only the
// lists they see, answer 404 for another school's list and for a list the store does not know
// (retention.ErrListNotFound), and pass a store failure on as a server error.

// fakeSessions knows one session per token hash.
type fakeSessions struct {
	web.Sessions // every other method panics: reading a page needs only these two
	byHash       map[string]auth.Session
}

func (f fakeSessions) Session(_ context.Context, idHash string) (auth.Session, error) {
	s, ok := f.byHash[idHash]
	if !ok {
		return auth.Session{}, auth.ErrNoSession
	}
	return s, nil
}

func (f fakeSessions) TouchSession(context.Context, string, time.Time) error { return nil }

// pageAccounts knows the accounts by id.
type pageAccounts struct {
	accountsAPI
	byID map[int64]auth.Account
}

func (f pageAccounts) Account(_ context.Context, regionID, userID int64) (auth.Account, error) {
	a, ok := f.byID[userID]
	if !ok || a.RegionID != regionID {
		return auth.Account{}, auth.ErrNoAccount
	}
	return a, nil
}

// fakeLists holds the region's lists; fail makes every read fail.
type fakeLists struct {
	web.RetentionLists // writes panic: these tests only read
	lists              map[int64]retention.List
	fail               error
}

func (f *fakeLists) Lists(_ context.Context, regionID int64, _ string) ([]retention.List, error) {
	if f.fail != nil {
		return nil, f.fail
	}
	var out []retention.List
	for id := int64(1); id <= int64(len(f.lists)); id++ {
		out = append(out, f.lists[id])
	}
	return out, nil
}

func (f *fakeLists) List(_ context.Context, _ int64, id int64) (retention.List, error) {
	if f.fail != nil {
		return retention.List{}, f.fail
	}
	l, ok := f.lists[id]
	if !ok {
		return retention.List{}, retention.ErrListNotFound
	}
	return l, nil
}

func TestRetentionPagesAgainstFakes(t *testing.T) {
	conv, err := convenant.Default()
	if err != nil {
		t.Fatal(err)
	}
	sealer, err := auth.NewSealer(bytes.Repeat([]byte{4}, 32))
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)
	accounts := map[int64]auth.Account{
		1: {ID: 1, RegionID: 1, OrgID: 30, OrgKind: "swv", Role: auth.RoleFG, Name: "FG", Active: true},
		2: {ID: 2, RegionID: 1, OrgID: 10, OrgKind: "school", Role: auth.RoleDirecteur, Name: "Directeur A", Active: true},
	}
	tokens := map[int64]string{}
	sessions := map[string]auth.Session{}
	for id, a := range accounts {
		token, s := auth.NewSession(a.RegionID, id, 0, auth.StageActive, now)
		tokens[id], sessions[s.IDHash] = token, s
	}
	day := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	lists := &fakeLists{lists: map[int64]retention.List{
		1: {ID: 1, Controller: retention.Controller{Party: "school", OrganisationID: 10}, Day: day, Status: retention.ListProposed,
			Items: []retention.Item{{Unit: retention.Unit{PupilID: 7}, Status: retention.ItemProposed},
				{Unit: retention.Unit{Kind: retention.UnitAuditLog, From: 0, To: 5}, Categories: []string{"auditlog"}, Status: retention.ItemProposed}}},
		2: {ID: 2, Controller: retention.Controller{Party: "school", OrganisationID: 11}, Day: day, Status: retention.ListProposed},
	}}
	s, err := web.New(web.Config{Now: func() time.Time { return now }, Location: time.UTC}, web.Deps{
		Accounts: pageAccounts{byID: accounts}, Sessions: fakeSessions{byHash: sessions}, Throttle: struct{ web.Throttle }{},
		Dossiers: &fakeDossiers{}, Access: access.New(policy.NewEngine(conv), 1), Vocab: web.VocabularyOf(conv),
		Audit: &fakeAudit{}, Sealer: sealer, Mailbox: &web.DevMailbox{}, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	if err != nil {
		t.Fatal(err)
	}
	seal := func(context.Context, int64) (audit.Encrypter, error) {
		return nil, errors.New("not used by the pages read here")
	}
	if err := s.MountRetention(web.RetentionDeps{Lists: lists, Seal: seal}); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s)
	defer srv.Close()
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	get := func(user int64, path string) (int, string) {
		t.Helper()
		req, _ := http.NewRequest(http.MethodGet, srv.URL+path, nil)
		req.AddCookie(&http.Cookie{Name: "gs_sessie", Value: tokens[user]})
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}

	list := func(id int64) string { return "/bewaartermijnen/lijsten/" + s.PublicID("bewaarlijst", id) }
	// The FG sees both schools' lists, each waiting for its advice.
	code, body := get(1, "/bewaartermijnen")
	if code != http.StatusOK || !strings.Contains(body, `href="`+list(1)+`"`) || !strings.Contains(body, `href="`+list(2)+`"`) {
		t.Fatalf("fg overview: %d\n%s", code, body)
	}
	if !strings.Contains(body, "wacht op het advies van de FG") {
		t.Errorf("fg overview does not say the lists wait for the advice")
	}
	// The directeur of school 10 sees its own list only.
	code, body = get(2, "/bewaartermijnen")
	if code != http.StatusOK || !strings.Contains(body, `href="`+list(1)+`"`) || strings.Contains(body, `href="`+list(2)+`"`) {
		t.Fatalf("directeur overview: %d\n%s", code, body)
	}
	if code, body = get(2, list(1)); code != http.StatusOK || !strings.Contains(body, "leerling nr. 7 (alles)") ||
		!strings.Contains(body, "auditlog: inhoud van de regels 0 tot 5 (bladhashes en controlepunten blijven)") {
		t.Errorf("own list: %d\n%s", code, body)
	}
	// Another school's list and an unknown list: the same 404.
	if code, _ = get(2, list(2)); code != http.StatusNotFound {
		t.Errorf("another school's list: %d, want 404", code)
	}
	if code, _ = get(1, list(99)); code != http.StatusNotFound {
		t.Errorf("unknown list: %d, want 404", code)
	}
	// A row number in the URL instead of the public id: 404.
	if code, _ = get(1, "/bewaartermijnen/lijsten/1"); code != http.StatusNotFound {
		t.Errorf("row number in the URL: %d, want 404", code)
	}
	// No session: to the login page, and nothing read.
	lists.fail = errors.New("opslag onbereikbaar")
	if code, _ = get(99, "/bewaartermijnen"); code != http.StatusSeeOther {
		t.Errorf("no session: %d, want 303", code)
	}
	// A store failure is a server error, not an empty page.
	if code, _ = get(1, "/bewaartermijnen"); code != http.StatusInternalServerError {
		t.Errorf("store failure: %d, want 500", code)
	}
}
