package web

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/grondslag/grondslag/internal/auth"
)

// genericLoginError is the one message for every failed login: a wrong address, a wrong
// password, a locked or inactive account all look the same from outside.
const genericLoginError = "Deze combinatie van e-mailadres en wachtwoord klopt niet, of er is te vaak geprobeerd in te loggen. Probeer het opnieuw of wacht een kwartier."

func (s *Server) loginForm(w http.ResponseWriter, r *http.Request) error {
	cfgs, _, err := s.d.Accounts.OIDCConfigs(r.Context())
	if err != nil {
		return fmt.Errorf("oidc-instellingen lezen: %w", err)
	}
	return s.render(w, r, "inloggen", "Inloggen", &loginPage{View: View{CSRF: s.preCSRF(w, r)}, OIDC: cfgs, Terug: safeReturn(r.URL.Query().Get("terug"))})
}

// loginPage is the data of inloggen.html.
type loginPage struct {
	View
	OIDC  []auth.OIDCConfig // the organisations with their own sign-in (none after a failed attempt)
	Terug string            // the local path to return to
	Email string            // the address typed, after a failed attempt
}

// mfaPage is the data of mfa.html and mfa_instellen.html (Secret: the new TOTP secret, grouped).
type mfaPage struct {
	View
	Secret string
}

// recoveryCodesPage is the data of herstelcodes.html.
type recoveryCodesPage struct {
	View
	Codes []string
}

// safeReturn keeps a return path only when it is a local path.
func safeReturn(p string) string {
	if !strings.HasPrefix(p, "/") || strings.HasPrefix(p, "//") || strings.Contains(p, "\\") || strings.HasPrefix(p, "/inloggen") {
		return ""
	}
	return p
}

func (s *Server) loginSubmit(w http.ResponseWriter, r *http.Request) error {
	if err := s.checkPreCSRF(r); err != nil {
		return err
	}
	ctx := r.Context()
	email := auth.NormaliseEmail(r.PostFormValue("email"))
	pw := r.PostFormValue("wachtwoord")
	fail := func() error {
		w.Header().Set("Cache-Control", "no-store")
		return s.renderForm(w, r, http.StatusUnauthorized, "inloggen", "Inloggen",
			&loginPage{View: View{CSRF: s.preCSRF(w, r)}, Email: email, Terug: safeReturn(r.PostFormValue("terug"))},
			map[string]string{"email": genericLoginError})
	}
	if email == "" || pw == "" || len(pw) > 1024 || len(email) > 254 {
		auth.BurnPasswordTime(pw)
		return fail()
	}
	now := s.now()
	addr := s.clientAddr(r)
	addrKey := auth.AddressKey(addr)
	accounts, err := s.d.Accounts.AccountsByEmail(ctx, email)
	if err != nil {
		return fmt.Errorf("accounts bij het e-mailadres zoeken: %w", err)
	}
	// A browser with a device cookie of this account is held only by that cookie's counter; any
	// other by the address, the (account, address) pair and the account as a whole (device.go).
	var keys, devices []string
	for _, a := range accounts {
		if dk, ok := s.deviceKey(r, auth.AccountKey(a.RegionID, email)); ok {
			devices = append(devices, dk)
		}
	}
	if len(devices) > 0 {
		keys = devices
	} else {
		keys = []string{addrKey}
		for _, a := range accounts {
			ak := auth.AccountKey(a.RegionID, email)
			keys = append(keys, auth.PairKey(ak, addr), ak)
		}
	}
	locked, err := s.d.Throttle.ThrottleLocked(ctx, keys, now)
	if err != nil {
		return fmt.Errorf("blokkade nakijken: %w", err)
	}
	var match *auth.Account
	checked := false
	if !locked {
		for i := range accounts {
			a := &accounts[i]
			if a.PasswordHash == "" {
				continue
			}
			checked = true
			ok, err := auth.VerifyPassword(pw, a.PasswordHash)
			if err != nil {
				s.log.ErrorContext(ctx, "wachtwoordhash onleesbaar", "gebruiker_id", a.ID)
				continue
			}
			if ok {
				match = a
				break
			}
		}
	}
	if !checked {
		auth.BurnPasswordTime(pw)
	}
	if match == nil || !match.Active {
		if !locked {
			if err := s.loginFailed(r, addrKey, addr, email, accounts, devices, now); err != nil {
				return fmt.Errorf("mislukte inlog tellen: %w", err)
			}
		}
		s.log.InfoContext(ctx, "inloggen mislukt", "request_id", requestID(ctx), "geblokkeerd", locked)
		return fail()
	}
	ak := auth.AccountKey(match.RegionID, email)
	s.d.Throttle.ThrottleReset(ctx, ak)
	s.d.Throttle.ThrottleReset(ctx, auth.PairKey(ak, addr))
	stage := auth.StageMFA
	if !match.MFAEnrolled() {
		stage = auth.StageMFAEnrol
	}
	if _, err := s.startSession(w, r, match.RegionID, match.ID, 0, stage); err != nil {
		return fmt.Errorf("sessie starten: %w", err)
	}
	if ret := safeReturn(r.PostFormValue("terug")); ret != "" {
		s.setCookie(w, "gs_terug", ret, s.cfg.Timeouts.PreAuth)
	}
	s.log.InfoContext(ctx, "wachtwoord geaccepteerd", "gebruiker_id", match.ID, "regio_id", match.RegionID, "fase", string(stage))
	if stage == auth.StageMFAEnrol {
		http.Redirect(w, r, "/inloggen/mfa/instellen", http.StatusSeeOther)
	} else {
		http.Redirect(w, r, "/inloggen/mfa", http.StatusSeeOther)
	}
	return nil
}

