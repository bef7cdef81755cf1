package store

import (
	"context"
	"fmt"
	"time"

	"github.com/grondslag/grondslag/internal/absence"
)

// DUOSent returns what DUO was told about the region's meldingen sent through channel and numbered
// by DUO: the number and the status last taken over, with its time. The demo server gives them to
// its fake DUO (duo.Fake.Remember), so asking DUO about a melding the demo build sent works.
func (db *DB) DUOSent(ctx context.Context, regionID int64, channel string) ([]absence.StatusReport, error) {
	rows, err := db.Query(ctx, "SELECT duo_nummer, status, status_op FROM verzuimmelding WHERE regio_id = ? AND duo_kanaal = ? AND duo_nummer <> '' ORDER BY id", regionID, channel)
	if err != nil {
		return nil, fmt.Errorf("meldingen bij DUO lezen: %w", err)
	}
	defer rows.Close()
	var out []absence.StatusReport
	for rows.Next() {
		var r absence.StatusReport
		var st string
		var at int64
		if err := rows.Scan(&r.DUONumber, &st, &at); err != nil {
			return nil, fmt.Errorf("meldingen bij DUO lezen: %w", err)
		}
		r.Status, r.At = absence.Status(st), time.UnixMilli(at).UTC()
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("meldingen bij DUO lezen: %w", err)
	}
	return out, nil
}
