package main

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base32"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/grondslag/grondslag/internal/auth"
	"github.com/grondslag/grondslag/internal/store"
	"github.com/grondslag/grondslag/internal/web"
)

// The demo's sign-in: every demo account gets the same known password and a TOTP secret derived
// from its e-mail address, so that a person trying the demo (and the browser tests) can log in
// with two factors. Real accounts never get these: setDemoLogins runs only in demo mode and only
// for accounts without a password.

// DemoPassword is the password of every demo account.
const DemoPassword = "demo-wachtwoord-grondslag"

// demoTOTPSecret derives the demo account's TOTP secret (base32) from its e-mail address.
func demoTOTPSecret(email string) string {
	m := hmac.New(sha256.New, []byte("grondslag-demo-totp"))
	m.Write([]byte(auth.NormaliseEmail(email)))
	return base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(m.Sum(nil))[:32]
}

func setDemoLogins(ctx context.Context, e env, db *store.DB, sealer *auth.Sealer) (err error) {
	defer wrap(&err, "demo-inlogs instellen")
	regions, err := db.Regions(ctx)
	if err != nil {
		return err
	}
	hash, err := auth.HashPassword(DemoPassword, auth.DefaultPasswordParams)
	if err != nil {
		return err
	}
	now := time.Now()
	var set []auth.Account
	for _, r := range regions {
		accs, err := db.Accounts(ctx, r.ID)
		if err != nil {
			return err
		}
		for _, a := range accs {
			full, err := db.Account(ctx, r.ID, a.ID)
			if err != nil {
				return err
			}
			if full.PasswordHash != "" {
				continue
			}
			if err := db.SetPasswordHash(ctx, r.ID, a.ID, hash, now); err != nil {
				return err
			}
			if err := db.SetTOTP(ctx, r.ID, a.ID, web.SealTOTP(sealer, a, demoTOTPSecret(a.Email)), true, now); err != nil {
				return err
			}
			set = append(set, a)
		}
	}
	if len(set) == 0 {
		return nil
	}
	fmt.Fprintf(e.stdout, "\nInloggen in de demo: wachtwoord %q voor elk account, daarna de code uit een authenticator-app.\n", DemoPassword)
	fmt.Fprintln(e.stdout, "Zet de sleutel in uw app, of vraag de code van dit moment op met: grondslag demo-code E-MAIL")
	tw := tabwriter.NewWriter(e.stdout, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "  e-mail\trol\tTOTP-sleutel")
	for _, a := range set {
		fmt.Fprintf(tw, "  %s\t%s\t%s\n", a.Email, a.Role, demoTOTPSecret(a.Email))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	for _, r := range regions {
		es, err := db.ParentEmailsWithGezag(ctx, r.ID, 1)
		if err != nil {
			return err
		}
		for _, em := range es {
			fmt.Fprintf(e.stdout, "Ouder om mee in te loggen (regio %s): %s; de code verschijnt in het demo-postvak (/dev/postvak).\n", r.Code, em)
		}
		ask, err := db.OpenAskParentEmails(ctx, r.ID)
		if err != nil {
			return err
		}
		pupils, err := db.PupilAccountEmails(ctx, r.ID, 1)
		if err != nil {
			return err
		}
		for _, em := range pupils {
			fmt.Fprintf(e.stdout, "Leerling (16+) om mee in te loggen (regio %s): %s op /inloggen/leerling; de code verschijnt in het demo-postvak.\n", r.Code, em)
		}
		if len(ask) > 0 {
			fmt.Fprintf(e.stdout, "Ouders met een open toestemmingsvraag (regio %s): %s\n", r.Code, strings.Join(ask, " "))
		}
	}
	return nil
}

// runDemoCode prints the current TOTP code of a demo account (only meaningful for the demo's
// derived secrets; it reads no database).
func runDemoCode(_ context.Context, e env) error {
	fs := newFlagSet(e, "demo-code", "demo-code E-MAIL")
	if err := parseFlags(fs, e.args); err != nil {
		return err
	}
	if fs.NArg() != 1 || !strings.Contains(fs.Arg(0), "@") {
		fs.Usage()
		return withExit(2, fmt.Errorf("geef het e-mailadres van een demoaccount"))
	}
	code, err := auth.TOTPCode(demoTOTPSecret(fs.Arg(0)), time.Now())
	if err != nil {
		return err
	}
	fmt.Fprintln(e.stdout, code)
	return nil
}
