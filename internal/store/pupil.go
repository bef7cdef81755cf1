package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/grondslag/grondslag/internal/ident"
	"github.com/grondslag/grondslag/internal/region"
)

// pupilAAD binds a sealed identifier to its region and pseudonym, so a ciphertext copied to
// another row or region does not open.
func pupilAAD(regionID int64, pseudonym string) []byte {
	return []byte("leerling:" + strconv.FormatInt(regionID, 10) + ":" + pseudonym)
}

// CreatePupil stores a validated pupil: the identifier as pseudonym plus ciphertext, never in
// clear. It returns the id and the pseudonym. A pupil whose identifier is already known in the
// region is refused.
func (t *Tx) CreatePupil(ctx context.Context, regionID int64, p region.Pupil, keys Keys, now time.Time) (int64, string, error) {
	pseudonym := keys.Pseudonym(p.NumberKind, p.Number)
	version, sealed, err := keys.Seal([]byte(p.Number), pupilAAD(regionID, pseudonym))
	if err != nil {
		return 0, "", err
	}
	if p.GemeenteID != 0 {
		g, err := t.organisation(ctx, regionID, p.GemeenteID)
		if err != nil || g.Kind != region.KindGemeente {
			return 0, "", &region.FieldError{Field: "woongemeente", Msg: "onbekende gemeente in deze regio"}
		}
	}
	id, err := t.InsertID(ctx, `INSERT INTO leerling (regio_id, pseudoniem, id_soort, id_versleuteld, sleutel_versie, voornaam, achternaam, geboortedatum, woongemeente_id, aangemaakt_op)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		regionID, pseudonym, string(p.NumberKind), sealed, version, p.FirstName, p.LastName, fmtDate(p.BirthDate), optionalID(p.GemeenteID), now.UnixMilli())
	if err != nil && isUnique(err) {
		return 0, "", &region.FieldError{Field: string(p.NumberKind), Msg: "deze leerling staat al in de regio"}
	}
	return id, pseudonym, wrapErr(err, "leerling maken")
}

// AddEnrolment enrols a pupil at a school of the region. It refuses an unknown school, an
// organisation that is not a school, and an enrolment that overlaps another at the same school.
func (t *Tx) AddEnrolment(ctx context.Context, regionID, pupilID int64, e region.Enrolment) (int64, error) {
	school, err := t.organisation(ctx, regionID, e.SchoolID)
	if err != nil || school.Kind != region.KindSchool {
		return 0, &region.FieldError{Field: "school", Msg: "onbekende school in deze regio"}
	}
	rows, err := t.Query(ctx, "SELECT van, tot FROM inschrijving WHERE regio_id = ? AND leerling_id = ? AND school_id = ?", regionID, pupilID, e.SchoolID)
	if err != nil {
		return 0, fmt.Errorf("inschrijving vastleggen: %w", err)
	}
	for rows.Next() {
		var from, to sql.NullString
		if err := rows.Scan(&from, &to); err != nil {
			rows.Close()
			return 0, fmt.Errorf("inschrijving vastleggen: %w", err)
		}
		if e.Overlaps(region.Enrolment{From: parseDate(from), To: parseDate(to)}) {
			rows.Close()
			return 0, &region.FieldError{Field: "van", Msg: fmt.Sprintf("deze inschrijving overlapt een andere inschrijving bij dezelfde school (vanaf %s)", from.String)}
		}
	}
	rows.Close()
	var class any
	if e.Class != "" {
		class = e.Class
	}
	id, err := t.InsertID(ctx, "INSERT INTO inschrijving (regio_id, leerling_id, school_id, leerlingnummer, van, tot, leerjaar, klas) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
		regionID, pupilID, e.SchoolID, e.Number, fmtDate(e.From), fmtDate(e.To), e.Year, class)
	if err != nil && isUnique(err) {
		return 0, &region.FieldError{Field: "leerlingnummer", Msg: "dit leerlingnummer is bij deze school al in gebruik"}
	}
	if err != nil && strings.Contains(err.Error(), "FOREIGN KEY") || err != nil && strings.Contains(err.Error(), "23503") {
		return 0, &region.FieldError{Field: "leerling", Msg: "onbekende leerling in deze regio"}
	}
	return id, wrapErr(err, "inschrijving vastleggen")
}

// CreateParent stores a parent or guardian.
func (t *Tx) CreateParent(ctx context.Context, regionID int64, p region.Parent) (int64, error) {
	return t.InsertID(ctx, "INSERT INTO ouder (regio_id, voornaam, achternaam, email, telefoon) VALUES (?, ?, ?, ?, ?)",
		regionID, p.FirstName, p.LastName, nullStr(p.Email), nullStr(p.Phone))
}

// LinkGuardian links a parent to a pupil, with or without gezag.
func (t *Tx) LinkGuardian(ctx context.Context, regionID, pupilID int64, g region.GuardianLink) error {
	_, err := t.Exec(ctx, "INSERT INTO leerling_ouder (regio_id, leerling_id, ouder_id, relatie, gezag) VALUES (?, ?, ?, ?, ?)",
		regionID, pupilID, g.ParentID, g.Relation, boolInt(g.Gezag))
	if err != nil && (strings.Contains(err.Error(), "FOREIGN KEY") || strings.Contains(err.Error(), "23503")) {
		return &region.FieldError{Field: "ouder", Msg: "onbekende leerling of ouder in deze regio"}
	}
	return wrapErr(err, "gezagdrager koppelen")
}

const pupilCols = "id, pseudoniem, id_soort, voornaam, achternaam, geboortedatum, COALESCE(woongemeente_id, 0)"

func scanPupil(sc interface{ Scan(...any) error }) (region.Pupil, error) {
	var p region.Pupil
	var kind string
	var birth sql.NullString
	err := sc.Scan(&p.ID, &p.Pseudonym, &kind, &p.FirstName, &p.LastName, &birth, &p.GemeenteID)
	p.NumberKind, p.BirthDate = ident.Kind(kind), parseDate(birth)
	return p, wrapErr(err, "leerling lezen")
}

// Pupil returns one pupil of the region with enrolments and guardian links (no identifier).
func (db *DB) Pupil(ctx context.Context, regionID, id int64) (region.Pupil, error) {
	p, err := scanPupil(db.QueryRow(ctx, "SELECT "+pupilCols+" FROM leerling WHERE regio_id = ? AND id = ?", regionID, id))
	if errors.Is(err, sql.ErrNoRows) {
		return p, ErrNotFound
	}
	if err != nil {
		return p, err
	}
	return p, db.loadPupilRelations(ctx, regionID, &p)
}

// PupilByPseudonym finds a pupil of the region by pseudonym.
func (db *DB) PupilByPseudonym(ctx context.Context, regionID int64, pseudonym string) (region.Pupil, error) {
	p, err := scanPupil(db.QueryRow(ctx, "SELECT "+pupilCols+" FROM leerling WHERE regio_id = ? AND pseudoniem = ?", regionID, pseudonym))
	if errors.Is(err, sql.ErrNoRows) {
		return p, ErrNotFound
	}
	if err != nil {
		return p, err
	}
	return p, db.loadPupilRelations(ctx, regionID, &p)
}

// PupilBySchoolNumber finds the pupil a school knows by its own pupil number on a given day.
func (db *DB) PupilBySchoolNumber(ctx context.Context, regionID, schoolID int64, number string, day time.Time) (int64, error) {
	var id int64
	err := db.QueryRow(ctx, `SELECT leerling_id FROM inschrijving WHERE regio_id = ? AND school_id = ? AND leerlingnummer = ?
		AND van <= ? AND (tot IS NULL OR tot >= ?) ORDER BY van DESC LIMIT 1`, regionID, schoolID, number, day.Format(dateFmt), day.Format(dateFmt)).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, ErrNotFound
	}
	return id, wrapErr(err, "leerling op leerlingnummer zoeken")
}

func (db *DB) loadPupilRelations(ctx context.Context, regionID int64, p *region.Pupil) error {
	rows, err := db.Query(ctx, "SELECT id, school_id, leerlingnummer, van, tot, leerjaar FROM inschrijving WHERE regio_id = ? AND leerling_id = ? ORDER BY van", regionID, p.ID)
	if err != nil {
		return fmt.Errorf("relaties van de leerling lezen: %w", err)
	}
	for rows.Next() {
		var e region.Enrolment
		var from, to sql.NullString
		if err := rows.Scan(&e.ID, &e.SchoolID, &e.Number, &from, &to, &e.Year); err != nil {
			rows.Close()
			return fmt.Errorf("relaties van de leerling lezen: %w", err)
		}
		e.From, e.To = parseDate(from), parseDate(to)
		p.Enrolments = append(p.Enrolments, e)
	}
	rows.Close()
	rows, err = db.Query(ctx, "SELECT ouder_id, relatie, gezag FROM leerling_ouder WHERE regio_id = ? AND leerling_id = ? ORDER BY ouder_id", regionID, p.ID)
	if err != nil {
		return fmt.Errorf("relaties van de leerling lezen: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var g region.GuardianLink
		var gezag int
		if err := rows.Scan(&g.ParentID, &g.Relation, &gezag); err != nil {
			return fmt.Errorf("relaties van de leerling lezen: %w", err)
		}
		g.Gezag = gezag == 1
		p.Guardians = append(p.Guardians, g)
	}
	return rows.Err()
}

// PupilFilter selects pupils in a region. Zero fields do not filter.
type PupilFilter struct {
	SchoolID   int64     // enrolled at this school on Day
	GemeenteID int64     // living in this gemeente
	Day        time.Time // for SchoolID; zero means today is not assumed: any enrolment
	AfterID    int64     // keyset pagination: ids greater than this
	Limit      int       // default 50, at most 500
}

// Pupils lists the region's pupils that match f, ordered by id (without relations).
func (db *DB) Pupils(ctx context.Context, regionID int64, f PupilFilter) ([]region.Pupil, error) {
	q := "SELECT " + pupilCols + " FROM leerling l WHERE l.regio_id = ? AND l.id > ?"
	args := []any{regionID, f.AfterID}
	if f.SchoolID != 0 {
		q += " AND EXISTS (SELECT 1 FROM inschrijving i WHERE i.regio_id = l.regio_id AND i.leerling_id = l.id AND i.school_id = ?"
		args = append(args, f.SchoolID)
		if !f.Day.IsZero() {
			q += " AND i.van <= ? AND (i.tot IS NULL OR i.tot >= ?)"
			args = append(args, f.Day.Format(dateFmt), f.Day.Format(dateFmt))
		}
		q += ")"
	}
	if f.GemeenteID != 0 {
		q += " AND l.woongemeente_id = ?"
		args = append(args, f.GemeenteID)
	}
	if f.Limit <= 0 {
		f.Limit = 50
	}
	if f.Limit > 500 {
		f.Limit = 500
	}
	q += " ORDER BY l.id LIMIT " + strconv.Itoa(f.Limit)
	rows, err := db.Query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("leerlingen lezen: %w", err)
	}
	defer rows.Close()
	var out []region.Pupil
	for rows.Next() {
		p, err := scanPupil(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// PupilNumber decrypts a pupil's BSN or onderwijsnummer, for display to those the policy allows.
func (db *DB) PupilNumber(ctx context.Context, regionID, id int64, keys Keys) (ident.Kind, string, error) {
	var kind, pseudonym string
	var sealed []byte
	var version int
	err := db.QueryRow(ctx, "SELECT id_soort, pseudoniem, id_versleuteld, sleutel_versie FROM leerling WHERE regio_id = ? AND id = ?", regionID, id).Scan(&kind, &pseudonym, &sealed, &version)
	if errors.Is(err, sql.ErrNoRows) {
		return "", "", ErrNotFound
	}
	if err != nil {
		return "", "", fmt.Errorf("leerlingnummer lezen: %w", err)
	}
	plain, err := keys.Open(version, sealed, pupilAAD(regionID, pseudonym))
	if err != nil {
		return "", "", err
	}
	return ident.Kind(kind), string(plain), nil
}

// Guardian is a parent with the link to one pupil.
type Guardian struct {
	region.Parent
	region.GuardianLink
}

// Guardians returns the parents of a pupil with their gezag.
func (db *DB) Guardians(ctx context.Context, regionID, pupilID int64) ([]Guardian, error) {
	rows, err := db.Query(ctx, `SELECT o.id, o.voornaam, o.achternaam, COALESCE(o.email, ''), COALESCE(o.telefoon, ''), lo.relatie, lo.gezag
		FROM leerling_ouder lo JOIN ouder o ON o.regio_id = lo.regio_id AND o.id = lo.ouder_id
		WHERE lo.regio_id = ? AND lo.leerling_id = ? ORDER BY lo.ouder_id`, regionID, pupilID)
	if err != nil {
		return nil, fmt.Errorf("gezagdragers lezen: %w", err)
	}
	defer rows.Close()
	var out []Guardian
	for rows.Next() {
		var g Guardian
		var gezag int
		if err := rows.Scan(&g.Parent.ID, &g.FirstName, &g.LastName, &g.Email, &g.Phone, &g.Relation, &gezag); err != nil {
			return nil, fmt.Errorf("gezagdragers lezen: %w", err)
		}
		g.ParentID, g.Gezag = g.Parent.ID, gezag == 1
		out = append(out, g)
	}
	return out, rows.Err()
}

// ChildrenOfParent lists the ids of the pupils a parent is linked to.
func (db *DB) ChildrenOfParent(ctx context.Context, regionID, parentID int64) ([]int64, error) {
	rows, err := db.Query(ctx, "SELECT leerling_id FROM leerling_ouder WHERE regio_id = ? AND ouder_id = ? ORDER BY leerling_id", regionID, parentID)
	if err != nil {
		return nil, fmt.Errorf("kinderen van de ouder lezen: %w", err)
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("kinderen van de ouder lezen: %w", err)
		}
		out = append(out, id)
	}
	return out, rows.Err()
}
