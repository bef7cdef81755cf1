package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/grondslag/grondslag/internal/audit"
	"github.com/grondslag/grondslag/internal/consent"
)

// This file stores the consent register (internal/consent); *DB implements consent.Repository.
// Every read goes to the database: there is no cache that could outlive a withdrawal.

var _ consent.Repository = (*DB)(nil)

func dateStr(d consent.Date) any {
	if d.IsZero() {
		return nil
	}
	return d.String()
}

func parseConsentDate(s sql.NullString) (consent.Date, error) {
	if !s.Valid || s.String == "" {
		return consent.Date{}, nil
	}
	return consent.ParseDate(s.String)
}

// ConsentFamily returns a pupil's birth date and parents with their gezag, as stored now (one
// query: it runs on every consent decision).
func (db *DB) ConsentFamily(ctx context.Context, regionID, pupilID int64) (consent.Family, error) {
	rows, err := db.Query(ctx, `SELECT l.geboortedatum, COALESCE(lo.ouder_id, 0), COALESCE(lo.gezag, 0)
		FROM leerling l LEFT JOIN leerling_ouder lo ON lo.regio_id = l.regio_id AND lo.leerling_id = l.id
		WHERE l.regio_id = ? AND l.id = ? ORDER BY lo.ouder_id`, regionID, pupilID)
	if err != nil {
		return consent.Family{}, fmt.Errorf("gezin van de leerling lezen: %w", err)
	}
	defer rows.Close()
	fam := consent.Family{PupilID: pupilID}
	found := false
	for rows.Next() {
		var birth string
		var g consent.Guardian
		var gezag int
		if err := rows.Scan(&birth, &g.ParentID, &gezag); err != nil {
			return consent.Family{}, fmt.Errorf("gezin van de leerling lezen: %w", err)
		}
		if !found {
			found = true
			if fam.BirthDate, err = consent.ParseDate(birth); err != nil {
				return consent.Family{}, fmt.Errorf("leerling %d: geboortedatum: %w", pupilID, err)
			}
		}
		if g.ParentID != 0 {
			g.Gezag = gezag == 1
			fam.Guardians = append(fam.Guardians, g)
		}
	}
	if err := rows.Err(); err != nil {
		return consent.Family{}, fmt.Errorf("gezin van de leerling lezen: %w", err)
	}
	if !found {
		return consent.Family{}, fmt.Errorf("%w: leerling %d bestaat niet in deze regio", consent.ErrNotFound, pupilID)
	}
	return fam, nil
}

// InsertConsent stores a validated consent record with its givers, purposes, recipients and
// categories in one transaction. A recipient organisation must exist in the region and belong to
// the recipient party; a parent giver must still have gezag over the pupil.
//
// The audit entries trail builds for the new id are appended in the same transaction.
func (db *DB) InsertConsent(ctx context.Context, regionID int64, r consent.Record, trail consent.AuditFunc) (int64, error) {
	var id int64
	err := db.WithTx(ctx, func(tx *Tx) error {
		var err error
		if id, err = insertConsentTx(ctx, tx, regionID, r); err != nil {
			return err
		}
		return appendTrail(ctx, tx, regionID, consentTrail(id, trail))
	})
	return id, err
}

