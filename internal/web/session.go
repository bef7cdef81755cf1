package web

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/grondslag/grondslag/internal/auth"
	"github.com/grondslag/grondslag/internal/dossier"
	"github.com/grondslag/grondslag/internal/storage"
)

// Principal is who makes a request: a signed-in professional or parent, or an API client.
type Principal struct {
	Session *auth.Session     // nil for an API client
	Account auth.Account      // professional
	Parent  auth.Parent       // parent
	Pupil   auth.PupilAccount // the pupil's own account
	Client  *auth.APIClient
}

// Actor returns the principal as a dossier actor.
func (p *Principal) Actor() dossier.Actor {
	switch {
	case p.Client != nil:
		return dossier.Actor{RegionID: p.Client.RegionID, OrgID: p.Client.OrgID, Party: party(p.Client.OrgKind), Role: p.Client.Role}
	case p.Session != nil && p.Session.PupilID != 0:
		return dossier.Actor{RegionID: p.Pupil.RegionID, PupilID: p.Pupil.PupilID, Role: auth.RoleLeerling}
	case p.Session != nil && p.Session.ParentID != 0:
		return dossier.Actor{RegionID: p.Parent.RegionID, ParentID: p.Parent.ID, Role: auth.RoleOuder}
	default:
		return dossier.Actor{RegionID: p.Account.RegionID, UserID: p.Account.ID, OrgID: p.Account.OrgID, Party: party(p.Account.OrgKind), Role: p.Account.Role}
	}
}

// Role returns the role code of the principal.
func (p *Principal) Role() string { return p.Actor().Role }

// DisplayName is the name shown in the header.
func (p *Principal) DisplayName() string {
	if p.Session != nil && p.Session.ParentID != 0 {
		return p.Parent.Name
	}
	if p.Session != nil && p.Session.PupilID != 0 {
		return p.Pupil.Name
	}
	if p.Client != nil {
		return p.Client.Name
	}
	return p.Account.Name
}

// party maps an organisation kind to its convenant party (onderwijsconsulenten belong to the SWV
// side of the convenant).
func party(kind string) string {
	if kind == "oco" {
		return "swv"
	}
	return kind
}

// principalSlot carries the principal from requireUser back out to htmlHandler, so that an error
// page of a signed-in user still shows the header and menu.
type principalSlot struct{ p *Principal }

func principalFrom(ctx context.Context) *Principal {
	if p, ok := ctx.Value(keyPrincipal).(*Principal); ok {
		return p
	}
	if s, ok := ctx.Value(keySlot).(*principalSlot); ok {
		return s.p
	}
	return nil
}

func (s *Server) sessionCookieName() string {
	if s.cfg.TLS {
		return "__Host-gs_sessie"
	}
	return "gs_sessie"
}

func (s *Server) setCookie(w http.ResponseWriter, name, value string, maxAge time.Duration) {
	c := &http.Cookie{Name: name, Value: value, Path: "/", HttpOnly: true, Secure: s.cfg.TLS, SameSite: http.SameSiteLaxMode}
	if maxAge < 0 {
		c.MaxAge = -1
	} else if maxAge > 0 {
		c.MaxAge = int(maxAge.Seconds())
	}
	http.SetCookie(w, c)
}

func (s *Server) setSessionCookie(w http.ResponseWriter, token string) {
	s.setCookie(w, s.sessionCookieName(), token, 0)
}

// sessionAccounts is an optional faster path of a store: the session and its account in one query.
type sessionAccounts interface {
	SessionWithAccount(ctx context.Context, idHash string) (auth.Session, auth.Account, error)
}

// loadSession returns the session named by the request's cookie, or nil. An expired session is
// deleted.
func (s *Server) loadSession(r *http.Request) (*auth.Session, error) {
	sess, _, err := s.loadSessionAccount(r)
	return sess, err
}

