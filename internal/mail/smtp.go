// Package mail sends e-mail through the region's SMTP server: TLS (implicit or STARTTLS) is
// required except towards a relay on the same machine, credentials come from the environment,
// never from a file in the repository. Messages are plain UTF-8 text (quoted-printable), the
// subject RFC 2047-encoded.
package mail

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"fmt"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/smtp"
	"os"
	"strings"
	"time"

	"github.com/grondslag/grondslag/internal/notice"
)

// Security is how the connection is protected.
type Security string

const (
	ImplicitTLS Security = "tls"      // TLS from the first byte (port 465)
	StartTLS    Security = "starttls" // plain connect, then STARTTLS (port 587); required
	None        Security = "geen"     // only to a relay on localhost
)

// Config is the SMTP server of a region's installation.
type Config struct {
	Addr     string // host:port
	Security Security
	Username string
	Password string
	From     string // the sender address, e.g. "Grondslag <noreply@regio.nl>"
	// RootCAs verifies the server's certificate; nil uses the system roots.
	RootCAs *x509.CertPool
	Timeout time.Duration
	// Now is the clock for the Date header (nil: time.Now).
	Now func() time.Time
}

// ErrConfig marks an unusable configuration; the message says which variable, in Dutch.
var ErrConfig = errors.New("e-mailinstelling onjuist")

// ConfigFromEnv reads GRONDSLAG_SMTP_ADRES (host:port; empty: no e-mail configured, ok=false),
// GRONDSLAG_SMTP_BEVEILIGING (starttls, tls or geen; default starttls), GRONDSLAG_SMTP_GEBRUIKER,
// GRONDSLAG_SMTP_WACHTWOORD, GRONDSLAG_SMTP_AFZENDER and GRONDSLAG_SMTP_CA (a PEM file with the
// CA to trust, optional).
func ConfigFromEnv(getenv func(string) string) (Config, bool, error) {
	c := Config{Addr: strings.TrimSpace(getenv("GRONDSLAG_SMTP_ADRES")), Security: Security(strings.TrimSpace(getenv("GRONDSLAG_SMTP_BEVEILIGING"))),
		Username: getenv("GRONDSLAG_SMTP_GEBRUIKER"), Password: getenv("GRONDSLAG_SMTP_WACHTWOORD"), From: strings.TrimSpace(getenv("GRONDSLAG_SMTP_AFZENDER")),
		Timeout: 30 * time.Second}
	if c.Addr == "" {
		return c, false, nil
	}
	if c.Security == "" {
		c.Security = StartTLS
	}
	if ca := strings.TrimSpace(getenv("GRONDSLAG_SMTP_CA")); ca != "" {
		pem, err := os.ReadFile(ca)
		if err != nil {
			return c, true, fmt.Errorf("%w: GRONDSLAG_SMTP_CA: %v", ErrConfig, err)
		}
		c.RootCAs = x509.NewCertPool()
		if !c.RootCAs.AppendCertsFromPEM(pem) {
			return c, true, fmt.Errorf("%w: GRONDSLAG_SMTP_CA bevat geen certificaat", ErrConfig)
		}
	}
	return c, true, c.Check()
}

// Check refuses a configuration that would send mail or credentials unprotected.
func (c Config) Check() error {
	host, _, err := net.SplitHostPort(c.Addr)
	if err != nil {
		return fmt.Errorf("%w: GRONDSLAG_SMTP_ADRES moet host:poort zijn, niet %q", ErrConfig, c.Addr)
	}
	switch c.Security {
	case ImplicitTLS, StartTLS:
	case None:
		if !isLocal(host) {
			return fmt.Errorf("%w: zonder TLS mag alleen naar een relay op deze machine worden verstuurd (GRONDSLAG_SMTP_BEVEILIGING=geen, adres %s)", ErrConfig, host)
		}
	default:
		return fmt.Errorf("%w: GRONDSLAG_SMTP_BEVEILIGING moet starttls, tls of geen zijn, niet %q", ErrConfig, c.Security)
	}
	if _, err := mailAddress(c.From); err != nil {
		return fmt.Errorf("%w: GRONDSLAG_SMTP_AFZENDER: %v", ErrConfig, err)
	}
	if (c.Username == "") != (c.Password == "") {
		return fmt.Errorf("%w: zet GRONDSLAG_SMTP_GEBRUIKER en GRONDSLAG_SMTP_WACHTWOORD allebei, of geen van beide", ErrConfig)
	}
	return nil
}

