package ident

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/ed25519"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
)

// RegionKeys are one region's secrets. Pseudonyms are HMAC-SHA256 under PseudonymKey; data is
// sealed with AES-256-GCM under the current data key (older versions stay for decryption until
// re-encrypted); checkpoints of the audit log are signed with Signing.
type RegionKeys struct {
	pseudonymKey   []byte
	dataKeys       map[int]cipher.AEAD
	dataRaw        map[int][]byte // for fingerprints only
	current        int
	signing        ed25519.PrivateKey
	signingVersion int
	oldSigning     map[int]ed25519.PublicKey // earlier signing keys: old checkpoints keep verifying
}

// Pseudonym returns the region's stable pseudonym of an identifier: 32 hex characters (128 bits)
// of HMAC-SHA256 over "kind:number". The same number gives the same pseudonym in one region and
// an unrelated one in another.
func (k *RegionKeys) Pseudonym(kind Kind, number string) string {
	m := hmac.New(sha256.New, k.pseudonymKey)
	m.Write([]byte(kind))
	m.Write([]byte{':'})
	m.Write([]byte(number))
	return hex.EncodeToString(m.Sum(nil)[:16])
}

// Seal encrypts plain under the current data key, binding it to aad (for example the table and
// row it belongs to), and returns the key version with the nonce-prefixed ciphertext.
func (k *RegionKeys) Seal(plain, aad []byte) (version int, sealed []byte, err error) {
	aead := k.dataKeys[k.current]
	nonce := make([]byte, aead.NonceSize(), aead.NonceSize()+len(plain)+aead.Overhead())
	if _, err := rand.Read(nonce); err != nil {
		return 0, nil, err
	}
	return k.current, aead.Seal(nonce, nonce, plain, aad), nil
}

// ErrDecrypt is returned when a ciphertext does not open (wrong key, tampered, wrong aad).
var ErrDecrypt = errors.New("ontsleutelen mislukt")

// Open decrypts what Seal produced with the given key version.
func (k *RegionKeys) Open(version int, sealed, aad []byte) ([]byte, error) {
	aead, ok := k.dataKeys[version]
	if !ok {
		return nil, fmt.Errorf("%w: sleutelversie %d ontbreekt", ErrDecrypt, version)
	}
	if len(sealed) < aead.NonceSize() {
		return nil, ErrDecrypt
	}
	plain, err := aead.Open(nil, sealed[:aead.NonceSize()], sealed[aead.NonceSize():], aad)
	if err != nil {
		return nil, ErrDecrypt
	}
	return plain, nil
}

// CurrentDataKeyVersion is the version Seal uses.
func (k *RegionKeys) CurrentDataKeyVersion() int { return k.current }

// Signer is the region's Ed25519 key for audit checkpoints.
func (k *RegionKeys) Signer() ed25519.PrivateKey { return k.signing }

// KeyRing holds the keys of every region, backed by a key file (JSON, mode 0600) or by the
// contents of the GRONDSLAG_SLEUTELS variable. A ring opened with OpenKeyFile or ParseKeyRing
// never invents keys: Region fails for a region it does not hold, and only Create (behind
// `grondslag sleutels aanmaken` and `grondslag regio aanmaken`) makes new ones. LoadKeyFile is the
// permissive variant for tests and throwaway setups: it creates the file and a region's keys on
// first use.
type KeyRing struct {
	mu         sync.Mutex
	path       string // "" when the ring came from configuration and may not be written
	autoCreate bool   // LoadKeyFile: Region creates missing keys
	file       keyFile
	regions    map[string]*RegionKeys
	expect     map[string][]Fingerprint // what the database records, for the error of a missing region
	random     io.Reader
}

type keyFile struct {
	Versie int                      `json:"versie"`
	Regio  map[string]regionKeyFile `json:"regio"`
}

