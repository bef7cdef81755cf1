package audit

import (
	"bytes"
	"crypto/ed25519"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"golang.org/x/mod/sumdb/note"
)

// Checkpoint is a signed statement of the log's state: its origin (the log's name), tree size,
// root hash and the time it was made.
//
// Its text is the transparency-dev checkpoint format (https://github.com/transparency-dev/formats,
// log/README.md): three lines — origin, size in decimal, base64 root hash — followed by one
// extension line "tijd <RFC 3339 time in UTC, milliseconds>". The signed form is a signed note
// (golang.org/x/mod/sumdb/note) with the region's Ed25519 key, whose key name equals the origin.
type Checkpoint struct {
	Origin string
	Size   uint64
	Root   []byte
	Time   time.Time
}

const timeLayout = "2006-01-02T15:04:05.000Z"

// ErrCheckpoint is wrapped by every error reading or checking a checkpoint.
var ErrCheckpoint = errors.New("ongeldig controlepunt")

// Text returns the checkpoint body (the note text that is signed).
func (c Checkpoint) Text() string {
	return fmt.Sprintf("%s\n%d\n%s\ntijd %s\n", c.Origin, c.Size, base64.StdEncoding.EncodeToString(c.Root), c.Time.UTC().Format(timeLayout))
}

// ParseCheckpointText parses a checkpoint body (no signatures).
func ParseCheckpointText(text string) (Checkpoint, error) {
	var c Checkpoint
	if !strings.HasSuffix(text, "\n") {
		return c, fmt.Errorf("%w: tekst eindigt niet op een nieuwe regel", ErrCheckpoint)
	}
	lines := strings.Split(strings.TrimSuffix(text, "\n"), "\n")
	if len(lines) < 3 {
		return c, fmt.Errorf("%w: verwacht oorsprong, grootte en root", ErrCheckpoint)
	}
	c.Origin = lines[0]
	if c.Origin == "" {
		return c, fmt.Errorf("%w: oorsprong ontbreekt", ErrCheckpoint)
	}
	size, err := strconv.ParseUint(lines[1], 10, 64)
	if err != nil || strconv.FormatUint(size, 10) != lines[1] {
		return c, fmt.Errorf("%w: grootte %q", ErrCheckpoint, lines[1])
	}
	c.Size = size
	root, err := base64.StdEncoding.Strict().DecodeString(lines[2])
	if err != nil || len(root) != hasher.Size() {
		return c, fmt.Errorf("%w: root %q", ErrCheckpoint, lines[2])
	}
	c.Root = root
	for _, l := range lines[3:] {
		if v, ok := strings.CutPrefix(l, "tijd "); ok {
			t, err := time.Parse(timeLayout, v)
			if err != nil {
				return c, fmt.Errorf("%w: tijd %q", ErrCheckpoint, v)
			}
			c.Time = t
		}
	}
	if c.Time.IsZero() {
		return c, fmt.Errorf("%w: regel 'tijd' ontbreekt", ErrCheckpoint)
	}
	return c, nil
}

// Sign returns the signed note of c. The signer's name must equal c.Origin.
func (c Checkpoint) Sign(s note.Signer) ([]byte, error) {
	if s.Name() != c.Origin {
		return nil, fmt.Errorf("%w: sleutelnaam %q is niet de oorsprong %q", ErrCheckpoint, s.Name(), c.Origin)
	}
	return note.Sign(&note.Note{Text: c.Text()}, s)
}

// OpenCheckpoint checks the signed note msg against the verifier (the region's public key) and
// parses its checkpoint. The checkpoint's origin must equal the key name.
func OpenCheckpoint(msg []byte, v note.Verifier) (Checkpoint, error) {
	n, err := note.Open(msg, note.VerifierList(v))
	if err != nil {
		return Checkpoint{}, fmt.Errorf("%w: handtekening: %v", ErrCheckpoint, err)
	}
	c, err := ParseCheckpointText(n.Text)
	if err != nil {
		return Checkpoint{}, err
	}
	if c.Origin != v.Name() {
		return Checkpoint{}, fmt.Errorf("%w: oorsprong %q hoort niet bij sleutel %q", ErrCheckpoint, c.Origin, v.Name())
	}
	return c, nil
}

// Origin returns the log name (checkpoint origin and key name) of a region's audit log.
func Origin(regionCode string) string { return "grondslag/audit/" + regionCode }

// CheckpointSigner signs checkpoints: a note signer that also tells its public verifier key.
// The region's key ring provides one; NewSigner makes one from an Ed25519 private key.
type CheckpointSigner interface {
	note.Signer
	VerifierKey() string
}

type signer struct {
	note.Signer
	vkey string
}

func (s signer) VerifierKey() string { return s.vkey }

// NewSigner returns a checkpoint signer for the Ed25519 key under name (the checkpoint origin,
// see Origin).
func NewSigner(name string, key ed25519.PrivateKey) (CheckpointSigner, error) {
	if len(key) != ed25519.PrivateKeySize {
		return nil, fmt.Errorf("ed25519-sleutel van %d bytes", len(key))
	}
	vkey, err := VerifierKey(name, key.Public().(ed25519.PublicKey))
	if err != nil {
		return nil, err
	}
	// vkey is "<name>+<hash 8 hex>+<base64 key>" (the name holds no '+', base64 may); the signer
	// key has the same name and hash.
	hash, _, _ := strings.Cut(strings.TrimPrefix(vkey, name+"+"), "+")
	skey := "PRIVATE+KEY+" + name + "+" + hash + "+" +
		base64.StdEncoding.EncodeToString(append([]byte{1}, key.Seed()...))
	ns, err := note.NewSigner(skey)
	if err != nil {
		return nil, fmt.Errorf("ondertekenaar: %w", err)
	}
	return signer{Signer: ns, vkey: vkey}, nil
}

// VerifierKey returns the public verifier key string ("<name>+<hash>+<base64>") that an outsider
// needs to check checkpoints.
func VerifierKey(name string, pub ed25519.PublicKey) (string, error) {
	v, err := note.NewEd25519VerifierKey(name, pub)
	if err != nil {
		return "", fmt.Errorf("verificatiesleutel: %w", err)
	}
	return v, nil
}

// ParseVerifierKey parses a verifier key string.
func ParseVerifierKey(vkey string) (note.Verifier, error) {
	v, err := note.NewVerifier(strings.TrimSpace(vkey))
	if err != nil {
		return nil, fmt.Errorf("verificatiesleutel: %w", err)
	}
	return v, nil
}

// SameRoot reports whether two checkpoints state the same tree.
func (c Checkpoint) SameRoot(o Checkpoint) bool {
	return c.Size == o.Size && bytes.Equal(c.Root, o.Root)
}
