package auth

import (
	"errors"
	"time"
)

// Stage is how far a session has come in signing in.
type Stage string

const (
	StageMFA      Stage = "mfa"             // password or OIDC done; TOTP still to check
	StageMFAEnrol Stage = "mfa-inschrijven" // password done; TOTP must first be set up
	StageActive   Stage = "actief"          // fully signed in
)

// Session is a server-side session. Its id is known to the browser only; the store keeps its hash.
type Session struct {
	IDHash   string
	RegionID int64
	UserID   int64 // professional; 0 for a parent
	ParentID int64 // parent; 0 for a professional
	PupilID  int64 // the pupil's own account; 0 otherwise
	Stage    Stage
	CSRF     string // synchronizer token for every form of this session
	Purpose  string // the doel the user works under (chosen in the UI)
	Created  time.Time
	LastSeen time.Time
}

// Timeouts are the session limits: idle (no request) and absolute (since sign-in). They come from
// the convenant's beveiligingseisen when it states them, otherwise from configuration.
type Timeouts struct {
	Idle     time.Duration
	Absolute time.Duration
	// PreAuth bounds a session that has not finished MFA.
	PreAuth time.Duration
}

// DefaultTimeouts: 30 minutes idle, 12 hours absolute, 10 minutes to finish MFA.
var DefaultTimeouts = Timeouts{Idle: 30 * time.Minute, Absolute: 12 * time.Hour, PreAuth: 10 * time.Minute}

// ErrSessionExpired is returned when a session is past a limit.
var ErrSessionExpired = errors.New("sessie verlopen")

// Check returns ErrSessionExpired when s is past a timeout at now.
func (t Timeouts) Check(s Session, now time.Time) error {
	if s.Stage != StageActive && now.Sub(s.Created) > t.PreAuth {
		return ErrSessionExpired
	}
	if now.Sub(s.LastSeen) > t.Idle || now.Sub(s.Created) > t.Absolute {
		return ErrSessionExpired
	}
	return nil
}

// NewSession starts a session and returns the token for the cookie.
func NewSession(regionID, userID, parentID int64, stage Stage, now time.Time) (token string, s Session) {
	token, hash := NewToken()
	csrf, _ := NewToken()
	return token, Session{IDHash: hash, RegionID: regionID, UserID: userID, ParentID: parentID, Stage: stage, CSRF: csrf, Created: now, LastSeen: now}
}

// Limits are the login throttling rules over a sliding window (docs/web.md, "Inlogbeperking").
// A failure counts against the client address, against the pair (account, address) and, for a
// browser without this account's device cookie, against the account as a whole. The pair and the
// address are locked for Lock; the account as a whole only for the short AccountWideLock, and a
// browser with the account's device cookie (set after a complete sign-in) is never held by the
// address or account-wide counters, only by its own: so nobody can lock a colleague out of their
// own browser by guessing at their e-mail address.
type Limits struct {
	AccountFailures     int           // failures per (account, address) or per device in Window before it is locked
	AddressFailures     int           // failures per client address in Window before it is locked
	AccountWideFailures int           // failures per account from browsers without its device cookie (0: 2×AccountFailures)
	AccountWideLock     time.Duration // lock of the account-wide counter (0: 5 minutes): a slowdown, not a lockout
	Window              time.Duration // counting window
	Lock                time.Duration // how long a lock lasts
}

// DefaultLimits: 5 failures per account and address or per device, 20 per address, 10 per account
// from unknown browsers, within 15 minutes; locks of 15 minutes, account-wide 5 minutes.
var DefaultLimits = Limits{AccountFailures: 5, AddressFailures: 20, AccountWideFailures: 10, AccountWideLock: 5 * time.Minute, Window: 15 * time.Minute, Lock: 15 * time.Minute}

// PairKey names the counter of one account from one client address.
func PairKey(accountKey, addr string) string { return "paar:" + HashToken(accountKey+"|"+addr) }

// DeviceKey names the counter of one device cookie.
func DeviceKey(cookie string) string { return "apparaat:" + HashToken(cookie) }

// AccountKey and AddressKey name the throttle counters. The e-mail address and the client address
// are hashed, so the throttle table holds no readable personal data.
func AccountKey(regionID int64, email string) string {
	return "account:" + HashToken(itoa(regionID)+":"+NormaliseEmail(email))
}

// AddressKey names the counter of a client address.
func AddressKey(addr string) string { return "adres:" + HashToken(addr) }

func itoa(n int64) string {
	if n == 0 {
		return "0"
	}
	var b [20]byte
	i := len(b)
	neg := n < 0
	if neg {
		n = -n
	}
	for n > 0 {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
	}
	if neg {
		i--
		b[i] = '-'
	}
	return string(b[i:])
}

// ErrNoSession is returned by stores when a session id is unknown.
var ErrNoSession = errors.New("sessie onbekend")
