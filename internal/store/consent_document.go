package store

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/base64"
	"errors"
	"fmt"
	"time"

	"github.com/grondslag/grondslag/internal/consent"
	"github.com/grondslag/grondslag/internal/envelope"
)

// The signed form kept as proof of a consent (table toestemming_bewijs, migration 0440): written
// in the consent's own transaction, sealed with the pupil's data key; read back only through
// ConsentDocument, which the consent service calls after the policy allowed the read.

const consentDocumentField = "toestemming_bewijs.document"

// plainDocPrefix marks a document stored unsealed (only in the benchmark build without content
// sealing): the bytes as base64, because the column is text.
const plainDocPrefix = "b64:"

func insertConsentDocument(ctx context.Context, tx *Tx, regionID, consentID int64, d consent.Draft) error {
	doc := d.Document
	if doc == nil || len(doc.Bytes) == 0 {
		return nil
	}
	stored, err := tx.SealBytesForPupil(ctx, regionID, d.PupilID, consentDocumentField, doc.Bytes)
	if err != nil {
		return fmt.Errorf("bewijs van toestemming verzegelen: %w", err)
	}
	if !envelope.IsSealed(stored) {
		stored = plainDocPrefix + base64.StdEncoding.EncodeToString(doc.Bytes)
	}
	_, err = tx.Exec(ctx, `INSERT INTO toestemming_bewijs (regio_id, toestemming_id, leerling_id, soort, grootte, sha256, document, opgeslagen_op)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, regionID, consentID, d.PupilID, doc.MediaType, doc.Size, doc.SHA256, stored, time.Now().UnixMilli())
	if err != nil {
		return fmt.Errorf("bewijs van toestemming opslaan: %w", err)
	}
	return nil
}

// ConsentDocument returns the signed form of consent id with its bytes, opened with the pupil's
// key; consent.ErrNotFound when the consent has none. After the pupil's key was destroyed it
// returns ErrContentDestroyed. It checks the bytes against the stored hash.
func (db *DB) ConsentDocument(ctx context.Context, regionID, consentID int64) (consent.Document, error) {
	var pupil, size int64
	var mediaType, sum, stored string
	err := db.QueryRow(ctx, "SELECT leerling_id, soort, grootte, sha256, document FROM toestemming_bewijs WHERE regio_id = ? AND toestemming_id = ?",
		regionID, consentID).Scan(&pupil, &mediaType, &size, &sum, &stored)
	if errors.Is(err, sql.ErrNoRows) {
		return consent.Document{}, fmt.Errorf("%w: bij toestemming %d is geen getekend formulier bewaard", consent.ErrNotFound, consentID)
	}
	if err != nil {
		return consent.Document{}, fmt.Errorf("bewijs van toestemming %d lezen: %w", consentID, err)
	}
	b, err := db.OpenBytesForPupil(ctx, regionID, pupil, consentDocumentField, stored)
	if err != nil {
		return consent.Document{}, fmt.Errorf("bewijs van toestemming %d openen: %w", consentID, err)
	}
	if rest, ok := bytes.CutPrefix(b, []byte(plainDocPrefix)); ok {
		if b, err = base64.StdEncoding.DecodeString(string(rest)); err != nil {
			return consent.Document{}, fmt.Errorf("bewijs van toestemming %d: %w", consentID, err)
		}
	}
	doc, err := consent.NewDocument(b)
	if err != nil || doc.SHA256 != sum || doc.MediaType != mediaType || doc.Size != size {
		return consent.Document{}, fmt.Errorf("bewijs van toestemming %d komt niet overeen met de opgeslagen hash", consentID)
	}
	return doc, nil
}
