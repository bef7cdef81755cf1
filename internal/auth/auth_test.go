package auth_test

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/grondslag/grondslag/internal/auth"
)

var fast = auth.PasswordParams{Memory: 1024, Time: 1, Threads: 1, KeyLen: 32, SaltLen: 16}

func TestPassword(t *testing.T) {
	h, err := auth.HashPassword("correct paard batterij", fast)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=1024,t=1,p=1$") {
		t.Fatalf("hash format: %s", h)
	}
	for _, tc := range []struct {
		pw   string
		want bool
	}{{"correct paard batterij", true}, {"correct paard batterij ", false}, {"", false}, {"Correct paard batterij", false}} {
		ok, err := auth.VerifyPassword(tc.pw, h)
		if err != nil || ok != tc.want {
			t.Errorf("Verify(%q) = %v, %v; want %v", tc.pw, ok, err, tc.want)
		}
	}
	h2, _ := auth.HashPassword("correct paard batterij", fast)
	if h2 == h {
		t.Error("two hashes of one password are equal: salt not random")
	}
	for _, bad := range []string{"", "$argon2i$v=19$m=1,t=1,p=1$AA$AA", "$argon2id$v=18$m=1024,t=1,p=1$AAAA$AAAA", "$argon2id$v=19$m=0,t=1,p=1$AAAA$AAAA", "$argon2id$v=19$m=1024,t=1,p=1$!!$AAAA"} {
		if _, err := auth.VerifyPassword("x", bad); err == nil {
			t.Errorf("Verify with hash %q: no error", bad)
		}
	}
	if err := auth.CheckNewPassword("kort"); err == nil {
		t.Error("short password accepted")
	}
	if err := auth.CheckNewPassword("lang genoeg wachtwoord"); err != nil {
		t.Error(err)
	}
}

func TestTOTP(t *testing.T) {
	secret, url, err := auth.NewTOTPKey("zc@school.example")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(url, "otpauth://totp/Grondslag:") {
		t.Fatalf("url %s", url)
	}
	png, err := auth.TOTPQRCode(url, 200)
	if err != nil || !bytes.HasPrefix(png, []byte("\x89PNG")) {
		t.Fatalf("qr: %v", err)
	}
	now := time.Unix(1_800_000_000, 0)
	code, _ := auth.TOTPCode(secret, now)
	step, err := auth.CheckTOTP(secret, code, now, 0)
	if err != nil || step != now.Unix()/30 {
		t.Fatalf("check: %d %v", step, err)
	}
	// Replay: same code after it was accepted.
	if _, err := auth.CheckTOTP(secret, code, now, step); err == nil {
		t.Error("replayed code accepted")
	}
	// Clock drift of one step either way is fine; two is not.
	prev, _ := auth.TOTPCode(secret, now.Add(-30*time.Second))
	if _, err := auth.CheckTOTP(secret, prev, now, 0); err != nil {
		t.Error("previous step refused")
	}
	old, _ := auth.TOTPCode(secret, now.Add(-90*time.Second))
	if _, err := auth.CheckTOTP(secret, old, now, 0); err == nil {
		t.Error("code of 3 steps ago accepted")
	}
	for _, bad := range []string{"", "12345", "1234567", "abcdef"} {
		if _, err := auth.CheckTOTP(secret, bad, now, 0); err == nil {
			t.Errorf("code %q accepted", bad)
		}
	}
	// Same secret through TOTPURL gives the same codes.
	if u := auth.TOTPURL("x@y", secret); !strings.Contains(u, "secret="+secret) {
		t.Errorf("TOTPURL lost the secret: %s", u)
	}
}

func TestRecoveryAndTokens(t *testing.T) {
	codes, hashes := auth.NewRecoveryCodes()
	if len(codes) != auth.RecoveryCodeCount || len(hashes) != len(codes) {
		t.Fatal("count")
	}
	seen := map[string]bool{}
	for i, c := range codes {
		if len(c) != 11 || c[5] != '-' || seen[c] {
			t.Errorf("code %q", c)
		}
		seen[c] = true
		if auth.HashToken(auth.NormaliseRecoveryCode(" "+strings.ToUpper(c)+" ")) != hashes[i] {
			t.Errorf("typed code %q does not match its hash", c)
		}
	}
	tok, h := auth.NewToken()
	if auth.HashToken(tok) != h || len(tok) < 40 {
		t.Error("token hash")
	}
	code, ch := auth.NewLoginCode()
	if len(code) != 8 || auth.HashToken(auth.NormaliseLoginCode(code[:4]+" "+code[4:])) != ch {
		t.Errorf("login code %q", code)
	}
	at, ah := auth.NewAPIToken()
	if !strings.HasPrefix(at, auth.APITokenPrefix) || auth.HashToken(at) != ah {
		t.Error("api token")
	}
}

func TestSessionTimeouts(t *testing.T) {
	now := time.Unix(1_800_000_000, 0)
	to := auth.Timeouts{Idle: 30 * time.Minute, Absolute: 8 * time.Hour, PreAuth: 5 * time.Minute}
	_, s := auth.NewSession(1, 2, 0, auth.StageActive, now)
	cases := []struct {
		name     string
		created  time.Duration // before now
		lastSeen time.Duration
		stage    auth.Stage
		expired  bool
	}{
		{"fresh", 0, 0, auth.StageActive, false},
		{"idle just under", time.Hour, 29 * time.Minute, auth.StageActive, false},
		{"idle over", time.Hour, 31 * time.Minute, auth.StageActive, true},
		{"absolute over", 8*time.Hour + time.Second, time.Minute, auth.StageActive, true},
		{"mfa pending in time", 4 * time.Minute, 0, auth.StageMFA, false},
		{"mfa pending too long", 6 * time.Minute, 0, auth.StageMFA, true},
	}
	for _, c := range cases {
		s.Created, s.LastSeen, s.Stage = now.Add(-c.created), now.Add(-c.lastSeen), c.stage
		if err := to.Check(s, now); (err != nil) != c.expired {
			t.Errorf("%s: err %v", c.name, err)
		}
	}
}

func TestSealer(t *testing.T) {
	key := bytes.Repeat([]byte{7}, 32)
	s, err := auth.NewSealer(key)
	if err != nil {
		t.Fatal(err)
	}
	c := s.Seal([]byte("JBSWY3DPEHPK3PXP"), "totp:1:2")
	if p, err := s.Open(c, "totp:1:2"); err != nil || string(p) != "JBSWY3DPEHPK3PXP" {
		t.Fatal(err)
	}
	if _, err := s.Open(c, "totp:1:3"); err == nil {
		t.Error("opened under another label")
	}
	c[len(c)-1] ^= 1
	if _, err := s.Open(c, "totp:1:2"); err == nil {
		t.Error("opened altered ciphertext")
	}
	if _, err := auth.NewSealer([]byte("short")); err == nil {
		t.Error("short key accepted")
	}
	if auth.AccountKey(1, "A@b.nl ") != auth.AccountKey(1, "a@b.nl") || auth.AccountKey(1, "a@b.nl") == auth.AccountKey(2, "a@b.nl") {
		t.Error("account keys")
	}
}
