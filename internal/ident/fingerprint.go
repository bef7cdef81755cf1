package ident

import (
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
)

// Key kinds as stored beside a region in the database (regio_sleutel.soort).
const (
	KeyPseudonym = "pseudoniem"
	KeyData      = "gegevens"
	KeySigning   = "ondertekening"
)

// Fingerprint names one key of a region without revealing it: the first 16 bytes (32 hex
// characters) of SHA-256 over a fixed label, the kind and the key (for the signing key: its public
// half, so an outsider holding the verifier key can recompute it).
type Fingerprint struct {
	Kind        string
	Version     int
	Fingerprint string
}

func (f Fingerprint) String() string {
	return fmt.Sprintf("%s v%d %s", f.Kind, f.Version, f.Fingerprint)
}

func fingerprint(kind string, key []byte) string {
	h := sha256.New()
	io.WriteString(h, "grondslag sleutel-vingerafdruk v1\x00"+kind+"\x00")
	h.Write(key)
	return hex.EncodeToString(h.Sum(nil)[:16])
}

// Fingerprints lists the fingerprints of every key the region holds: the pseudonym key, every
// data key version, and every signing key version (old ones by their public half), sorted by kind
// and version.
func (k *RegionKeys) Fingerprints() []Fingerprint {
	out := []Fingerprint{{KeyPseudonym, 1, fingerprint(KeyPseudonym, k.pseudonymKey)}}
	for v, raw := range k.dataRaw {
		out = append(out, Fingerprint{KeyData, v, fingerprint(KeyData, raw)})
	}
	for v, pub := range k.SigningPublicKeys() {
		out = append(out, Fingerprint{KeySigning, v, fingerprint(KeySigning, pub)})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Kind != out[j].Kind {
			return out[i].Kind < out[j].Kind
		}
		return out[i].Version < out[j].Version
	})
	return out
}

// SigningVersion is the version of the current signing key.
func (k *RegionKeys) SigningVersion() int { return k.signingVersion }

// SigningPublicKeys returns the public keys of every signing key version, the current one
// included: checkpoints signed before a rotation verify with the older ones.
func (k *RegionKeys) SigningPublicKeys() map[int]ed25519.PublicKey {
	out := map[int]ed25519.PublicKey{k.signingVersion: k.signing.Public().(ed25519.PublicKey)}
	for v, pub := range k.oldSigning {
		out[v] = pub
	}
	return out
}

// RotateSigningKey makes a new signing key current for the region. The old key's public half
// stays in the file so that checkpoints it signed keep verifying; its private half is dropped, so
// nothing new can be signed with it.
func (r *KeyRing) RotateSigningKey(code string) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	f, ok := r.file.Regio[code]
	if !ok || r.path == "" {
		return 0, fmt.Errorf("regio %s heeft geen sleutels in een sleutelbestand (%s)", code, r.Source())
	}
	cur := max(f.OndertekeningVersie, 1)
	seed := make([]byte, ed25519.SeedSize)
	if _, err := io.ReadFull(r.random, seed); err != nil {
		return 0, err
	}
	old := f
	prev := map[string][]byte{}
	for v, b := range f.VorigeOndertekening {
		prev[v] = b
	}
	prev[strconv.Itoa(cur)] = []byte(ed25519.NewKeyFromSeed(f.Ondertekening).Public().(ed25519.PublicKey))
	f.VorigeOndertekening, f.Ondertekening, f.OndertekeningVersie = prev, seed, cur+1
	k, err := f.keys()
	if err != nil {
		return 0, err
	}
	r.file.Regio[code] = f
	if err := r.save(); err != nil {
		r.file.Regio[code] = old
		return 0, err
	}
	r.regions[code] = k
	return cur + 1, nil
}

// ErrKeysNotBound is returned by Verify when the database records no fingerprints for a region
// (a database from before key binding): the keys must be bound once, explicitly.
var ErrKeysNotBound = errors.New("de database legt voor deze regio nog geen sleutelvingerafdrukken vast")

// ErrKeyMismatch is returned by Verify when the ring's keys differ from the ones the database
// was written with.
var ErrKeyMismatch = errors.New("de sleutels passen niet bij de database")

// Verify returns the region's keys when they are exactly the keys the database records for it
// (bound): every recorded kind and version present with the same fingerprint, and nothing in the
// ring the database does not know. Any other case is a clear error naming the expected
// fingerprints and where the keys were looked for; nothing is created or written.
func (r *KeyRing) Verify(code string, bound []Fingerprint) (*RegionKeys, error) {
	hint := "geef het juiste sleutelbestand op met --sleutels of GRONDSLAG_SLEUTELBESTAND, of de sleutels zelf in GRONDSLAG_SLEUTELS; maak geen nieuwe sleutels aan voor een bestaande regio: dan worden versleutelde gegevens onleesbaar en krijgt een bekende leerling een tweede pseudoniem"
	if len(bound) == 0 {
		return nil, fmt.Errorf("regio %s: %w; controleer dat %s de sleutels van deze regio bevat en leg ze eenmalig vast met 'grondslag sleutels koppelen --regio %s'", code, ErrKeysNotBound, r.Source(), code)
	}
	want := make([]string, len(bound))
	for i, f := range bound {
		want[i] = f.String()
	}
	expected := "de database verwacht: " + strings.Join(want, ", ")
	r.mu.Lock()
	k, ok := r.regions[code]
	r.mu.Unlock()
	if !ok {
		return nil, fmt.Errorf("%w: geen sleutels voor regio %s in %s; %s; %s", ErrNoKeys, code, r.Source(), expected, hint)
	}
	have := map[[2]string]string{}
	for _, f := range k.Fingerprints() {
		have[[2]string{f.Kind, strconv.Itoa(f.Version)}] = f.Fingerprint
	}
	var problems []string
	for _, f := range bound {
		key := [2]string{f.Kind, strconv.Itoa(f.Version)}
		got, ok := have[key]
		switch {
		case !ok:
			problems = append(problems, fmt.Sprintf("%s v%d ontbreekt", f.Kind, f.Version))
		case got != f.Fingerprint:
			problems = append(problems, fmt.Sprintf("%s v%d heeft vingerafdruk %s, verwacht %s", f.Kind, f.Version, got, f.Fingerprint))
		}
		delete(have, key)
	}
	for key, fp := range have {
		problems = append(problems, fmt.Sprintf("%s v%s (%s) is de database onbekend; sleutels worden alleen met 'grondslag sleutels roteren' bijgemaakt", key[0], key[1], fp))
	}
	if len(problems) > 0 {
		sort.Strings(problems)
		return nil, fmt.Errorf("%w: regio %s in %s: %s; %s; %s", ErrKeyMismatch, code, r.Source(), strings.Join(problems, "; "), expected, hint)
	}
	return k, nil
}

// Export returns the ring as key-file JSON (for a separate copy of the key material beside a
// backup). Handle it as the key file itself: mode 0600, never next to the database copy.
func (r *KeyRing) Export() ([]byte, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return json.MarshalIndent(r.file, "", "  ")
}
