package audit

import (
	"errors"
	"fmt"
	"math"
)

// scanLeafKey reads the indexed fields (v, regio, index, tijd, leerling) of a canonical leaf
// without decoding the rest: a strict single pass that accepts only what EncodeLeaf writes at the
// top level — no whitespace, keys in strictly increasing order (so no duplicates), integers
// without leading zeros — and otherwise skips values. It is the fast path of verification; the
// stored leaf hash covers the bytes, and DecodeLeaf is the full check.
func scanLeafKey(b []byte) (LeafKey, error) {
	var k LeafKey
	var v int64
	seen := 0
	i := 0
	if len(b) < 2 || b[0] != '{' || b[len(b)-1] != '}' {
		return k, errors.New("geen JSON-object")
	}
	i = 1
	var prev []byte
	for {
		if b[i] != '"' {
			return k, fmt.Errorf("sleutel verwacht op positie %d", i)
		}
		key, next, err := scanString(b, i)
		if err != nil {
			return k, err
		}
		if prev != nil && string(key) <= string(prev) {
			return k, fmt.Errorf("sleutel %q staat niet in canonieke volgorde", key)
		}
		prev = key
		i = next
		if i >= len(b) || b[i] != ':' {
			return k, fmt.Errorf("':' verwacht op positie %d", i)
		}
		i++
		switch string(key) {
		case "v", "regio", "index", "tijd":
			n, next, err := scanInt(b, i)
			if err != nil {
				return k, fmt.Errorf("%s: %w", key, err)
			}
			switch string(key) {
			case "v":
				v = n
			case "regio":
				k.RegionID = n
			case "index":
				if n < 0 {
					return k, errors.New("negatieve index")
				}
				k.Index = uint64(n)
			case "tijd":
				k.Time = n
			}
			seen++
			i = next
		case "leerling":
			if i >= len(b) || b[i] != '"' {
				return k, errors.New("leerling: tekst verwacht")
			}
			s, next, err := scanString(b, i)
			if err != nil {
				return k, err
			}
			k.Pupil = string(s)
			i = next
		default:
			next, err := skipValue(b, i, 0)
			if err != nil {
				return k, fmt.Errorf("%s: %w", key, err)
			}
			i = next
		}
		if i >= len(b) {
			return k, errors.New("onverwacht einde")
		}
		if b[i] == '}' {
			if i != len(b)-1 {
				return k, errors.New("tekens na het object")
			}
			break
		}
		if b[i] != ',' {
			return k, fmt.Errorf("',' verwacht op positie %d", i)
		}
		i++
	}
	if seen != 4 {
		return k, errors.New("v, regio, index of tijd ontbreekt")
	}
	if v != LeafVersion {
		return k, fmt.Errorf("onbekende versie %d", v)
	}
	return k, nil
}

// stringStop marks the bytes that end the fast run inside a string: the quote, the backslash
// and the control characters (which a canonical leaf never contains).
var stringStop = func() (t [256]bool) {
	for c := 0; c < 0x20; c++ {
		t[c] = true
	}
	t['"'], t['\\'] = true, true
	return t
}()

// scanString returns the raw contents of the string starting at b[i] == '"' (escapes left as
// they are; canonical leaves escape only " and \) and the position after it. Verification
// spends most of its scanning here (the encrypted subject is the longest value), so the ordinary
// bytes are skipped with one table look-up each.
func scanString(b []byte, i int) ([]byte, int, error) {
	start := i + 1
	for j := start; j < len(b); j++ {
		for j < len(b) && !stringStop[b[j]] {
			j++
		}
		if j == len(b) {
			break
		}
		switch b[j] {
		case '\\':
			j++
		case '"':
			return b[start:j], j + 1, nil
		default:
			return nil, 0, errors.New("stuurteken in tekst")
		}
	}
	return nil, 0, errors.New("tekst niet afgesloten")
}

// scanInt reads a canonical integer (no leading zeros, no plus sign, within int64) starting at
// b[i] and returns it and the position after it.
func scanInt(b []byte, i int) (int64, int, error) {
	j := i
	neg := j < len(b) && b[j] == '-'
	if neg {
		j++
	}
	d := j
	var n uint64
	for j < len(b) && b[j] >= '0' && b[j] <= '9' {
		if j-d >= 19 { // 19 digits always fit in a uint64; a 20th may not fit an int64
			return 0, 0, errors.New("geheel getal te groot")
		}
		n = n*10 + uint64(b[j]-'0')
		j++
	}
	if j == d || (b[d] == '0' && j-d > 1) {
		return 0, 0, errors.New("geen canoniek geheel getal")
	}
	if !neg && n > math.MaxInt64 || neg && n > math.MaxInt64+1 {
		return 0, 0, errors.New("geheel getal te groot")
	}
	if neg {
		return -int64(n), j, nil
	}
	return int64(n), j, nil
}

// skipValue skips one JSON value starting at b[i] and returns the position after it.
func skipValue(b []byte, i, depth int) (int, error) {
	if depth > 4 {
		return 0, errors.New("te diep genest")
	}
	if i >= len(b) {
		return 0, errors.New("waarde verwacht")
	}
	switch c := b[i]; {
	case c == '"':
		_, next, err := scanString(b, i)
		return next, err
	case c == '-' || c >= '0' && c <= '9':
		_, next, err := scanInt(b, i)
		return next, err
	case c == 't':
		if len(b)-i >= 4 && string(b[i:i+4]) == "true" {
			return i + 4, nil
		}
	case c == '[' || c == '{':
		end := byte(']')
		if c == '{' {
			end = '}'
		}
		i++
		if i < len(b) && b[i] == end {
			return i + 1, nil
		}
		for {
			if c == '{' {
				if i >= len(b) || b[i] != '"' {
					return 0, errors.New("sleutel verwacht")
				}
				_, next, err := scanString(b, i)
				if err != nil {
					return 0, err
				}
				i = next
				if i >= len(b) || b[i] != ':' {
					return 0, errors.New("':' verwacht")
				}
				i++
			}
			next, err := skipValue(b, i, depth+1)
			if err != nil {
				return 0, err
			}
			i = next
			if i >= len(b) {
				return 0, errors.New("onverwacht einde")
			}
			if b[i] == end {
				return i + 1, nil
			}
			if b[i] != ',' {
				return 0, errors.New("',' verwacht")
			}
			i++
		}
	}
	return 0, fmt.Errorf("onverwacht teken op positie %d", i)
}