// loadSessionAccount is loadSession that also returns the account when the store could read it
// with the session (nil otherwise).
func (s *Server) loadSessionAccount(r *http.Request) (*auth.Session, *auth.Account, error) {
	c, err := r.Cookie(s.sessionCookieName())
	if err != nil || c.Value == "" || len(c.Value) > 100 {
		return nil, nil, nil
	}
	hash := auth.HashToken(c.Value)
	var acc *auth.Account
	var sess auth.Session
	if sa, ok := s.d.Sessions.(sessionAccounts); ok {
		var a auth.Account
		sess, a, err = sa.SessionWithAccount(r.Context(), hash)
		if a.ID != 0 {
			acc = &a
		}
	} else {
		sess, err = s.d.Sessions.Session(r.Context(), hash)
	}
	if errors.Is(err, auth.ErrNoSession) {
		return nil, nil, nil
	}
	if err != nil {
		return nil, nil, err
	}
	now := s.now()
	limits := s.cfg.Timeouts
	if s.cfg.TimeoutsOf != nil {
		if limits, err = s.cfg.TimeoutsOf(r.Context(), sess.RegionID); err != nil {
			return nil, nil, fmt.Errorf("sessieduur van regio %d: %w", sess.RegionID, err)
		}
	}
	if err := limits.Check(sess, now); err != nil {
		s.d.Sessions.DeleteSession(r.Context(), hash)
		return nil, nil, nil
	}
	// Record activity at most once a minute: the idle timeout needs no finer grain, and a page
	// read then costs no write.
	if now.Sub(sess.LastSeen) > time.Minute {
		if err := s.d.Sessions.TouchSession(r.Context(), hash, now); err != nil {
			return nil, nil, err
		}
		sess.LastSeen = now
	}
	return &sess, acc, nil
}

// principal loads the fully signed-in principal of a session; nil when there is none (or the
// account was deactivated). acc, when not nil, is the session's account as already read.
func (s *Server) principal(r *http.Request, sess *auth.Session, acc ...*auth.Account) (*Principal, error) {
	if sess == nil || sess.Stage != auth.StageActive {
		return nil, nil
	}
	p := &Principal{Session: sess}
	if sess.PupilID != 0 {
		if s.portal.Pupils == nil {
			return nil, nil
		}
		acc, err := s.portal.Pupils.PupilAccount(r.Context(), sess.RegionID, sess.PupilID)
		if errors.Is(err, storage.ErrNotFound) {
			return nil, nil
		}
		if err != nil {
			return nil, err
		}
		p.Pupil = acc
		return p, nil
	}
	if sess.ParentID != 0 {
		par, err := s.d.Accounts.Parent(r.Context(), sess.RegionID, sess.ParentID)
		if errors.Is(err, auth.ErrNoAccount) {
			return nil, nil
		}
		if err != nil {
			return nil, err
		}
		p.Parent = par
		return p, nil
	}
	var a auth.Account
	if len(acc) > 0 && acc[0] != nil && acc[0].ID == sess.UserID && acc[0].RegionID == sess.RegionID {
		a = *acc[0]
	} else {
		var err error
		a, err = s.d.Accounts.Account(r.Context(), sess.RegionID, sess.UserID)
		if errors.Is(err, auth.ErrNoAccount) {
			return nil, nil
		}
		if err != nil {
			return nil, err
		}
	}
	if !a.Active {
		return nil, nil
	}
	p.Account = a
	return p, nil
}

// requireUser wraps an HTML handler: it needs a fully signed-in user (MFA done) with one of the
// roles (any role when none are given). Unsafe methods need the session's CSRF token.
func (s *Server) requireUser(roles []string, h handlerFunc) handlerFunc {
	s.table.guarded(roles, "")
	return func(w http.ResponseWriter, r *http.Request) error {
		sess, acc, err := s.loadSessionAccount(r)
		if err != nil {
			return err
		}
		if sess != nil && sess.Stage != auth.StageActive {
			// Half-way through signing in: back to the second factor, never past it.
			if sess.Stage == auth.StageMFAEnrol {
				http.Redirect(w, r, "/inloggen/mfa/instellen", http.StatusSeeOther)
			} else {
				http.Redirect(w, r, "/inloggen/mfa", http.StatusSeeOther)
			}
			return nil
		}
		p, err := s.principal(r, sess, acc)
		if err != nil {
			return err
		}
		if p == nil {
			if r.Method == http.MethodGet {
				http.Redirect(w, r, "/inloggen?terug="+url.QueryEscape(r.URL.Path), http.StatusSeeOther)
				return nil
			}
			return errUnauthorised
		}
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			if err := s.checkCSRF(r, sess.CSRF); err != nil {
				return err
			}
		}
		if slot, ok := r.Context().Value(keySlot).(*principalSlot); ok {
			slot.p = p
		}
		if len(roles) > 0 && !contains(roles, p.Role()) {
			return errForbidden
		}
		// Public ids in the path become row numbers (after the door: a caller turned away
		// learns nothing from 404 versus 403); a row number in the URL is a 404.
		if err := s.openPagePathIDs(r); err != nil {
			return err
		}
		w.Header().Set("Cache-Control", "no-store")
		// The request's statements see only the user's region (row-level security on PostgreSQL).
		r = r.WithContext(storage.WithRegion(context.WithValue(r.Context(), keyPrincipal, p), p.Actor().RegionID))
		return h(w, r)
	}
}

