package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/grondslag/grondslag/internal/absence"
	"github.com/grondslag/grondslag/internal/audit"
	"github.com/grondslag/grondslag/internal/casework"
	"github.com/grondslag/grondslag/internal/convenant"
	"github.com/grondslag/grondslag/internal/region"
)

// CaseStore keeps casusoverleggen (internal/casework.Repository): every write commits together
// with its audit entries.
type CaseStore struct {
	db    *DB
	audit *AuditStore
}

// NewCaseStore returns the case store of db, appending audit entries to the region's log.
func NewCaseStore(db *DB) *CaseStore { return &CaseStore{db: db, audit: NewAuditStore(db)} }

var _ casework.Repository = (*CaseStore)(nil)

func cwMS(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UnixMilli()
}

func cwFromMS(n sql.NullInt64) time.Time {
	if !n.Valid {
		return time.Time{}
	}
	return time.UnixMilli(n.Int64).UTC()
}

func cwID(n sql.NullInt64) int64 {
	if !n.Valid {
		return 0
	}
	return n.Int64
}

func (s *CaseStore) tx(ctx context.Context, regionID int64, entries []audit.Entry, fn func(*Tx) error) error {
	return s.db.WithTx(ctx, func(tx *Tx) error {
		if err := fn(tx); err != nil {
			return err
		}
		return s.audit.Append(ctx, tx, regionID, entries...)
	})
}

// AppendAudit records reads.
func (s *CaseStore) AppendAudit(ctx context.Context, regionID int64, entries []audit.Entry) error {
	return s.db.WithTx(ctx, func(tx *Tx) error { return s.audit.Append(ctx, tx, regionID, entries...) })
}

