package mail_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/grondslag/grondslag/internal/mail"
	"github.com/grondslag/grondslag/internal/mail/mailtest"
	"github.com/grondslag/grondslag/internal/notice"
)

func TestSendOverStartTLSAndImplicitTLS(t *testing.T) {
	for _, implicit := range []bool{false, true} {
		srv := mailtest.Start(t, implicit)
		sec := mail.StartTLS
		if implicit {
			sec = mail.ImplicitTLS
		}
		s, err := mail.NewSender(mail.Config{Addr: srv.Addr, Security: sec, Username: srv.User, Password: srv.Password,
			From: "Grondslag <noreply@regio.example>", RootCAs: srv.CAs})
		if err != nil {
			t.Fatal(err)
		}
		body := "Beste Olga Visser,\n\nGegevens van uw kind zijn gedeeld met de gemeente. Een regel van meer dan zesenzeventig tekens lang, met é, ö en ’ erin, om quoted-printable te toetsen.\n"
		if err := s.Send(context.Background(), notice.Message{To: "olga@thuis.example", Subject: "Gegevens van Anouk zijn gedeeld – één bericht", Body: body}); err != nil {
			t.Fatalf("%s: %v", sec, err)
		}
		msgs := srv.Messages()
		if len(msgs) != 1 || srv.Auths() != 1 {
			t.Fatalf("%s: %d messages, %d logins", sec, len(msgs), srv.Auths())
		}
		m := msgs[0]
		if m.From != "noreply@regio.example" || len(m.To) != 1 || m.To[0] != "olga@thuis.example" || m.Subject != "Gegevens van Anouk zijn gedeeld – één bericht" ||
			m.Body != body || m.Header.Get("Auto-Submitted") != "auto-generated" {
			t.Errorf("%s: received %+v\n%q", sec, m, m.Body)
		}
	}
}

func TestSendRefusesWhatWouldLeakOrNotArrive(t *testing.T) {
	srv := mailtest.Start(t, false)
	// A certificate the client does not trust: nothing is sent.
	s, _ := mail.NewSender(mail.Config{Addr: srv.Addr, Security: mail.StartTLS, Username: srv.User, Password: srv.Password, From: "noreply@regio.example"})
	if err := s.Send(context.Background(), notice.Message{To: "a@b.example", Subject: "x", Body: "x"}); err == nil {
		t.Error("sent with an untrusted certificate")
	}
	// A wrong password: refused by the server.
	s, _ = mail.NewSender(mail.Config{Addr: srv.Addr, Security: mail.StartTLS, Username: srv.User, Password: "fout", From: "noreply@regio.example", RootCAs: srv.CAs})
	if err := s.Send(context.Background(), notice.Message{To: "a@b.example", Subject: "x", Body: "x"}); err == nil || !strings.Contains(err.Error(), "aanmelden") {
		t.Errorf("wrong password: %v", err)
	}
	if n := len(srv.Messages()); n != 0 {
		t.Fatalf("%d messages arrived", n)
	}
	for name, env := range map[string]map[string]string{
		"plain to another host": {"GRONDSLAG_SMTP_ADRES": "mail.example:25", "GRONDSLAG_SMTP_BEVEILIGING": "geen", "GRONDSLAG_SMTP_AFZENDER": "a@b.example"},
		"unknown security":      {"GRONDSLAG_SMTP_ADRES": "mail.example:587", "GRONDSLAG_SMTP_BEVEILIGING": "ssl", "GRONDSLAG_SMTP_AFZENDER": "a@b.example"},
		"no sender":             {"GRONDSLAG_SMTP_ADRES": "mail.example:587"},
		"user without password": {"GRONDSLAG_SMTP_ADRES": "mail.example:587", "GRONDSLAG_SMTP_AFZENDER": "a@b.example", "GRONDSLAG_SMTP_GEBRUIKER": "u"},
		"no port":               {"GRONDSLAG_SMTP_ADRES": "mail.example", "GRONDSLAG_SMTP_AFZENDER": "a@b.example"},
	} {
		_, ok, err := mail.ConfigFromEnv(func(k string) string { return env[k] })
		if !ok || !errors.Is(err, mail.ErrConfig) {
			t.Errorf("%s: %v %v", name, ok, err)
		}
	}
	if _, ok, err := mail.ConfigFromEnv(func(string) string { return "" }); ok || err != nil {
		t.Errorf("no configuration: %v %v", ok, err)
	}
	c, ok, err := mail.ConfigFromEnv(func(k string) string {
		return map[string]string{"GRONDSLAG_SMTP_ADRES": "127.0.0.1:25", "GRONDSLAG_SMTP_BEVEILIGING": "geen", "GRONDSLAG_SMTP_AFZENDER": "Grondslag <a@b.example>"}[k]
	})
	if !ok || err != nil || c.Security != mail.None {
		t.Errorf("local relay: %+v %v", c, err)
	}
}