func contains(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

// checkCSRF checks the synchronizer token of a form against want, and the Origin header when the
// browser sends one.
func (s *Server) checkCSRF(r *http.Request, want string) error {
	if o := r.Header.Get("Origin"); o != "" && o != "null" {
		u, err := url.Parse(o)
		if err != nil || u.Host != r.Host {
			return errCSRF
		}
	}
	if err := parseForm(r); err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return errTooLarge(tooLarge.Limit) // not "Formulier verlopen": the form was too big
		}
	}
	got := r.PostFormValue("csrf")
	if want == "" || got == "" || subtle.ConstantTimeCompare([]byte(got), []byte(want)) != 1 {
		return errCSRF
	}
	return nil
}

// preCSRF returns the CSRF token for anonymous forms (login), bound to a random cookie: the
// token is an HMAC of the cookie's value, so a page of another site can neither read nor forge it.
func (s *Server) preCSRF(w http.ResponseWriter, r *http.Request) string {
	v := ""
	if c, err := r.Cookie("gs_pre"); err == nil && len(c.Value) == 43 {
		v = c.Value
	} else {
		var b [32]byte
		rand.Read(b[:])
		v = base64.RawURLEncoding.EncodeToString(b[:])
		s.setCookie(w, "gs_pre", v, 2*time.Hour)
	}
	return s.mac(s.csrfKey, v)
}

func (s *Server) checkPreCSRF(r *http.Request) error {
	c, err := r.Cookie("gs_pre")
	if err != nil {
		return errCSRF
	}
	return s.checkCSRF(r, s.mac(s.csrfKey, c.Value))
}

// sealedCookie stores v (JSON) encrypted and authenticated in a short-lived cookie.
func (s *Server) setSealedCookie(w http.ResponseWriter, name string, v any, ttl time.Duration) error {
	b, err := json.Marshal(struct {
		V   any   `json:"v"`
		Exp int64 `json:"e"`
	}{v, s.now().Add(ttl).Unix()})
	if err != nil {
		return err
	}
	s.setCookie(w, name, base64.RawURLEncoding.EncodeToString(s.d.Sealer.Seal(b, "cookie:"+name)), ttl)
	return nil
}

func (s *Server) readSealedCookie(r *http.Request, name string, v any) bool {
	c, err := r.Cookie(name)
	if err != nil {
		return false
	}
	raw, err := base64.RawURLEncoding.DecodeString(c.Value)
	if err != nil {
		return false
	}
	b, err := s.d.Sealer.Open(raw, "cookie:"+name)
	if err != nil {
		return false
	}
	var env struct {
		V   json.RawMessage `json:"v"`
		Exp int64           `json:"e"`
	}
	if json.Unmarshal(b, &env) != nil || s.now().Unix() > env.Exp {
		return false
	}
	return json.Unmarshal(env.V, v) == nil
}

// startSession ends any session the browser holds and starts a new one with a fresh id: a
// session id chosen or seen before login never becomes a signed-in session (no fixation).
func (s *Server) startSession(w http.ResponseWriter, r *http.Request, regionID, userID, parentID int64, stage auth.Stage) (*auth.Session, error) {
	if c, err := r.Cookie(s.sessionCookieName()); err == nil && c.Value != "" {
		s.d.Sessions.DeleteSession(r.Context(), auth.HashToken(c.Value))
	}
	token, sess := auth.NewSession(regionID, userID, parentID, stage, s.now())
	if err := s.d.Sessions.CreateSession(r.Context(), sess); err != nil {
		return nil, err
	}
	s.setSessionCookie(w, token)
	return &sess, nil
}

// promote rotates the session id and moves it to stage (after the second factor).
func (s *Server) promote(w http.ResponseWriter, r *http.Request, old *auth.Session, stage auth.Stage) error {
	token, next := auth.NewSession(old.RegionID, old.UserID, old.ParentID, stage, s.now())
	if err := s.d.Sessions.RotateSession(r.Context(), old.IDHash, next); err != nil {
		return err
	}
	s.setSessionCookie(w, token)
	if stage == auth.StageActive && old.UserID != 0 {
		return s.confirmOIDCLink(w, r, old.RegionID, old.UserID)
	}
	return nil
}
