package web_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/grondslag/grondslag/internal/absence"
	"github.com/grondslag/grondslag/internal/access"
	"github.com/grondslag/grondslag/internal/audit"
	"github.com/grondslag/grondslag/internal/auth"
	"github.com/grondslag/grondslag/internal/convenant"
	"github.com/grondslag/grondslag/internal/ident"
	"github.com/grondslag/grondslag/internal/policy"
	"github.com/grondslag/grondslag/internal/store"
	"github.com/grondslag/grondslag/internal/web"
)

// fakeKeys maps the test BSNs to the world's pseudonyms and seals by prefixing.
type fakeKeys struct{}

func (fakeKeys) Pseudonym(_ ident.Kind, number string) string {
	switch number {
	case "999900006":
		return "pseudo-leerling-een-0001"
	case "999900018":
		return "pseudo-leerling-twee-0002"
	}
	return "pseudo-" + number
}
func (fakeKeys) Seal(plain, _ []byte) (int, []byte, error) {
	return 1, append([]byte("s"), plain...), nil
}
func (fakeKeys) Open(_ int, sealed, _ []byte) ([]byte, error) {
	if len(sealed) == 0 {
		return nil, errors.New("leeg")
	}
	return sealed[1:], nil
}

func (c *client) uploadList(csv string) resp {
	c.w.t.Helper()
	page := c.get("/verzuim/dossiers")
	var b strings.Builder
	const boundary = "grens"
	b.WriteString("--" + boundary + "\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n" + csrfOf(c.w.t, page.body) + "\r\n")
	b.WriteString("--" + boundary + "\r\nContent-Disposition: form-data; name=\"lijst\"; filename=\"lijst.csv\"\r\nContent-Type: text/csv\r\n\r\n" + csv + "\r\n")
	b.WriteString("--" + boundary + "--\r\n")
	return c.doBody("POST", "/verzuim/dossiers/gemeentelijst", b.String(), "Content-Type", "multipart/form-data; boundary="+boundary)
}