// insertConsentTx inserts a consent record and its child rows in tx (checks as InsertConsent).
func insertConsentTx(ctx context.Context, tx *Tx, regionID int64, r consent.Record) (int64, error) {
	d := r.Data()
	var id int64
	err := func() error {
		for _, rc := range d.Recipients {
			if rc.OrganisationID == 0 {
				continue
			}
			var kind string
			err := tx.QueryRow(ctx, "SELECT soort FROM organisatie WHERE regio_id = ? AND id = ?", regionID, rc.OrganisationID).Scan(&kind)
			if errors.Is(err, sql.ErrNoRows) {
				return fmt.Errorf("%w: ontvanger: organisatie %d bestaat niet in deze regio", consent.ErrInvalid, rc.OrganisationID)
			}
			if err != nil {
				return fmt.Errorf("toestemming vastleggen: %w", err)
			}
			if kind != rc.Party {
				return fmt.Errorf("%w: ontvanger: organisatie %d is een %s, geen %s", consent.ErrInvalid, rc.OrganisationID, kind, rc.Party)
			}
		}
		for _, g := range d.Givers {
			if g.Kind != consent.GiverParent {
				continue
			}
			var gezag int
			err := tx.QueryRow(ctx, "SELECT gezag FROM leerling_ouder WHERE regio_id = ? AND leerling_id = ? AND ouder_id = ?", regionID, d.PupilID, g.ParentID).Scan(&gezag)
			if errors.Is(err, sql.ErrNoRows) || (err == nil && gezag != 1) {
				return fmt.Errorf("%w: ouder %d heeft geen gezag over deze leerling", consent.ErrWrongGiver, g.ParentID)
			}
			if err != nil {
				return fmt.Errorf("toestemming vastleggen: %w", err)
			}
		}
		note, err := tx.SealForPupil(ctx, regionID, d.PupilID, "toestemming.notitie", d.Note)
		if err != nil {
			return fmt.Errorf("toestemming vastleggen: %w", err)
		}
		id, err = tx.InsertID(ctx, `INSERT INTO toestemming (regio_id, leerling_id, status, kanaal, gehoord_door, formulier_versie, formulier_hash,
			bewijs_hash, gegeven_op, geldig_van, geldig_tot, vastgelegd_door, notitie, verstrekker) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			regionID, d.PupilID, string(d.Status), string(d.Channel), nullStr(d.HeardBy), d.FormVersion, d.FormHash,
			nullStr(d.EvidenceHash), d.GivenAt.UnixMilli(), d.ValidFrom.String(), dateStr(d.ValidUntil), d.RecordedBy, nullStr(note), nullStr(d.Discloser))
		if err != nil {
			return fmt.Errorf("toestemming vastleggen: %w", err)
		}
		for _, g := range d.Givers {
			if _, err := tx.Exec(ctx, "INSERT INTO toestemming_gever (regio_id, toestemming_id, soort, ouder_id) VALUES (?, ?, ?, ?)",
				regionID, id, string(g.Kind), optionalID(g.ParentID)); err != nil {
				return fmt.Errorf("toestemming vastleggen: %w", err)
			}
		}
		for _, p := range d.Purposes {
			if _, err := tx.Exec(ctx, "INSERT INTO toestemming_doel (regio_id, toestemming_id, doel) VALUES (?, ?, ?)", regionID, id, p); err != nil {
				return fmt.Errorf("toestemming vastleggen: %w", err)
			}
		}
		for _, rc := range d.Recipients {
			if _, err := tx.Exec(ctx, "INSERT INTO toestemming_ontvanger (regio_id, toestemming_id, partij, organisatie_id) VALUES (?, ?, ?, ?)",
				regionID, id, rc.Party, optionalID(rc.OrganisationID)); err != nil {
				return fmt.Errorf("toestemming vastleggen: %w", err)
			}
		}
		for _, c := range d.Categories {
			if _, err := tx.Exec(ctx, "INSERT INTO toestemming_categorie (regio_id, toestemming_id, categorie) VALUES (?, ?, ?)", regionID, id, c); err != nil {
				return fmt.Errorf("toestemming vastleggen: %w", err)
			}
		}
		return insertConsentDocument(ctx, tx, regionID, id, d)
	}()
	return id, err
}

// consentTrail adapts the consent register's audit function for consent id to appendTrail.
func consentTrail(id int64, trail consent.AuditFunc) func() ([]audit.Entry, error) {
	return func() ([]audit.Entry, error) {
		if trail == nil {
			return nil, nil
		}
		es, err := trail(id)
		if err != nil {
			return nil, fmt.Errorf("toestemming %d: %w", id, err)
		}
		return es, nil
	}
}

const consentCols = `t.id, t.leerling_id, t.status, t.kanaal, COALESCE(t.gehoord_door, ''), t.formulier_versie, t.formulier_hash,
	COALESCE(t.bewijs_hash, ''), t.gegeven_op, t.geldig_van, t.geldig_tot, t.vastgelegd_door, COALESCE(t.notitie, ''),
	t.ingetrokken_op, COALESCE(t.ingetrokken_door, ''), COALESCE(t.intrekking_vastgelegd_door, ''), COALESCE(t.intrekking_notitie, ''),
	COALESCE((SELECT b.soort FROM toestemming_bewijs b WHERE b.regio_id = t.regio_id AND b.toestemming_id = t.id), ''),
	COALESCE((SELECT b.grootte FROM toestemming_bewijs b WHERE b.regio_id = t.regio_id AND b.toestemming_id = t.id), 0),
	COALESCE(t.verstrekker, '')`

// loadConsents reads the consents of the region matching cond (a condition on alias t with `?`
// placeholders), with their child rows, newest first.
func (db *DB) loadConsents(ctx context.Context, regionID int64, cond string, args ...any) ([]consent.Record, error) {
	where := "t.regio_id = ? AND " + cond
	all := append([]any{regionID}, args...)
	rows, err := db.Query(ctx, "SELECT "+consentCols+" FROM toestemming t WHERE "+where+" ORDER BY t.id DESC", all...)
	if err != nil {
		return nil, fmt.Errorf("toestemmingen lezen: %w", err)
	}
	type row struct {
		id int64
		d  consent.Draft
		w  *consent.Withdrawal
	}
	var list []*row
	byID := map[int64]*row{}
	for rows.Next() {
		var x row
		var status, channel string
		var given int64
		var from, until sql.NullString
		var wAt sql.NullInt64
		var wBy, wRec, wNote, docType string
		var docSize int64
		if err := rows.Scan(&x.id, &x.d.PupilID, &status, &channel, &x.d.HeardBy, &x.d.FormVersion, &x.d.FormHash, &x.d.EvidenceHash,
			&given, &from, &until, &x.d.RecordedBy, &x.d.Note, &wAt, &wBy, &wRec, &wNote, &docType, &docSize, &x.d.Discloser); err != nil {
			rows.Close()
			return nil, fmt.Errorf("toestemmingen lezen: %w", err)
		}
		if docType != "" {
			x.d.Document = &consent.Document{MediaType: docType, Size: docSize, SHA256: x.d.EvidenceHash}
		}
		x.d.Status, x.d.Channel, x.d.GivenAt = consent.Status(status), consent.Channel(channel), time.UnixMilli(given).UTC()
		if x.d.ValidFrom, err = parseConsentDate(from); err == nil {
			x.d.ValidUntil, err = parseConsentDate(until)
		}
		if err != nil {
			rows.Close()
			return nil, fmt.Errorf("toestemming %d: %w", x.id, err)
		}
		if wAt.Valid {
			by, err := consent.ParseGiver(wBy)
			if err != nil {
				rows.Close()
				return nil, fmt.Errorf("toestemming %d: %w", x.id, err)
			}
			x.w = &consent.Withdrawal{ConsentID: x.id, At: time.UnixMilli(wAt.Int64).UTC(), By: by, RecordedBy: wRec, Note: wNote}
		}
		list = append(list, &x)
		byID[x.id] = &x
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("toestemmingen lezen: %w", err)
	}
	o := db.opener(ctx, regionID)
	for _, x := range list {
		o.open(x.d.PupilID, "toestemming.notitie", &x.d.Note)
		if x.w != nil {
			o.open(x.d.PupilID, "toestemming.intrekking_notitie", &x.w.Note)
		}
	}
	if o.err != nil {
		return nil, o.err
	}
	if len(list) == 0 {
		return nil, nil
	}
	// The givers, purposes, recipients and categories of all these consents in one round trip.
	sub := "toestemming_id IN (SELECT t.id FROM toestemming t WHERE " + where + ")"
	subArgs := append([]any{regionID}, all...)
	var childArgs []any
	for i := 0; i < 4; i++ {
		childArgs = append(childArgs, subArgs...)
	}
	crows, err := db.Query(ctx, `SELECT toestemming_id, 1, soort, COALESCE(ouder_id, 0) FROM toestemming_gever WHERE regio_id = ? AND `+sub+`
		UNION ALL SELECT toestemming_id, 2, doel, 0 FROM toestemming_doel WHERE regio_id = ? AND `+sub+`
		UNION ALL SELECT toestemming_id, 3, partij, COALESCE(organisatie_id, 0) FROM toestemming_ontvanger WHERE regio_id = ? AND `+sub+`
		UNION ALL SELECT toestemming_id, 4, categorie, 0 FROM toestemming_categorie WHERE regio_id = ? AND `+sub+`
		ORDER BY 1, 2, 3, 4`, childArgs...)
	if err != nil {
		return nil, fmt.Errorf("toestemmingen lezen: %w", err)
	}
	defer crows.Close()
	for crows.Next() {
		var id, n int64
		var kind int
		var code string
		if err := crows.Scan(&id, &kind, &code, &n); err != nil {
			return nil, fmt.Errorf("toestemmingen lezen: %w", err)
		}
		x := byID[id]
		if x == nil {
			continue // a consent inserted between the two queries
		}
		switch kind {
		case 1:
			x.d.Givers = append(x.d.Givers, consent.Giver{Kind: consent.GiverKind(code), ParentID: n})
		case 2:
			x.d.Purposes = append(x.d.Purposes, code)
		case 3:
			x.d.Recipients = append(x.d.Recipients, consent.Recipient{Party: code, OrganisationID: n})
		case 4:
			x.d.Categories = append(x.d.Categories, code)
		}
	}
	if err := crows.Err(); err != nil {
		return nil, fmt.Errorf("toestemmingen lezen: %w", err)
	}
	out := make([]consent.Record, len(list))
	for i, x := range list {
		out[i] = consent.Restore(x.id, x.d, x.w)
	}
	return out, nil
}

// ConsentsOfPupil returns every consent and refusal recorded for a pupil, newest first.
func (db *DB) ConsentsOfPupil(ctx context.Context, regionID, pupilID int64) ([]consent.Record, error) {
	return db.loadConsents(ctx, regionID, "t.leerling_id = ?", pupilID)
}

// ConsentByID returns one consent record of the region.
func (db *DB) ConsentByID(ctx context.Context, regionID, id int64) (consent.Record, error) {
	recs, err := db.loadConsents(ctx, regionID, "t.id = ?", id)
	if err != nil {
		return consent.Record{}, err
	}
	if len(recs) == 0 {
		return consent.Record{}, fmt.Errorf("%w: toestemming %d bestaat niet in deze regio", consent.ErrNotFound, id)
	}
	return recs[0], nil
}

// WithdrawConsent records a withdrawal, with the audit entries trail builds, in one transaction;
// a consent can be withdrawn once.
func (db *DB) WithdrawConsent(ctx context.Context, regionID int64, w consent.Withdrawal, trail consent.AuditFunc) error {
	done := false
	err := db.WithTx(ctx, func(tx *Tx) error {
		var pupil int64
		if err := tx.QueryRow(ctx, "SELECT leerling_id FROM toestemming WHERE regio_id = ? AND id = ?", regionID, w.ConsentID).Scan(&pupil); err != nil && !errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("toestemming intrekken: %w", err)
		}
		note := ""
		if pupil != 0 {
			var err error
			if note, err = tx.SealForPupil(ctx, regionID, pupil, "toestemming.intrekking_notitie", w.Note); err != nil {
				return fmt.Errorf("toestemming intrekken: %w", err)
			}
		}
		res, err := tx.Exec(ctx, `UPDATE toestemming SET ingetrokken_op = ?, ingetrokken_door = ?, intrekking_vastgelegd_door = ?, intrekking_notitie = ?
			WHERE regio_id = ? AND id = ? AND status = 'gegeven' AND ingetrokken_op IS NULL`,
			w.At.UnixMilli(), w.By.String(), w.RecordedBy, nullStr(note), regionID, w.ConsentID)
		if err != nil {
			return fmt.Errorf("toestemming intrekken: %w", err)
		}
		n, err := res.RowsAffected()
		if err != nil || n != 1 {
			return wrapErr(err, "toestemming intrekken")
		}
		done = true
		return appendTrail(ctx, tx, regionID, consentTrail(w.ConsentID, trail))
	})
	if err != nil || done {
		return err
	}
	var withdrawn sql.NullInt64
	err = db.QueryRow(ctx, "SELECT ingetrokken_op FROM toestemming WHERE regio_id = ? AND id = ?", regionID, w.ConsentID).Scan(&withdrawn)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return fmt.Errorf("%w: toestemming %d bestaat niet in deze regio", consent.ErrNotFound, w.ConsentID)
	case err != nil:
		return wrapErr(err, "toestemming intrekken")
	case withdrawn.Valid:
		return consent.ErrAlreadyWithdrawn
	}
	return fmt.Errorf("%w: toestemming %d is een weigering en kan niet worden ingetrokken", consent.ErrInvalid, w.ConsentID)
}

// RecordConsentUse records that a disclosure relied on a consent.
func (db *DB) RecordConsentUse(ctx context.Context, regionID int64, u consent.Use) (int64, error) {
	if u.Reference == "" || u.By == "" {
		return 0, fmt.Errorf("%w: gebruik van toestemming zonder verwijzing of uitvoerder", consent.ErrInvalid)
	}
	var id int64
	err := db.WithTx(ctx, func(tx *Tx) error {
		var err error
		id, err = tx.InsertID(ctx, `INSERT INTO toestemming_gebruik (regio_id, toestemming_id, op, leerling_id, doel, partij, organisatie_id, categorie, verwijzing, door)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			regionID, u.ConsentID, u.At.UnixMilli(), u.PupilID, u.Purpose, u.Party, optionalID(u.OrganisationID), u.Category, u.Reference, u.By)
		return wrapErr(err, "gebruik van toestemming vastleggen")
	})
	return id, err
}