// pendingSession returns the session half-way through sign-in at stage, with its account.
func (s *Server) pendingSession(r *http.Request, stage auth.Stage) (*auth.Session, auth.Account, error) {
	sess, err := s.loadSession(r)
	if err != nil {
		return nil, auth.Account{}, err
	}
	if sess == nil || sess.Stage != stage || sess.UserID == 0 {
		return nil, auth.Account{}, errUnauthorised
	}
	a, err := s.d.Accounts.Account(r.Context(), sess.RegionID, sess.UserID)
	if errors.Is(err, auth.ErrNoAccount) || (err == nil && !a.Active) {
		return nil, auth.Account{}, errUnauthorised
	}
	return sess, a, err
}

func (s *Server) mfaForm(w http.ResponseWriter, r *http.Request) error {
	sess, _, err := s.pendingSession(r, auth.StageMFA)
	if err != nil {
		return err
	}
	return s.render(w, r, "mfa", "Tweede stap", &mfaPage{View: View{CSRF: sess.CSRF}})
}

func (s *Server) mfaSubmit(w http.ResponseWriter, r *http.Request) error {
	sess, a, err := s.pendingSession(r, auth.StageMFA)
	if err != nil {
		return err
	}
	if err := s.checkCSRF(r, sess.CSRF); err != nil {
		return err
	}
	ctx, now := r.Context(), s.now()
	key := "mfa:" + auth.HashToken(auth.AccountKey(a.RegionID, a.Email))
	if locked, err := s.d.Throttle.ThrottleLocked(ctx, []string{key}, now); err != nil {
		return fmt.Errorf("blokkade nakijken: %w", err)
	} else if locked {
		s.d.Sessions.DeleteSession(ctx, sess.IDHash)
		return s.renderForm(w, r, http.StatusTooManyRequests, "fout", "Te vaak geprobeerd", &errorPage{Fout: &Error{Title: "Te vaak geprobeerd", Detail: "U heeft te vaak een verkeerde code getypt. Wacht een kwartier en log opnieuw in."}}, nil)
	}
	ok := false
	if rc := r.PostFormValue("herstelcode"); strings.TrimSpace(rc) != "" {
		ok, err = s.d.Accounts.UseRecoveryCode(ctx, a.RegionID, a.ID, auth.HashToken(auth.NormaliseRecoveryCode(rc)), now)
		if err != nil {
			return fmt.Errorf("herstelcode gebruiken: %w", err)
		}
		if ok {
			s.log.InfoContext(ctx, "herstelcode gebruikt", "gebruiker_id", a.ID)
		}
	} else if secret, err := s.openTOTP(a); err == nil {
		if step, err := auth.CheckTOTP(secret, r.PostFormValue("code"), now, a.TOTPLastStep); err == nil {
			ok, err = s.d.Accounts.UseTOTPStep(ctx, a.RegionID, a.ID, step, now)
			if err != nil {
				return fmt.Errorf("tweestapscode gebruiken: %w", err)
			}
		}
	} else {
		return fmt.Errorf("tweestapsgeheim openen: %w", err)
	}
	if !ok {
		if _, err := s.d.Throttle.ThrottleFail(ctx, key, s.cfg.Limits.AccountFailures, s.cfg.Limits.Window, s.cfg.Limits.Lock, now); err != nil {
			return fmt.Errorf("mislukte poging tellen: %w", err)
		}
		return s.renderForm(w, r, http.StatusUnauthorized, "mfa", "Tweede stap", &mfaPage{View: View{CSRF: sess.CSRF}}, map[string]string{"code": "Deze code klopt niet. Typ de code die de app nu laat zien."})
	}
	s.d.Throttle.ThrottleReset(ctx, key)
	if err := s.promote(w, r, sess, auth.StageActive); err != nil {
		return fmt.Errorf("sessie naar de volgende stap zetten: %w", err)
	}
	s.setDevice(w, auth.AccountKey(a.RegionID, a.Email)) // this browser is now known for the account
	s.log.InfoContext(ctx, "ingelogd", "gebruiker_id", a.ID, "regio_id", a.RegionID, "rol", a.Role)
	http.Redirect(w, r, s.afterLogin(w, r), http.StatusSeeOther)
	return nil
}

