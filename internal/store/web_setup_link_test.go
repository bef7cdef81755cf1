package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/grondslag/grondslag/internal/auth"
	"github.com/grondslag/grondslag/internal/region"
	"github.com/grondslag/grondslag/internal/store"
	"github.com/grondslag/grondslag/internal/store/storetest"
)

func TestCreateAccountAndSetupLink(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newWebFixture(t, db)
		now := time.Date(2025, 10, 6, 9, 0, 0, 0, time.UTC)
		exp := now.Add(72 * time.Hour)
		_, hash := auth.NewToken()

		// The store validates the role for the organisation's kind and the unique e-mail.
		var fe *region.FieldError
		if _, err := db.CreateAccount(ctx, f.r1, region.User{OrganisationID: f.school1, Name: "A", Email: "a@linde.example", Role: region.RoleLeerplicht}, hash, exp, now); !errors.As(err, &fe) || fe.Field != "rol" {
			t.Fatalf("role of another kind: %v", err)
		}
		if _, err := db.CreateAccount(ctx, f.r1, region.User{OrganisationID: f.school2, Name: "A", Email: "a@linde.example", Role: region.RoleMentor}, hash, exp, now); err != nil {
			t.Fatal(err)
		}
		if _, err := db.CreateAccount(ctx, f.r1, region.User{OrganisationID: f.school1, Name: "B", Email: "A@Linde.example", Role: region.RoleMentor}, "anders", exp, now); !errors.As(err, &fe) || fe.Field != "email" {
			t.Fatalf("duplicate email: %v", err)
		}
		// An organisation of another region is unknown here; nothing half-stored.
		if _, err := db.CreateAccount(ctx, f.r2, region.User{OrganisationID: f.school1, Name: "C", Email: "c@linde.example", Role: region.RoleMentor}, "derde", exp, now); !errors.As(err, &fe) || fe.Field != "organisatie" {
			t.Fatalf("cross-region organisation: %v", err)
		}

		a, err := db.SetupLinkAccount(ctx, hash, now)
		if err != nil || a.Email != "a@linde.example" || a.RegionID != f.r1 || a.PasswordHash != "" || a.MFAEnrolled() {
			t.Fatalf("link account: %+v %v", a, err)
		}
		if _, err := db.SetupLinkAccount(ctx, hash, exp); !errors.Is(err, auth.ErrNoAccount) {
			t.Errorf("expired link: %v", err)
		}
		if _, _, err := db.UseSetupLink(ctx, hash, "h1", exp); !errors.Is(err, auth.ErrNoAccount) {
			t.Errorf("use of an expired link: %v", err)
		}
		reg, uid, err := db.UseSetupLink(ctx, hash, "h1", now.Add(time.Hour))
		if err != nil || reg != f.r1 || uid != a.ID {
			t.Fatalf("use: %d %d %v", reg, uid, err)
		}
		if _, _, err := db.UseSetupLink(ctx, hash, "h2", now.Add(2*time.Hour)); !errors.Is(err, auth.ErrNoAccount) {
			t.Errorf("second use: %v", err)
		}
		got, err := db.Account(ctx, f.r1, uid)
		if err != nil || got.PasswordHash != "h1" {
			t.Errorf("password hash after use: %q %v", got.PasswordHash, err)
		}
		if _, err := db.SetupLinkAccount(ctx, hash, now.Add(time.Hour)); !errors.Is(err, auth.ErrNoAccount) {
			t.Errorf("used link still resolves: %v", err)
		}

		// A link of an account switched off in the meantime does not work.
		_, hash2 := auth.NewToken()
		id2, err := db.CreateAccount(ctx, f.r1, region.User{OrganisationID: f.gem1, Name: "D", Email: "d@gemeente.example", Role: region.RoleLeerplicht}, hash2, exp, now)
		if err != nil {
			t.Fatal(err)
		}
		if err := db.SetAccountActive(ctx, f.r1, id2, false); err != nil {
			t.Fatal(err)
		}
		if _, _, err := db.UseSetupLink(ctx, hash2, "h3", now); !errors.Is(err, auth.ErrNoAccount) {
			t.Errorf("link of an inactive account: %v", err)
		}
		if _, err := db.SetupLinkAccount(ctx, hash2, now); !errors.Is(err, auth.ErrNoAccount) {
			t.Errorf("link account of an inactive account: %v", err)
		}
	})
}

