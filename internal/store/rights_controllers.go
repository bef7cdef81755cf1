package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/grondslag/grondslag/internal/rights"
)

// Which organisations hold data about a pupil — each its own controller that answers a
// data-subject request for its own data — and the pupil's objection to the JGZ data going to
// the parents (migration 0720).

// pupilControllers lists the organisations of the region that hold data about the pupil on day,
// with what they hold: every school the pupil was enrolled at (enrolment, absence, consents),
// the home gemeente once a verzuimmelding exists (leerplicht), the organisations of the
// professionals in a case about the pupil, and the named recipients of a consent.
func pupilControllers(ctx context.Context, db reader, regionID, pupilID int64, day rights.Date) ([]rights.Controller, error) {
	d := day.String()
	rows, err := db.Query(ctx, `SELECT o.id, o.soort, o.naam, x.wat FROM (
			SELECT i.school_id AS org, 1 AS n, 'inschrijving, verzuim en toestemmingen' AS wat FROM inschrijving i WHERE i.regio_id = ? AND i.leerling_id = ? AND i.van <= ?
			UNION SELECT l.woongemeente_id, 2, 'verzuimmeldingen en het leerplichtdossier' FROM leerling l WHERE l.regio_id = ? AND l.id = ? AND l.woongemeente_id IS NOT NULL
				AND EXISTS (SELECT 1 FROM verzuimmelding m WHERE m.regio_id = l.regio_id AND m.leerling_id = l.id)
			UNION SELECT d.organisatie_id, 3, 'casusoverleg' FROM casus c JOIN casus_deelnemer d ON d.regio_id = c.regio_id AND d.casus_id = c.id
				WHERE c.regio_id = ? AND c.leerling_id = ? AND d.organisatie_id IS NOT NULL
			UNION SELECT r.organisatie_id, 4, 'gegevens die met toestemming zijn gedeeld' FROM toestemming t JOIN toestemming_ontvanger r ON r.regio_id = t.regio_id AND r.toestemming_id = t.id
				WHERE t.regio_id = ? AND t.leerling_id = ? AND t.status = 'gegeven' AND r.organisatie_id IS NOT NULL
		) x JOIN organisatie o ON o.regio_id = ? AND o.id = x.org ORDER BY x.n, o.naam, o.id`,
		regionID, pupilID, d, regionID, pupilID, regionID, pupilID, regionID, pupilID, regionID)
	if err != nil {
		return nil, fmt.Errorf("organisaties met gegevens van leerling %d: %w", pupilID, err)
	}
	defer rows.Close()
	var out []rights.Controller
	at := map[int64]int{}
	for rows.Next() {
		var c rights.Controller
		var what string
		if err := rows.Scan(&c.OrgID, &c.Party, &c.Name, &what); err != nil {
			return nil, fmt.Errorf("verwerkingsverantwoordelijken van de leerling lezen: %w", err)
		}
		if i, ok := at[c.OrgID]; ok {
			out[i].Holds = append(out[i].Holds, what)
			continue
		}
		c.Holds = []string{what}
		at[c.OrgID] = len(out)
		out = append(out, c)
	}
	return out, rows.Err()
}

// PupilControllers lists the organisations that hold data about the pupil on day.
func (db *DB) PupilControllers(ctx context.Context, regionID, pupilID int64, day rights.Date) ([]rights.Controller, error) {
	return pupilControllers(ctx, db, regionID, pupilID, day)
}

// RightsPupilFacts gives the pupil's birth date and whether the pupil's JGZ objection stands.
func (db *DB) RightsPupilFacts(ctx context.Context, regionID, pupilID int64) (rights.Date, bool, error) {
	var birth string
	var objects int
	err := db.QueryRow(ctx, `SELECT l.geboortedatum, COALESCE((SELECT b.bezwaar FROM wgbo_bezwaar b WHERE b.regio_id = l.regio_id AND b.leerling_id = l.id), 0)
		FROM leerling l WHERE l.regio_id = ? AND l.id = ?`, regionID, pupilID).Scan(&birth, &objects)
	if errors.Is(err, sql.ErrNoRows) {
		return rights.Date{}, false, fmt.Errorf("leerling %d: %w", pupilID, ErrNotFound)
	}
	if err != nil {
		return rights.Date{}, false, fmt.Errorf("gegevens van de leerling voor de rechten lezen: %w", err)
	}
	b, err := rights.ParseDate(birth)
	return b, objects == 1, err
}

// SetJGZObjection records or lifts the pupil's objection, with its audit entries, in one
// transaction.
func (db *DB) SetJGZObjection(ctx context.Context, regionID, pupilID int64, objects bool, now time.Time, trail AccessTrail) error {
	v := 0
	if objects {
		v = 1
	}
	return db.WithTx(ctx, func(tx *Tx) error {
		if _, err := tx.Exec(ctx, `INSERT INTO wgbo_bezwaar (regio_id, leerling_id, bezwaar, gewijzigd_op) VALUES (?, ?, ?, ?)
			ON CONFLICT (regio_id, leerling_id) DO UPDATE SET bezwaar = excluded.bezwaar, gewijzigd_op = excluded.gewijzigd_op`,
			regionID, pupilID, v, now.UnixMilli()); err != nil {
			return fmt.Errorf("bezwaar vastleggen: %w", err)
		}
		return appendAccessTrail(ctx, tx, regionID, pupilID, trail)
	})
}