// CreateCase stores a new case with its participants and history.
func (s *CaseStore) CreateCase(ctx context.Context, regionID int64, c *casework.Case, entries []audit.Entry) error {
	return s.tx(ctx, regionID, entries, func(tx *Tx) error {
		sl := tx.sealer(ctx, regionID, c.PupilID)
		question := sl.seal("casus.vraag", c.Question)
		if sl.err != nil {
			return sl.err
		}
		id, err := tx.InsertID(ctx, `INSERT INTO casus (regio_id, leerling_id, soort, doel, vraag, fase, geopend_op, geopend_door, melding, versie)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			regionID, c.PupilID, c.Type, c.Purpose, question, c.Phase, c.OpenedAt.UnixMilli(), c.OpenedBy, c.MeldingRef, c.Version)
		if err != nil {
			return fmt.Errorf("casus opslaan: %w", err)
		}
		c.ID = id
		return s.writeChildren(ctx, tx, regionID, c, 0, 0)
	})
}

// SaveCase stores the changed case if it is still at expectVersion.
func (s *CaseStore) SaveCase(ctx context.Context, regionID int64, c *casework.Case, expectVersion int, entries []audit.Entry) error {
	return s.tx(ctx, regionID, entries, func(tx *Tx) error {
		e := c.Escalation
		if e == nil {
			e = &casework.Escalation{}
		}
		cl := c.Closure
		if cl == nil {
			cl = &casework.Closure{}
		}
		sl := tx.sealer(ctx, regionID, c.PupilID)
		question, escDetail, decision, closeNote := sl.seal("casus.vraag", c.Question), sl.seal("casus.escalatie_toelichting", e.Detail),
			sl.seal("casus.besluit", e.Decision), sl.seal("casus.resultaat_toelichting", cl.Note)
		if sl.err != nil {
			return sl.err
		}
		res, err := tx.Exec(ctx, `UPDATE casus SET soort = ?, vorige_soort = ?, doel = ?, vraag = ?, fase = ?, versie = ?,
			escalatie_reden = ?, escalatie_toelichting = ?, escalatie_op = ?, escalatie_door = ?, onderwijsconsulent_id = ?,
			doorzetter_naam = ?, doorzetter_functie = ?, doorzetter_organisatie_id = ?, besluit = ?, besluit_op = ?, besluit_door = ?,
			resultaat = ?, resultaat_toelichting = ?, afgesloten_op = ?, afgesloten_door = ?
			WHERE regio_id = ? AND id = ? AND versie = ?`,
			c.Type, c.PreviousType, c.Purpose, question, c.Phase, c.Version,
			e.Reason, escDetail, cwMS(e.At), optionalID(e.By), optionalID(e.Consultant),
			e.Holder.Name, e.Holder.Function, optionalID(e.Holder.OrganisationID), decision, cwMS(e.DecidedAt), optionalID(e.DecidedBy),
			cl.Result, closeNote, cwMS(cl.At), optionalID(cl.By),
			regionID, c.ID, expectVersion)
		if err != nil {
			return fmt.Errorf("casus bijwerken: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			var cur int
			if err := tx.QueryRow(ctx, "SELECT versie FROM casus WHERE regio_id = ? AND id = ?", regionID, c.ID).Scan(&cur); err != nil {
				if errors.Is(err, sql.ErrNoRows) {
					return fmt.Errorf("casus %d: %w", c.ID, casework.ErrNotFound)
				}
				return fmt.Errorf("casus opslaan: %w", err)
			}
			return &casework.ConflictError{What: "casus", ID: c.ID, Attempted: expectVersion, Current: cur}
		}
		var nRegie, nFase int
		if err := tx.QueryRow(ctx, "SELECT COUNT(*) FROM casus_regie WHERE regio_id = ? AND casus_id = ?", regionID, c.ID).Scan(&nRegie); err != nil {
			return fmt.Errorf("casus opslaan: %w", err)
		}
		if err := tx.QueryRow(ctx, "SELECT COUNT(*) FROM casus_fase WHERE regio_id = ? AND casus_id = ?", regionID, c.ID).Scan(&nFase); err != nil {
			return fmt.Errorf("casus opslaan: %w", err)
		}
		return s.writeChildren(ctx, tx, regionID, c, nRegie, nFase)
	})
}

// writeChildren inserts new participants (ID 0) and updates the others, appends the regie and
// phase history from the given counts on, and writes the retention clocks of a closed case.
func (s *CaseStore) writeChildren(ctx context.Context, tx *Tx, regionID int64, c *casework.Case, nRegie, nFase int) error {
	sl := tx.sealer(ctx, regionID, c.PupilID)
	for i := range c.Participants {
		p := &c.Participants[i]
		if p.ID == 0 {
			id, err := tx.InsertID(ctx, `INSERT INTO casus_deelnemer (regio_id, casus_id, soort, gebruiker_id, organisatie_id, partij, rol, ouder_id,
				naam, contact, doel, status, uitgenodigd_op, gereageerd_op, toelichting) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
				regionID, c.ID, string(p.Kind), optionalID(p.UserID), optionalID(p.OrganisationID), p.Party, p.Role, optionalID(p.ParentID),
				sl.seal("casus_deelnemer.naam", p.Name), sl.seal("casus_deelnemer.contact", p.Contact), p.Purpose, string(p.Status), p.InvitedAt.UnixMilli(), cwMS(p.RespondedAt),
				sl.seal("casus_deelnemer.toelichting", p.Note))
			if sl.err != nil {
				return sl.err
			}
			if err != nil {
				return fmt.Errorf("deelnemer opslaan: %w", err)
			}
			p.ID = id
			continue
		}
		if _, err := tx.Exec(ctx, "UPDATE casus_deelnemer SET status = ?, gereageerd_op = ?, toelichting = ? WHERE regio_id = ? AND id = ? AND casus_id = ?",
			string(p.Status), cwMS(p.RespondedAt), sl.seal("casus_deelnemer.toelichting", p.Note), regionID, p.ID, c.ID); err != nil || sl.err != nil {
			if sl.err != nil {
				return sl.err
			}
			return fmt.Errorf("deelnemer bijwerken: %w", err)
		}
	}
	for i := nRegie; i < len(c.Regie); i++ {
		r := c.Regie[i]
		if _, err := tx.Exec(ctx, `INSERT INTO casus_regie (regio_id, casus_id, volgnummer, soort, gebruiker_id, van_gebruiker_id, op, door, toelichting)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, regionID, c.ID, i, string(r.Kind), r.UserID, optionalID(r.From), r.At.UnixMilli(), r.By, sl.seal("casus_regie.toelichting", r.Note)); err != nil || sl.err != nil {
			if sl.err != nil {
				return sl.err
			}
			return fmt.Errorf("regie opslaan: %w", err)
		}
	}
	for i := nFase; i < len(c.Phases); i++ {
		f := c.Phases[i]
		if _, err := tx.Exec(ctx, `INSERT INTO casus_fase (regio_id, casus_id, volgnummer, van, naar, op, door, toelichting)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, regionID, c.ID, i, f.From, f.To, f.At.UnixMilli(), f.By, sl.seal("casus_fase.toelichting", f.Note)); err != nil || sl.err != nil {
			if sl.err != nil {
				return sl.err
			}
			return fmt.Errorf("fase opslaan: %w", err)
		}
	}
	if c.Closure != nil {
		if _, err := tx.Exec(ctx, "DELETE FROM casus_bewaartermijn WHERE regio_id = ? AND casus_id = ?", regionID, c.ID); err != nil {
			return fmt.Errorf("onderdelen van de casus opslaan: %w", err)
		}
		for _, rc := range c.Closure.Retention {
			if _, err := tx.Exec(ctx, `INSERT INTO casus_bewaartermijn (regio_id, casus_id, categorie, partij, termijn, vanaf, tot, bron)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, regionID, c.ID, rc.Category, rc.Party, rc.Period.String(), rc.From, fmtDate(rc.Until), rc.Source); err != nil {
				return fmt.Errorf("bewaartermijn opslaan: %w", err)
			}
		}
	}
	return nil
}

const caseCols = `c.id, c.leerling_id, l.pseudoniem, l.geboortedatum, c.soort, c.vorige_soort, c.doel, c.vraag, c.fase, c.geopend_op, c.geopend_door,
	c.melding, c.versie, c.escalatie_reden, c.escalatie_toelichting, c.escalatie_op, c.escalatie_door, c.onderwijsconsulent_id,
	c.doorzetter_naam, c.doorzetter_functie, c.doorzetter_organisatie_id, c.besluit, c.besluit_op, c.besluit_door,
	c.resultaat, c.resultaat_toelichting, c.afgesloten_op, c.afgesloten_door`

func scanCase(sc interface{ Scan(...any) error }) (*casework.Case, error) {
	var c casework.Case
	var birth string
	var opened int64
	var escAt, escBy, oc, holderOrg, decAt, decBy, closedAt, closedBy sql.NullInt64
	var e casework.Escalation
	var cl casework.Closure
	if err := sc.Scan(&c.ID, &c.PupilID, &c.Pupil, &birth, &c.Type, &c.PreviousType, &c.Purpose, &c.Question, &c.Phase, &opened, &c.OpenedBy,
		&c.MeldingRef, &c.Version, &e.Reason, &e.Detail, &escAt, &escBy, &oc, &e.Holder.Name, &e.Holder.Function, &holderOrg,
		&e.Decision, &decAt, &decBy, &cl.Result, &cl.Note, &closedAt, &closedBy); err != nil {
		return nil, fmt.Errorf("casus lezen: %w", err)
	}
	c.BirthDate, _ = time.Parse(dateFmt, birth)
	c.OpenedAt = time.UnixMilli(opened).UTC()
	if escAt.Valid {
		e.At, e.By, e.Consultant, e.Holder.OrganisationID = cwFromMS(escAt), cwID(escBy), cwID(oc), cwID(holderOrg)
		e.DecidedAt, e.DecidedBy = cwFromMS(decAt), cwID(decBy)
		c.Escalation = &e
	}
	if closedAt.Valid {
		cl.At, cl.By = cwFromMS(closedAt), cwID(closedBy)
		c.Closure = &cl
	}
	return &c, nil
}

// Case loads a case with its participants, history and retention clocks.
func (s *CaseStore) Case(ctx context.Context, regionID, id int64) (*casework.Case, error) {
	c, err := scanCase(s.db.QueryRow(ctx, "SELECT "+caseCols+" FROM casus c JOIN leerling l ON l.regio_id = c.regio_id AND l.id = c.leerling_id WHERE c.regio_id = ? AND c.id = ?", regionID, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("casus %d: %w", id, casework.ErrNotFound)
	}
	if err != nil {
		return nil, err
	}
	if err := s.loadChildren(ctx, regionID, c); err != nil {
		return nil, err
	}
	return c, nil
}

// openCase opens the case's sealed fields in place.
func (s *CaseStore) openCase(ctx context.Context, regionID int64, c *casework.Case) error {
	o := s.db.opener(ctx, regionID)
	o.open(c.PupilID, "casus.vraag", &c.Question)
	if e := c.Escalation; e != nil {
		o.open(c.PupilID, "casus.escalatie_toelichting", &e.Detail)
		o.open(c.PupilID, "casus.besluit", &e.Decision)
	}
	if cl := c.Closure; cl != nil {
		o.open(c.PupilID, "casus.resultaat_toelichting", &cl.Note)
	}
	for i := range c.Participants {
		p := &c.Participants[i]
		o.open(c.PupilID, "casus_deelnemer.naam", &p.Name)
		o.open(c.PupilID, "casus_deelnemer.contact", &p.Contact)
		o.open(c.PupilID, "casus_deelnemer.toelichting", &p.Note)
	}
	for i := range c.Regie {
		o.open(c.PupilID, "casus_regie.toelichting", &c.Regie[i].Note)
	}
	for i := range c.Phases {
		o.open(c.PupilID, "casus_fase.toelichting", &c.Phases[i].Note)
	}
	return o.err
}

func (s *CaseStore) loadChildren(ctx context.Context, regionID int64, c *casework.Case) (err error) {
	defer func() {
		if err == nil {
			err = s.openCase(ctx, regionID, c)
		}
	}()
	rows, err := s.db.Query(ctx, `SELECT id, soort, gebruiker_id, organisatie_id, partij, rol, ouder_id, naam, contact, doel, status, uitgenodigd_op, gereageerd_op, toelichting
		FROM casus_deelnemer WHERE regio_id = ? AND casus_id = ? ORDER BY id`, regionID, c.ID)
	if err != nil {
		return fmt.Errorf("onderdelen van de casus lezen: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var p casework.Participant
		var kind, status string
		var user, org, parent, responded sql.NullInt64
		var invited int64
		if err := rows.Scan(&p.ID, &kind, &user, &org, &p.Party, &p.Role, &parent, &p.Name, &p.Contact, &p.Purpose, &status, &invited, &responded, &p.Note); err != nil {
			return fmt.Errorf("onderdelen van de casus lezen: %w", err)
		}
		p.Kind, p.Status = casework.Kind(kind), casework.Status(status)
		p.UserID, p.OrganisationID, p.ParentID = cwID(user), cwID(org), cwID(parent)
		p.InvitedAt, p.RespondedAt = time.UnixMilli(invited).UTC(), cwFromMS(responded)
		c.Participants = append(c.Participants, p)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("onderdelen van de casus lezen: %w", err)
	}
	rows.Close()
	rows, err = s.db.Query(ctx, "SELECT soort, gebruiker_id, van_gebruiker_id, op, door, toelichting FROM casus_regie WHERE regio_id = ? AND casus_id = ? ORDER BY volgnummer", regionID, c.ID)
	if err != nil {
		return fmt.Errorf("onderdelen van de casus lezen: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var r casework.RegieChange
		var kind string
		var from sql.NullInt64
		var at int64
		if err := rows.Scan(&kind, &r.UserID, &from, &at, &r.By, &r.Note); err != nil {
			return fmt.Errorf("onderdelen van de casus lezen: %w", err)
		}
		r.Kind, r.From, r.At = casework.RegieKind(kind), cwID(from), time.UnixMilli(at).UTC()
		c.Regie = append(c.Regie, r)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("onderdelen van de casus lezen: %w", err)
	}
	rows.Close()
	rows, err = s.db.Query(ctx, "SELECT van, naar, op, door, toelichting FROM casus_fase WHERE regio_id = ? AND casus_id = ? ORDER BY volgnummer", regionID, c.ID)
	if err != nil {
		return fmt.Errorf("onderdelen van de casus lezen: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var f casework.PhaseChange
		var at int64
		if err := rows.Scan(&f.From, &f.To, &at, &f.By, &f.Note); err != nil {
			return fmt.Errorf("onderdelen van de casus lezen: %w", err)
		}
		f.At = time.UnixMilli(at).UTC()
		c.Phases = append(c.Phases, f)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("onderdelen van de casus lezen: %w", err)
	}
	rows.Close()
	if c.Closure == nil {
		return nil
	}
	rows, err = s.db.Query(ctx, "SELECT categorie, partij, termijn, vanaf, tot, bron FROM casus_bewaartermijn WHERE regio_id = ? AND casus_id = ? ORDER BY categorie, partij", regionID, c.ID)
	if err != nil {
		return fmt.Errorf("onderdelen van de casus lezen: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var rc casework.RetentionClock
		var period string
		var until sql.NullString
		if err := rows.Scan(&rc.Category, &rc.Party, &period, &rc.From, &until, &rc.Source); err != nil {
			return fmt.Errorf("onderdelen van de casus lezen: %w", err)
		}
		rc.Period, _ = convenant.ParsePeriod(period)
		rc.Until = parseDate(until)
		c.Closure.Retention = append(c.Closure.Retention, rc)
	}
	return rows.Err()
}

// Cases lists cases by filter, newest first.
func (s *CaseStore) Cases(ctx context.Context, regionID int64, f casework.CaseFilter) ([]*casework.Case, error) {
	q := "SELECT " + caseCols + " FROM casus c JOIN leerling l ON l.regio_id = c.regio_id AND l.id = c.leerling_id WHERE c.regio_id = ?"
	args := []any{regionID}
	if f.UserID != 0 {
		q += " AND EXISTS (SELECT 1 FROM casus_deelnemer d WHERE d.regio_id = c.regio_id AND d.casus_id = c.id AND d.gebruiker_id = ? AND d.status IN ('toegevoegd', 'geaccepteerd'))"
		args = append(args, f.UserID)
	}
	if f.OrganisationID != 0 {
		q += " AND EXISTS (SELECT 1 FROM casus_deelnemer d WHERE d.regio_id = c.regio_id AND d.casus_id = c.id AND d.organisatie_id = ? AND d.rol = ? AND d.status IN ('toegevoegd', 'geaccepteerd'))"
		args = append(args, f.OrganisationID, f.Role)
	}
	if f.ParentID != 0 {
		q += " AND EXISTS (SELECT 1 FROM casus_deelnemer d WHERE d.regio_id = c.regio_id AND d.casus_id = c.id AND d.ouder_id = ?)"
		args = append(args, f.ParentID)
	}
	if f.PupilID != 0 {
		q += " AND c.leerling_id = ?"
		args = append(args, f.PupilID)
	}
	if f.Escalated {
		q += " AND c.escalatie_op IS NOT NULL"
	}
	if f.Open {
		q += " AND c.afgesloten_op IS NULL"
	}
	rows, err := s.db.Query(ctx, q+" ORDER BY c.geopend_op DESC, c.id DESC", args...)
	if err != nil {
		return nil, fmt.Errorf("casussen lezen: %w", err)
	}
	var out []*casework.Case
	for rows.Next() {
		c, err := scanCase(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("casussen lezen: %w", err)
	}
	for _, c := range out {
		if err := s.loadChildren(ctx, regionID, c); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// AddContribution stores a contribution.
func (s *CaseStore) AddContribution(ctx context.Context, regionID int64, x *casework.Contribution, entries []audit.Entry) error {
	return s.tx(ctx, regionID, entries, func(tx *Tx) error {
		pupil, err := tx.casePupil(ctx, regionID, x.CaseID)
		if err != nil {
			return err
		}
		text, err := tx.SealForPupil(ctx, regionID, pupil, "casus_inbreng.tekst", x.Text)
		if err != nil {
			return fmt.Errorf("bijdrage vastleggen: %w", err)
		}
		id, err := tx.InsertID(ctx, `INSERT INTO casus_inbreng (regio_id, casus_id, fase, categorie, omvang, tekst, auteur_id, partij, rol, organisatie_id, doel, toestemming_id, aangemaakt_op)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			regionID, x.CaseID, x.Phase, x.Category, x.Scope, text, x.AuthorID, x.Party, x.Role, x.OrgID, x.Purpose, optionalID(x.ConsentID), x.CreatedAt.UnixMilli())
		x.ID = id
		return wrapErr(err, "bijdrage vastleggen")
	})
}