type regionKeyFile struct {
	Pseudoniem    []byte            `json:"pseudoniem"`
	Data          map[string][]byte `json:"data"`
	HuidigeData   int               `json:"huidige_data"`
	Ondertekening []byte            `json:"ondertekening"`
	// OndertekeningVersie is the version of the current signing key (0 in files from before
	// rotation existed: version 1). VorigeOndertekening holds the public keys of earlier
	// versions, so checkpoints they signed keep verifying; their private halves are gone.
	OndertekeningVersie int               `json:"ondertekening_versie,omitempty"`
	VorigeOndertekening map[string][]byte `json:"vorige_ondertekening,omitempty"`
}

// LoadKeyFile opens the key file at path, creating an empty one (mode 0600) if it does not exist,
// and creates a region's keys on first use. Only for tests and throwaway setups: commands use
// OpenKeyFile, which never invents keys for an existing region.
func LoadKeyFile(path string) (*KeyRing, error) {
	r, err := OpenKeyFile(path)
	if err != nil {
		return nil, err
	}
	r.autoCreate = true
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		return r, r.save()
	}
	return r, nil
}

// OpenKeyFile opens the key file at path. A missing file gives an empty ring (nothing is written
// until Create); a file that others than its owner may read is refused.
func OpenKeyFile(path string) (*KeyRing, error) {
	r := &KeyRing{path: path, regions: map[string]*RegionKeys{}, random: rand.Reader}
	st, err := os.Stat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		r.file = keyFile{Versie: 1, Regio: map[string]regionKeyFile{}}
		return r, nil
	case err != nil:
		return nil, fmt.Errorf("sleutelbestand %s: %w", path, err)
	case st.Mode().Perm()&0o077 != 0:
		return nil, fmt.Errorf("sleutelbestand %s is leesbaar voor anderen (rechten %o); maak het alleen voor de eigenaar leesbaar met: chmod 600 %s", path, st.Mode().Perm(), path)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("sleutelbestand %s: %w", path, err)
	}
	if err := r.parse(b); err != nil {
		return nil, fmt.Errorf("sleutelbestand %s: %w", path, err)
	}
	return r, nil
}

// ParseKeyRing reads a key ring from configuration (the JSON of a key file). Such a ring cannot
// create keys for a new region: they must be in the configuration.
func ParseKeyRing(b []byte) (*KeyRing, error) {
	r := &KeyRing{regions: map[string]*RegionKeys{}, random: rand.Reader}
	if err := r.parse(b); err != nil {
		return nil, fmt.Errorf("sleutels uit configuratie: %w", err)
	}
	return r, nil
}

func (r *KeyRing) parse(b []byte) error {
	if err := json.Unmarshal(b, &r.file); err != nil {
		return fmt.Errorf("geen geldige JSON: %w", err)
	}
	if r.file.Versie != 1 {
		return fmt.Errorf("onbekende versie %d van het sleutelbestand", r.file.Versie)
	}
	if r.file.Regio == nil {
		r.file.Regio = map[string]regionKeyFile{}
	}
	for code, f := range r.file.Regio {
		k, err := f.keys()
		if err != nil {
			return fmt.Errorf("regio %s: %w", code, err)
		}
		r.regions[code] = k
	}
	return nil
}

