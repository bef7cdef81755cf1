package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base32"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"math/big"
	"strings"
)

var b32 = base32.StdEncoding.WithPadding(base32.NoPadding)

// NewToken returns a random 256-bit token (URL-safe) and its SHA-256 hash. Only the hash is stored,
// so a copy of the database does not hold usable session ids or API tokens.
func NewToken() (token, hash string) {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	token = base64.RawURLEncoding.EncodeToString(b[:])
	return token, HashToken(token)
}

// HashToken returns the hex SHA-256 of a token (session id, API token, recovery code, login code).
func HashToken(token string) string {
	s := sha256.Sum256([]byte(token))
	return hex.EncodeToString(s[:])
}

func constantEqual(a, b string) bool { return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1 }

// RecoveryCodeCount is how many recovery codes an enrolment hands out.
const RecoveryCodeCount = 10

// NewRecoveryCodes returns fresh recovery codes (shown once) and their hashes (stored).
// A code is 10 base32 characters (50 bits) written as xxxxx-xxxxx.
func NewRecoveryCodes() (codes, hashes []string) {
	for range RecoveryCodeCount {
		var b [7]byte
		rand.Read(b[:])
		s := strings.ToLower(b32.EncodeToString(b[:]))[:10]
		c := s[:5] + "-" + s[5:]
		codes = append(codes, c)
		hashes = append(hashes, HashToken(NormaliseRecoveryCode(c)))
	}
	return codes, hashes
}

// NormaliseRecoveryCode lower-cases a typed recovery code and drops spaces and dashes.
func NormaliseRecoveryCode(c string) string {
	return strings.NewReplacer("-", "", " ", "").Replace(strings.ToLower(strings.TrimSpace(c)))
}

// NewLoginCode returns a random 8-digit one-time code for a parent's e-mail login and its hash.
func NewLoginCode() (code, hash string) {
	n, err := rand.Int(rand.Reader, big.NewInt(100_000_000))
	if err != nil {
		panic(err)
	}
	code = fmt.Sprintf("%08d", n.Int64())
	return code, HashToken(code)
}

// NormaliseLoginCode drops spaces from a typed code.
func NormaliseLoginCode(c string) string { return strings.ReplaceAll(strings.TrimSpace(c), " ", "") }

// APITokenPrefix marks Grondslag API tokens so that secret scanners can find leaked ones.
const APITokenPrefix = "gsl_"

// NewAPIToken returns a new API client token and its hash.
func NewAPIToken() (token, hash string) {
	t, _ := NewToken()
	t = APITokenPrefix + t
	return t, HashToken(t)
}
