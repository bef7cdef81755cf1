// Package ident validates pupil identifiers (BSN, onderwijsnummer) and keeps the per-region keys
// that make sure they are never stored in clear next to case data: an HMAC pseudonym for look-up
// and matching, an AES-GCM ciphertext for display to those allowed, and the region's Ed25519 key
// that signs the audit log's checkpoints.
package ident

import (
	"errors"
	"fmt"
)

// Kind is the kind of a pupil identifier.
type Kind string

const (
	BSN             Kind = "bsn"
	Onderwijsnummer Kind = "onderwijsnummer"
)

// ErrInvalidNumber is wrapped by every validation error of an identifier.
var ErrInvalidNumber = errors.New("ongeldig nummer")

// ParseKind accepts the Dutch codes "bsn" and "onderwijsnummer".
func ParseKind(s string) (Kind, error) {
	switch Kind(s) {
	case BSN, Onderwijsnummer:
		return Kind(s), nil
	}
	return "", fmt.Errorf("onbekende soort nummer %q: gebruik bsn of onderwijsnummer", s)
}

// Validate checks an identifier of the given kind: nine digits and its check. A BSN passes the
// elfproef (9·d1 + 8·d2 + … + 2·d8 − d9 divisible by 11); an onderwijsnummer starts with 1 and its
// weighted sum (9·d1 + … + 2·d8 + d9) leaves remainder 5 when divided by 11.
func Validate(kind Kind, s string) error {
	if len(s) != 9 {
		return fmt.Errorf("%w: een %s heeft 9 cijfers, dit zijn er %d", ErrInvalidNumber, kind, len(s))
	}
	sum := 0
	for i := 0; i < 9; i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return fmt.Errorf("%w: een %s bestaat alleen uit cijfers", ErrInvalidNumber, kind)
		}
		w := 9 - i
		if i == 8 {
			w = 1
			if kind == BSN {
				w = -1
			}
		}
		sum += w * int(c-'0')
	}
	switch kind {
	case BSN:
		if s == "000000000" || sum%11 != 0 {
			return fmt.Errorf("%w: dit BSN voldoet niet aan de elfproef", ErrInvalidNumber)
		}
	case Onderwijsnummer:
		if s[0] != '1' || sum%11 != 5 {
			return fmt.Errorf("%w: dit onderwijsnummer klopt niet (begint met 1 en voldoet aan de controle)", ErrInvalidNumber)
		}
	default:
		return fmt.Errorf("onbekende soort nummer %q", kind)
	}
	return nil
}

// SyntheticBSNPrefix is the range the demo draws BSNs from: 9999xxxxx. The RvIG keeps BSNs that
// start with 9999 for test persons in its test environments; no real person has one.
const SyntheticBSNPrefix = "9999"

// SyntheticBSNs returns the first n valid BSNs of the synthetic range 999900000–999999999, in
// ascending order. It is deterministic: the demo's same seed gives the same numbers.
func SyntheticBSNs(n int) ([]string, error) {
	out := make([]string, 0, n)
	buf := []byte(SyntheticBSNPrefix + "00000")
	for body := 0; body < 100000 && len(out) < n; body++ {
		for i, v := 8, body; i >= 4; i-- {
			buf[i] = byte('0' + v%10)
			v /= 10
		}
		if Validate(BSN, string(buf)) == nil {
			out = append(out, string(buf))
		}
	}
	if len(out) < n {
		return nil, fmt.Errorf("de synthetische reeks heeft maar %d geldige BSN's, %d gevraagd", len(out), n)
	}
	return out, nil
}
