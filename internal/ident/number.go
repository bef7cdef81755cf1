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
// start with 9999 for test persons in its test environments; no real person has one. The range
// holds 9,091 numbers that pass the elfproef.
const SyntheticBSNPrefix = "9999"

// MaxSyntheticBSNs is how many valid BSNs the synthetic range 9999xxxxx holds.
const MaxSyntheticBSNs = 9091

// SyntheticOnderwijsnummerPrefix is where the demo draws its pupils beyond the BSN test range:
// onderwijsnummers 19xxxxxxx, counted down from 199999999. DUO publishes no test range for
// onderwijsnummers (it issues them to pupils without a BSN); the top of the range is taken in the
// expectation that it lies farthest from what was issued, an assumption that was not checked
// with DUO (docs/demo-identificatie.md).
// The demo keeps them only in its own database under its own keys, with invented names, so a
// collision with a real pupil would still reveal nothing about that pupil.
const SyntheticOnderwijsnummerPrefix = "19"

// Identifier is a pupil identifier with its kind.
type Identifier struct {
	Kind   Kind
	Number string
}

// SyntheticBSNs returns the first n valid BSNs of the synthetic range 999900000–999999999, in
// ascending order. It is deterministic: the demo's same seed gives the same numbers.
func SyntheticBSNs(n int) ([]string, error) {
	out := make([]string, 0, min(n, 10000))
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

// MaxSyntheticIdentifiers is how many distinct identifiers SyntheticIdentifiers can give: the
// 9,091 test BSNs plus the 909,091 valid onderwijsnummers of 190000000–199999999.
const MaxSyntheticIdentifiers = MaxSyntheticBSNs + 909091

// SyntheticIdentifiers returns n distinct valid identifiers for synthetic pupils: first every BSN
// of the test range (SyntheticBSNs), then onderwijsnummers counted down from 199999999
// (SyntheticOnderwijsnummerPrefix). Every number passes Validate for its kind; nothing is
// weakened to make room. Deterministic, like SyntheticBSNs.
func SyntheticIdentifiers(n int) ([]Identifier, error) {
	if n > MaxSyntheticIdentifiers {
		return nil, fmt.Errorf("er zijn maar %d synthetische nummers (%d test-BSN's en onderwijsnummers 19xxxxxxx), %d gevraagd", MaxSyntheticIdentifiers, 9091, n)
	}
	bsns, err := SyntheticBSNs(min(n, 9091))
	if err != nil {
		return nil, err
	}
	out := make([]Identifier, 0, n)
	for _, b := range bsns {
		out = append(out, Identifier{Kind: BSN, Number: b})
	}
	buf := []byte(SyntheticOnderwijsnummerPrefix + "0000000")
	for body := 9999999; body >= 0 && len(out) < n; body-- {
		for i, v := 8, body; i >= 2; i-- {
			buf[i] = byte('0' + v%10)
			v /= 10
		}
		if Validate(Onderwijsnummer, string(buf)) == nil {
			out = append(out, Identifier{Kind: Onderwijsnummer, Number: string(buf)})
		}
	}
	if len(out) < n {
		return nil, fmt.Errorf("de synthetische reeksen hebben maar %d geldige nummers, %d gevraagd", len(out), n)
	}
	return out, nil
}