// Contributions lists a case's contributions, oldest first.
func (s *CaseStore) Contributions(ctx context.Context, regionID, caseID int64) ([]casework.Contribution, error) {
	rows, err := s.db.Query(ctx, `SELECT id, casus_id, fase, categorie, omvang, tekst, auteur_id, partij, rol, organisatie_id, doel, toestemming_id, aangemaakt_op
		FROM casus_inbreng WHERE regio_id = ? AND casus_id = ? ORDER BY id`, regionID, caseID)
	if err != nil {
		return nil, fmt.Errorf("bijdragen lezen: %w", err)
	}
	defer rows.Close()
	var out []casework.Contribution
	for rows.Next() {
		var x casework.Contribution
		var consent sql.NullInt64
		var at int64
		if err := rows.Scan(&x.ID, &x.CaseID, &x.Phase, &x.Category, &x.Scope, &x.Text, &x.AuthorID, &x.Party, &x.Role, &x.OrgID, &x.Purpose, &consent, &at); err != nil {
			return nil, fmt.Errorf("bijdragen lezen: %w", err)
		}
		x.ConsentID, x.CreatedAt = cwID(consent), time.UnixMilli(at).UTC()
		out = append(out, x)
	}
	if err := rows.Err(); err != nil || len(out) == 0 {
		return out, wrapErr(err, "bijdragen lezen")
	}
	o, err := s.caseOpener(ctx, regionID, caseID)
	for i := range out {
		o.open("casus_inbreng.tekst", &out[i].Text)
	}
	return out, errors.Join(err, o.err())
}

