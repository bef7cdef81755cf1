package auth

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"errors"
)

// Sealer encrypts secrets kept in the store (TOTP secrets, OIDC client secrets) with AES-256-GCM,
// and derives the keys the server signs short-lived cookies with.
type Sealer struct {
	aead cipher.AEAD
	root []byte
}

// ErrUnseal is returned for ciphertext that was altered or sealed under another key.
var ErrUnseal = errors.New("versleutelde waarde kan niet worden geopend")

// NewSealer builds a Sealer from a 32-byte root key.
func NewSealer(root []byte) (*Sealer, error) {
	if len(root) != 32 {
		return nil, errors.New("de sleutel moet 32 bytes zijn")
	}
	k := derive(root, "grondslag/web/seal")
	block, err := aes.NewCipher(k)
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	return &Sealer{aead: aead, root: append([]byte(nil), root...)}, nil
}

// Seal encrypts plain; label binds the ciphertext to its use (for example "totp:12:34").
func (s *Sealer) Seal(plain []byte, label string) []byte {
	nonce := make([]byte, s.aead.NonceSize())
	rand.Read(nonce)
	return s.aead.Seal(nonce, nonce, plain, []byte(label))
}

// Open decrypts what Seal produced under the same label.
func (s *Sealer) Open(sealed []byte, label string) ([]byte, error) {
	n := s.aead.NonceSize()
	if len(sealed) < n {
		return nil, ErrUnseal
	}
	p, err := s.aead.Open(nil, sealed[:n], sealed[n:], []byte(label))
	if err != nil {
		return nil, ErrUnseal
	}
	return p, nil
}

// Key derives a 32-byte subkey for purpose (HMAC-SHA256 of the root key).
func (s *Sealer) Key(purpose string) []byte { return derive(s.root, purpose) }

func derive(root []byte, purpose string) []byte {
	m := hmac.New(sha256.New, root)
	m.Write([]byte(purpose))
	return m.Sum(nil)
}
