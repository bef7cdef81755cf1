package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/grondslag/grondslag/internal/auth"
	"github.com/grondslag/grondslag/internal/store"
	"github.com/grondslag/grondslag/internal/store/storetest"
)

func TestDemoCode(t *testing.T) {
	var out, errb bytes.Buffer
	code := run(context.Background(), env{args: []string{"demo-code", "zorg1@demo.grondslag.test"}, stdout: &out, stderr: &errb, getenv: func(string) string { return "" }})
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	got := strings.TrimSpace(out.String())
	now := time.Now()
	want, _ := auth.TOTPCode(demoTOTPSecret("zorg1@demo.grondslag.test"), now)
	prev, _ := auth.TOTPCode(demoTOTPSecret("zorg1@demo.grondslag.test"), now.Add(-30*time.Second))
	if len(got) != 6 || (got != want && got != prev) {
		t.Fatalf("code %q, want %q", got, want)
	}
	if code := run(context.Background(), env{args: []string{"demo-code"}, stdout: &out, stderr: &errb, getenv: func(string) string { return "" }}); code != 2 {
		t.Errorf("without e-mail: exit %d", code)
	}
	if demoTOTPSecret("A@b.nl ") != demoTOTPSecret("a@b.nl") || len(demoTOTPSecret("a@b.nl")) != 32 {
		t.Error("demo secret not normalised")
	}
}

func TestWebKeyFile(t *testing.T) {
	dir := t.TempDir()
	cfg := &config{KeyFile: filepath.Join(dir, "sleutels.json")}
	e := env{getenv: func(string) string { return "" }}
	k1, err := webKey(e, cfg)
	if err != nil || len(k1) != 32 {
		t.Fatal(err)
	}
	st, err := os.Stat(filepath.Join(dir, "sleutels-web.key"))
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("key file: %v %v", err, st)
	}
	k2, _ := webKey(e, cfg)
	if !bytes.Equal(k1, k2) {
		t.Error("key not reused")
	}
	bad := env{getenv: func(k string) string {
		if k == "GRONDSLAG_WEBSLEUTEL" {
			return "te-kort"
		}
		return ""
	}}
	if _, err := webKey(bad, cfg); err == nil {
		t.Error("short GRONDSLAG_WEBSLEUTEL accepted")
	}
}