// CreateMinutes stores new minutes.
func (s *CaseStore) CreateMinutes(ctx context.Context, regionID int64, m *casework.Minutes, entries []audit.Entry) error {
	return s.tx(ctx, regionID, entries, func(tx *Tx) error {
		pupil, err := tx.casePupil(ctx, regionID, m.CaseID)
		if err != nil {
			return err
		}
		text, err := tx.SealForPupil(ctx, regionID, pupil, "casus_verslag.tekst", m.Text)
		if err != nil {
			return fmt.Errorf("verslag vastleggen: %w", err)
		}
		id, err := tx.InsertID(ctx, `INSERT INTO casus_verslag (regio_id, casus_id, fase, datum, tekst, voor_ouders, auteur_id, partij, rol, doel, versie, aangemaakt_op, gewijzigd_op, gewijzigd_door)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			regionID, m.CaseID, m.Phase, fmtDate(m.MeetingOn), text, boolInt(m.ForParents), m.AuthorID, m.AuthorParty, m.AuthorRole, m.Purpose, m.Version,
			m.CreatedAt.UnixMilli(), m.UpdatedAt.UnixMilli(), m.UpdatedBy)
		m.ID = id
		return wrapErr(err, "verslag vastleggen")
	})
}

// UpdateMinutes stores changed minutes when they are still at expectVersion; m.Version becomes
// expectVersion+1. Otherwise a *casework.ConflictError names the current version.
func (s *CaseStore) UpdateMinutes(ctx context.Context, regionID int64, m *casework.Minutes, expectVersion int, entries []audit.Entry) error {
	return s.tx(ctx, regionID, entries, func(tx *Tx) error {
		pupil, err := tx.casePupil(ctx, regionID, m.CaseID)
		if err != nil {
			return err
		}
		text, err := tx.SealForPupil(ctx, regionID, pupil, "casus_verslag.tekst", m.Text)
		if err != nil {
			return fmt.Errorf("verslag bijwerken: %w", err)
		}
		res, err := tx.Exec(ctx, `UPDATE casus_verslag SET datum = ?, tekst = ?, voor_ouders = ?, versie = versie + 1, gewijzigd_op = ?, gewijzigd_door = ?
			WHERE regio_id = ? AND id = ? AND casus_id = ? AND versie = ?`,
			fmtDate(m.MeetingOn), text, boolInt(m.ForParents), m.UpdatedAt.UnixMilli(), m.UpdatedBy, regionID, m.ID, m.CaseID, expectVersion)
		if err != nil {
			return fmt.Errorf("verslag bijwerken: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return conflict(ctx, tx, "casus_verslag", "verslag", regionID, m.ID, m.CaseID, expectVersion)
		}
		m.Version = expectVersion + 1
		return nil
	})
}

func conflict(ctx context.Context, tx *Tx, table, what string, regionID, id, caseID int64, expect int) error {
	var cur int
	err := tx.QueryRow(ctx, "SELECT versie FROM "+table+" WHERE regio_id = ? AND id = ? AND casus_id = ?", regionID, id, caseID).Scan(&cur)
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("%s %d: %w", what, id, casework.ErrNotFound)
	}
	if err != nil {
		return fmt.Errorf("versie controleren: %w", err)
	}
	return &casework.ConflictError{What: what, ID: id, Attempted: expect, Current: cur}
}

// Minutes lists a case's minutes, oldest first.
func (s *CaseStore) Minutes(ctx context.Context, regionID, caseID int64) ([]casework.Minutes, error) {
	rows, err := s.db.Query(ctx, `SELECT id, casus_id, fase, datum, tekst, voor_ouders, auteur_id, partij, rol, doel, versie, aangemaakt_op, gewijzigd_op, gewijzigd_door
		FROM casus_verslag WHERE regio_id = ? AND casus_id = ? ORDER BY id`, regionID, caseID)
	if err != nil {
		return nil, fmt.Errorf("verslagen lezen: %w", err)
	}
	defer rows.Close()
	var out []casework.Minutes
	for rows.Next() {
		var m casework.Minutes
		var date sql.NullString
		var forParents int
		var created, updated int64
		if err := rows.Scan(&m.ID, &m.CaseID, &m.Phase, &date, &m.Text, &forParents, &m.AuthorID, &m.AuthorParty, &m.AuthorRole, &m.Purpose, &m.Version, &created, &updated, &m.UpdatedBy); err != nil {
			return nil, fmt.Errorf("verslagen lezen: %w", err)
		}
		m.MeetingOn, m.ForParents = parseDate(date), forParents == 1
		m.CreatedAt, m.UpdatedAt = time.UnixMilli(created).UTC(), time.UnixMilli(updated).UTC()
		out = append(out, m)
	}
	if err := rows.Err(); err != nil || len(out) == 0 {
		return out, wrapErr(err, "verslagen lezen")
	}
	o, err := s.caseOpener(ctx, regionID, caseID)
	for i := range out {
		o.open("casus_verslag.tekst", &out[i].Text)
	}
	return out, errors.Join(err, o.err())
}

// CreateAgreement stores a new agreement.
func (s *CaseStore) CreateAgreement(ctx context.Context, regionID int64, a *casework.Agreement, entries []audit.Entry) error {
	return s.tx(ctx, regionID, entries, func(tx *Tx) error {
		pupil, err := tx.casePupil(ctx, regionID, a.CaseID)
		if err != nil {
			return err
		}
		desc, err := tx.SealForPupil(ctx, regionID, pupil, "casus_afspraak.omschrijving", a.Description)
		if err != nil {
			return fmt.Errorf("afspraak vastleggen: %w", err)
		}
		id, err := tx.InsertID(ctx, `INSERT INTO casus_afspraak (regio_id, casus_id, fase, omschrijving, eigenaar, eigenaar_naam, datum, status, voor_ouders,
			auteur_id, partij, rol, doel, versie, aangemaakt_op, gewijzigd_op, gewijzigd_door, voortgang_op)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			regionID, a.CaseID, a.Phase, desc, string(a.Owner), a.OwnerName, fmtDate(a.Due), string(a.Status), boolInt(a.ForParents),
			a.AuthorID, a.AuthorParty, a.AuthorRole, a.Purpose, a.Version, a.CreatedAt.UnixMilli(), a.UpdatedAt.UnixMilli(), a.UpdatedBy, a.ProgressAt.UnixMilli())
		a.ID = id
		return wrapErr(err, "afspraak vastleggen")
	})
}

