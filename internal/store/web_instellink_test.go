package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/grondslag/grondslag/internal/region"
	"github.com/grondslag/grondslag/internal/store"
	"github.com/grondslag/grondslag/internal/store/storetest"
	"github.com/grondslag/grondslag/internal/web/auth"
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