// TestDemoLogins: demo accounts get the known password and the derived TOTP; accounts that have
// a password keep it.
func TestDemoLogins(t *testing.T) {
	ctx := context.Background()
	db := storetest.SQLite(t)
	var region, org, fresh, existing int64
	err := db.WithTx(ctx, func(tx *store.Tx) error {
		var err error
		if region, err = tx.InsertID(ctx, `INSERT INTO regio (code, naam, vakantieregio, aangemaakt_op) VALUES ('demo', 'Demo', 'noord', 0)`); err != nil {
			return err
		}
		if org, err = tx.InsertID(ctx, `INSERT INTO organisatie (regio_id, soort, naam) VALUES (?, 'swv', 'SWV')`, region); err != nil {
			return err
		}
		if fresh, err = tx.InsertID(ctx, `INSERT INTO gebruiker (regio_id, organisatie_id, naam, email, rol, aangemaakt_op) VALUES (?, ?, 'A', 'a@demo.test', 'swv-consulent', 0)`, region, org); err != nil {
			return err
		}
		existing, err = tx.InsertID(ctx, `INSERT INTO gebruiker (regio_id, organisatie_id, naam, email, rol, aangemaakt_op) VALUES (?, ?, 'B', 'b@demo.test', 'fg', 0)`, region, org)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.SetPasswordHash(ctx, region, existing, "$argon2id$eigen", time.Now()); err != nil {
		t.Fatal(err)
	}
	sealer, _ := auth.NewSealer(bytes.Repeat([]byte{1}, 32))
	var out bytes.Buffer
	if err := setDemoLogins(ctx, env{stdout: &out}, db, sealer); err != nil {
		t.Fatal(err)
	}
	a, _ := db.Account(ctx, region, fresh)
	if ok, _ := auth.VerifyPassword(DemoPassword, a.PasswordHash); !ok || !a.MFAEnrolled() {
		t.Fatalf("demo account: %+v", a)
	}
	if b, _ := db.Account(ctx, region, existing); b.PasswordHash != "$argon2id$eigen" {
		t.Error("existing password overwritten")
	}
	if !strings.Contains(out.String(), demoTOTPSecret("a@demo.test")) || strings.Contains(out.String(), "b@demo.test") {
		t.Errorf("output:\n%s", out.String())
	}
}

func TestAPIClientAndOIDCCommands(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	dbPath, keys := filepath.Join(dir, "g.db"), filepath.Join(dir, "sleutels.json")
	envs := map[string]string{"GRONDSLAG_OIDC_GEHEIM": "geheim"}
	runCmd := func(args ...string) (int, string, string) {
		var out, errb bytes.Buffer
		code := run(ctx, env{args: args, stdout: &out, stderr: &errb, getenv: func(k string) string { return envs[k] }})
		return code, out.String(), errb.String()
	}
	if code, _, errs := runCmd("migrate", "--db", dbPath); code != 0 {
		t.Fatalf("migrate: %s", errs)
	}
	if code, _, errs := runCmd("regio", "aanmaken", "--db", dbPath, "--sleutels", keys, "--code", "proef", "--naam", "Proef", "--vakantieregio", "noord"); code != 0 {
		t.Fatalf("regio: %s", errs)
	}
	db, err := store.Open(ctx, dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	r, _ := db.RegionByCode(ctx, "proef")
	var school int64
	db.WithTx(ctx, func(tx *store.Tx) error {
		school, err = tx.InsertID(ctx, `INSERT INTO organisatie (regio_id, soort, naam, brin, vestiging, sector) VALUES (?, 'school', 'De Proef', '12AB', '00', 'po')`, r.ID)
		return err
	})
	common := []string{"--db", dbPath, "--sleutels", keys, "--organisatie", strconv.FormatInt(school, 10)}
	code, out, errs := runCmd(append([]string{"api-client", "aanmaken", "--naam", "LAS", "--rol", "zorgcoordinator", "--scope", allScopes()}, common...)...)
	token := ""
	for _, l := range strings.Split(out, "\n") {
		if strings.HasPrefix(l, auth.APITokenPrefix) {
			token = l
		}
	}
	if code != 0 || token == "" {
		t.Fatalf("api-client: %d %s %s", code, out, errs)
	}
	c, err := db.APIClientByToken(ctx, auth.HashToken(token))
	if err != nil || c.OrgID != school || c.Role != "zorgcoordinator" || !c.HasScope("leerlingen:lezen") {
		t.Fatalf("client: %+v %v", c, err)
	}
	// Every scope the OpenAPI document uses is accepted (TestAPIClientScopes checks the document
	// against auth.Scopes).
	for _, sc := range []string{"toestemmingen:lezen", "toestemmingen:vastleggen", "casussen:lezen", "casussen:vastleggen", "verzuim:vastleggen", "meldingen:lezen", "mag-ik-dit-delen"} {
		if !c.HasScope(sc) {
			t.Errorf("scope %s not given", sc)
		}
	}
	if code, _, errs := runCmd(append([]string{"api-client", "aanmaken", "--naam", "X", "--rol", "leerplicht", "--scope", "leerlingen:lezen"}, common...)...); code != 2 || !strings.Contains(errs, "--rol") {
		t.Errorf("role of another party: %d %s", code, errs)
	}
	if code, _, errs := runCmd(append([]string{"api-client", "aanmaken", "--naam", "X", "--rol", "zorgcoordinator", "--scope", "alles"}, common...)...); code != 2 || !strings.Contains(errs, "--scope") {
		t.Errorf("unknown scope: %d %s", code, errs)
	}
	if code, out, errs := runCmd(append([]string{"oidc", "instellen", "--issuer", "https://idp.example", "--client-id", "grondslag"}, common...)...); code != 0 || !strings.Contains(out, "De Proef") {
		t.Fatalf("oidc: %d %s %s", code, out, errs)
	}
	cfgs, secrets, err := db.OIDCConfigs(ctx)
	if err != nil || len(cfgs) != 1 || cfgs[0].Issuer != "https://idp.example" || bytes.Contains(secrets[0], []byte("geheim")) {
		t.Fatalf("oidc stored: %+v %v", cfgs, err)
	}
	if code, _, _ := runCmd(append([]string{"oidc", "instellen", "--issuer", "http://idp.example", "--client-id", "g"}, common...)...); code != 2 {
		t.Error("http issuer accepted")
	}
	// The region's sign-in for parents and pupils: the secret from its own variable, sealed.
	region := []string{"--db", dbPath, "--sleutels", keys}
	if code, _, errs := runCmd(append([]string{"oidc", "ouders", "--issuer", "https://digid-makelaar.example", "--client-id", "g"}, region...)...); code != 2 || !strings.Contains(errs, "GRONDSLAG_OIDC_OUDERS_GEHEIM") {
		t.Errorf("without the secret: %d %s", code, errs)
	}
	envs["GRONDSLAG_OIDC_OUDERS_GEHEIM"] = "ouders-geheim"
	if code, out, errs := runCmd(append([]string{"oidc", "ouders", "--naam", "DigiD", "--issuer", "https://digid-makelaar.example", "--client-id", "g"}, region...)...); code != 0 || !strings.Contains(out, "burger-terug") {
		t.Fatalf("oidc ouders: %d %s %s", code, out, errs)
	}
	ccfgs, err := db.CitizenOIDCConfigs(ctx)
	if err != nil || len(ccfgs) != 1 || ccfgs[0].Name != "DigiD" || ccfgs[0].RegionID != r.ID || bytes.Contains(ccfgs[0].Secret, []byte("ouders-geheim")) {
		t.Fatalf("citizen oidc stored: %+v %v", ccfgs, err)
	}
}

func allScopes() string {
	var names []string
	for _, sc := range auth.Scopes {
		names = append(names, sc.Name)
	}
	return strings.Join(names, ",")
}
