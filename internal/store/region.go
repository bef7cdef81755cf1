package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/grondslag/grondslag/internal/ident"
	"github.com/grondslag/grondslag/internal/region"
)

// Keys is what the store needs of a region's key ring to store a pupil identifier: a pseudonym
// and a sealed copy. *ident.RegionKeys implements it.
type Keys interface {
	Pseudonym(kind ident.Kind, number string) string
	Seal(plain, aad []byte) (int, []byte, error)
	Open(version int, sealed, aad []byte) ([]byte, error)
}

const dateFmt = time.DateOnly

func fmtDate(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.Format(dateFmt)
}

func parseDate(s sql.NullString) time.Time {
	if !s.Valid {
		return time.Time{}
	}
	t, _ := time.Parse(dateFmt, s.String)
	return t
}

func optionalID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// CreateRegion stores a new region.
func (db *DB) CreateRegion(ctx context.Context, r region.Region, now time.Time) (region.Region, error) {
	err := db.WithTx(ctx, func(tx *Tx) error {
		id, err := tx.InsertID(ctx, "INSERT INTO regio (code, naam, vakantieregio, aangemaakt_op) VALUES (?, ?, ?, ?)", r.Code, r.Name, string(r.Holiday), now.UnixMilli())
		r.ID = id
		if err != nil && isUnique(err) {
			return &region.FieldError{Field: "code", Msg: fmt.Sprintf("regio %q bestaat al", r.Code)}
		}
		return wrapErr(err, "regio maken")
	})
	return r, err
}

// RegionByCode finds a region by its code.
func (db *DB) RegionByCode(ctx context.Context, code string) (region.Region, error) {
	var r region.Region
	var h string
	err := db.QueryRow(ctx, "SELECT id, code, naam, vakantieregio FROM regio WHERE code = ?", code).Scan(&r.ID, &r.Code, &r.Name, &h)
	if errors.Is(err, sql.ErrNoRows) {
		return r, fmt.Errorf("regio %q: %w", code, ErrNotFound)
	}
	r.Holiday = region.HolidayRegion(h)
	return r, wrapErr(err, "regio op code lezen")
}

// Regions lists all regions.
func (db *DB) Regions(ctx context.Context) ([]region.Region, error) {
	rows, err := db.Query(ctx, "SELECT id, code, naam, vakantieregio FROM regio ORDER BY code")
	if err != nil {
		return nil, fmt.Errorf("regio's lezen: %w", err)
	}
	defer rows.Close()
	var out []region.Region
	for rows.Next() {
		var r region.Region
		var h string
		if err := rows.Scan(&r.ID, &r.Code, &r.Name, &h); err != nil {
			return nil, fmt.Errorf("regio's lezen: %w", err)
		}
		r.Holiday = region.HolidayRegion(h)
		out = append(out, r)
	}
	return out, rows.Err()
}

// isUnique reports whether err is a unique-constraint violation on either engine.
func isUnique(err error) bool {
	s := err.Error()
	return strings.Contains(s, "UNIQUE constraint failed") || strings.Contains(s, "SQLSTATE 23505")
}

