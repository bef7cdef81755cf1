package envelope

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

func mustKey(t *testing.T, id int64) *Key {
	t.Helper()
	raw, err := NewKey()
	if err != nil {
		t.Fatal(err)
	}
	k, err := NewAEADKey(id, raw)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func TestSealOpen(t *testing.T) {
	k := mustKey(t, 300)
	b := Binding{Region: 1, Pupil: 42, Field: "casus_verslag.tekst"}
	plain := []byte("Moeder vertelt dat Sanne sinds de scheiding niet meer slaapt.")
	s, err := k.Seal(b, plain)
	if err != nil {
		t.Fatal(err)
	}
	if !IsSealed(s) || strings.Contains(s, "Sanne") {
		t.Fatalf("sealed form %q", s)
	}
	if id, err := KeyID(s); err != nil || id != 300 {
		t.Fatalf("KeyID = %d, %v", id, err)
	}
	got, err := k.Open(b, s)
	if err != nil || !bytes.Equal(got, plain) {
		t.Fatalf("Open = %q, %v", got, err)
	}
	s2, _ := k.Seal(b, plain)
	if s2 == s {
		t.Fatal("two seals of the same text are equal: nonce reused")
	}
	if e, err := k.Seal(b, nil); e != "" || err != nil {
		t.Fatalf("empty: %q %v", e, err)
	}
}

func TestBindingAndTamper(t *testing.T) {
	k := mustKey(t, 7)
	b := Binding{Region: 1, Pupil: 42, Field: "casus_verslag.tekst"}
	s, _ := k.Seal(b, []byte("inhoud"))
	for name, other := range map[string]Binding{
		"other region": {Region: 2, Pupil: 42, Field: b.Field},
		"other pupil":  {Region: 1, Pupil: 43, Field: b.Field},
		"other column": {Region: 1, Pupil: 42, Field: "casus_afspraak.omschrijving"},
	} {
		if _, err := k.Open(other, s); !errors.Is(err, ErrOpen) {
			t.Errorf("%s: err = %v, want ErrOpen", name, err)
		}
	}
	if _, err := mustKey(t, 7).Open(b, s); !errors.Is(err, ErrOpen) {
		t.Errorf("other key with the same id: %v", err)
	}
	if _, err := mustKey(t, 8).Open(b, s); !errors.Is(err, ErrOpen) {
		t.Errorf("other key id: %v", err)
	}
	raw := []byte(s)
	raw[len(raw)-3] ^= 1
	if _, err := k.Open(b, string(raw)); err == nil {
		t.Error("tampered value opened")
	}
	for _, bad := range []string{"gewone tekst", "gs1:", "gs1:!!", "gs1:AA"} {
		if _, err := k.Open(b, bad); err == nil {
			t.Errorf("%q opened", bad)
		}
	}
	if _, err := NewAEADKey(1, make([]byte, 16)); err == nil {
		t.Error("16-byte key accepted")
	}
}

func TestAADsDiffer(t *testing.T) {
	if bytes.Equal(WrapAAD(1, 23, 4), WrapAAD(12, 3, 4)) || bytes.Equal(ContentAAD(Binding{1, 23, "a.b"}, 4), ContentAAD(Binding{12, 3, "a.b"}, 4)) {
		t.Fatal("ambiguous additional data")
	}
}
