package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/grondslag/grondslag/internal/consent"
)

// Online consent requests (internal/consent ask.go); *DB implements consent.AskRepository.

var _ consent.AskRepository = (*DB)(nil)

// InsertAsk stores a validated consent request with its recipients and categories, and the audit
// entries trail builds (for consent id 0), in one transaction. A recipient organisation must
// exist in the region and belong to the party; the form must be stored.
func (db *DB) InsertAsk(ctx context.Context, regionID int64, a consent.Ask, trail consent.AuditFunc) (int64, error) {
	d := a.Data()
	var id int64
	err := db.WithTx(ctx, func(tx *Tx) error {
		for _, rc := range d.Recipients {
			if rc.OrganisationID == 0 {
				continue
			}
			var kind string
			err := tx.QueryRow(ctx, "SELECT soort FROM organisatie WHERE regio_id = ? AND id = ?", regionID, rc.OrganisationID).Scan(&kind)
			if errors.Is(err, sql.ErrNoRows) || (err == nil && kind != rc.Party) {
				return fmt.Errorf("%w: ontvanger: organisatie %d is geen %s in deze regio", consent.ErrInvalid, rc.OrganisationID, rc.Party)
			}
			if err != nil {
				return fmt.Errorf("toestemmingsverzoek vastleggen: %w", err)
			}
		}
		var n int
		if err := tx.QueryRow(ctx, "SELECT COUNT(*) FROM toestemming_formulier WHERE regio_id = ? AND hash = ?", regionID, d.FormHash).Scan(&n); err != nil {
			return fmt.Errorf("toestemmingsverzoek vastleggen: %w", err)
		}
		if n == 0 {
			return fmt.Errorf("%w: het formulier %s is niet bewaard", consent.ErrInvalid, d.FormHash[:12])
		}
		note, err := tx.SealForPupil(ctx, regionID, d.PupilID, "toestemming_verzoek.toelichting", d.Note)
		if err != nil {
			return fmt.Errorf("toestemmingsverzoek vastleggen: %w", err)
		}
		id, err = tx.InsertID(ctx, `INSERT INTO toestemming_verzoek (regio_id, leerling_id, doel, formulier_versie, formulier_hash, gevraagd_door, gevraagd_op, toelichting, status)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'open')`, regionID, d.PupilID, d.Purpose, d.FormVersion, d.FormHash, d.AskedBy, d.AskedAt.UnixMilli(), nullStr(note))
		if err != nil {
			return fmt.Errorf("toestemmingsverzoek vastleggen: %w", err)
		}
		for _, rc := range d.Recipients {
			if _, err := tx.Exec(ctx, "INSERT INTO toestemming_verzoek_ontvanger (regio_id, verzoek_id, partij, organisatie_id) VALUES (?, ?, ?, ?)",
				regionID, id, rc.Party, optionalID(rc.OrganisationID)); err != nil {
				return fmt.Errorf("toestemmingsverzoek vastleggen: %w", err)
			}
		}
		for _, c := range d.Categories {
			if _, err := tx.Exec(ctx, "INSERT INTO toestemming_verzoek_categorie (regio_id, verzoek_id, categorie) VALUES (?, ?, ?)", regionID, id, c); err != nil {
				return fmt.Errorf("toestemmingsverzoek vastleggen: %w", err)
			}
		}
		return appendTrail(ctx, tx, regionID, consentTrail(0, trail))
	})
	return id, err
}

// AskByID returns one consent request of the region with its answers.
func (db *DB) AskByID(ctx context.Context, regionID, id int64) (consent.Ask, error) {
	list, err := db.loadAsks(ctx, regionID, "v.id = ?", id)
	if err != nil {
		return consent.Ask{}, err
	}
	if len(list) == 0 {
		return consent.Ask{}, fmt.Errorf("%w: toestemmingsverzoek %d bestaat niet in deze regio", consent.ErrNotFound, id)
	}
	return list[0], nil
}

// AsksOfPupil returns a pupil's consent requests, newest first.
func (db *DB) AsksOfPupil(ctx context.Context, regionID, pupilID int64) ([]consent.Ask, error) {
	return db.loadAsks(ctx, regionID, "v.leerling_id = ?", pupilID)
}