func isLocal(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// mailAddress returns the bare address of "Name <a@b>" or "a@b".
func mailAddress(s string) (string, error) {
	s = strings.TrimSpace(s)
	if i := strings.LastIndex(s, "<"); i >= 0 && strings.HasSuffix(s, ">") {
		s = s[i+1 : len(s)-1]
	}
	if strings.Count(s, "@") != 1 || strings.ContainsAny(s, " \r\n<>") || strings.HasPrefix(s, "@") || strings.HasSuffix(s, "@") {
		return "", fmt.Errorf("%q is geen e-mailadres", s)
	}
	return s, nil
}

// Sender sends messages over SMTP; it implements notice.Mailer.
type Sender struct{ cfg Config }

// NewSender checks cfg and returns a sender.
func NewSender(cfg Config) (*Sender, error) {
	if err := cfg.Check(); err != nil {
		return nil, err
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = 30 * time.Second
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Sender{cfg: cfg}, nil
}

var _ notice.Mailer = (*Sender)(nil)

// Send delivers one message: one connection, TLS verified against the host name, AUTH PLAIN when
// credentials are set (only over TLS, or to localhost), MAIL, RCPT, DATA, QUIT.
func (s *Sender) Send(ctx context.Context, m notice.Message) error {
	to, err := mailAddress(m.To)
	if err != nil {
		return fmt.Errorf("ontvanger: %w", err)
	}
	from, _ := mailAddress(s.cfg.From)
	host, _, _ := net.SplitHostPort(s.cfg.Addr)
	tlsCfg := &tls.Config{ServerName: host, RootCAs: s.cfg.RootCAs, MinVersion: tls.VersionTLS12}
	ctx, cancel := context.WithTimeout(ctx, s.cfg.Timeout)
	defer cancel()
	d := net.Dialer{}
	var conn net.Conn
	if s.cfg.Security == ImplicitTLS {
		td := tls.Dialer{NetDialer: &d, Config: tlsCfg}
		conn, err = td.DialContext(ctx, "tcp", s.cfg.Addr)
	} else {
		conn, err = d.DialContext(ctx, "tcp", s.cfg.Addr)
	}
	if err != nil {
		return fmt.Errorf("verbinden met de mailserver: %w", err)
	}
	if dl, ok := ctx.Deadline(); ok {
		_ = conn.SetDeadline(dl)
	}
	c, err := smtp.NewClient(conn, host)
	if err != nil {
		conn.Close()
		return fmt.Errorf("mailserver: %w", err)
	}
	defer c.Close()
	if s.cfg.Security == StartTLS {
		if ok, _ := c.Extension("STARTTLS"); !ok {
			return errors.New("mailserver biedt geen STARTTLS aan; er is niets verstuurd")
		}
		if err := c.StartTLS(tlsCfg); err != nil {
			return fmt.Errorf("STARTTLS: %w", err)
		}
	}
	if s.cfg.Username != "" {
		if err := c.Auth(smtp.PlainAuth("", s.cfg.Username, s.cfg.Password, host)); err != nil {
			return fmt.Errorf("aanmelden bij de mailserver: %w", err)
		}
	}
	if err := c.Mail(from); err != nil {
		return fmt.Errorf("MAIL FROM: %w", err)
	}
	if err := c.Rcpt(to); err != nil {
		return fmt.Errorf("RCPT TO: %w", err)
	}
	w, err := c.Data()
	if err != nil {
		return fmt.Errorf("DATA: %w", err)
	}
	if _, err := w.Write(s.compose(from, to, m)); err != nil {
		return err
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("bericht niet aangenomen: %w", err)
	}
	return c.Quit()
}

// compose writes the RFC 5322 message: headers, then the body as quoted-printable UTF-8.
func (s *Sender) compose(from, to string, m notice.Message) []byte {
	var b bytes.Buffer
	id := make([]byte, 12)
	_, _ = rand.Read(id)
	domain := from[strings.Index(from, "@")+1:]
	h := func(k, v string) { fmt.Fprintf(&b, "%s: %s\r\n", k, v) }
	h("From", s.cfg.From)
	h("To", to)
	h("Subject", mime.QEncoding.Encode("utf-8", m.Subject))
	h("Date", s.cfg.Now().Format(time.RFC1123Z))
	h("Message-ID", "<"+hex.EncodeToString(id)+"@"+domain+">")
	h("MIME-Version", "1.0")
	h("Content-Type", "text/plain; charset=utf-8")
	h("Content-Transfer-Encoding", "quoted-printable")
	h("Auto-Submitted", "auto-generated")
	b.WriteString("\r\n")
	qp := quotedprintable.NewWriter(&b)
	_, _ = qp.Write([]byte(strings.ReplaceAll(m.Body, "\n", "\r\n")))
	_ = qp.Close()
	return b.Bytes()
}
