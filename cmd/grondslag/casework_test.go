package main

import (
	"context"
	"encoding/json"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/grondslag/grondslag/internal/audit"
	"github.com/grondslag/grondslag/internal/casework"
	"github.com/grondslag/grondslag/internal/convenant"
	"github.com/grondslag/grondslag/internal/ident"
	"github.com/grondslag/grondslag/internal/policy"
	"github.com/grondslag/grondslag/internal/region"
	"github.com/grondslag/grondslag/internal/store"
)

// casusFixture makes a store with one region, a school with two zorgcoördinatoren, and a ZAT
// case opened by the first, with minutes, opened a year ago (so its agreement has stalled).
func casusFixture(t *testing.T) []string {
	t.Helper()
	dir := t.TempDir()
	dbPath, keys := filepath.Join(dir, "g.db"), filepath.Join(dir, "k.json")
	st := []string{"--db", dbPath, "--sleutels", keys}
	if code, _, errs := runCmd(t, "", "migrate", "--db", dbPath); code != 0 {
		t.Fatalf("migrate: %s", errs)
	}
	if code, _, errs := runCmd(t, "", append([]string{"regio", "aanmaken", "--code", "casus-regio", "--naam", "Casusregio", "--vakantieregio", "midden"}, st...)...); code != 0 {
		t.Fatalf("regio: %s", errs)
	}
	ctx := context.Background()
	db, err := store.Open(ctx, dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ring, err := ident.LoadKeyFile(keys)
	if err != nil {
		t.Fatal(err)
	}
	rk, _ := ring.Region("casus-regio")
	vault, err := store.OpenKeyVault(ctx, filepath.Join(dir, "g-sleutelkluis.db"), ring) // where the commands find it
	if err != nil {
		t.Fatal(err)
	}
	db.UseKeyVault(vault)
	r, _ := db.RegionByCode(ctx, "casus-regio")
	var school, pupil int64
	users := map[string]region.User{}
	err = db.WithTx(ctx, func(tx *store.Tx) error {
		o, _ := region.NewOrganisation(region.Organisation{Kind: region.KindSchool, Name: "De School", BRIN: "02BB", Sector: region.SectorVO})
		if school, err = tx.CreateOrganisation(ctx, r.ID, o); err != nil {
			return err
		}
		for _, email := range []string{"zc1@school.example", "zc2@school.example"} {
			u, _ := region.NewUser(region.User{OrganisationID: school, Name: "ZC " + email[:3], Email: email, Role: region.RoleZorgcoordinator}, region.KindSchool)
			if u.ID, err = tx.CreateUser(ctx, r.ID, u, time.Now()); err != nil {
				return err
			}
			users[email] = u
		}
		p, _ := region.NewPupil(region.Pupil{NumberKind: ident.BSN, Number: "999900006", FirstName: "Sem", LastName: "Jansen", BirthDate: time.Date(2013, 5, 1, 0, 0, 0, 0, time.UTC)}, time.Now())
		pupil, _, err = tx.CreatePupil(ctx, r.ID, p, rk, time.Now())
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	k, _ := convenant.Default()
	enc := audit.EncryptFunc(func(p, ad []byte) ([]byte, error) { _, s, err := rk.Seal(p, ad); return s, err })
	then := time.Now().AddDate(-1, 0, 0)
	svc, err := casework.NewService(store.NewCaseStore(db), casework.NewGuard(k, policy.NewEngine(k), nil), store.CaseDirectory{DB: db}, enc, casework.DefaultConfig(), func() time.Time { return then })
	if err != nil {
		t.Fatal(err)
	}
	zc := casework.Op{Actor: store.ActorOf(users["zc1@school.example"], region.Organisation{ID: school, Kind: region.KindSchool}), Point: audit.AccessCLI, RequestID: "test"}
	c, err := svc.Open(ctx, r.ID, zc, casework.OpenRequest{PupilID: pupil, Type: "zat", Purpose: "toeleiding", Question: "Sem verzuimt veel"})
	if err != nil {
		t.Fatal(err)
	}
	for _, to := range []string{"voorbereiding", "overleg"} {
		if _, err := svc.Advance(ctx, r.ID, zc, c.ID, to, ""); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := svc.WriteMinutes(ctx, r.ID, zc, c.ID, casework.MinutesInput{MeetingOn: then, Text: "Sem komt op maandag niet."}); err != nil {
		t.Fatal(err)
	}
	desc, due, owner := "Gesprek met Sem", then.AddDate(0, 0, 7), casework.Ref("gebruiker:"+strconv.FormatInt(users["zc1@school.example"].ID, 10))
	if _, err := svc.AddAgreement(ctx, r.ID, zc, c.ID, casework.AgreementInput{Description: &desc, Due: &due, Owner: &owner}); err != nil {
		t.Fatal(err)
	}
	return st
}

func TestCasusCommands(t *testing.T) {
	st := casusFixture(t)
	code, out, errs := runCmd(t, "", append([]string{"casus", "lijst", "--gebruiker", "zc1@school.example"}, st...)...)
	if code != 0 || !strings.Contains(out, "zat") || !strings.Contains(out, "overleg") {
		t.Fatalf("lijst: %d %q %q", code, out, errs)
	}
	code, out, _ = runCmd(t, "", append([]string{"casus", "lijst", "--gebruiker", "zc2@school.example"}, st...)...)
	if code != 0 || !strings.Contains(out, "Geen casussen") {
		t.Fatalf("a non-participant lists the case: %q", out)
	}
	code, out, errs = runCmd(t, "", append([]string{"casus", "toon", "1", "--gebruiker", "zc1@school.example"}, st...)...)
	if code != 0 || !strings.Contains(out, "Sem komt op maandag niet.") || !strings.Contains(out, "Brede regie") || !strings.Contains(out, "Gesprek met Sem") {
		t.Fatalf("toon: %d %q %q", code, out, errs)
	}
	code, out, _ = runCmd(t, "", append([]string{"casus", "toon", "1", "--json", "--gebruiker", "zc1@school.example"}, st...)...)
	var j struct {
		Fase      string `json:"fase"`
		Verslagen []struct {
			Tekst  string `json:"tekst"`
			Versie int    `json:"versie"`
		} `json:"verslagen"`
	}
	if code != 0 || json.Unmarshal([]byte(out), &j) != nil || j.Fase != "overleg" || len(j.Verslagen) != 1 || j.Verslagen[0].Versie != 1 {
		t.Fatalf("toon --json: %d %q", code, out)
	}
	code, _, errs = runCmd(t, "", append([]string{"casus", "toon", "1", "--gebruiker", "zc2@school.example"}, st...)...)
	if code != 3 || !strings.Contains(errs, "niet toegestaan") {
		t.Fatalf("non-participant: %d %q", code, errs)
	}
	code, _, errs = runCmd(t, "", append([]string{"casus", "toon", "1"}, st...)...)
	if code != 2 || !strings.Contains(errs, "--gebruiker") {
		t.Fatalf("without user: %d %q", code, errs)
	}
	code, out, _ = runCmd(t, "", append([]string{"casus", "opschalen-check"}, st...)...)
	if code != 1 || !strings.Contains(out, "casus 1: stagnatie") {
		t.Fatalf("opschalen-check: %d %q", code, out)
	}
	code, _, _ = runCmd(t, "", append([]string{"casus", "opschalen-check", "--weken", "0"}, st...)...)
	if code != 2 {
		t.Fatalf("0 weeks: %d", code)
	}
	if code, _, _ := runCmd(t, "", "casus", "vlieg"); code != 2 {
		t.Fatalf("unknown: %d", code)
	}
}