func (db *DB) loadAsks(ctx context.Context, regionID int64, cond string, args ...any) ([]consent.Ask, error) {
	where := "v.regio_id = ? AND " + cond
	all := append([]any{regionID}, args...)
	rows, err := db.Query(ctx, `SELECT v.id, v.leerling_id, v.doel, v.formulier_versie, v.formulier_hash, v.gevraagd_door, v.gevraagd_op,
		COALESCE(v.toelichting, ''), v.status, COALESCE(v.toestemming_id, 0) FROM toestemming_verzoek v WHERE `+where+` ORDER BY v.id DESC`, all...)
	if err != nil {
		return nil, fmt.Errorf("toestemmingsverzoeken lezen: %w", err)
	}
	type row struct {
		id, consentID int64
		d             consent.AskDraft
		status        string
		answers       []consent.AskAnswer
	}
	var list []*row
	byID := map[int64]*row{}
	for rows.Next() {
		var x row
		var at int64
		if err := rows.Scan(&x.id, &x.d.PupilID, &x.d.Purpose, &x.d.FormVersion, &x.d.FormHash, &x.d.AskedBy, &at, &x.d.Note, &x.status, &x.consentID); err != nil {
			rows.Close()
			return nil, fmt.Errorf("toestemmingsverzoeken lezen: %w", err)
		}
		x.d.AskedAt = time.UnixMilli(at).UTC()
		o := db.opener(ctx, regionID)
		if o.open(x.d.PupilID, "toestemming_verzoek.toelichting", &x.d.Note); o.err != nil {
			rows.Close()
			return nil, o.err
		}
		list = append(list, &x)
		byID[x.id] = &x
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("toestemmingsverzoeken lezen: %w", err)
	}
	if len(list) == 0 {
		return nil, nil
	}
	sub := "verzoek_id IN (SELECT v.id FROM toestemming_verzoek v WHERE " + where + ")"
	var childArgs []any
	for i := 0; i < 3; i++ {
		childArgs = append(childArgs, regionID)
		childArgs = append(childArgs, all...)
	}
	crows, err := db.Query(ctx, `SELECT verzoek_id, 1, partij, COALESCE(organisatie_id, 0), 0, '', 0 FROM toestemming_verzoek_ontvanger WHERE regio_id = ? AND `+sub+`
		UNION ALL SELECT verzoek_id, 2, categorie, 0, 0, '', 0 FROM toestemming_verzoek_categorie WHERE regio_id = ? AND `+sub+`
		UNION ALL SELECT verzoek_id, 3, soort, COALESCE(ouder_id, 0), op, antwoord || ' ' || kanaal, id FROM toestemming_verzoek_antwoord WHERE regio_id = ? AND `+sub+`
		ORDER BY 1, 2, 7, 3`, childArgs...)
	if err != nil {
		return nil, fmt.Errorf("toestemmingsverzoeken lezen: %w", err)
	}
	defer crows.Close()
	for crows.Next() {
		var id, n, at, seq int64
		var kind int
		var code, extra string
		if err := crows.Scan(&id, &kind, &code, &n, &at, &extra, &seq); err != nil {
			return nil, fmt.Errorf("toestemmingsverzoeken lezen: %w", err)
		}
		x := byID[id]
		if x == nil {
			continue
		}
		switch kind {
		case 1:
			x.d.Recipients = append(x.d.Recipients, consent.Recipient{Party: code, OrganisationID: n})
		case 2:
			x.d.Categories = append(x.d.Categories, code)
		case 3:
			yes, channel := false, ""
			if len(extra) > 3 && extra[:3] == "ja " {
				yes, channel = true, extra[3:]
			} else if len(extra) > 4 {
				channel = extra[4:]
			}
			x.answers = append(x.answers, consent.AskAnswer{Giver: consent.Giver{Kind: consent.GiverKind(code), ParentID: n}, Yes: yes,
				At: time.UnixMilli(at).UTC(), Channel: consent.Channel(channel)})
		}
	}
	if err := crows.Err(); err != nil {
		return nil, fmt.Errorf("toestemmingsverzoeken lezen: %w", err)
	}
	out := make([]consent.Ask, len(list))
	for i, x := range list {
		out[i] = consent.RestoreAsk(x.id, x.d, x.answers, consent.AskStatus(x.status), x.consentID)
	}
	return out, nil
}

