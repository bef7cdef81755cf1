package ident_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/grondslag/grondslag/internal/ident"
)

func TestValidate(t *testing.T) {
	cases := []struct {
		kind ident.Kind
		in   string
		ok   bool
	}{
		{ident.BSN, "111222333", true},  // 9+8+7+12+10+8+9+6-3 = 66, divisible by 11
		{ident.BSN, "123456782", true},  // classic valid example
		{ident.BSN, "123456789", false}, // fails elfproef
		{ident.BSN, "12345678", false},  // too short
		{ident.BSN, "12345678a", false}, // not digits
		{ident.BSN, "000000000", false}, // all zeros
		{ident.Onderwijsnummer, "101010100", false},
		{ident.Onderwijsnummer, "223456782", false}, // does not start with 1
	}
	for _, c := range cases {
		err := ident.Validate(c.kind, c.in)
		if (err == nil) != c.ok {
			t.Errorf("Validate(%s, %q) = %v, want ok=%v", c.kind, c.in, err, c.ok)
		}
		if err != nil && !errors.Is(err, ident.ErrInvalidNumber) {
			t.Errorf("Validate(%s, %q) error %v does not wrap ErrInvalidNumber", c.kind, c.in, err)
		}
	}
}

func TestOnderwijsnummerCheck(t *testing.T) {
	// Build a valid onderwijsnummer by search and check one digit change breaks it.
	var valid string
	for n := 100000000; n < 100001000; n++ {
		s := strings.TrimSpace(itoa(n))
		if ident.Validate(ident.Onderwijsnummer, s) == nil {
			valid = s
			break
		}
	}
	if valid == "" {
		t.Fatal("no valid onderwijsnummer found in range")
	}
	sum := 0
	for i := 0; i < 9; i++ {
		w := 9 - i
		if i == 8 {
			w = 1
		}
		sum += w * int(valid[i]-'0')
	}
	if sum%11 != 5 {
		t.Fatalf("%s: weighted sum %d mod 11 = %d, want 5", valid, sum, sum%11)
	}
	broken := valid[:8] + string('0'+(valid[8]-'0'+1)%10)
	if ident.Validate(ident.Onderwijsnummer, broken) == nil {
		t.Fatalf("%s accepted after changing the last digit", broken)
	}
}

func TestSyntheticBSN(t *testing.T) {
	all, err := ident.SyntheticBSNs(6000)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, b := range all {
		if !strings.HasPrefix(b, ident.SyntheticBSNPrefix) {
			t.Fatalf("%s outside the synthetic range", b)
		}
		if err := ident.Validate(ident.BSN, b); err != nil {
			t.Fatalf("%s: %v", b, err)
		}
		if seen[b] {
			t.Fatalf("%s twice", b)
		}
		seen[b] = true
	}
}

func itoa(n int) string {
	var b [9]byte
	for i := 8; i >= 0; i-- {
		b[i] = byte('0' + n%10)
		n /= 10
	}
	return string(b[:])
}

func TestSyntheticIdentifiersBeyondBSNRange(t *testing.T) {
	const n = 250000
	all, err := ident.SyntheticIdentifiers(n)
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != n {
		t.Fatalf("%d identifiers, want %d", len(all), n)
	}
	seen := make(map[string]bool, n)
	kinds := map[ident.Kind]int{}
	for _, id := range all {
		if err := ident.Validate(id.Kind, id.Number); err != nil {
			t.Fatalf("%s %s: %v", id.Kind, id.Number, err)
		}
		prefix := ident.SyntheticBSNPrefix
		if id.Kind == ident.Onderwijsnummer {
			prefix = ident.SyntheticOnderwijsnummerPrefix
		}
		if !strings.HasPrefix(id.Number, prefix) {
			t.Fatalf("%s %s outside its synthetic range", id.Kind, id.Number)
		}
		if seen[id.Number] {
			t.Fatalf("%s twice", id.Number)
		}
		seen[id.Number] = true
		kinds[id.Kind]++
	}
	if kinds[ident.BSN] != 9091 || kinds[ident.Onderwijsnummer] != n-9091 {
		t.Fatalf("kinds %v: want every test BSN first, then onderwijsnummers", kinds)
	}
	if all[0].Kind != ident.BSN || all[9091].Kind != ident.Onderwijsnummer {
		t.Fatalf("order: %v, %v", all[0], all[9091])
	}
	if _, err := ident.SyntheticIdentifiers(ident.MaxSyntheticIdentifiers + 1); err == nil {
		t.Fatal("more than the ranges hold: want an error")
	}
	if got, _ := ident.SyntheticIdentifiers(ident.MaxSyntheticIdentifiers); len(got) != ident.MaxSyntheticIdentifiers {
		t.Fatalf("the whole range: %d, want %d", len(got), ident.MaxSyntheticIdentifiers)
	}
}