func (s *Server) afterLogin(w http.ResponseWriter, r *http.Request) string {
	if c, err := r.Cookie("gs_terug"); err == nil {
		s.setCookie(w, "gs_terug", "", -1)
		if p := safeReturn(c.Value); p != "" {
			return p
		}
	}
	return "/start"
}

func totpLabel(a auth.Account) string {
	return "totp:" + itoa(a.RegionID) + ":" + itoa(a.ID)
}

func (s *Server) openTOTP(a auth.Account) (string, error) {
	if len(a.TOTPSealed) == 0 {
		return "", errors.New("geen TOTP-geheim")
	}
	b, err := s.d.Sealer.Open(a.TOTPSealed, totpLabel(a))
	return string(b), err
}

// SealTOTP seals a TOTP secret for storage (used by the demo to give accounts a known secret).
func SealTOTP(sealer *auth.Sealer, a auth.Account, secret string) []byte {
	return sealer.Seal([]byte(secret), totpLabel(a))
}

func (s *Server) enrolSecret(r *http.Request, a auth.Account) (string, error) {
	if !a.TOTPConfirmed && len(a.TOTPSealed) > 0 {
		if secret, err := s.openTOTP(a); err == nil {
			return secret, nil
		}
	}
	secret, _, err := auth.NewTOTPKey(a.Email)
	if err != nil {
		return "", err
	}
	if err := s.d.Accounts.SetTOTP(r.Context(), a.RegionID, a.ID, SealTOTP(s.d.Sealer, a, secret), false, s.now()); err != nil {
		return "", err
	}
	return secret, nil
}

func (s *Server) enrolForm(w http.ResponseWriter, r *http.Request) error {
	sess, a, err := s.pendingSession(r, auth.StageMFAEnrol)
	if err != nil {
		return err
	}
	secret, err := s.enrolSecret(r, a)
	if err != nil {
		return fmt.Errorf("geheim voor de tweestapsverificatie lezen: %w", err)
	}
	return s.render(w, r, "mfa_instellen", "Tweestapsverificatie instellen", &mfaPage{View: View{CSRF: sess.CSRF}, Secret: groupSecret(secret)})
}

func groupSecret(s string) string {
	var b strings.Builder
	for i, c := range s {
		if i > 0 && i%4 == 0 {
			b.WriteByte(' ')
		}
		b.WriteRune(c)
	}
	return b.String()
}

func (s *Server) enrolQR(w http.ResponseWriter, r *http.Request) error {
	_, a, err := s.pendingSession(r, auth.StageMFAEnrol)
	if err != nil {
		return err
	}
	secret, err := s.enrolSecret(r, a)
	if err != nil {
		return fmt.Errorf("geheim voor de tweestapsverificatie lezen: %w", err)
	}
	png, err := auth.TOTPQRCode(auth.TOTPURL(a.Email, secret), 200)
	if err != nil {
		return fmt.Errorf("qr-code maken: %w", err)
	}
	w.Header().Set("Content-Type", "image/png")
	w.Header().Set("Cache-Control", "no-store")
	_, err = w.Write(png)
	return err
}

