package store_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/grondslag/grondslag/internal/audit"
	"github.com/grondslag/grondslag/internal/civil"
	"github.com/grondslag/grondslag/internal/mail"
	"github.com/grondslag/grondslag/internal/mail/mailtest"
	"github.com/grondslag/grondslag/internal/notice"
	"github.com/grondslag/grondslag/internal/region"
	"github.com/grondslag/grondslag/internal/store"
	"github.com/grondslag/grondslag/internal/store/storetest"
)

var noticeVocab = notice.Vocabulary{
	Purposes:   map[string]string{"handhaving-leerplicht": "handhaving van de leerplicht", "jeugdhulp": "jeugdhulp"},
	Categories: map[string]notice.Category{"verzuim": {Name: "verzuimgegevens"}, "gezondheid": {Name: "gegevens over gezondheid", Special: true}, "identificatie": {Name: "naam en geboortedatum"}},
}

// TestNoticesArriveAtARealSMTPServer: a day with reads by the gemeente (legal ground), a read of
// health data by jeugdhulp (public task), a read on consent and a denial; the batch sends one
// message to each parent with gezag (not the stepfather) through STARTTLS with a login, naming the
// gemeente and the ground but never the special category; a rerun sends nothing twice; a hold
// (meldcode) keeps the next day back until its date, then it is sent.
func TestNoticesArriveAtARealSMTPServer(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := seedConsentRegion(t, db, "r1")
		var gem int64
		if err := db.WithTx(ctx, func(tx *store.Tx) error {
			o, _ := region.NewOrganisation(region.Organisation{Kind: region.KindGemeente, Name: "Gemeente Lindewaard", CBSCode: "GM0001"})
			var err error
			gem, err = tx.CreateOrganisation(ctx, f.region, o)
			if err != nil {
				return err
			}
			for _, x := range []struct {
				id    int64
				email string
			}{{f.mother, "moeder@thuis.example"}, {f.father, "vader@thuis.example"}, {f.stepdad, "stief@thuis.example"}} {
				if _, err := tx.Exec(ctx, "UPDATE ouder SET email = ?, voornaam = 'Sam' WHERE regio_id = ? AND id = ?", x.email, f.region, x.id); err != nil {
					return err
				}
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		day := civil.Date{Year: 2026, Month: 3, Day: 2}
		at := func(d civil.Date, h int) time.Time {
			return time.Date(d.Year, d.Month, d.Day, h, 0, 0, 0, civil.Amsterdam)
		}
		entry := func(when time.Time, org int64, role string, cats []string, ground string, consentID int64, outcome audit.Outcome) audit.Entry {
			r := audit.Record{Time: when, Actor: audit.Actor{UserID: 9, OrganisationID: org, Role: role}, Pupil: f.pseudonym, Categories: cats,
				Action: audit.ActionRead, Purpose: "handhaving-leerplicht", LegalGround: ground, Article: "art. 4 lid 1", ConsentID: consentID, Outcome: outcome,
				AccessPoint: audit.AccessUI, RequestID: "req-" + audit.NewOperationID().String(), TraceID: audit.NewTraceID(), OperationID: audit.NewOperationID(), Name: "leerling-lezen",
				ProcessingActivity: "urn:test:verwerking"}
			if outcome == audit.Denied {
				r.Reason, r.LegalGround, r.ProcessingActivity = "ontbreekt-toestemming", "", ""
			}
			if role == "jeugdhulpverlener" {
				r.Purpose = "jeugdhulp"
			}
			e, err := audit.NewEntry(r, f.keys)
			if err != nil {
				t.Fatal(err)
			}
			return e
		}
		as := store.NewAuditStore(db)
		appendEntries := func(es ...audit.Entry) {
			if err := db.WithTx(ctx, func(tx *store.Tx) error { return as.Append(ctx, tx, f.region, es...) }); err != nil {
				t.Fatal(err)
			}
		}
		appendEntries(
			entry(at(day, 9), gem, "leerplicht", []string{"verzuim", "identificatie"}, "avg-6-1-c", 0, audit.Allowed),
			entry(at(day, 10), gem, "leerplicht", []string{"verzuim"}, "avg-6-1-c", 0, audit.Allowed),
			entry(at(day, 11), f.jeugdhulpOrg, "jeugdhulpverlener", []string{"gezondheid"}, "avg-6-1-e", 0, audit.Allowed),
			entry(at(day, 12), f.jeugdhulpOrg, "jeugdhulpverlener", []string{"identificatie"}, "avg-6-1-a", 4, audit.Allowed),
			entry(at(day, 13), f.ggdOrg, "jeugdarts", []string{"gezondheid"}, "", 0, audit.Denied),
			entry(at(day.AddDays(1), 9), gem, "leerplicht", []string{"verzuim"}, "avg-6-1-c", 0, audit.Allowed),
		)
		srv := mailtest.Start(t, false)
		sender, err := mail.NewSender(mail.Config{Addr: srv.Addr, Security: mail.StartTLS, Username: srv.User, Password: srv.Password,
			From: "Grondslag <noreply@regio.example>", RootCAs: srv.CAs})
		if err != nil {
			t.Fatal(err)
		}
		now := at(day.AddDays(1), 2)
		res, err := notice.Batch(ctx, db, noticeVocab, db, sender, f.region, day, "https://grondslag.example/inloggen/ouder", now)
		if err != nil || res.Messages != 2 || res.Pupils != 1 {
			t.Fatalf("batch: %+v %v", res, err)
		}
		msgs := srv.Messages()
		if len(msgs) != 2 || msgs[0].To[0] != "moeder@thuis.example" || msgs[1].To[0] != "vader@thuis.example" {
			t.Fatalf("recipients: %+v", msgs)
		}
		body := msgs[0].Body
		for _, want := range []string{"Gemeente Lindewaard", "handhaving van de leerplicht", "verzuimgegevens", "naam en geboortedatum", "een wettelijke plicht (AVG artikel 6 lid 1 sub c)",
			"Jeugdhulp r1", "extra beschermde gegevens", "2 maart 2026", "https://grondslag.example/inloggen/ouder", "Sem"} {
			if !strings.Contains(body, want) {
				t.Errorf("message lacks %q:\n%s", want, body)
			}
		}
		if strings.Contains(strings.ToLower(body), "gezondheid") || strings.Contains(body, "GGD") || strings.Count(body, "Gemeente Lindewaard") != 1 {
			t.Errorf("message names special data, a denial, or repeats:\n%s", body)
		}
		if msgs[0].Subject != "Gegevens van Sem zijn gedeeld" {
			t.Errorf("subject %q", msgs[0].Subject)
		}
		// Rerun: nothing is sent twice.
		if res, err := notice.Batch(ctx, db, noticeVocab, db, sender, f.region, day, "https://grondslag.example", now); err != nil || res.Messages != 0 || len(srv.Messages()) != 2 {
			t.Fatalf("rerun: %+v %v", res, err)
		}
		// A hold (meldcode) keeps the next day back until 6 March.
		if err := db.HoldNotices(ctx, f.region, f.pupil, "melding Veilig Thuis; vertellen zou het kind in gevaar brengen", day.AddDays(4), "gebruiker:1", now); err != nil {
			t.Fatal(err)
		}
		next := day.AddDays(1)
		if res, err := notice.Batch(ctx, db, noticeVocab, db, sender, f.region, next, "https://grondslag.example", now); err != nil || res.Held != 1 || res.Messages != 0 || len(srv.Messages()) != 2 {
			t.Fatalf("held: %+v %v", res, err)
		}
		later := day.AddDays(4)
		res, err = notice.Batch(ctx, db, noticeVocab, db, sender, f.region, later, "https://grondslag.example", at(later, 2))
		if err != nil || res.Messages != 2 || len(srv.Messages()) != 4 {
			t.Fatalf("after the hold: %+v %v", res, err)
		}
		if m := srv.Messages()[2]; !strings.Contains(m.Body, "3 maart 2026") || strings.Contains(m.Body, "Veilig Thuis") {
			t.Errorf("told later:\n%s", m.Body)
		}
		if held, _ := db.HeldNoticeDays(ctx, f.region, later); len(held) != 0 {
			t.Errorf("still held: %v", held)
		}
	})
}
