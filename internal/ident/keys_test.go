package ident_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/grondslag/grondslag/internal/ident"
)

func TestKeyFileCreatedPrivateAndStable(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sleutels.json")
	ring, err := ident.LoadKeyFile(path)
	if err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Fatalf("key file mode %o, want 600", st.Mode().Perm())
	}
	a, err := ring.Region("regio-a")
	if err != nil {
		t.Fatal(err)
	}
	p1 := a.Pseudonym(ident.BSN, "999900006")
	again, err := ident.LoadKeyFile(path)
	if err != nil {
		t.Fatal(err)
	}
	a2, _ := again.Region("regio-a")
	if got := a2.Pseudonym(ident.BSN, "999900006"); got != p1 {
		t.Fatalf("pseudonym changed after reload: %s vs %s", got, p1)
	}
	b, _ := again.Region("regio-b")
	if b.Pseudonym(ident.BSN, "999900006") == p1 {
		t.Fatal("two regions give the same pseudonym")
	}
	if a.Pseudonym(ident.Onderwijsnummer, "999900006") == p1 {
		t.Fatal("kind is not part of the pseudonym")
	}
}

func TestKeyFileRefusedWhenReadableByOthers(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sleutels.json")
	if _, err := ident.LoadKeyFile(path); err != nil {
		t.Fatal(err)
	}
	os.Chmod(path, 0o644)
	if _, err := ident.LoadKeyFile(path); err == nil {
		t.Fatal("a world-readable key file was accepted")
	}
}

func TestSealOpenAndRotation(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sleutels.json")
	ring, _ := ident.LoadKeyFile(path)
	k, _ := ring.Region("r")
	v1, sealed, err := k.Seal([]byte("999900006"), []byte("leerling:1"))
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(sealed, []byte("999900006")) {
		t.Fatal("plaintext visible in ciphertext")
	}
	if _, err := k.Open(v1, sealed, []byte("leerling:2")); !errors.Is(err, ident.ErrDecrypt) {
		t.Fatalf("open with other aad: %v, want ErrDecrypt", err)
	}
	v2, err := ring.RotateDataKey("r")
	if err != nil || v2 != v1+1 {
		t.Fatalf("rotate: %d, %v", v2, err)
	}
	k2, _ := ring.Region("r")
	plain, err := k2.Open(v1, sealed, []byte("leerling:1"))
	if err != nil || string(plain) != "999900006" {
		t.Fatalf("old ciphertext after rotation: %q, %v", plain, err)
	}
	if nv, _, _ := k2.Seal([]byte("x"), nil); nv != v2 {
		t.Fatalf("new seal uses version %d, want %d", nv, v2)
	}
}

func TestParseKeyRingCannotCreate(t *testing.T) {
	ring, err := ident.ParseKeyRing([]byte(`{"versie":1,"regio":{}}`))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ring.Region("nieuw"); err == nil {
		t.Fatal("configured ring created a region key")
	}
}

func TestEncryptCarriesKeyVersion(t *testing.T) {
	ring, _ := ident.LoadKeyFile(filepath.Join(t.TempDir(), "sleutels.json"))
	k, _ := ring.Region("r")
	ct, err := k.Encrypt([]byte("pseudoniem"), []byte("ad"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ring.RotateDataKey("r"); err != nil {
		t.Fatal(err)
	}
	k2, _ := ring.Region("r")
	if got, err := k2.Decrypt(ct, []byte("ad")); err != nil || string(got) != "pseudoniem" {
		t.Fatalf("Decrypt after rotation = %q, %v", got, err)
	}
	if _, err := k2.Decrypt(ct, []byte("other")); !errors.Is(err, ident.ErrDecrypt) {
		t.Fatalf("Decrypt with other aad = %v", err)
	}
	if _, err := k2.Decrypt([]byte{0xff}, nil); !errors.Is(err, ident.ErrDecrypt) {
		t.Fatalf("Decrypt of garbage = %v", err)
	}
}

func TestOpenKeyFileNeverCreates(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sleutels.json")
	ring, err := ident.OpenKeyFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ring.Region("regio-a"); !errors.Is(err, ident.ErrNoKeys) {
		t.Fatalf("missing region: %v", err)
	}
	if _, err := os.Stat(path); err == nil {
		t.Fatal("OpenKeyFile or Region created the key file")
	}
	k, err := ring.Create("regio-a")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ring.Create("regio-a"); err == nil {
		t.Fatal("Create replaced existing keys")
	}
	bound := k.Fingerprints()
	if _, err := ring.Verify("regio-a", bound); err != nil {
		t.Fatal(err)
	}
	other, _ := ident.OpenKeyFile(filepath.Join(t.TempDir(), "ander.json"))
	other.Create("regio-a")
	if _, err := other.Verify("regio-a", bound); !errors.Is(err, ident.ErrKeyMismatch) {
		t.Fatalf("other keys: %v", err)
	}
	if _, err := ring.Verify("regio-a", nil); !errors.Is(err, ident.ErrKeysNotBound) {
		t.Fatalf("unbound: %v", err)
	}
	// After a signing rotation the old public key stays, so the old fingerprint still matches.
	if _, err := ring.RotateSigningKey("regio-a"); err != nil {
		t.Fatal(err)
	}
	again, _ := ident.OpenKeyFile(path)
	k2, _ := again.Region("regio-a")
	if len(k2.SigningPublicKeys()) != 2 || k2.SigningVersion() != 2 {
		t.Fatalf("signing keys after rotation: %d, version %d", len(k2.SigningPublicKeys()), k2.SigningVersion())
	}
	if _, err := again.Verify("regio-a", bound); !errors.Is(err, ident.ErrKeyMismatch) {
		t.Fatal("a key the database does not know was accepted")
	}
}
