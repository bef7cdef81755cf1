package audit_test

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/grondslag/grondslag/internal/audit"
)

func newSigner(t testing.TB, name string) (audit.CheckpointSigner, string) {
	t.Helper()
	_, key, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	s, err := audit.NewSigner(name, key)
	if err != nil {
		t.Fatal(err)
	}
	return s, s.VerifierKey()
}

func TestCheckpointSignOpen(t *testing.T) {
	origin := audit.Origin("amsterdam")
	s, vkey := newSigner(t, origin)
	tree, _, _ := buildTree(t, 10)
	cp := audit.Checkpoint{Origin: origin, Size: 10, Root: tree.Root(), Time: time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)}
	msg, err := cp.Sign(s)
	if err != nil {
		t.Fatal(err)
	}
	want := "grondslag/audit/amsterdam\n10\n" + audit.RootString(tree.Root()) + "\ntijd 2026-11-22T10:00:00.000Z\n\n— grondslag/audit/amsterdam "
	if !strings.HasPrefix(string(msg), want) {
		t.Fatalf("note:\n%s\nwant prefix:\n%s", msg, want)
	}
	v, err := audit.ParseVerifierKey(vkey)
	if err != nil {
		t.Fatal(err)
	}
	got, err := audit.OpenCheckpoint(msg, v)
	if err != nil {
		t.Fatal(err)
	}
	if !got.SameRoot(cp) || !got.Time.Equal(cp.Time) || got.Origin != origin {
		t.Errorf("opened %+v, want %+v", got, cp)
	}

	// Another key, a changed size, a changed root: all refused.
	_, otherKey := newSigner(t, origin)
	ov, _ := audit.ParseVerifierKey(otherKey)
	if _, err := audit.OpenCheckpoint(msg, ov); !errors.Is(err, audit.ErrCheckpoint) {
		t.Errorf("other key: err = %v", err)
	}
	forged := bytes.Replace(msg, []byte("\n10\n"), []byte("\n11\n"), 1)
	if _, err := audit.OpenCheckpoint(forged, v); !errors.Is(err, audit.ErrCheckpoint) {
		t.Errorf("changed size: err = %v", err)
	}
	// A key whose name is not the origin cannot sign it.
	s2, _ := newSigner(t, "iemand-anders")
	if _, err := cp.Sign(s2); !errors.Is(err, audit.ErrCheckpoint) {
		t.Errorf("sign with other name: err = %v", err)
	}
}

func TestParseCheckpointText(t *testing.T) {
	root := audit.RootString(make([]byte, 32))
	good := "o\n5\n" + root + "\ntijd 2026-11-22T10:00:00.000Z\n"
	if _, err := audit.ParseCheckpointText(good); err != nil {
		t.Fatalf("good: %v", err)
	}
	for name, text := range map[string]string{
		"no final newline": strings.TrimSuffix(good, "\n"),
		"leading zero":     "o\n05\n" + root + "\ntijd 2026-11-22T10:00:00.000Z\n",
		"negative":         "o\n-5\n" + root + "\ntijd 2026-11-22T10:00:00.000Z\n",
		"short root":       "o\n5\nAAAA\ntijd 2026-11-22T10:00:00.000Z\n",
		"no time":          "o\n5\n" + root + "\n",
		"bad time":         "o\n5\n" + root + "\ntijd gisteren\n",
		"no origin":        "\n5\n" + root + "\ntijd 2026-11-22T10:00:00.000Z\n",
		"two lines":        "o\n5\n",
	} {
		if _, err := audit.ParseCheckpointText(text); !errors.Is(err, audit.ErrCheckpoint) {
			t.Errorf("%s: err = %v", name, err)
		}
	}
}
