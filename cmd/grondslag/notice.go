package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/grondslag/grondslag/internal/auth"
	"github.com/grondslag/grondslag/internal/civil"
	"github.com/grondslag/grondslag/internal/consent"
	"github.com/grondslag/grondslag/internal/mail"
	"github.com/grondslag/grondslag/internal/notice"
	"github.com/grondslag/grondslag/internal/store"
)

// runKennisgeving: transparency notices to parents (and the pupil from 16) about data shared on
// a legal ground (internal/notice), sent through the SMTP server of GRONDSLAG_SMTP_*.
func runKennisgeving(ctx context.Context, e env) error {
	subs := []struct {
		name, summary string
		run           func(context.Context, env) error
	}{
		{"versturen", "verstuurt de kennisgevingen van een dag (per leerling één bericht per ouder)", runKennisgevingVersturen},
		{"uitstellen", "houdt kennisgevingen over een leerling tegen tot een datum (meldcode / Veilig Thuis), met reden", runKennisgevingUitstellen},
	}
	if len(e.args) == 0 || e.args[0] == "-h" || e.args[0] == "--help" || e.args[0] == "help" {
		fmt.Fprintln(e.stdout, "Gebruik: grondslag kennisgeving <opdracht> [opties]\n\nOpdrachten:")
		for _, s := range subs {
			fmt.Fprintf(e.stdout, "  %-12s %s\n", s.name, s.summary)
		}
		if len(e.args) == 0 {
			return withExit(2, errors.New(""))
		}
		return nil
	}
	for _, s := range subs {
		if s.name == e.args[0] {
			sub := e
			sub.args = e.args[1:]
			return s.run(ctx, sub)
		}
	}
	return withExit(2, fmt.Errorf("onbekende opdracht %q; zie 'grondslag kennisgeving help'", e.args[0]))
}

// noticeVocabulary takes the words parents read from the convenant's catalog.
func noticeVocabulary(cfg consent.Config) notice.Vocabulary {
	v := notice.Vocabulary{Purposes: map[string]string{}, Categories: map[string]notice.Category{}}
	for code, t := range cfg.Catalog.Purposes {
		v.Purposes[code] = strings.ToLower(t.Name[:1]) + t.Name[1:]
	}
	for code, t := range cfg.Catalog.Categories {
		v.Categories[code] = notice.Category{Name: strings.ToLower(t.Name[:1]) + t.Name[1:], Special: t.Special}
	}
	return v
}

func runKennisgevingVersturen(ctx context.Context, e env) (err error) {
	defer wrap(&err, "kennisgevingen versturen")
	fs := newFlagSet(e, "kennisgeving versturen", "kennisgeving versturen [--dag JJJJ-MM-DD] [--portaal URL]   (SMTP uit GRONDSLAG_SMTP_ADRES, _BEVEILIGING, _GEBRUIKER, _WACHTWOORD, _AFZENDER, _CA)")
	c := storeFlags(fs, e)
	convenantFlag(fs, e, c)
	dayArg := fs.String("dag", "", "de dag waarvan de verstrekkingen worden gemeld (standaard: gisteren)")
	portal := fs.String("portaal", e.getenv("GRONDSLAG_PORTAAL"), "adres waar ouders inloggen (standaard GRONDSLAG_PORTAAL)")
	if err := parseFlags(fs, e.args); err != nil {
		return err
	}
	now := time.Now()
	day := civil.Today(now).AddDays(-1)
	if *dayArg != "" {
		d, err := civil.ParseISO(*dayArg)
		if err != nil {
			return withExit(2, fmt.Errorf("--dag: %v", err))
		}
		day = d
	}
	if strings.TrimSpace(*portal) == "" {
		return withExit(2, errors.New("--portaal ontbreekt: het adres waar ouders inloggen (of zet GRONDSLAG_PORTAAL)"))
	}
	mcfg, ok, err := mail.ConfigFromEnv(e.getenv)
	if err != nil {
		return withExit(2, err)
	}
	if !ok {
		return withExit(2, errors.New("er is geen mailserver ingesteld (GRONDSLAG_SMTP_ADRES); er is niets verstuurd"))
	}
	sender, err := mail.NewSender(mcfg)
	if err != nil {
		return withExit(2, err)
	}
	s, err := openConsent(ctx, c)
	if err != nil {
		return err
	}
	defer s.db.Close()
	res, err := notice.Batch(ctx, s.db, noticeVocabulary(s.reg.Config()), s.db, sender, s.region.ID, day, *portal, now)
	fmt.Fprintf(e.stdout, "kennisgevingen over %s: %d leerlingen, %d berichten verstuurd, %d tegengehouden, %d zonder adres\n",
		day.Dutch(), res.Pupils, res.Messages, res.Held, res.Skipped)
	return err
}

