package web

import (
	"encoding/base64"
	"encoding/binary"
	"net/http"
	"time"

	"github.com/grondslag/grondslag/internal/auth"
)

// Device cookies (OWASP, "Slow Down Online Guessing Attacks with Device Cookies"): after a
// complete sign-in (password and second factor) the browser gets a sealed cookie bound to the
// account. A later sign-in from that browser is throttled only by the cookie's own counter, so an
// attacker who guesses at a colleague's e-mail address from elsewhere slows down unknown browsers
// for that account but never locks the colleague out of their own.

const deviceCookie = "gs_apparaat"

// deviceLifetime is how long a browser stays known.
const deviceLifetime = 180 * 24 * time.Hour

func deviceLabel(accountKey string) string { return "apparaat:" + accountKey }

// setDevice gives the browser a device cookie for the account.
func (s *Server) setDevice(w http.ResponseWriter, accountKey string) {
	plain := binary.BigEndian.AppendUint64(nil, uint64(s.now().Add(deviceLifetime).Unix()))
	token := base64.RawURLEncoding.EncodeToString(s.d.Sealer.Seal(plain, deviceLabel(accountKey)))
	c := &http.Cookie{Name: deviceCookie, Value: token, Path: "/inloggen", HttpOnly: true, Secure: s.cfg.TLS, SameSite: http.SameSiteStrictMode, MaxAge: int(deviceLifetime.Seconds())}
	http.SetCookie(w, c)
}

// deviceKey returns the throttle counter of the request's device cookie when it is valid for the
// account (sealed for it and not expired).
func (s *Server) deviceKey(r *http.Request, accountKey string) (string, bool) {
	c, err := r.Cookie(deviceCookie)
	if err != nil || c.Value == "" || len(c.Value) > 200 {
		return "", false
	}
	sealed, err := base64.RawURLEncoding.DecodeString(c.Value)
	if err != nil {
		return "", false
	}
	plain, err := s.d.Sealer.Open(sealed, deviceLabel(accountKey))
	if err != nil || len(plain) != 8 || int64(binary.BigEndian.Uint64(plain)) < s.now().Unix() {
		return "", false
	}
	return auth.DeviceKey(c.Value), true
}

// accountWide returns the account-wide limit and lock, with their defaults.
func (s *Server) accountWide() (int, time.Duration) {
	n, lock := s.cfg.Limits.AccountWideFailures, s.cfg.Limits.AccountWideLock
	if n <= 0 {
		n = 2 * s.cfg.Limits.AccountFailures
	}
	if lock <= 0 {
		lock = 5 * time.Minute
	}
	return n, lock
}
