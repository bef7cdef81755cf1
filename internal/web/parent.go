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

// Parents sign in with their e-mail address and a one-time code sent there. The answer to an
// address is always the same ("if it is known, a code was sent"), so the form does not reveal
// which addresses exist.

const (
	parentCookie       = "gs_ouder"
	loginCodeAttempts  = 5
	parentRequestLimit = 5 // code requests per address per window
)

func (s *Server) parentForm(w http.ResponseWriter, r *http.Request) error {
	return s.render(w, r, "ouder_inloggen", "Inloggen voor ouders", map[string]any{"csrf": s.preCSRF(w, r), "leerlingLogin": s.hasRoute("/inloggen/leerling")})
}

func (s *Server) parentSubmit(w http.ResponseWriter, r *http.Request) error {
	if err := s.checkPreCSRF(r); err != nil {
		return err
	}
	ctx, now := r.Context(), s.now()
	email := auth.NormaliseEmail(r.PostFormValue("email"))
	if email == "" || len(email) > 254 || !looksLikeEmail(email) {
		return s.renderForm(w, r, http.StatusUnprocessableEntity, "ouder_inloggen", "Inloggen voor ouders",
			map[string]any{"csrf": s.preCSRF(w, r), "email": email}, map[string]string{"email": "Vul een e-mailadres in, zoals naam@voorbeeld.nl."})
	}
	// Throttle code requests per address and per e-mail address (no mail bombing).
	keys := []string{"code-adres:" + auth.HashToken(s.clientAddr(r)), "code-email:" + auth.HashToken(email)}
	locked, err := s.d.Throttle.ThrottleLocked(ctx, keys, now)
	if err != nil {
		return err
	}
	if !locked {
		for _, k := range keys {
			if _, err := s.d.Throttle.ThrottleFail(ctx, k, parentRequestLimit, s.cfg.Limits.Window, s.cfg.Limits.Lock, now); err != nil {
				return err
			}
		}
		parents, err := s.d.Accounts.ParentsByEmail(ctx, email)
		if err != nil {
			return err
		}
		for _, p := range parents {
			code, hash := auth.NewLoginCode()
			if err := s.d.Accounts.CreateLoginCode(ctx, p.RegionID, p.ID, hash, now.Add(s.cfg.LoginCodeValidity), now); err != nil {
				return err
			}
			if err := s.d.Codes.SendLoginCode(ctx, p, code, s.cfg.LoginCodeValidity); err != nil {
				return err
			}
		}
	}
	if err := s.setSealedCookie(w, parentCookie, email, s.cfg.LoginCodeValidity); err != nil {
		return err
	}
	http.Redirect(w, r, "/inloggen/ouder/code", http.StatusSeeOther)
	return nil
}

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

func (s *Server) parentCodeForm(w http.ResponseWriter, r *http.Request) error {
	var email string
	if !s.readSealedCookie(r, parentCookie, &email) {
		http.Redirect(w, r, "/inloggen/ouder", http.StatusSeeOther)
		return nil
	}
	return s.render(w, r, "ouder_code", "Code uit uw e-mail", map[string]any{"csrf": s.preCSRF(w, r), "minuten": int(s.cfg.LoginCodeValidity.Minutes())})
}

func (s *Server) parentCodeSubmit(w http.ResponseWriter, r *http.Request) error {
	if err := s.checkPreCSRF(r); err != nil {
		return err
	}
	var email string
	if !s.readSealedCookie(r, parentCookie, &email) {
		http.Redirect(w, r, "/inloggen/ouder", http.StatusSeeOther)
		return nil
	}
	ctx, now := r.Context(), s.now()
	key := "code-poging:" + auth.HashToken(email)
	locked, err := s.d.Throttle.ThrottleLocked(ctx, []string{key, auth.AddressKey(s.clientAddr(r))}, now)
	if err != nil {
		return err
	}
	hash := auth.HashToken(auth.NormaliseLoginCode(r.PostFormValue("code")))
	var who *auth.Parent
	if !locked {
		parents, err := s.d.Accounts.ParentsByEmail(ctx, email)
		if err != nil {
			return err
		}
		for i := range parents {
			ok, err := s.d.Accounts.UseLoginCode(ctx, parents[i].RegionID, parents[i].ID, hash, loginCodeAttempts, now)
			if err != nil {
				return err
			}
			if ok {
				who = &parents[i]
				break
			}
		}
	}
	if who == nil {
		if !locked {
			if _, err := s.d.Throttle.ThrottleFail(ctx, key, s.cfg.Limits.AccountFailures*2, s.cfg.Limits.Window, s.cfg.Limits.Lock, now); err != nil {
				return err
			}
		}
		return s.renderForm(w, r, http.StatusUnauthorized, "ouder_code", "Code uit uw e-mail",
			map[string]any{"csrf": s.preCSRF(w, r), "minuten": int(s.cfg.LoginCodeValidity.Minutes())},
			map[string]string{"code": "Deze code klopt niet of is verlopen. Vraag zo nodig een nieuwe code aan."})
	}
	s.setCookie(w, parentCookie, "", -1)
	if _, err := s.startSession(w, r, who.RegionID, 0, who.ID, auth.StageActive); err != nil {
		return err
	}
	s.log.InfoContext(ctx, "ouder ingelogd", "ouder_id", who.ID, "regio_id", who.RegionID)
	http.Redirect(w, r, "/start", http.StatusSeeOther)
	return nil
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
	return s.render(w, r, "postvak", "Postvak van de demo", map[string]any{"berichten": s.d.Mailbox.Messages()})
}