func runKennisgevingUitstellen(ctx context.Context, e env) (err error) {
	defer wrap(&err, "kennisgeving uitstellen")
	fs := newFlagSet(e, "kennisgeving uitstellen", "kennisgeving uitstellen --leerling X --reden TEKST --tot JJJJ-MM-DD --door gebruiker:ID")
	c := storeFlags(fs, e)
	convenantFlag(fs, e, c)
	pupilArg := fs.String("leerling", "", "pseudoniem, BSN of onderwijsnummer")
	reason := fs.String("reden", "", "waarom vertellen nu zou schaden (wordt nooit verstuurd)")
	until := fs.String("tot", "", "de eerste dag waarop de ouders het alsnog horen")
	by := fs.String("door", "", "wie dit vastlegt: gebruiker:<id>")
	if err := parseFlags(fs, e.args); err != nil {
		return err
	}
	d, err := civil.ParseISO(*until)
	if err != nil {
		return withExit(2, fmt.Errorf("--tot: %v", err))
	}
	id, err := strconv.ParseInt(strings.TrimPrefix(strings.TrimSpace(*by), "gebruiker:"), 10, 64)
	if err != nil || id <= 0 {
		return withExit(2, fmt.Errorf("--door: gebruik gebruiker:<id>, niet %q", *by))
	}
	s, err := openConsent(ctx, c)
	if err != nil {
		return err
	}
	defer s.db.Close()
	if u, err := s.db.User(ctx, s.region.ID, id); err != nil || !u.Active {
		return withExit(2, fmt.Errorf("--door: gebruiker %d is geen actieve gebruiker van deze regio", id))
	}
	p, err := s.pupil(ctx, *pupilArg)
	if err != nil {
		return err
	}
	if err := s.db.HoldNotices(ctx, s.region.ID, p.ID, *reason, d, "gebruiker:"+strconv.FormatInt(id, 10), time.Now()); err != nil {
		if errors.Is(err, notice.ErrInvalid) {
			return withExit(2, err)
		}
		return err
	}
	fmt.Fprintf(e.stdout, "kennisgevingen over deze leerling worden tegengehouden tot %s\n", d.Dutch())
	return nil
}

// mailCodes sends a parent's one-time login code by e-mail through the region's SMTP server.
type mailCodes struct{ s *mail.Sender }

func (m mailCodes) SendLoginCode(ctx context.Context, to auth.Parent, code string, validFor time.Duration) error {
	return m.s.Send(ctx, notice.Message{To: to.Email, Subject: "Uw code om in te loggen bij Grondslag",
		Body: "Beste " + to.Name + ",\n\nUw code om in te loggen is " + code + ". De code is " + strconv.Itoa(int(validFor.Minutes())) +
			" minuten geldig.\n\nHeeft u geen code gevraagd? Dan kunt u dit bericht negeren.\n"})
}

// regionNotices sends one region's notices on day about the day before (a rerun sends nothing
// twice: every message is marked sent). The server runs it as the job kennisgevingen.
func regionNotices(db *store.DB, cfg consent.Config, sender *mail.Sender, portal string) func(ctx context.Context, regionID int64, day civil.Date, now time.Time) error {
	vocab := noticeVocabulary(cfg)
	return func(ctx context.Context, regionID int64, day civil.Date, now time.Time) error {
		res, err := notice.Batch(ctx, db, vocab, db, sender, regionID, day.AddDays(-1), portal, now)
		if err != nil {
			slog.Error("kennisgevingen versturen mislukt", "regio_id", regionID, "fout", err.Error())
			return err
		}
		slog.Info("kennisgevingen verstuurd", "regio_id", regionID, "berichten", res.Messages, "tegengehouden", res.Held, "zonder_adres", res.Skipped)
		return nil
	}
}
