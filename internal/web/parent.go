package web

import (
	"context"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/grondslag/grondslag/internal/auth"
	"github.com/grondslag/grondslag/internal/notice"
)

// The parents' code sign-in is in code_login.go (shared with the pupils'); this file keeps the
// demo's mailbox.

func looksLikeEmail(e string) bool {
	at := -1
	for i, c := range e {
		if c == '@' {
			at = i
		}
		if c == ' ' || c == '<' || c == '>' {
			return false
		}
	}
	return at > 0 && at < len(e)-3
}

// MailMessage is one message in the development mailbox.
type MailMessage struct {
	Time time.Time
	To   string
	Body string
}

// DevMailbox is the CodeSender of the demo: it keeps the last messages in memory for the
// /dev/postvak page (registered only in demo mode) and logs that a code was sent, without the
// code or the address. Production wires a real mail sender instead.
type DevMailbox struct {
	mu   sync.Mutex
	msgs []MailMessage
	Log  func(ctx context.Context, msg string, args ...any)
	Now  func() time.Time
}

// SendLoginCode implements CodeSender.
func (m *DevMailbox) SendLoginCode(ctx context.Context, to auth.Parent, code string, validFor time.Duration) error {
	now := time.Now()
	if m.Now != nil {
		now = m.Now()
	}
	m.mu.Lock()
	m.msgs = append(m.msgs, MailMessage{Time: now, To: to.Email, Body: "Uw code om in te loggen bij Grondslag is " + code + ". De code is " + strconv.Itoa(int(validFor.Minutes())) + " minuten geldig."})
	if len(m.msgs) > 100 {
		m.msgs = m.msgs[len(m.msgs)-100:]
	}
	m.mu.Unlock()
	if m.Log != nil {
		m.Log(ctx, "inlogcode verstuurd (demo-postvak)", "ouder_id", to.ID)
	}
	return nil
}

// Send implements notice.Mailer for the demo (the daily digest of the work lists): the message
// lands in the same mailbox.
func (m *DevMailbox) Send(ctx context.Context, msg notice.Message) error {
	now := time.Now()
	if m.Now != nil {
		now = m.Now()
	}
	m.mu.Lock()
	m.msgs = append(m.msgs, MailMessage{Time: now, To: msg.To, Body: msg.Subject + "\n\n" + msg.Body})
	if len(m.msgs) > 100 {
		m.msgs = m.msgs[len(m.msgs)-100:]
	}
	m.mu.Unlock()
	if m.Log != nil {
		m.Log(ctx, "bericht verstuurd (demo-postvak)")
	}
	return nil
}

// Messages returns the messages, newest first.
func (m *DevMailbox) Messages() []MailMessage {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make([]MailMessage, len(m.msgs))
	for i, msg := range m.msgs {
		out[len(m.msgs)-1-i] = msg
	}
	return out
}

func (s *Server) devMailbox(w http.ResponseWriter, r *http.Request) error {
	if !s.cfg.Demo || s.d.Mailbox == nil {
		return errNotFound
	}
	return s.render(w, r, "postvak", "Postvak van de demo", &mailboxPage{Berichten: s.d.Mailbox.Messages()})
}

// mailboxPage is the data of postvak.html: the demo's outgoing mail.
type mailboxPage struct {
	View
	Berichten []MailMessage
}