// SaveAskAnswer stores an answer and, when the answers led to one, the consent or refusal record
// and the request's status, with the audit entries, in one transaction. The request must still
// be open (checked inside the transaction, so two parents answering at once cannot both close
// it); a parent giver must still have gezag.
func (db *DB) SaveAskAnswer(ctx context.Context, regionID, askID int64, seen int, ans consent.AskAnswer, outcome *consent.Record, status consent.AskStatus, trail consent.AuditFunc) (int64, error) {
	var recID int64
	err := db.WithTx(ctx, func(tx *Tx) error {
		// Claim the request row first (an UPDATE takes the row lock on PostgreSQL and the write
		// lock on SQLite), so that concurrent answers are serialised.
		res, err := tx.Exec(ctx, "UPDATE toestemming_verzoek SET status = status WHERE regio_id = ? AND id = ? AND status = 'open'", regionID, askID)
		if err != nil {
			return fmt.Errorf("antwoord op toestemmingsverzoek vastleggen: %w", err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return fmt.Errorf("antwoord op toestemmingsverzoek vastleggen: %w", err)
		} else if n != 1 {
			return fmt.Errorf("%w: toestemmingsverzoek %d is niet (meer) open", consent.ErrInvalid, askID)
		}
		var n int
		if err := tx.QueryRow(ctx, "SELECT COUNT(*) FROM toestemming_verzoek_antwoord WHERE regio_id = ? AND verzoek_id = ?", regionID, askID).Scan(&n); err != nil {
			return fmt.Errorf("antwoord op toestemmingsverzoek vastleggen: %w", err)
		}
		if n != seen {
			return consent.ErrAskChanged
		}
		if ans.Giver.Kind == consent.GiverParent {
			var gezag int
			err := tx.QueryRow(ctx, `SELECT lo.gezag FROM leerling_ouder lo JOIN toestemming_verzoek v ON v.regio_id = lo.regio_id AND v.leerling_id = lo.leerling_id
				WHERE v.regio_id = ? AND v.id = ? AND lo.ouder_id = ?`, regionID, askID, ans.Giver.ParentID).Scan(&gezag)
			if errors.Is(err, sql.ErrNoRows) || (err == nil && gezag != 1) {
				return fmt.Errorf("%w: ouder %d heeft geen gezag over deze leerling", consent.ErrWrongGiver, ans.Giver.ParentID)
			}
			if err != nil {
				return fmt.Errorf("antwoord op toestemmingsverzoek vastleggen: %w", err)
			}
		}
		word := "nee"
		if ans.Yes {
			word = "ja"
		}
		if _, err := tx.Exec(ctx, `INSERT INTO toestemming_verzoek_antwoord (regio_id, verzoek_id, soort, ouder_id, antwoord, op, kanaal) VALUES (?, ?, ?, ?, ?, ?, ?)`,
			regionID, askID, string(ans.Giver.Kind), optionalID(ans.Giver.ParentID), word, ans.At.UnixMilli(), string(ans.Channel)); err != nil {
			return fmt.Errorf("antwoord op toestemmingsverzoek vastleggen: %w", err)
		}
		if outcome != nil {
			if recID, err = insertConsentTx(ctx, tx, regionID, *outcome); err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, "UPDATE toestemming_verzoek SET status = ?, toestemming_id = ? WHERE regio_id = ? AND id = ?",
				string(status), recID, regionID, askID); err != nil {
				return fmt.Errorf("antwoord op toestemmingsverzoek vastleggen: %w", err)
			}
		}
		return appendTrail(ctx, tx, regionID, consentTrail(recID, trail))
	})
	return recID, err
}

// ParentNames returns the names of a pupil's parents by id ("Voornaam Achternaam"), so that
// pages show a parent by name rather than by number.
func (db *DB) ParentNames(ctx context.Context, regionID, pupilID int64) (map[int64]string, error) {
	rows, err := db.Query(ctx, `SELECT o.id, o.voornaam || ' ' || o.achternaam FROM leerling_ouder lo JOIN ouder o ON o.regio_id = lo.regio_id AND o.id = lo.ouder_id
		WHERE lo.regio_id = ? AND lo.leerling_id = ?`, regionID, pupilID)
	if err != nil {
		return nil, fmt.Errorf("namen van ouders lezen: %w", err)
	}
	defer rows.Close()
	out := map[int64]string{}
	for rows.Next() {
		var id int64
		var name string
		if err := rows.Scan(&id, &name); err != nil {
			return nil, fmt.Errorf("namen van ouders lezen: %w", err)
		}
		out[id] = name
	}
	return out, rows.Err()
}

// OpenAskParentEmails returns the e-mail addresses of the parents with gezag of the pupil with
// the oldest open consent request in the region (the demo prints them so a person trying it can
// answer the request as each parent).
func (db *DB) OpenAskParentEmails(ctx context.Context, regionID int64) ([]string, error) {
	rows, err := db.Query(ctx, `SELECT o.email FROM ouder o JOIN leerling_ouder lo ON lo.regio_id = o.regio_id AND lo.ouder_id = o.id
		WHERE o.regio_id = ? AND lo.gezag = 1 AND o.email IS NOT NULL AND o.email <> '' AND lo.leerling_id =
			(SELECT v.leerling_id FROM toestemming_verzoek v WHERE v.regio_id = ? AND v.status = 'open' ORDER BY v.id LIMIT 1)
		ORDER BY o.id`, regionID, regionID)
	if err != nil {
		return nil, fmt.Errorf("e-mailadressen voor open toestemmingsverzoeken lezen: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var e string
		if err := rows.Scan(&e); err != nil {
			return nil, fmt.Errorf("e-mailadressen voor open toestemmingsverzoeken lezen: %w", err)
		}
		out = append(out, e)
	}
	return out, rows.Err()
}
