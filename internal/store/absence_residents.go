package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/grondslag/grondslag/internal/absence"
	"github.com/grondslag/grondslag/internal/audit"
	"github.com/grondslag/grondslag/internal/ident"
	"github.com/grondslag/grondslag/internal/region"
)

// ResidentsRepository stores a gemeente's list of children (absence.ResidentsRepository): the
// children in absoluut verzuim get their dossier, in one transaction with the audit entries.
type ResidentsRepository struct {
	DB *DB
	// Keys returns the region's keys (pseudonym of the BSN, sealing of the number).
	Keys func(ctx context.Context, regionID int64) (Keys, error)
}

var _ absence.ResidentsRepository = ResidentsRepository{}

// ImportResidents implements absence.ResidentsRepository; see absence.ResidentsImport for what is
// stored and what is not.
func (r ResidentsRepository) ImportResidents(ctx context.Context, regionID, gemeenteID int64, rows []region.ResidentRow, ev *absence.Evaluator, asOf absence.Date,
	now time.Time, trail absence.ResidentsTrail) (absence.ResidentsResult, error) {
	keys, err := r.Keys(ctx, regionID)
	if err != nil {
		return absence.ResidentsResult{}, err
	}
	var res absence.ResidentsResult
	err = r.DB.WithTx(ctx, func(tx *Tx) error {
		res = absence.ResidentsResult{Rows: len(rows)}
		g, err := tx.organisation(ctx, regionID, gemeenteID)
		if err != nil || g.Kind != region.KindGemeente {
			return fmt.Errorf("onbekende gemeente in deze regio")
		}
		var written, opened []string
		for _, row := range rows {
			p := row.Pupil
			ps := keys.Pseudonym(ident.BSN, p.Number)
			var id int64
			var home sql.NullInt64
			err := tx.QueryRow(ctx, "SELECT id, woongemeente_id FROM leerling WHERE regio_id = ? AND pseudoniem = ?", regionID, ps).Scan(&id, &home)
			known := err == nil
			if err != nil && !errors.Is(err, sql.ErrNoRows) {
				return fmt.Errorf("ingezetenen importeren: %w", err)
			}
			in := absence.AbsoluteInput{Pupil: ps, Birth: absence.DateOf(p.BirthDate), AsOf: asOf}
			if known {
				res.Known++
				if home.Int64 != gemeenteID {
					if _, err := tx.Exec(ctx, "UPDATE leerling SET woongemeente_id = ? WHERE regio_id = ? AND id = ?", gemeenteID, regionID, id); err != nil {
						return fmt.Errorf("ingezetenen importeren: %w", err)
					}
					res.Moved++
					written = append(written, ps)
				}
				if in, err = tx.absoluteInput(ctx, regionID, id, asOf); err != nil {
					return err
				}
			}
			sig, absent := ev.AbsoluteAbsence(in)
			if !absent {
				continue // an unknown child without absoluut verzuim is not stored
			}
			if !known {
				p.GemeenteID = gemeenteID
				if id, _, err = tx.CreatePupil(ctx, regionID, p, keys, now); err != nil {
					return region.AtLine(row.Line, err)
				}
				res.Created++
				written = append(written, ps)
			}
			child := absence.AbsentChild{PupilID: id, From: sig.From, Line: row.Line}
			err = tx.QueryRow(ctx, "SELECT id FROM leerplicht_dossier WHERE regio_id = ? AND leerling_id = ? AND grond = ? AND status = 'open'",
				regionID, id, string(absence.GroundAbsolute)).Scan(&child.DossierID)
			if errors.Is(err, sql.ErrNoRows) {
				child.DossierID, err = tx.InsertID(ctx, `INSERT INTO leerplicht_dossier (regio_id, leerling_id, grond, gemeente_id, geopend_op, status, sluitreden, vastgelegd_op)
					VALUES (?, ?, ?, ?, ?, 'open', '', ?)`, regionID, id, string(absence.GroundAbsolute), gemeenteID, asOf.String(), now.UnixMilli())
				child.Opened = true
				opened = append(opened, ps)
			}
			if err != nil {
				return fmt.Errorf("ingezetenen importeren: %w", err)
			}
			res.NotEnrolled = append(res.NotEnrolled, child)
		}
		return appendTrail(ctx, tx, regionID, func() ([]audit.Entry, error) {
			if trail == nil {
				return nil, nil
			}
			return trail(written, opened)
		})
	})
	if err != nil {
		return absence.ResidentsResult{}, fmt.Errorf("lijst van de gemeente opslaan: %w", err)
	}
	return res, nil
}

// absoluteInput reads one pupil's birth date, enrolments and exemptions (AbsoluteCandidates for
// one pupil, inside a transaction).
func (t *Tx) absoluteInput(ctx context.Context, regionID, pupilID int64, asOf absence.Date) (absence.AbsoluteInput, error) {
	in := absence.AbsoluteInput{Pupil: pupilKey(pupilID), AsOf: asOf}
	var birth string
	if err := t.QueryRow(ctx, "SELECT geboortedatum FROM leerling WHERE regio_id = ? AND id = ?", regionID, pupilID).Scan(&birth); err != nil {
		return in, fmt.Errorf("gegevens voor absoluut verzuim lezen: %w", err)
	}
	var err error
	if in.Birth, err = absence.ParseDate(birth); err != nil {
		return in, fmt.Errorf("gegevens voor absoluut verzuim lezen: %w", err)
	}
	spans := func(q string, each func(from, to absence.Date, kind string)) error {
		rows, err := t.Query(ctx, q, regionID, pupilID)
		if err != nil {
			return fmt.Errorf("gegevens voor absoluut verzuim lezen: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var from, kind string
			var to sql.NullString
			if err := rows.Scan(&from, &to, &kind); err != nil {
				return fmt.Errorf("gegevens voor absoluut verzuim lezen: %w", err)
			}
			f, err := absence.ParseDate(from)
			if err != nil {
				return fmt.Errorf("gegevens voor absoluut verzuim lezen: %w", err)
			}
			var e absence.Date
			if to.Valid && to.String != "" {
				if e, err = absence.ParseDate(to.String); err != nil {
					return fmt.Errorf("gegevens voor absoluut verzuim lezen: %w", err)
				}
			}
			each(f, e, kind)
		}
		return rows.Err()
	}
	if err := spans("SELECT van, tot, '' FROM inschrijving WHERE regio_id = ? AND leerling_id = ?", func(f, e absence.Date, _ string) {
		in.Enrolments = append(in.Enrolments, absence.Enrolment{From: f, To: e})
	}); err != nil {
		return in, err
	}
	err = spans("SELECT van, tot, soort FROM vrijstelling WHERE regio_id = ? AND leerling_id = ?", func(f, e absence.Date, k string) {
		in.Exemptions = append(in.Exemptions, absence.Exemption{Kind: absence.ExemptionKind(k), From: f, To: e})
	})
	return in, err
}
