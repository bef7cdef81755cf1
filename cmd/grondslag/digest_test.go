package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/grondslag/grondslag/internal/civil"
	"github.com/grondslag/grondslag/internal/mail"
	"github.com/grondslag/grondslag/internal/mail/mailtest"
	"github.com/grondslag/grondslag/internal/store"
	"github.com/grondslag/grondslag/internal/store/storetest"
)

// TestDailyDigestOverSMTP: the daily digest of the work lists goes through the real SMTP sender
// to an SMTP server in process (go-smtp, STARTTLS, AUTH): one message per professional who turned
// it on and has something waiting, with counts and a link, and no pupil identity; a second run
// the same day sends nothing; whoever turned it off gets nothing.
func TestDailyDigestOverSMTP(t *testing.T) {
	ctx := context.Background()
	db := storetest.SQLite(t)
	ins := func(q string, args ...any) int64 {
		t.Helper()
		var id int64
		if err := db.WithTx(ctx, func(tx *store.Tx) error {
			var err error
			id, err = tx.InsertID(ctx, q, args...)
			return err
		}); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		return id
	}
	r := ins(`INSERT INTO regio (code, naam, vakantieregio, aangemaakt_op) VALUES ('r1', 'Regio Een', 'noord', 0)`)
	gem := ins(`INSERT INTO organisatie (regio_id, soort, naam, cbs_code) VALUES (?, 'gemeente', 'Gemeente Een', 'GM0001')`, r)
	school := ins(`INSERT INTO organisatie (regio_id, soort, naam, brin, vestiging, sector) VALUES (?, 'school', 'De Linde', '11AA', '00', 'po')`, r)
	zc := ins(`INSERT INTO gebruiker (regio_id, organisatie_id, naam, email, rol, aangemaakt_op) VALUES (?, ?, 'Zora Coördinator', 'zc@linde.example', 'zorgcoordinator', 0)`, r, school)
	lpa := ins(`INSERT INTO gebruiker (regio_id, organisatie_id, naam, email, rol, aangemaakt_op) VALUES (?, ?, 'Lars Plicht', 'lpa@gemeente.example', 'leerplicht', 0)`, r, gem)
	mentor := ins(`INSERT INTO gebruiker (regio_id, organisatie_id, naam, email, rol, aangemaakt_op) VALUES (?, ?, 'Mees Mentor', 'mentor@linde.example', 'mentor', 0)`, r, school)
	for i, first := range []string{"Anouk", "Bartholomeus"} {
		p := ins(`INSERT INTO leerling (regio_id, pseudoniem, id_soort, id_versleuteld, sleutel_versie, voornaam, achternaam, geboortedatum, woongemeente_id, aangemaakt_op) VALUES (?, ?, 'bsn', ?, 1, ?, 'Visserman', '2013-05-04', ?, 0)`,
			r, "pseudo-"+first, []byte{1}, first, gem)
		ins(`INSERT INTO inschrijving (regio_id, leerling_id, school_id, leerlingnummer, van, leerjaar, klas) VALUES (?, ?, ?, ?, '2020-08-01', 'groep 7', '7A')`, r, p, school, "10"+string(rune('0'+i)))
		sig := ins(`INSERT INTO verzuim_signaal (regio_id, leerling_id, soort, van, tot, uren_centi, dagen, bron, prioriteit, peildatum, gevonden_op)
			VALUES (?, ?, '16-uur-in-4-lesweken', '2025-09-08', '2025-10-03', 1700, 4, 'Leerplichtwet art. 21a', 0, '2025-10-06', 0)`, r, p)
		if i == 0 {
			ins(`INSERT INTO verzuimmelding (regio_id, leerling_id, school_id, soort, begindatum, vermoedelijke_reden, alle_lessen_verzuimd, actie_school,
				actie_gemeente_gewenst, toelichting_geen_actie, leslocatie, melder_naam, melder_functie, melder_telefoon, melder_email, telefoon_ouder, verblijfadres,
				verzuimde_dagen, verzuimde_uren_centi, signaal_soort, status, status_op, reden_afsluiting, afsluitnotitie, contact_gemeente, duo_nummer, aangemaakt_op, signaal_id)
				VALUES (?, ?, ?, '16-uur-in-4-lesweken', '2025-09-08', '', 0, '', 1, '', '', '', '', '', '', '', '', 4, 1700, '16-uur-in-4-lesweken', 'geregistreerd', 0, '', '', '', '', 0, ?)`, r, p, school, sig)
		}
	}
	for _, u := range []int64{zc, lpa} {
		if err := db.SetDigest(ctx, r, u, true); err != nil {
			t.Fatal(err)
		}
	}
	// The mentor turned it on and off again.
	if err := db.SetDigest(ctx, r, mentor, true); err != nil {
		t.Fatal(err)
	}
	if err := db.SetDigest(ctx, r, mentor, false); err != nil {
		t.Fatal(err)
	}

	srv := mailtest.Start(t, false)
	sender, err := mail.NewSender(mail.Config{Addr: srv.Addr, Security: mail.StartTLS, Username: srv.User, Password: srv.Password,
		From: "Grondslag <noreply@regio.example>", RootCAs: srv.CAs})
	if err != nil {
		t.Fatal(err)
	}
	job := dailyDigests(db, sender, "https://grondslag.regio.example/start")
	morning := time.Date(2025, 10, 6, 5, 30, 0, 0, time.UTC) // 07:30 in Amsterdam
	job(ctx, morning.Add(-time.Hour))                        // 06:30: too early
	if n := len(srv.Messages()); n != 0 {
		t.Fatalf("%d messages before 07:00", n)
	}
	job(ctx, morning)
	msgs := srv.Messages()
	if len(msgs) != 2 {
		t.Fatalf("%d messages, want 2 (zorgcoördinator and leerplicht)", len(msgs))
	}
	byTo := map[string]mailtest.Message{}
	for _, m := range msgs {
		byTo[m.To[0]] = m
		for _, leak := range []string{"Anouk", "Bartholomeus", "Visserman", "pseudo-", "De Linde", "2013", "7A"} {
			if strings.Contains(m.Body, leak) || strings.Contains(m.Subject, leak) {
				t.Errorf("digest to %s names %q:\n%s", m.To[0], leak, m.Body)
			}
		}
		if !strings.Contains(m.Body, "https://grondslag.regio.example/start") || !strings.Contains(m.Body, "6 oktober 2025") {
			t.Errorf("digest to %s without link or day:\n%s", m.To[0], m.Body)
		}
	}
	z := byTo["zc@linde.example"]
	// Anouk's signal has its melding; Bartholomeus's has none and no case: one signal without
	// action, one melding to make.
	if z.Subject != "Grondslag: 2 zaken wachten op u" || !strings.Contains(z.Body, "- Verzuimsignalen zonder actie: 1") ||
		!strings.Contains(z.Body, "- Verzuimmeldingen om af te maken: 1") || !strings.Contains(z.Body, "Beste Zora Coördinator,") {
		t.Errorf("zorgcoördinator's digest: %q\n%s", z.Subject, z.Body)
	}
	l := byTo["lpa@gemeente.example"]
	if l.Subject != "Grondslag: 1 zaak wacht op u" || !strings.Contains(l.Body, "- Nieuwe verzuimmeldingen: 1") || strings.Contains(l.Body, "in behandeling") {
		t.Errorf("leerplicht's digest: %q\n%s", l.Subject, l.Body)
	}
	// The same day again, also from a fresh process (the day is stored): nothing more.
	job(ctx, morning.Add(2*time.Hour))
	dailyDigests(db, sender, "https://grondslag.regio.example/start")(ctx, morning.Add(3*time.Hour))
	if n := len(srv.Messages()); n != 2 {
		t.Fatalf("%d messages after a rerun the same day", n)
	}
	// The next day: again.
	job(ctx, morning.AddDate(0, 0, 1))
	if n := len(srv.Messages()); n != 4 {
		t.Fatalf("%d messages after the next morning, want 4", n)
	}
	if got := civil.Today(morning).Dutch(); got != "6 oktober 2025" {
		t.Fatalf("day %q", got)
	}
}