func (f regionKeyFile) keys() (*RegionKeys, error) {
	if len(f.Pseudoniem) != 32 {
		return nil, errors.New("pseudoniemsleutel moet 32 bytes zijn")
	}
	if len(f.Ondertekening) != ed25519.SeedSize {
		return nil, errors.New("ondertekeningssleutel moet 32 bytes zijn")
	}
	k := &RegionKeys{pseudonymKey: f.Pseudoniem, dataKeys: map[int]cipher.AEAD{}, dataRaw: map[int][]byte{}, current: f.HuidigeData,
		signing: ed25519.NewKeyFromSeed(f.Ondertekening), signingVersion: max(f.OndertekeningVersie, 1), oldSigning: map[int]ed25519.PublicKey{}}
	for v, pub := range f.VorigeOndertekening {
		n, err := strconv.Atoi(v)
		if err != nil || n >= k.signingVersion || len(pub) != ed25519.PublicKeySize {
			return nil, fmt.Errorf("vorige ondertekeningssleutel %q: versie moet een getal onder de huidige zijn en de sleutel 32 bytes", v)
		}
		k.oldSigning[n] = ed25519.PublicKey(pub)
	}
	for v, key := range f.Data {
		n, err := strconv.Atoi(v)
		if err != nil || len(key) != 32 {
			return nil, fmt.Errorf("gegevenssleutel %q: versie moet een getal zijn en de sleutel 32 bytes", v)
		}
		block, err := aes.NewCipher(key)
		if err != nil {
			return nil, err
		}
		aead, err := cipher.NewGCM(block)
		if err != nil {
			return nil, err
		}
		k.dataKeys[n] = aead
		k.dataRaw[n] = key
	}
	if _, ok := k.dataKeys[k.current]; !ok {
		return nil, fmt.Errorf("huidige gegevenssleutel %d ontbreekt", k.current)
	}
	return k, nil
}

// ErrNoKeys is returned when the ring holds no keys for a region.
var ErrNoKeys = errors.New("geen sleutels voor deze regio")

// Source says where the ring's keys are looked for, for error messages.
func (r *KeyRing) Source() string {
	if r.path == "" {
		return "de omgevingsvariabele GRONDSLAG_SLEUTELS"
	}
	if abs, err := filepath.Abs(r.path); err == nil {
		return "sleutelbestand " + abs
	}
	return "sleutelbestand " + r.path
}

// Has reports whether the ring holds keys for the region.
func (r *KeyRing) Has(code string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	_, ok := r.regions[code]
	return ok
}

// Region returns the keys of the region with the given code. It never creates keys (except on a
// ring from LoadKeyFile); a missing region is ErrNoKeys, naming where keys were looked for.
func (r *KeyRing) Region(code string) (*RegionKeys, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if k, ok := r.regions[code]; ok {
		return k, nil
	}
	if !r.autoCreate {
		if fps := r.expect[code]; len(fps) > 0 {
			want := make([]string, len(fps))
			for i, f := range fps {
				want[i] = f.String()
			}
			return nil, fmt.Errorf("%w %s in %s; de database verwacht: %s; geef het juiste sleutelbestand op met --sleutels of GRONDSLAG_SLEUTELBESTAND, of de sleutels in GRONDSLAG_SLEUTELS", ErrNoKeys, code, r.Source(), strings.Join(want, ", "))
		}
		return nil, fmt.Errorf("%w %s in %s", ErrNoKeys, code, r.Source())
	}
	return r.create(code)
}

// Expect tells the ring which fingerprints the database records for a region it does not hold,
// so that Region's error names them.
func (r *KeyRing) Expect(code string, fps []Fingerprint) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.expect == nil {
		r.expect = map[string][]Fingerprint{}
	}
	r.expect[code] = fps
}

// Create makes new keys for a region the ring does not hold yet and saves the key file (mode
// 0600) at once. A ring from configuration (GRONDSLAG_SLEUTELS) cannot be written.
func (r *KeyRing) Create(code string) (*RegionKeys, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, ok := r.regions[code]; ok {
		return nil, fmt.Errorf("%s bevat al sleutels voor regio %s; nieuwe sleutels zouden de bestaande onbruikbaar maken", r.Source(), code)
	}
	return r.create(code)
}

// Discard removes a region's keys from the ring and the file: only to undo a Create whose region
// was not stored after all.
func (r *KeyRing) Discard(code string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	f, ok := r.file.Regio[code]
	if !ok {
		return nil
	}
	delete(r.file.Regio, code)
	if err := r.save(); err != nil {
		r.file.Regio[code] = f
		return err
	}
	delete(r.regions, code)
	return nil
}

