package store_test

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/grondslag/grondslag/internal/consent"
	"github.com/grondslag/grondslag/internal/store"
	"github.com/grondslag/grondslag/internal/store/storetest"
)

// TestConsentDocumentSealedWithThePupilsKey: the signed form is stored with the consent, sealed
// (no byte of it in clear in the row), read back whole, bound to its region, gone with the
// pupil's key, and deleted with the pupil's data.
func TestConsentDocumentSealedWithThePupilsKey(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := seedConsentRegion(t, db, "r1")
		other := seedConsentRegion(t, db, "r2")
		reg := consent.NewRegister(db, consent.BuiltinConfig(), nil)
		marker := "HANDTEKENING-VAN-MOEDER-JANSEN"
		doc, err := consent.NewDocument([]byte("%PDF-1.7\n% " + marker + "\n%%EOF\n"))
		if err != nil {
			t.Fatal(err)
		}
		d := jeugdhulpDraft(f, consent.ParentGiver(f.mother), consent.ParentGiver(f.father))
		d.EvidenceHash, d.Document = "", &doc
		rec, err := reg.Record(ctx, f.region, d, nil)
		if err != nil {
			t.Fatal(err)
		}
		got, err := db.ConsentByID(ctx, f.region, rec.ID())
		if err != nil {
			t.Fatal(err)
		}
		if gd := got.Data(); gd.Document == nil || gd.Document.MediaType != consent.MediaPDF || gd.Document.Size != doc.Size || gd.EvidenceHash != doc.SHA256 || len(gd.Document.Bytes) != 0 {
			t.Fatalf("listed document = %+v (evidence %s)", gd.Document, gd.EvidenceHash)
		}
		var stored string
		if err := db.QueryRow(ctx, "SELECT document FROM toestemming_bewijs WHERE toestemming_id = ?", rec.ID()).Scan(&stored); err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(stored, "gs1:") || strings.Contains(stored, marker) {
			t.Fatalf("stored in clear: %.40q", stored)
		}
		back, err := reg.Document(ctx, f.region, rec.ID())
		if err != nil || !bytes.Equal(back.Bytes, doc.Bytes) || back.SHA256 != doc.SHA256 {
			t.Fatalf("document read back: %v", err)
		}
		if _, err := reg.Document(ctx, other.region, rec.ID()); !errors.Is(err, consent.ErrNotFound) {
			t.Errorf("document of region 1 from region 2: %v", err)
		}
		// A consent without a document has none.
		plain, err := reg.Record(ctx, f.region, jeugdhulpDraft(f, consent.ParentGiver(f.mother), consent.ParentGiver(f.father)), nil)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := reg.Document(ctx, f.region, plain.ID()); !errors.Is(err, consent.ErrNotFound) {
			t.Errorf("document of a consent without one: %v", err)
		}
		// A tampered row is refused rather than served.
		if _, err := db.Exec(ctx, "UPDATE toestemming_bewijs SET grootte = grootte + 1 WHERE toestemming_id = ?", rec.ID()); err != nil {
			t.Fatal(err)
		}
		if _, err := reg.Document(ctx, f.region, rec.ID()); err == nil {
			t.Error("a document whose size no longer matches was served")
		}
		if _, err := db.Exec(ctx, "UPDATE toestemming_bewijs SET grootte = grootte - 1 WHERE toestemming_id = ?", rec.ID()); err != nil {
			t.Fatal(err)
		}
		// Destroying the pupil's key destroys the document.
		if _, err := db.KeyVault().Destroy(ctx, f.region, f.pupil, time.Now()); err != nil {
			t.Fatal(err)
		}
		if _, err := reg.Document(ctx, f.region, rec.ID()); !errors.Is(err, store.ErrContentDestroyed) {
			t.Errorf("after the key was destroyed: %v", err)
		}
	})
}
