package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/grondslag/grondslag/internal/access"
	"github.com/grondslag/grondslag/internal/audit"
	"github.com/grondslag/grondslag/internal/auth"
	"github.com/grondslag/grondslag/internal/convenant"
	"github.com/grondslag/grondslag/internal/dossier"
	"github.com/grondslag/grondslag/internal/policy"
	"github.com/grondslag/grondslag/internal/web"
)

// The web against fakes of the small interfaces it declares (no database): the API's pupil
// read through relation check, policy and audit.

// accountsAPI is web.Accounts under another name (its method Accounts would clash with the
// embedded field's name).
type accountsAPI = web.Accounts

type fakeAccounts struct {
	accountsAPI // every other method panics: the API token path needs only this one
	hash        string
	client      auth.APIClient
}

func (f fakeAccounts) APIClientByToken(_ context.Context, hash string) (auth.APIClient, error) {
	if hash != f.hash {
		return auth.APIClient{}, auth.ErrNoAccount
	}
	return f.client, nil
}

type fakeDossiers struct {
	web.Dossiers
	mu    sync.Mutex
	reads []dossier.Want
}

func (f *fakeDossiers) PupilRelations(_ context.Context, a dossier.Actor, pupilID int64, _ string) ([]dossier.RelationKind, error) {
	if a.RegionID == 1 && a.OrgID == 10 && pupilID == 7 {
		return []dossier.RelationKind{dossier.RelEnrolled}, nil
	}
	return nil, nil
}

func (f *fakeDossiers) PupilsWithRelation(ctx context.Context, a dossier.Actor, today string, kind dossier.RelationKind, ids []int64) (map[int64]bool, error) {
	out := map[int64]bool{}
	for _, id := range ids {
		rels, _ := f.PupilRelations(ctx, a, id, today)
		for _, k := range rels {
			out[id] = out[id] || k == kind
		}
	}
	return out, nil
}

func (f *fakeDossiers) DossierPupil(_ context.Context, regionID, pupilID int64, _ string, want dossier.Want) (dossier.Pupil, error) {
	f.mu.Lock()
	f.reads = append(f.reads, want)
	f.mu.Unlock()
	return dossier.Pupil{PupilSummary: dossier.PupilSummary{ID: pupilID, Pseudonym: "pseudo-leerling-zeven-0007", FirstName: "Zeven", LastName: "Test", BirthDate: "2014-03-01"}}, nil
}

type fakeAudit struct {
	mu   sync.Mutex
	recs []audit.Record
}

func (f *fakeAudit) Append(_ context.Context, _ int64, recs ...audit.Record) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, r := range recs {
		if _, err := audit.NewEntry(r, audit.EncryptFunc(func(p, _ []byte) ([]byte, error) { return p, nil })); err != nil {
			return err
		}
	}
	f.recs = append(f.recs, recs...)
	return nil
}

func TestPupilAPIAgainstFakes(t *testing.T) {
	conv, err := convenant.Default()
	if err != nil {
		t.Fatal(err)
	}
	token, hash := auth.NewAPIToken()
	sealer, err := auth.NewSealer(bytes.Repeat([]byte{3}, 32))
	if err != nil {
		t.Fatal(err)
	}
	dos := &fakeDossiers{}
	aud := &fakeAudit{}
	s, err := web.New(web.Config{Now: func() time.Time { return time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC) }, Location: time.UTC}, web.Deps{
		Accounts: fakeAccounts{hash: hash, client: auth.APIClient{ID: 5, RegionID: 1, OrgID: 10, OrgKind: "school", Name: "LAS", Role: auth.RoleZorgcoordinator,
			Scopes: []string{auth.ScopeLeerlingenLezen}}},
		Sessions: struct{ web.Sessions }{}, Throttle: struct{ web.Throttle }{}, Dossiers: dos, Access: access.New(policy.NewEngine(conv), 1), Vocab: web.VocabularyOf(conv),
		Audit: aud, Sealer: sealer, Mailbox: &web.DevMailbox{}, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s)
	defer srv.Close()
	get := func(path string) (int, map[string]any) {
		req, _ := http.NewRequest(http.MethodGet, srv.URL+path, nil)
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var body map[string]any
		_ = json.NewDecoder(resp.Body).Decode(&body)
		return resp.StatusCode, body
	}
	code, body := get("/api/v1/leerlingen/" + s.PublicID("leerling", 7) + "?doel=signalering")
	if code != http.StatusOK || body["voornaam"] != "Zeven" {
		t.Fatalf("%d %v", code, body)
	}
	if len(dos.reads) != 1 || !dos.reads[0].Verzuim {
		t.Errorf("store reads %+v", dos.reads)
	}
	if len(aud.recs) == 0 || aud.recs[0].Actor.ClientID != 5 || aud.recs[0].Pupil != "pseudo-leerling-zeven-0007" || aud.recs[0].AccessPoint != audit.AccessAPI {
		t.Errorf("audit %+v", aud.recs)
	}
	// No relation: 404, and nothing is read.
	if code, _ := get("/api/v1/leerlingen/" + s.PublicID("leerling", 8) + "?doel=signalering"); code != http.StatusNotFound || len(dos.reads) != 1 {
		t.Errorf("no relation: %d, %d reads", code, len(dos.reads))
	}
}
