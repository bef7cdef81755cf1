// Package envelope is Grondslag's envelope encryption of content about a pupil: every free text,
// uploaded document and special-category field is sealed with that pupil's own data key, and the
// data key is stored only wrapped by the region's key. Destroying a pupil's data key makes every
// copy of that pupil's content unreadable — rows, backups, exports (crypto-shredding).
//
// The construction uses only the standard library's AEAD (AES-256-GCM, 96-bit random nonces):
//
//   - data key: 32 random bytes per pupil (crypto/rand), with a numeric key id;
//   - wrapping: the region's current data key (internal/ident, RegionKeys.Seal) seals the data key
//     with additional data WrapAAD(region, pupil, key id), so a wrapped key copied to another
//     pupil or region does not open; the region key version is stored beside it. Rotating the
//     region key rewraps the data keys (a few bytes per pupil); the content is not rewritten;
//   - content: AES-256-GCM under the data key, additional data ContentAAD(region, pupil, field,
//     key id), field being "table.column" — a ciphertext moved to another pupil, region or
//     column does not open;
//   - stored form: the text "gs1:" followed by unpadded base64url of
//     uvarint(key id) ‖ nonce (12 bytes) ‖ ciphertext+tag (16 bytes). Text columns stay text, so
//     the schema and both engines are unchanged; an empty value stays empty (no content, nothing
//     to seal).
//
// Random nonces under one key stay far below the 2^32 messages NIST SP 800-38D allows: a
// pupil's key seals at most some thousands of values over its life.
package envelope

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Prefix starts every sealed value; a stored value without it was written before content
// encryption (a legacy plaintext value, see store.EncryptLegacyContent).
const Prefix = "gs1:"

// KeySize is the size of a pupil's data key.
const KeySize = 32

// ErrOpen is returned when a sealed value does not open: wrong key, wrong binding, or tampered.
var ErrOpen = errors.New("inhoud kan niet worden ontsleuteld")

// ErrMalformed is returned for a value that starts with Prefix but is not a sealed value.
var ErrMalformed = errors.New("versleutelde inhoud is beschadigd")

// Binding says what a sealed value belongs to; it goes into the additional data.
type Binding struct {
	Region int64
	Pupil  int64
	Field  string // "table.column"
}

// NewKey returns a fresh random data key.
func NewKey() ([]byte, error) {
	k := make([]byte, KeySize)
	if _, err := rand.Read(k); err != nil {
		return nil, fmt.Errorf("sleutel maken: %w", err)
	}
	return k, nil
}

// WrapAAD is the additional data with which the region key wraps a pupil's data key.
func WrapAAD(region, pupil, keyID int64) []byte {
	return []byte("grondslag/leerlingsleutel/v1\x00" + strconv.FormatInt(region, 10) + "\x00" + strconv.FormatInt(pupil, 10) + "\x00" + strconv.FormatInt(keyID, 10))
}

// ContentAAD is the additional data of one sealed value.
func ContentAAD(b Binding, keyID int64) []byte {
	return []byte("grondslag/inhoud/v1\x00" + strconv.FormatInt(b.Region, 10) + "\x00" + strconv.FormatInt(b.Pupil, 10) + "\x00" + b.Field + "\x00" + strconv.FormatInt(keyID, 10))
}

// Key is an unwrapped data key ready for use.
type Key struct {
	ID    int64
	aead  cipher.AEAD
	alias []byte // the audit alias key, derived from the data key (AuditAlias)
}

// NewAEADKey prepares raw key material with its id.
func NewAEADKey(id int64, raw []byte) (*Key, error) {
	if len(raw) != KeySize {
		return nil, fmt.Errorf("leerlingsleutel %d: verwacht %d bytes", id, KeySize)
	}
	block, err := aes.NewCipher(raw)
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	return &Key{ID: id, aead: aead, alias: deriveAliasKey(raw)}, nil
}

// Seal encrypts plain for the binding and returns the stored form. An empty plain gives "".
func (k *Key) Seal(b Binding, plain []byte) (string, error) {
	if len(plain) == 0 {
		return "", nil
	}
	ns := k.aead.NonceSize()
	buf := binary.AppendUvarint(make([]byte, 0, binary.MaxVarintLen64+ns+len(plain)+k.aead.Overhead()), uint64(k.ID))
	hdr := len(buf)
	buf = buf[:hdr+ns]
	if _, err := rand.Read(buf[hdr:]); err != nil {
		return "", err
	}
	buf = k.aead.Seal(buf, buf[hdr:hdr+ns], plain, ContentAAD(b, k.ID))
	return Prefix + base64.RawURLEncoding.EncodeToString(buf), nil
}

// Open decrypts a stored form that Seal produced for the same binding.
func (k *Key) Open(b Binding, stored string) ([]byte, error) {
	id, raw, err := parse(stored)
	if err != nil {
		return nil, err
	}
	if id != k.ID {
		return nil, fmt.Errorf("%w: verzegeld met sleutel %d, niet %d", ErrOpen, id, k.ID)
	}
	ns := k.aead.NonceSize()
	if len(raw) < ns+k.aead.Overhead() {
		return nil, ErrMalformed
	}
	plain, err := k.aead.Open(nil, raw[:ns], raw[ns:], ContentAAD(b, k.ID))
	if err != nil {
		return nil, ErrOpen
	}
	return plain, nil
}

// IsSealed reports whether a stored value is in sealed form.
func IsSealed(stored string) bool { return strings.HasPrefix(stored, Prefix) }

// KeyID returns the id of the data key a stored value was sealed with.
func KeyID(stored string) (int64, error) {
	id, _, err := parse(stored)
	return id, err
}

func parse(stored string) (int64, []byte, error) {
	if !IsSealed(stored) {
		return 0, nil, ErrMalformed
	}
	raw, err := base64.RawURLEncoding.DecodeString(stored[len(Prefix):])
	if err != nil {
		return 0, nil, ErrMalformed
	}
	id, n := binary.Uvarint(raw)
	if n <= 0 || id > 1<<62 {
		return 0, nil, ErrMalformed
	}
	return int64(id), raw[n:], nil
}