func (r *KeyRing) create(code string) (*RegionKeys, error) {
	if r.path == "" {
		return nil, fmt.Errorf("geen sleutels voor regio %s in %s, en daar kunnen geen sleutels worden bijgemaakt", code, r.Source())
	}
	f := regionKeyFile{Pseudoniem: make([]byte, 32), Data: map[string][]byte{"1": make([]byte, 32)}, HuidigeData: 1, Ondertekening: make([]byte, ed25519.SeedSize)}
	for _, b := range [][]byte{f.Pseudoniem, f.Data["1"], f.Ondertekening} {
		if _, err := io.ReadFull(r.random, b); err != nil {
			return nil, err
		}
	}
	k, err := f.keys()
	if err != nil {
		return nil, err
	}
	r.file.Regio[code] = f
	if err := r.save(); err != nil {
		delete(r.file.Regio, code)
		return nil, err
	}
	r.regions[code] = k
	return k, nil
}

// RotateDataKey adds a new data key for the region and makes it current. Existing ciphertexts
// keep opening with their old version until they are sealed again.
func (r *KeyRing) RotateDataKey(code string) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	f, ok := r.file.Regio[code]
	if !ok || r.path == "" {
		return 0, fmt.Errorf("regio %s heeft geen sleutels in een sleutelbestand", code)
	}
	var versions []int
	for v := range f.Data {
		n, _ := strconv.Atoi(v)
		versions = append(versions, n)
	}
	sort.Ints(versions)
	next := versions[len(versions)-1] + 1
	key := make([]byte, 32)
	if _, err := io.ReadFull(r.random, key); err != nil {
		return 0, err
	}
	data := map[string][]byte{}
	for v, b := range f.Data {
		data[v] = b
	}
	data[strconv.Itoa(next)] = key
	f.Data, f.HuidigeData = data, next
	k, err := f.keys()
	if err != nil {
		return 0, err
	}
	old := r.file.Regio[code]
	r.file.Regio[code] = f
	if err := r.save(); err != nil {
		r.file.Regio[code] = old
		return 0, err
	}
	r.regions[code] = k
	return next, nil
}

// save writes the file atomically with mode 0600.
func (r *KeyRing) save() error {
	if r.path == "" {
		return nil
	}
	b, err := json.MarshalIndent(r.file, "", "  ")
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(r.path), ".sleutels-*")
	if err != nil {
		return fmt.Errorf("sleutelbestand schrijven: %w", err)
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return err
	}
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), r.path)
}

// Encrypt seals plain under the current data key and prefixes the key version, so the result
// opens with Decrypt after a rotation too. It makes RegionKeys an encrypter for values stored
// without a separate version column (such as the audit log's encrypted data subject id).
func (k *RegionKeys) Encrypt(plain, aad []byte) ([]byte, error) {
	v, sealed, err := k.Seal(plain, aad)
	if err != nil {
		return nil, err
	}
	out := binary.AppendUvarint(make([]byte, 0, binary.MaxVarintLen32+len(sealed)), uint64(v))
	return append(out, sealed...), nil
}

// Decrypt opens what Encrypt produced.
func (k *RegionKeys) Decrypt(b, aad []byte) ([]byte, error) {
	v, n := binary.Uvarint(b)
	if n <= 0 || v > 1<<31 {
		return nil, ErrDecrypt
	}
	return k.Open(int(v), b[n:], aad)
}

// DataSubjectID returns the region's keyed id of a pupil for the Logboek Dataverwerkingen
// export (dpl.core.data_subject_id): 32 hex characters of HMAC-SHA256 over the pseudonym, under
// a key derived from the pseudonym key for this use only. Deterministic, so that every record of
// one pupil can be selected; unrelated to the pseudonym the database uses, and unreadable
// without the region's key.
func (k *RegionKeys) DataSubjectID(pseudonym string) string {
	d := hmac.New(sha256.New, k.pseudonymKey)
	d.Write([]byte("grondslag/logboek/data_subject_id/v1"))
	m := hmac.New(sha256.New, d.Sum(nil))
	m.Write([]byte(pseudonym))
	return hex.EncodeToString(m.Sum(nil)[:16])
}