// ConsentUses lists the disclosures that relied on a consent, oldest first.
func (db *DB) ConsentUses(ctx context.Context, regionID, consentID int64) ([]consent.Use, error) {
	rows, err := db.Query(ctx, `SELECT id, toestemming_id, op, leerling_id, doel, partij, COALESCE(organisatie_id, 0), categorie, verwijzing, door
		FROM toestemming_gebruik WHERE regio_id = ? AND toestemming_id = ? ORDER BY op, id`, regionID, consentID)
	if err != nil {
		return nil, fmt.Errorf("gebruik van toestemming lezen: %w", err)
	}
	defer rows.Close()
	var out []consent.Use
	for rows.Next() {
		var u consent.Use
		var at int64
		if err := rows.Scan(&u.ID, &u.ConsentID, &at, &u.PupilID, &u.Purpose, &u.Party, &u.OrganisationID, &u.Category, &u.Reference, &u.By); err != nil {
			return nil, fmt.Errorf("gebruik van toestemming lezen: %w", err)
		}
		u.At = time.UnixMilli(at).UTC()
		out = append(out, u)
	}
	return out, rows.Err()
}

// ActiveConsents returns the given, not withdrawn consents of the region that end on or after
// from (or never), with the families of their pupils (read in one query, not one per pupil).
func (db *DB) ActiveConsents(ctx context.Context, regionID int64, from consent.Date) ([]consent.Record, map[int64]consent.Family, error) {
	const active = "t.status = 'gegeven' AND t.ingetrokken_op IS NULL AND (t.geldig_tot IS NULL OR t.geldig_tot >= ?)"
	recs, err := db.loadConsents(ctx, regionID, active, from.String())
	if err != nil {
		return nil, nil, err
	}
	fams := map[int64]consent.Family{}
	if len(recs) == 0 {
		return recs, fams, nil
	}
	rows, err := db.Query(ctx, `SELECT l.id, l.geboortedatum, COALESCE(lo.ouder_id, 0), COALESCE(lo.gezag, 0)
		FROM leerling l LEFT JOIN leerling_ouder lo ON lo.regio_id = l.regio_id AND lo.leerling_id = l.id
		WHERE l.regio_id = ? AND l.id IN (SELECT t.leerling_id FROM toestemming t WHERE t.regio_id = ? AND `+active+`)
		ORDER BY l.id, lo.ouder_id`, regionID, regionID, from.String())
	if err != nil {
		return nil, nil, fmt.Errorf("geldige toestemmingen lezen: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id, parent int64
		var birth string
		var gezag int
		if err := rows.Scan(&id, &birth, &parent, &gezag); err != nil {
			return nil, nil, fmt.Errorf("geldige toestemmingen lezen: %w", err)
		}
		f, ok := fams[id]
		if !ok {
			bd, err := consent.ParseDate(birth)
			if err != nil {
				return nil, nil, fmt.Errorf("leerling %d: geboortedatum: %w", id, err)
			}
			f = consent.Family{PupilID: id, BirthDate: bd}
		}
		if parent != 0 {
			f.Guardians = append(f.Guardians, consent.Guardian{ParentID: parent, Gezag: gezag == 1})
		}
		fams[id] = f
	}
	return recs, fams, rows.Err()
}

// ConsentAuditShares lists the audit trail's allowed processing of a pupil's data that relied on
// consent id (audit entries naming the consent), as uses for the withdrawal's list. Implements
// consent.ShareLog.
func (db *DB) ConsentAuditShares(ctx context.Context, regionID, pupilID, consentID int64) ([]consent.Use, error) {
	var ps string
	err := db.QueryRow(ctx, "SELECT pseudoniem FROM leerling WHERE regio_id = ? AND id = ?", regionID, pupilID).Scan(&ps)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("%w: leerling %d bestaat niet in deze regio", consent.ErrNotFound, pupilID)
	}
	if err != nil {
		return nil, fmt.Errorf("verstrekkingen op grond van toestemming lezen: %w", err)
	}
	leaves, err := NewAuditStore(db).ForPupil(ctx, regionID, ps)
	if err != nil {
		return nil, err
	}
	var out []consent.Use
	for _, l := range leaves {
		r := l.Entry.Record()
		if r.ConsentID != consentID || r.Outcome != audit.Allowed || r.Action == audit.ActionCreate || r.Action == audit.ActionUpdate {
			continue // the consent's own recording and withdrawal are no disclosures
		}
		by := "systeemtaak"
		if r.Actor.UserID > 0 {
			by = fmt.Sprintf("gebruiker:%d", r.Actor.UserID)
		}
		out = append(out, consent.Use{ConsentID: consentID, At: r.Time, PupilID: pupilID, Purpose: r.Purpose,
			OrganisationID: r.Actor.OrganisationID, Category: strings.Join(r.Categories, ","),
			Reference: fmt.Sprintf("audit:%d (%s)", l.Index, r.Action), By: by})
	}
	return out, nil
}