// CreateOrganisation stores a validated organisation in the region.
func (t *Tx) CreateOrganisation(ctx context.Context, regionID int64, o region.Organisation) (int64, error) {
	if o.GemeenteID != 0 {
		g, err := t.organisation(ctx, regionID, o.GemeenteID)
		if err != nil || g.Kind != region.KindGemeente {
			return 0, &region.FieldError{Field: "gemeente", Msg: "onbekende gemeente in deze regio"}
		}
	}
	id, err := t.InsertID(ctx, `INSERT INTO organisatie (regio_id, soort, naam, brin, vestiging, sector, cbs_code, gemeente_id, toegetreden_op)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		regionID, string(o.Kind), o.Name, nullStr(o.BRIN), nullStr(o.Vestiging), nullStr(string(o.Sector)), nullStr(o.CBSCode), optionalID(o.GemeenteID), fmtDate(o.JoinedOn))
	if err != nil && isUnique(err) {
		if o.Kind == region.KindSchool {
			return 0, &region.FieldError{Field: "brin", Msg: fmt.Sprintf("school %s vestiging %s bestaat al in deze regio", o.BRIN, o.Vestiging)}
		}
		return 0, &region.FieldError{Field: "cbs_code", Msg: fmt.Sprintf("gemeente %s bestaat al in deze regio", o.CBSCode)}
	}
	return id, wrapErr(err, "organisatie maken")
}

func nullStr(s string) any {
	if s == "" {
		return nil
	}
	return s
}

const orgCols = "id, soort, naam, COALESCE(brin, ''), COALESCE(vestiging, ''), COALESCE(sector, ''), COALESCE(cbs_code, ''), COALESCE(gemeente_id, 0), toegetreden_op"

func scanOrg(sc interface{ Scan(...any) error }) (region.Organisation, error) {
	var o region.Organisation
	var kind, sector string
	var joined sql.NullString
	err := sc.Scan(&o.ID, &kind, &o.Name, &o.BRIN, &o.Vestiging, &sector, &o.CBSCode, &o.GemeenteID, &joined)
	o.Kind, o.Sector, o.JoinedOn = region.OrgKind(kind), region.Sector(sector), parseDate(joined)
	return o, wrapErr(err, "organisatie lezen")
}

func (t *Tx) organisation(ctx context.Context, regionID, id int64) (region.Organisation, error) {
	o, err := scanOrg(t.QueryRow(ctx, "SELECT "+orgCols+" FROM organisatie WHERE regio_id = ? AND id = ?", regionID, id))
	if errors.Is(err, sql.ErrNoRows) {
		return o, ErrNotFound
	}
	return o, err
}

// Organisation returns one organisation of the region.
func (db *DB) Organisation(ctx context.Context, regionID, id int64) (region.Organisation, error) {
	o, err := scanOrg(db.QueryRow(ctx, "SELECT "+orgCols+" FROM organisatie WHERE regio_id = ? AND id = ?", regionID, id))
	if errors.Is(err, sql.ErrNoRows) {
		return o, ErrNotFound
	}
	return o, err
}

// SchoolByBRIN finds a school location of the region by BRIN and vestiging.
func (db *DB) SchoolByBRIN(ctx context.Context, regionID int64, brin, vestiging string) (region.Organisation, error) {
	o, err := scanOrg(db.QueryRow(ctx, "SELECT "+orgCols+" FROM organisatie WHERE regio_id = ? AND brin = ? AND vestiging = ?", regionID, strings.ToUpper(brin), vestiging))
	if errors.Is(err, sql.ErrNoRows) {
		return o, fmt.Errorf("school %s%s: %w", brin, vestiging, ErrNotFound)
	}
	return o, err
}

// Organisations lists the region's organisations, by kind and name.
func (db *DB) Organisations(ctx context.Context, regionID int64) ([]region.Organisation, error) {
	rows, err := db.Query(ctx, "SELECT "+orgCols+" FROM organisatie WHERE regio_id = ? ORDER BY soort, naam, id", regionID)
	if err != nil {
		return nil, fmt.Errorf("organisaties lezen: %w", err)
	}
	defer rows.Close()
	var out []region.Organisation
	for rows.Next() {
		o, err := scanOrg(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, rows.Err()
}

// CreateUser stores a user; the organisation must be in the region and allow the role.
func (t *Tx) CreateUser(ctx context.Context, regionID int64, u region.User, now time.Time) (int64, error) {
	org, err := t.organisation(ctx, regionID, u.OrganisationID)
	if err != nil {
		return 0, &region.FieldError{Field: "organisatie", Msg: "onbekende organisatie in deze regio"}
	}
	if u, err = region.NewUser(u, org.Kind); err != nil {
		return 0, err
	}
	id, err := t.InsertID(ctx, "INSERT INTO gebruiker (regio_id, organisatie_id, naam, email, rol, actief, aangemaakt_op) VALUES (?, ?, ?, ?, ?, ?, ?)",
		regionID, u.OrganisationID, u.Name, u.Email, string(u.Role), boolInt(u.Active), now.UnixMilli())
	if err != nil && isUnique(err) {
		return 0, &region.FieldError{Field: "email", Msg: fmt.Sprintf("er is al een gebruiker met e-mailadres %s", u.Email)}
	}
	return id, wrapErr(err, "gebruiker maken")
}

const userCols = "id, organisatie_id, naam, email, rol, actief"

func scanUser(sc interface{ Scan(...any) error }) (region.User, error) {
	var u region.User
	var role string
	var active int
	err := sc.Scan(&u.ID, &u.OrganisationID, &u.Name, &u.Email, &role, &active)
	u.Role, u.Active = region.Role(role), active == 1
	return u, wrapErr(err, "gebruiker lezen")
}

// User returns one user of the region.
func (db *DB) User(ctx context.Context, regionID, id int64) (region.User, error) {
	u, err := scanUser(db.QueryRow(ctx, "SELECT "+userCols+" FROM gebruiker WHERE regio_id = ? AND id = ?", regionID, id))
	if errors.Is(err, sql.ErrNoRows) {
		return u, ErrNotFound
	}
	return u, err
}

// UserByEmail finds a user of the region by e-mail address (case-insensitive).
func (db *DB) UserByEmail(ctx context.Context, regionID int64, email string) (region.User, error) {
	u, err := scanUser(db.QueryRow(ctx, "SELECT "+userCols+" FROM gebruiker WHERE regio_id = ? AND email = ?", regionID, strings.ToLower(strings.TrimSpace(email))))
	if errors.Is(err, sql.ErrNoRows) {
		return u, ErrNotFound
	}
	return u, err
}

// Users lists the users of the region.
func (db *DB) Users(ctx context.Context, regionID int64) ([]region.User, error) {
	rows, err := db.Query(ctx, "SELECT "+userCols+" FROM gebruiker WHERE regio_id = ? ORDER BY naam, id", regionID)
	if err != nil {
		return nil, fmt.Errorf("gebruikers lezen: %w", err)
	}
	defer rows.Close()
	var out []region.User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, rows.Err()
}
