package auth

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"

	"golang.org/x/crypto/argon2"
)

// PasswordParams are the argon2id cost parameters. The defaults follow the OWASP password storage
// cheat sheet (m=19 MiB, t=2, p=1).
type PasswordParams struct {
	Memory  uint32 // KiB
	Time    uint32
	Threads uint8
	KeyLen  uint32
	SaltLen int
}

// DefaultPasswordParams are used for every new hash.
var DefaultPasswordParams = PasswordParams{Memory: 19 * 1024, Time: 2, Threads: 1, KeyLen: 32, SaltLen: 16}

// MinPasswordLength is the shortest password accepted when one is set (NIST SP 800-63B: at least 8;
// we ask 12 for accounts that reach special categories of data).
const MinPasswordLength = 12

// ErrPasswordTooShort is returned by CheckNewPassword.
var ErrPasswordTooShort = fmt.Errorf("het wachtwoord moet minstens %d tekens hebben", MinPasswordLength)

// ErrBadHash is returned when a stored hash cannot be parsed.
var ErrBadHash = errors.New("onleesbare wachtwoordhash")

// CheckNewPassword validates a password a user wants to set.
func CheckNewPassword(pw string) error {
	if len([]rune(pw)) < MinPasswordLength {
		return ErrPasswordTooShort
	}
	return nil
}

// HashPassword returns the PHC-formatted argon2id hash of pw with a fresh random salt.
func HashPassword(pw string, p PasswordParams) (string, error) {
	salt := make([]byte, p.SaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	key := argon2.IDKey([]byte(pw), salt, p.Time, p.Memory, p.Threads, p.KeyLen)
	enc := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, p.Memory, p.Time, p.Threads,
		enc.EncodeToString(salt), enc.EncodeToString(key)), nil
}

// VerifyPassword reports whether pw matches the PHC-formatted argon2id hash, in constant time.
func VerifyPassword(pw, hash string) (bool, error) {
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false, ErrBadHash
	}
	var v int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &v); err != nil || v != argon2.Version {
		return false, ErrBadHash
	}
	var m, t uint32
	var th uint8
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &th); err != nil || m == 0 || t == 0 || th == 0 {
		return false, ErrBadHash
	}
	enc := base64.RawStdEncoding
	salt, err := enc.DecodeString(parts[4])
	if err != nil {
		return false, ErrBadHash
	}
	want, err := enc.DecodeString(parts[5])
	if err != nil || len(want) == 0 {
		return false, ErrBadHash
	}
	got := argon2.IDKey([]byte(pw), salt, t, m, th, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1, nil
}

// dummyHash is verified against when an account does not exist or has no password, so that the
// response time does not tell whether an e-mail address is known.
var dummyHash = func() string {
	h, err := HashPassword("grondslag-dummy-wachtwoord", DefaultPasswordParams)
	if err != nil {
		panic(err)
	}
	return h
}()

// BurnPasswordTime spends the same time as a real verification; call it when there is no hash to
// check.
func BurnPasswordTime(pw string) { VerifyPassword(pw, dummyHash) }