func TestReissueSetupLink(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newWebFixture(t, db)
		now := time.Date(2025, 10, 6, 9, 0, 0, 0, time.UTC)
		exp := now.Add(72 * time.Hour)

		// zc1 has a password, a confirmed TOTP secret, a recovery code and a session.
		if err := db.SetPasswordHash(ctx, f.r1, f.zc1, "oud", now); err != nil {
			t.Fatal(err)
		}
		if err := db.SetTOTP(ctx, f.r1, f.zc1, []byte("verzegeld"), true, now); err != nil {
			t.Fatal(err)
		}
		if err := db.ReplaceRecoveryCodes(ctx, f.r1, f.zc1, []string{"hc1"}, now); err != nil {
			t.Fatal(err)
		}
		sess := auth.Session{IDHash: "s1", RegionID: f.r1, UserID: f.zc1, Stage: auth.StageActive, CSRF: "c", Created: now, LastSeen: now}
		if err := db.CreateSession(ctx, sess); err != nil {
			t.Fatal(err)
		}
		other := auth.Session{IDHash: "s2", RegionID: f.r2, UserID: f.zcOther, Stage: auth.StageActive, CSRF: "c", Created: now, LastSeen: now}
		if err := db.CreateSession(ctx, other); err != nil {
			t.Fatal(err)
		}

		// The account of another region is unknown here, and nothing changes there.
		if err := db.ReissueSetupLink(ctx, f.r1, f.zcOther, "x", exp, now); !errors.Is(err, auth.ErrNoAccount) {
			t.Fatalf("cross-region reissue: %v", err)
		}
		if err := db.ReissueSetupLink(ctx, f.r2, f.zc1, "x", exp, now); !errors.Is(err, auth.ErrNoAccount) {
			t.Fatalf("cross-region reissue (other way): %v", err)
		}
		if _, err := db.Session(ctx, "s2"); err != nil {
			t.Errorf("session of region 2 after a refused reissue: %v", err)
		}

		_, h1 := auth.NewToken()
		if err := db.ReissueSetupLink(ctx, f.r1, f.zc1, h1, exp, now); err != nil {
			t.Fatal(err)
		}
		a, err := db.Account(ctx, f.r1, f.zc1)
		if err != nil || a.PasswordHash != "" || !a.TOTPConfirmed || string(a.TOTPSealed) != "verzegeld" {
			t.Fatalf("after reissue: password %q totp %v %q %v", a.PasswordHash, a.TOTPConfirmed, a.TOTPSealed, err)
		}
		if n, err := db.RecoveryCodesLeft(ctx, f.r1, f.zc1); err != nil || n != 1 {
			t.Errorf("recovery codes after reissue: %d %v", n, err)
		}
		if _, err := db.Session(ctx, "s1"); err == nil {
			t.Error("session survived the reissue")
		}
		if _, err := db.Session(ctx, "s2"); err != nil {
			t.Errorf("session of another region ended: %v", err)
		}
		if got, err := db.SetupLinkAccount(ctx, h1, now.Add(time.Minute)); err != nil || got.ID != f.zc1 {
			t.Fatalf("new link: %+v %v", got, err)
		}

		// A second reissue stops the first, unused link; the second works once.
		later := now.Add(time.Hour)
		_, h2 := auth.NewToken()
		if err := db.ReissueSetupLink(ctx, f.r1, f.zc1, h2, later.Add(72*time.Hour), later); err != nil {
			t.Fatal(err)
		}
		if _, err := db.SetupLinkAccount(ctx, h1, later); !errors.Is(err, auth.ErrNoAccount) {
			t.Errorf("first link after the second reissue: %v", err)
		}
		if _, _, err := db.UseSetupLink(ctx, h1, "via-oud", later); !errors.Is(err, auth.ErrNoAccount) {
			t.Errorf("use of the first link: %v", err)
		}
		if _, _, err := db.UseSetupLink(ctx, h2, "nieuw", later); err != nil {
			t.Fatal(err)
		}
		if a, _ := db.Account(ctx, f.r1, f.zc1); a.PasswordHash != "nieuw" {
			t.Errorf("password after the new link: %q", a.PasswordHash)
		}

		// Reissuing after the link was used: the used link stays used (not re-dated), the new one works.
		_, h3 := auth.NewToken()
		if err := db.ReissueSetupLink(ctx, f.r1, f.zc1, h3, later.Add(73*time.Hour), later.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		if _, _, err := db.UseSetupLink(ctx, h2, "weer", later.Add(2*time.Hour)); !errors.Is(err, auth.ErrNoAccount) {
			t.Errorf("used link after a reissue: %v", err)
		}
		if _, _, err := db.UseSetupLink(ctx, h3, "derde", later.Add(2*time.Hour)); err != nil {
			t.Errorf("third link: %v", err)
		}
	})
}