func (s *Server) enrolSubmit(w http.ResponseWriter, r *http.Request) error {
	sess, a, err := s.pendingSession(r, auth.StageMFAEnrol)
	if err != nil {
		return err
	}
	if err := s.checkCSRF(r, sess.CSRF); err != nil {
		return err
	}
	ctx, now := r.Context(), s.now()
	secret, err := s.openTOTP(a)
	if err != nil {
		return errUnauthorised
	}
	step, err := auth.CheckTOTP(secret, r.PostFormValue("code"), now, a.TOTPLastStep)
	ok := false
	if err == nil {
		if ok, err = s.d.Accounts.UseTOTPStep(ctx, a.RegionID, a.ID, step, now); err != nil {
			return fmt.Errorf("tweestapscode gebruiken: %w", err)
		}
	}
	if !ok {
		return s.renderForm(w, r, http.StatusUnprocessableEntity, "mfa_instellen", "Tweestapsverificatie instellen",
			&mfaPage{View: View{CSRF: sess.CSRF}, Secret: groupSecret(secret)}, map[string]string{"code": "Deze code klopt niet. Typ de code die de app nu laat zien."})
	}
	codes, hashes := auth.NewRecoveryCodes()
	if err := s.d.Accounts.ReplaceRecoveryCodes(ctx, a.RegionID, a.ID, hashes, now); err != nil {
		return fmt.Errorf("herstelcodes vervangen: %w", err)
	}
	if err := s.promote(w, r, sess, auth.StageActive); err != nil {
		return fmt.Errorf("sessie naar de volgende stap zetten: %w", err)
	}
	s.log.InfoContext(ctx, "tweestapsverificatie ingesteld", "gebruiker_id", a.ID)
	return s.render(w, r, "herstelcodes", "Herstelcodes", &recoveryCodesPage{Codes: codes})
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request) error {
	sess, err := s.loadSession(r)
	if err != nil {
		return err
	}
	if sess != nil {
		if err := s.checkCSRF(r, sess.CSRF); err != nil {
			return err
		}
		if err := s.d.Sessions.DeleteSession(r.Context(), sess.IDHash); err != nil {
			return fmt.Errorf("sessie verwijderen: %w", err)
		}
	}
	s.setCookie(w, s.sessionCookieName(), "", -1)
	http.Redirect(w, r, "/inloggen", http.StatusSeeOther)
	return nil
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// loginFailed counts a failed password attempt: against the device cookie when the browser has
// one for the account, otherwise against the address, the (account, address) pairs and, with a
// short lock, the accounts as a whole.
func (s *Server) loginFailed(r *http.Request, addrKey, addr, email string, accounts []auth.Account, devices []string, now time.Time) error {
	ctx, l := r.Context(), s.cfg.Limits
	if len(devices) > 0 {
		for _, dk := range devices {
			if _, err := s.d.Throttle.ThrottleFail(ctx, dk, l.AccountFailures, l.Window, l.Lock, now); err != nil {
				return fmt.Errorf("mislukte poging tellen: %w", err)
			}
		}
		return nil
	}
	if _, err := s.d.Throttle.ThrottleFail(ctx, addrKey, l.AddressFailures, l.Window, l.Lock, now); err != nil {
		return fmt.Errorf("mislukte poging tellen: %w", err)
	}
	wide, wideLock := s.accountWide()
	for _, a := range accounts {
		ak := auth.AccountKey(a.RegionID, email)
		if _, err := s.d.Throttle.ThrottleFail(ctx, auth.PairKey(ak, addr), l.AccountFailures, l.Window, l.Lock, now); err != nil {
			return fmt.Errorf("mislukte poging tellen: %w", err)
		}
		if _, err := s.d.Throttle.ThrottleFail(ctx, ak, wide, l.Window, wideLock, now); err != nil {
			return fmt.Errorf("mislukte poging tellen: %w", err)
		}
	}
	return nil
}