// TestGemeentelijst: the gemeente's list compared with the enrolments opens an absoluut-verzuim
// dossier for each child of compulsory age enrolled nowhere, from the web and the API, all or
// nothing; an unknown child without absoluut verzuim is not stored; opening again opens nothing new.
func TestGemeentelijst(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
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
		Today: func() absence.Date { return absence.DateOf(w.clock.Now()) }, Now: w.clock.Now,
		Residents: store.ResidentsRepository{DB: w.db, Keys: func(context.Context, int64) (store.Keys, error) { return fakeKeys{}, nil }}})
	if err != nil {
		t.Fatal(err)
	}
	err = w.web.MountDossiers(web.DossierDeps{Store: w.db, Residents: svc, LeerplichtDeps: web.LeerplichtDeps{Seal: seal,
		Calendar: func(context.Context, int64) (*absence.Calendar, error) {
			return absence.DefaultCalendar(absence.Region("noord"))
		},
		Pseudonym: func(_ context.Context, _ int64, kind, number string) (string, error) {
			return fakeKeys{}.Pseudonym(ident.Kind(kind), number), nil
		}}})
	if err != nil {
		t.Fatal(err)
	}
	// Pupil 2 left school in 2021; pupil 1 is enrolled.
	if _, err := w.db.Exec(ctx, "UPDATE inschrijving SET tot = '2021-07-31' WHERE leerling_id = ?", w.pupil2); err != nil {
		t.Fatal(err)
	}
	count := func(q string) int {
		var n int
		if err := w.db.QueryRow(ctx, q).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	pupils := count("SELECT COUNT(*) FROM leerling")
	lpa := w.client()
	lpa.login("lpa")
	// A bad line (impossible BSN) stores nothing and names the line.
	bad := "bsn;voornaam;achternaam;geboortedatum\r\n999900018;Bart;Jansen;02-04-2012\r\n123456789;Fout;Kind;01-01-2013\r\n"
	if r := lpa.uploadList(bad); r.status != http.StatusBadRequest || !strings.Contains(r.body, "regel 3") {
		t.Fatalf("bad list: %d %s", r.status, r.body)
	}
	if n := count("SELECT COUNT(*) FROM leerplicht_dossier"); n != 0 {
		t.Fatalf("a refused list opened %d dossiers", n)
	}
	// The good list: pupil 2 (not enrolled), pupil 1 (enrolled), an unknown ten-year-old (not
	// enrolled anywhere: stored, dossier) and an unknown 25-year-old (no compulsion: not stored).
	good := "\ufeffbsn;voornaam;voorvoegsel;achternaam;geboortedatum\r\n999900018;Bart;;Jansen;02-04-2012\r\n999900006;Anouk;;Visser;01-03-2011\r\n" +
		"999900031;Zoë;van;Dijk;15-06-2015\r\n999900043;Oud;;Genoeg;01-01-2000\r\n"
	r := lpa.uploadList(good)
	if r.status != http.StatusOK || !strings.Contains(r.body, "De lijst is ingelezen: 4 kinderen") || !strings.Contains(r.body, "2 leer- of kwalificatieplichtige kinderen") {
		t.Fatalf("list: %d %s", r.status, r.body)
	}
	if n := count("SELECT COUNT(*) FROM leerling"); n != pupils+1 {
		t.Fatalf("%d pupils after the list, want %d (only the unknown child in absoluut verzuim)", n, pupils+1)
	}
	if n := count("SELECT COUNT(*) FROM leerplicht_dossier WHERE grond = 'absoluut-verzuim' AND status = 'open'"); n != 2 {
		t.Fatalf("%d absoluut-verzuim dossiers, want 2", n)
	}
	var name string
	w.db.QueryRow(ctx, "SELECT achternaam FROM leerling WHERE pseudoniem = 'pseudo-999900031'").Scan(&name)
	if name != "van Dijk" {
		t.Fatalf("stored name %q", name)
	}
	// Each written child and each opened dossier has its audit entry, written in the transaction.
	leaves, err := store.NewAuditStore(w.db).Recent(ctx, w.r1, 100)
	if err != nil {
		t.Fatal(err)
	}
	opened := 0
	for _, l := range leaves {
		if rec := l.Entry.Record(); rec.Name == "leerplichtdossier-openen" && rec.Purpose == "absoluut-verzuim" {
			opened++
		}
	}
	if opened != 2 {
		t.Fatalf("%d audit entries for opened dossiers, want 2", opened)
	}
	// The API: the same list again opens nothing new.
	tok := apiClient(t, w, w.gem1, "leerplicht", auth.ScopeVerzuimVastleggen)
	c := w.client()
	res := c.doBody("POST", "/api/v1/gemeentelijsten", strings.ReplaceAll(good, "\ufeff", ""), "Authorization", "Bearer "+tok, "Content-Type", "text/csv")
	var got struct {
		Kinderen         int
		NietIngeschreven []struct{ Geopend bool }
	}
	if json.Unmarshal([]byte(res.body), &got); res.status != 200 || got.Kinderen != 4 || len(got.NietIngeschreven) != 2 || got.NietIngeschreven[0].Geopend || got.NietIngeschreven[1].Geopend {
		t.Fatalf("API list: %d %s", res.status, res.body)
	}
	if n := count("SELECT COUNT(*) FROM leerplicht_dossier"); n != 2 {
		t.Fatalf("%d dossiers after the second list", n)
	}
	// A school's user cannot read the list in.
	zc := apiClient(t, w, w.school1, "zorgcoordinator", auth.ScopeVerzuimVastleggen)
	if r := c.doBody("POST", "/api/v1/gemeentelijsten", good, "Authorization", "Bearer "+zc, "Content-Type", "text/csv"); r.status != 403 {
		t.Fatalf("school reads the list: %d", r.status)
	}
}
