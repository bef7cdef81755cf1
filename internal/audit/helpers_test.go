package audit_test

import (
	"crypto/sha256"
	"fmt"
	"testing"
	"time"

	"github.com/grondslag/grondslag/internal/audit"
)

// fakeEnc "encrypts" deterministically (so golden hashes are stable): a tagged SHA-256 of the
// plaintext and AAD. Real code uses the region's AES-GCM key.
var fakeEnc = audit.EncryptFunc(func(p, ad []byte) ([]byte, error) {
	h := sha256.Sum256(append(append([]byte("enc:"), ad...), p...))
	return h[:], nil
})

var t0 = time.Date(2026, 11, 2, 9, 30, 0, 0, time.UTC)

func record(i int) audit.Record {
	return audit.Record{
		Time:               t0.Add(time.Duration(i) * time.Second),
		Actor:              audit.Actor{UserID: 7, OrganisationID: 3, Role: "leerplicht"},
		Pupil:              fmt.Sprintf("ps-%016x", 1000+i%5),
		Categories:         []string{"verzuim", "identificatie"},
		Action:             audit.ActionRead,
		Purpose:            "verzuimaanpak",
		LegalGround:        "avg-6-1-c",
		Article:            "art. 4 lid 1",
		ConvenantVersion:   "3f2a9c0d1e4b5a6f",
		Melding:            "duo-2026-000123",
		Outcome:            audit.Allowed,
		AccessPoint:        audit.AccessAPI,
		RequestID:          fmt.Sprintf("req-%d", i),
		TraceID:            audit.TraceID{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16},
		OperationID:        audit.OperationID{1, 1, 1, 1, 1, 1, 1, byte(i + 1)},
		Name:               "leerling-verzuim-lezen",
		ProcessingActivity: "https://register.example.nl/verwerkingen/verzuim",
	}
}

func entry(t testing.TB, i int) audit.Entry {
	t.Helper()
	e, err := audit.NewEntry(record(i), fakeEnc)
	if err != nil {
		t.Fatal(err)
	}
	return e
}