// UpdateAgreement stores a changed agreement when it is still at expectVersion.
func (s *CaseStore) UpdateAgreement(ctx context.Context, regionID int64, a *casework.Agreement, expectVersion int, entries []audit.Entry) error {
	return s.tx(ctx, regionID, entries, func(tx *Tx) error {
		pupil, err := tx.casePupil(ctx, regionID, a.CaseID)
		if err != nil {
			return err
		}
		desc, err := tx.SealForPupil(ctx, regionID, pupil, "casus_afspraak.omschrijving", a.Description)
		if err != nil {
			return fmt.Errorf("afspraak bijwerken: %w", err)
		}
		res, err := tx.Exec(ctx, `UPDATE casus_afspraak SET omschrijving = ?, eigenaar = ?, eigenaar_naam = ?, datum = ?, status = ?, voor_ouders = ?,
			versie = versie + 1, gewijzigd_op = ?, gewijzigd_door = ?, voortgang_op = ?
			WHERE regio_id = ? AND id = ? AND casus_id = ? AND versie = ?`,
			desc, string(a.Owner), a.OwnerName, fmtDate(a.Due), string(a.Status), boolInt(a.ForParents),
			a.UpdatedAt.UnixMilli(), a.UpdatedBy, a.ProgressAt.UnixMilli(), regionID, a.ID, a.CaseID, expectVersion)
		if err != nil {
			return fmt.Errorf("afspraak bijwerken: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return conflict(ctx, tx, "casus_afspraak", "afspraak", regionID, a.ID, a.CaseID, expectVersion)
		}
		a.Version = expectVersion + 1
		return nil
	})
}

// Agreements lists a case's agreements (the plan van aanpak), oldest first.
func (s *CaseStore) Agreements(ctx context.Context, regionID, caseID int64) ([]casework.Agreement, error) {
	rows, err := s.db.Query(ctx, `SELECT id, casus_id, fase, omschrijving, eigenaar, eigenaar_naam, datum, status, voor_ouders, auteur_id, partij, rol, doel,
		versie, aangemaakt_op, gewijzigd_op, gewijzigd_door, voortgang_op FROM casus_afspraak WHERE regio_id = ? AND casus_id = ? ORDER BY id`, regionID, caseID)
	if err != nil {
		return nil, fmt.Errorf("afspraken lezen: %w", err)
	}
	defer rows.Close()
	var out []casework.Agreement
	for rows.Next() {
		var a casework.Agreement
		var owner, status string
		var due sql.NullString
		var forParents int
		var created, updated, progress int64
		if err := rows.Scan(&a.ID, &a.CaseID, &a.Phase, &a.Description, &owner, &a.OwnerName, &due, &status, &forParents, &a.AuthorID, &a.AuthorParty, &a.AuthorRole,
			&a.Purpose, &a.Version, &created, &updated, &a.UpdatedBy, &progress); err != nil {
			return nil, fmt.Errorf("afspraken lezen: %w", err)
		}
		a.Owner, a.Status, a.Due, a.ForParents = casework.Ref(owner), casework.AgreementStatus(status), parseDate(due), forParents == 1
		a.CreatedAt, a.UpdatedAt, a.ProgressAt = time.UnixMilli(created).UTC(), time.UnixMilli(updated).UTC(), time.UnixMilli(progress).UTC()
		out = append(out, a)
	}
	if err := rows.Err(); err != nil || len(out) == 0 {
		return out, wrapErr(err, "afspraken lezen")
	}
	o, err := s.caseOpener(ctx, regionID, caseID)
	for i := range out {
		o.open("casus_afspraak.omschrijving", &out[i].Description)
	}
	return out, errors.Join(err, o.err())
}

// CreateInfoRequest stores a question (with its buitenkant answer when given at once).
func (s *CaseStore) CreateInfoRequest(ctx context.Context, regionID int64, q *casework.InfoRequest, entries []audit.Entry) error {
	return s.tx(ctx, regionID, entries, func(tx *Tx) error {
		pupil, err := tx.casePupil(ctx, regionID, q.CaseID)
		if err != nil {
			return err
		}
		sl := tx.sealer(ctx, regionID, pupil)
		question, why, answer := sl.seal("casus_vraag.vraag", q.Question), sl.seal("casus_vraag.omvang_reden", q.ScopeWhy), sl.seal("casus_vraag.antwoord", q.Answer)
		if sl.err != nil {
			return sl.err
		}
		id, err := tx.InsertID(ctx, `INSERT INTO casus_vraag (regio_id, casus_id, fase, van_gebruiker_id, aan, categorie, vraag, gesteld_op, omvang, omvang_reden, antwoord, beantwoord_op)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			regionID, q.CaseID, q.Phase, q.FromUser, string(q.To), q.Category, question, q.AskedAt.UnixMilli(), q.Scope, why, answer, cwMS(q.AnsweredAt))
		q.ID = id
		return wrapErr(err, "informatieverzoek vastleggen")
	})
}

// AnswerInfoRequest stores the answer of an open question.
func (s *CaseStore) AnswerInfoRequest(ctx context.Context, regionID int64, q *casework.InfoRequest, entries []audit.Entry) error {
	return s.tx(ctx, regionID, entries, func(tx *Tx) error {
		pupil, err := tx.casePupil(ctx, regionID, q.CaseID)
		if err != nil {
			return err
		}
		answer, err := tx.SealForPupil(ctx, regionID, pupil, "casus_vraag.antwoord", q.Answer)
		if err != nil {
			return fmt.Errorf("informatieverzoek beantwoorden: %w", err)
		}
		res, err := tx.Exec(ctx, "UPDATE casus_vraag SET antwoord = ?, beantwoord_op = ? WHERE regio_id = ? AND id = ? AND casus_id = ? AND beantwoord_op IS NULL",
			answer, q.AnsweredAt.UnixMilli(), regionID, q.ID, q.CaseID)
		if err != nil {
			return fmt.Errorf("informatieverzoek beantwoorden: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return &casework.ConflictError{What: "informatievraag", ID: q.ID, Attempted: 1, Current: 2}
		}
		return nil
	})
}

// InfoRequests lists a case's questions, oldest first.
func (s *CaseStore) InfoRequests(ctx context.Context, regionID, caseID int64) ([]casework.InfoRequest, error) {
	rows, err := s.db.Query(ctx, `SELECT id, casus_id, fase, van_gebruiker_id, aan, categorie, vraag, gesteld_op, omvang, omvang_reden, antwoord, beantwoord_op
		FROM casus_vraag WHERE regio_id = ? AND casus_id = ? ORDER BY id`, regionID, caseID)
	if err != nil {
		return nil, fmt.Errorf("informatieverzoeken lezen: %w", err)
	}
	defer rows.Close()
	var out []casework.InfoRequest
	for rows.Next() {
		var q casework.InfoRequest
		var to string
		var asked int64
		var answered sql.NullInt64
		if err := rows.Scan(&q.ID, &q.CaseID, &q.Phase, &q.FromUser, &to, &q.Category, &q.Question, &asked, &q.Scope, &q.ScopeWhy, &q.Answer, &answered); err != nil {
			return nil, fmt.Errorf("informatieverzoeken lezen: %w", err)
		}
		q.To, q.AskedAt, q.AnsweredAt = casework.Ref(to), time.UnixMilli(asked).UTC(), cwFromMS(answered)
		out = append(out, q)
	}
	if err := rows.Err(); err != nil || len(out) == 0 {
		return out, wrapErr(err, "informatieverzoeken lezen")
	}
	o, err := s.caseOpener(ctx, regionID, caseID)
	for i := range out {
		o.open("casus_vraag.vraag", &out[i].Question)
		o.open("casus_vraag.omvang_reden", &out[i].ScopeWhy)
		o.open("casus_vraag.antwoord", &out[i].Answer)
	}
	return out, errors.Join(err, o.err())
}

// caseFieldOpener opens sealed fields of one case's child rows.
type caseFieldOpener struct {
	o     *opener
	pupil int64
}

func (c caseFieldOpener) open(field string, s *string) { c.o.open(c.pupil, field, s) }
func (c caseFieldOpener) err() error                   { return c.o.err }

func (s *CaseStore) caseOpener(ctx context.Context, regionID, caseID int64) (caseFieldOpener, error) {
	pupil, err := s.db.casePupil(ctx, regionID, caseID)
	o := s.db.opener(ctx, regionID)
	if err != nil {
		o.err = err
	}
	return caseFieldOpener{o: o, pupil: pupil}, nil
}

// CaseDirectory answers the casework service's questions about pupils and users of the region
// from the store: the pupil, their parents with gezag, the DUO melding (internal/absence) and the
// start of the current stretch at home (the newest long-term or absolute absence signal).
type CaseDirectory struct {
	DB *DB
}

var _ casework.Directory = CaseDirectory{}

// PupilFacts implements casework.Directory.
func (d CaseDirectory) PupilFacts(ctx context.Context, regionID, pupilID int64, now time.Time) (casework.PupilFacts, error) {
	p, err := d.DB.Pupil(ctx, regionID, pupilID)
	if errors.Is(err, ErrNotFound) {
		return casework.PupilFacts{}, fmt.Errorf("leerling %d: %w", pupilID, casework.ErrNotFound)
	}
	if err != nil {
		return casework.PupilFacts{}, err
	}
	pf := casework.PupilFacts{Pseudonym: p.Pseudonym, Name: strings.TrimSpace(p.FirstName + " " + p.LastName), BirthDate: p.BirthDate}
	gs, err := d.DB.Guardians(ctx, regionID, pupilID)
	if err != nil {
		return pf, err
	}
	for _, g := range gs {
		if g.Gezag {
			pf.Parents = append(pf.Parents, casework.ParentInput{ParentID: g.Parent.ID, Name: strings.TrimSpace(g.FirstName + " " + g.LastName), Contact: orStr(g.Email, g.Phone)})
		}
	}
	if pf.HasMelding, err = d.DB.HasMelding(ctx, regionID, pupilID, now); err != nil {
		return pf, err
	}
	if pf.HasMelding {
		ms, err := d.DB.Meldingen(ctx, regionID, pupilID)
		if err != nil {
			return pf, err
		}
		if len(ms) > 0 {
			pf.MeldingRef = fmt.Sprintf("melding-%d", ms[0].ID)
		}
	}
	sigs, err := d.DB.Signals(ctx, regionID, pupilID)
	if err != nil {
		return pf, err
	}
	today := absence.Date(now.UTC().Unix() / 86400)
	for _, s := range sigs {
		if s.Kind != absence.KindLongTerm && s.Kind != absence.KindAbsolute {
			continue
		}
		// A stretch that still runs (its last day within two weeks, holidays included).
		if s.To != 0 && s.To.AddDays(14) < today {
			continue
		}
		if t := s.From.Time(); pf.ThuiszitterSince.IsZero() || t.Before(pf.ThuiszitterSince) {
			pf.ThuiszitterSince = t
		}
	}
	return pf, nil
}

func orStr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// Professional implements casework.Directory.
func (d CaseDirectory) Professional(ctx context.Context, regionID, userID int64) (casework.Actor, string, error) {
	u, err := d.DB.User(ctx, regionID, userID)
	if errors.Is(err, ErrNotFound) {
		return casework.Actor{}, "", fmt.Errorf("gebruiker %d: %w", userID, casework.ErrNotFound)
	}
	if err != nil {
		return casework.Actor{}, "", err
	}
	if !u.Active {
		return casework.Actor{}, "", fmt.Errorf("gebruiker %d is niet actief: %w", userID, casework.ErrInvalid)
	}
	o, err := d.DB.Organisation(ctx, regionID, u.OrganisationID)
	if err != nil {
		return casework.Actor{}, "", err
	}
	return ActorOf(u, o), u.Email, nil
}

// ActorOf is a user of an organisation as a casework actor.
func ActorOf(u region.User, o region.Organisation) casework.Actor {
	return casework.Actor{Kind: casework.KindProfessional, UserID: u.ID, OrganisationID: o.ID, Party: o.Party(), Role: string(u.Role), Name: u.Name}
}
