package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/grondslag/grondslag/internal/store"
	"github.com/grondslag/grondslag/internal/store/storetest"
	"github.com/grondslag/grondslag/internal/web/auth"
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