// ConsentForm is consent.FormRecord.
type ConsentForm = consent.FormRecord

// SaveConsentForm keeps the text of a form once per hash (saving it again is a no-op).
func (db *DB) SaveConsentForm(ctx context.Context, regionID int64, f ConsentForm, now time.Time) error {
	return db.WithTx(ctx, func(tx *Tx) error {
		var n int
		if err := tx.QueryRow(ctx, "SELECT COUNT(*) FROM toestemming_formulier WHERE regio_id = ? AND hash = ?", regionID, f.Hash).Scan(&n); err != nil {
			return fmt.Errorf("toestemmingsformulier opslaan: %w", err)
		}
		if n > 0 {
			return nil
		}
		text, html := f.Text, f.HTML
		if f.PupilID != 0 { // a form made out to a pupil names the child: sealed with its key
			sl := tx.sealer(ctx, regionID, f.PupilID)
			text, html = sl.seal("toestemming_formulier.tekst", f.Text), sl.seal("toestemming_formulier.html", f.HTML)
			if sl.err != nil {
				return sl.err
			}
		}
		_, err := tx.Exec(ctx, `INSERT INTO toestemming_formulier (regio_id, hash, versie, leerling_id, doel, tekst, html, aangemaakt_op) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
			regionID, f.Hash, f.Version, optionalID(f.PupilID), f.Purpose, text, html, now.UnixMilli())
		return wrapErr(err, "toestemmingsformulier opslaan")
	})
}

// ConsentFormByHash returns a stored form; a unique prefix of at least 8 hex characters will do.
func (db *DB) ConsentFormByHash(ctx context.Context, regionID int64, hash string) (ConsentForm, error) {
	hash = strings.ToLower(strings.TrimSpace(hash))
	if len(hash) < 8 || strings.Trim(hash, "0123456789abcdef") != "" {
		return ConsentForm{}, fmt.Errorf("%w: formulierkenmerk %q: gebruik ten minste 8 hexadecimale tekens", consent.ErrInvalid, hash)
	}
	rows, err := db.Query(ctx, `SELECT hash, versie, COALESCE(leerling_id, 0), doel, tekst, html FROM toestemming_formulier
		WHERE regio_id = ? AND hash LIKE ? ORDER BY hash LIMIT 2`, regionID, hash+"%")
	if err != nil {
		return ConsentForm{}, fmt.Errorf("toestemmingsformulier zoeken: %w", err)
	}
	defer rows.Close()
	var out []ConsentForm
	for rows.Next() {
		var f ConsentForm
		if err := rows.Scan(&f.Hash, &f.Version, &f.PupilID, &f.Purpose, &f.Text, &f.HTML); err != nil {
			return ConsentForm{}, fmt.Errorf("toestemmingsformulier zoeken: %w", err)
		}
		out = append(out, f)
	}
	if err := rows.Err(); err != nil {
		return ConsentForm{}, fmt.Errorf("toestemmingsformulier zoeken: %w", err)
	}
	switch len(out) {
	case 0:
		return ConsentForm{}, fmt.Errorf("%w: geen formulier met kenmerk %s in deze regio", consent.ErrNotFound, hash)
	case 1:
		f := out[0]
		if f.PupilID != 0 {
			o := db.opener(ctx, regionID)
			o.open(f.PupilID, "toestemming_formulier.tekst", &f.Text)
			o.open(f.PupilID, "toestemming_formulier.html", &f.HTML)
			return f, o.err
		}
		return f, nil
	}
	return ConsentForm{}, fmt.Errorf("%w: kenmerk %s is niet eenduidig; geef meer tekens", consent.ErrInvalid, hash)
}
