package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"github.com/grondslag/grondslag/internal/audit"
	"strconv"
	"time"

	"github.com/grondslag/grondslag/internal/absence"
)

// StoredMelding is absence.StoredMelding.
type StoredMelding = absence.StoredMelding

// CreateMelding stores a registered melding (absence.NewMelding) and the first entry of its
// status history. signalID may be 0.
func (db *DB) CreateMelding(ctx context.Context, regionID, pupilID, schoolID, signalID int64, m *absence.Melding) (int64, error) {
	return db.CreateMeldingAudited(ctx, regionID, pupilID, schoolID, signalID, m, nil)
}

// MeldingTrail is absence.MeldingTrail.
type MeldingTrail = absence.MeldingTrail

// ErrMeldingExists is absence.ErrMeldingExists.
var ErrMeldingExists = absence.ErrMeldingExists

// CreateMeldingAudited is CreateMelding with the melding's audit entries (the school providing
// the absence data to leerplicht) appended in the same transaction. One melding per episode: when
// the signal's episode has one already (not withdrawn), nothing is stored and the existing id is
// returned with ErrMeldingExists; the database's unique index enforces the same under races.
func (db *DB) CreateMeldingAudited(ctx context.Context, regionID, pupilID, schoolID, signalID int64, m *absence.Melding, trail MeldingTrail) (int64, error) {
	id, err := db.createMelding(ctx, regionID, pupilID, schoolID, signalID, m, trail)
	if signalID != 0 && (errors.Is(err, ErrMeldingExists) || (err != nil && isUnique(err))) {
		var existing int64
		qerr := db.QueryRow(ctx, "SELECT id FROM verzuimmelding WHERE regio_id = ? AND signaal_id = ? AND status <> ? ORDER BY id LIMIT 1",
			regionID, signalID, string(absence.StatusWithdrawn)).Scan(&existing)
		if qerr == nil {
			return existing, fmt.Errorf("%w (melding %d)", ErrMeldingExists, existing)
		}
	}
	return id, err
}

func (db *DB) createMelding(ctx context.Context, regionID, pupilID, schoolID, signalID int64, m *absence.Melding, trail MeldingTrail) (int64, error) {
	c := m.Content()
	var id int64
	err := db.WithTx(ctx, func(tx *Tx) error {
		if signalID != 0 {
			var n int
			if err := tx.QueryRow(ctx, "SELECT COUNT(*) FROM verzuimmelding WHERE regio_id = ? AND signaal_id = ? AND status <> ?",
				regionID, signalID, string(absence.StatusWithdrawn)).Scan(&n); err != nil {
				return fmt.Errorf("verzuimmelding maken: %w", err)
			}
			if n > 0 {
				return ErrMeldingExists
			}
		}
		var to, sig any
		if c.To != 0 {
			to = c.To.String()
		}
		if signalID != 0 {
			sig = signalID
		}
		sl := tx.sealer(ctx, regionID, pupilID)
		reason, action, noAction := sl.seal("verzuimmelding.vermoedelijke_reden", c.SuspectedReason), sl.seal("verzuimmelding.actie_school", c.SchoolAction),
			sl.seal("verzuimmelding.toelichting_geen_actie", c.NoActionExplanation)
		parentPhone, address := sl.seal("verzuimmelding.telefoon_ouder", c.ParentPhone), sl.seal("verzuimmelding.verblijfadres", c.StayAddress)
		if sl.err != nil {
			return sl.err
		}
		var err error
		id, err = tx.InsertID(ctx, `INSERT INTO verzuimmelding (regio_id, leerling_id, school_id, signaal_id, soort, begindatum, einddatum,
			vermoedelijke_reden, alle_lessen_verzuimd, actie_school, actie_gemeente_gewenst, toelichting_geen_actie, leslocatie,
			melder_naam, melder_functie, melder_telefoon, melder_email, telefoon_ouder, verblijfadres, verzuimde_dagen, verzuimde_uren_centi,
			signaal_soort, status, status_op, reden_afsluiting, afsluitnotitie, contact_gemeente, duo_nummer, aangemaakt_op)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			regionID, pupilID, schoolID, sig, string(c.Type), c.From.String(), to,
			reason, boolInt(c.AllLessonsMissed), action, boolInt(c.GemeenteActionWanted), noAction, c.Location,
			c.Reporter.Name, c.Reporter.Function, c.Reporter.Phone, c.Reporter.Email, parentPhone, address, c.DaysAbsent, int64(c.HoursAbsent),
			string(c.SignalKind), string(m.Status()), m.StatusAt().UnixMilli(), string(m.ClosingReason()), string(m.ClosingNote()), m.GemeenteContact(), m.DUONumber(), m.Created().UnixMilli())
		if err != nil {
			return fmt.Errorf("melding opslaan: %w", err)
		}
		_, err = tx.Exec(ctx, `INSERT INTO verzuimmelding_status (regio_id, melding_id, status, door, reden_afsluiting, afsluitnotitie, op) VALUES (?, ?, ?, ?, ?, ?, ?)`,
			regionID, id, string(m.Status()), string(absence.PartySchool), "", "", m.StatusAt().UnixMilli())
		if err != nil {
			return fmt.Errorf("verzuimmelding maken: %w", err)
		}
		return appendTrail(ctx, tx, regionID, meldingTrailOf(trail, id))
	})
	return id, err
}

const meldingCols = `id, leerling_id, school_id, signaal_id, soort, begindatum, einddatum, vermoedelijke_reden, alle_lessen_verzuimd, actie_school,
	actie_gemeente_gewenst, toelichting_geen_actie, leslocatie, melder_naam, melder_functie, melder_telefoon, melder_email, telefoon_ouder,
	verblijfadres, verzuimde_dagen, verzuimde_uren_centi, signaal_soort, status, status_op, reden_afsluiting, afsluitnotitie, contact_gemeente,
	duo_nummer, aangemaakt_op`

func scanMelding(sc interface{ Scan(...any) error }, o *opener) (StoredMelding, error) {
	var s StoredMelding
	var c absence.MeldingContent
	var sig sql.NullInt64
	var kind, from, sigKind, status, reason, note, contact, duo string
	var to sql.NullString
	var all, wanted int
	var centi, statusAt, created int64
	err := sc.Scan(&s.ID, &s.PupilID, &s.SchoolID, &sig, &kind, &from, &to, &c.SuspectedReason, &all, &c.SchoolAction, &wanted,
		&c.NoActionExplanation, &c.Location, &c.Reporter.Name, &c.Reporter.Function, &c.Reporter.Phone, &c.Reporter.Email, &c.ParentPhone,
		&c.StayAddress, &c.DaysAbsent, &centi, &sigKind, &status, &statusAt, &reason, &note, &contact, &duo, &created)
	if err != nil {
		return s, fmt.Errorf("verzuimmelding lezen: %w", err)
	}
	for _, f := range []struct {
		field string
		v     *string
	}{{"verzuimmelding.vermoedelijke_reden", &c.SuspectedReason}, {"verzuimmelding.actie_school", &c.SchoolAction},
		{"verzuimmelding.toelichting_geen_actie", &c.NoActionExplanation}, {"verzuimmelding.telefoon_ouder", &c.ParentPhone},
		{"verzuimmelding.verblijfadres", &c.StayAddress}} {
		o.open(s.PupilID, f.field, f.v)
	}
	if o.err != nil {
		return s, o.err
	}
	s.SignalID = sig.Int64
	c.Type, c.SignalKind, c.AllLessonsMissed, c.GemeenteActionWanted, c.HoursAbsent = absence.MeldingType(kind), absence.Kind(sigKind), all == 1, wanted == 1, absence.Hours(centi)
	if c.From, err = absence.ParseDate(from); err != nil {
		return s, fmt.Errorf("verzuimmelding lezen: %w", err)
	}
	if to.Valid && to.String != "" {
		if c.To, err = absence.ParseDate(to.String); err != nil {
			return s, fmt.Errorf("verzuimmelding lezen: %w", err)
		}
	}
	s.Melding, err = absence.RestoreMelding(pupilKey(s.PupilID), c, absence.Status(status), time.UnixMilli(statusAt).UTC(), time.UnixMilli(created).UTC(),
		absence.ClosingReason(reason), absence.ClosingNote(note), contact, duo)
	return s, err
}

// Melding returns one melding of the region.
func (db *DB) Melding(ctx context.Context, regionID, id int64) (StoredMelding, error) {
	return db.meldingWhere(ctx, db, regionID, "id = ?", id)
}

// meldingWhere reads the region's first melding (by id) matching cond, one condition on
// verzuimmelding with its argument, through q: the database or the caller's transaction. None
// is ErrNotFound.
func (db *DB) meldingWhere(ctx context.Context, q queryRower, regionID int64, cond string, arg any) (StoredMelding, error) {
	s, err := scanMelding(q.QueryRow(ctx, "SELECT "+meldingCols+" FROM verzuimmelding WHERE regio_id = ? AND "+cond+" ORDER BY id LIMIT 1", regionID, arg), db.opener(ctx, regionID))
	if errors.Is(err, sql.ErrNoRows) {
		return s, ErrNotFound
	}
	return s, wrapErr(err, "verzuimmelding lezen")
}

// Meldingen returns a pupil's meldingen, newest first.
func (db *DB) Meldingen(ctx context.Context, regionID, pupilID int64) ([]StoredMelding, error) {
	rows, err := db.Query(ctx, "SELECT "+meldingCols+" FROM verzuimmelding WHERE regio_id = ? AND leerling_id = ? ORDER BY aangemaakt_op DESC, id DESC", regionID, pupilID)
	if err != nil {
		return nil, fmt.Errorf("verzuimmeldingen lezen: %w", err)
	}
	defer rows.Close()
	var out []StoredMelding
	for rows.Next() {
		s, err := scanMelding(rows, db.opener(ctx, regionID))
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// ChangeMeldingStatus applies a status change (absence.Melding.Transition: who may do what) in
// one transaction and appends it to the history.
func (db *DB) ChangeMeldingStatus(ctx context.Context, regionID, id int64, ch absence.StatusChange) (StoredMelding, error) {
	return db.ChangeMeldingStatusAudited(ctx, regionID, id, ch, nil)
}

// ChangeMeldingStatusAudited is ChangeMeldingStatus with the change's audit entries appended in
// the same transaction.
func (db *DB) ChangeMeldingStatusAudited(ctx context.Context, regionID, id int64, ch absence.StatusChange, trail MeldingTrail) (StoredMelding, error) {
	var out StoredMelding
	err := db.WithTx(ctx, func(tx *Tx) error {
		s, err := db.meldingWhere(ctx, tx, regionID, "id = ?", id)
		if err != nil {
			return err
		}
		before := s.Status()
		if err := s.Transition(ch); err != nil {
			return err
		}
		res, err := tx.Exec(ctx, `UPDATE verzuimmelding SET status = ?, status_op = ?, reden_afsluiting = ?, afsluitnotitie = ?, contact_gemeente = ?
			WHERE regio_id = ? AND id = ? AND status = ?`,
			string(s.Status()), s.StatusAt().UnixMilli(), string(s.ClosingReason()), string(s.ClosingNote()), s.GemeenteContact(), regionID, id, string(before))
		if err != nil {
			return fmt.Errorf("status van verzuimmelding wijzigen: %w", err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return fmt.Errorf("%w: de melding is intussen gewijzigd", absence.ErrTransition)
		}
		_, err = tx.Exec(ctx, `INSERT INTO verzuimmelding_status (regio_id, melding_id, status, door, reden_afsluiting, afsluitnotitie, op) VALUES (?, ?, ?, ?, ?, ?, ?)`,
			regionID, id, string(s.Status()), string(ch.By), string(s.ClosingReason()), string(s.ClosingNote()), s.StatusAt().UnixMilli())
		if err != nil {
			return fmt.Errorf("status van verzuimmelding wijzigen: %w", err)
		}
		out = s
		return appendTrail(ctx, tx, regionID, meldingTrailOf(trail, id))
	})
	return out, err
}

// SetMeldingDUONumber records the number DUO gave a melding.
func (db *DB) SetMeldingDUONumber(ctx context.Context, regionID, id int64, number string) error {
	s, err := db.Melding(ctx, regionID, id)
	if err != nil {
		return err
	}
	if err := s.SetDUONumber(number); err != nil {
		return err
	}
	res, err := db.Exec(ctx, "UPDATE verzuimmelding SET duo_nummer = ? WHERE regio_id = ? AND id = ?", s.DUONumber(), regionID, id)
	if err != nil {
		return fmt.Errorf("DUO-nummer van verzuimmelding vastleggen: %w", err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return ErrNotFound
	}
	return nil
}

// MeldingStatusEntry is absence.MeldingStatusEntry.
type MeldingStatusEntry = absence.MeldingStatusEntry

// PartyDUO is the author of a history line DUO caused (its refusal).
const PartyDUO = absence.PartyDUO

// MeldingHistory returns a melding's status history, oldest first.
func (db *DB) MeldingHistory(ctx context.Context, regionID, id int64) ([]MeldingStatusEntry, error) {
	rows, err := db.Query(ctx, "SELECT status, door, reden_afsluiting, afsluitnotitie, op, fout FROM verzuimmelding_status WHERE regio_id = ? AND melding_id = ? ORDER BY op, id", regionID, id)
	if err != nil {
		return nil, fmt.Errorf("statusgeschiedenis van verzuimmelding lezen: %w", err)
	}
	defer rows.Close()
	var out []MeldingStatusEntry
	for rows.Next() {
		var e MeldingStatusEntry
		var st, by, reason, note string
		var at int64
		if err := rows.Scan(&st, &by, &reason, &note, &at, &e.Error); err != nil {
			return nil, fmt.Errorf("statusgeschiedenis van verzuimmelding lezen: %w", err)
		}
		e.Status, e.By, e.Reason, e.Note, e.At = absence.Status(st), absence.Party(by), absence.ClosingReason(reason), absence.ClosingNote(note), time.UnixMilli(at).UTC()
		out = append(out, e)
	}
	return out, rows.Err()
}

// HasMelding reports whether a verzuimmelding gives leerplicht the ground for person-level notes
// on this pupil at now: one that is open, or closed or acknowledged within
// absence.DefaultGroundRetention (seed 002). The policy context uses it.
func (db *DB) HasMelding(ctx context.Context, regionID, pupilID int64, now time.Time) (bool, error) {
	return db.HasMeldingWithin(ctx, regionID, pupilID, now, absence.DefaultGroundRetention)
}

// HasMeldingWithin is HasMelding with the retention the convenant sets.
func (db *DB) HasMeldingWithin(ctx context.Context, regionID, pupilID int64, now time.Time, retention time.Duration) (bool, error) {
	g, err := db.MeldingGround(ctx, regionID, pupilID, now, retention)
	return g.ID != 0, err
}

// Ground names the melding a decision relies on.
type Ground struct {
	ID        int64  // 0: no melding gives ground
	DUONumber string // empty until DUO gave one
	Status    absence.Status
}

// Reference is how a decision's record names the melding: DUO's number, else the local id.
func (g Ground) Reference() string {
	if g.DUONumber != "" {
		return "DUO " + g.DUONumber
	}
	if g.ID == 0 {
		return ""
	}
	return fmt.Sprintf("verzuimmelding %d", g.ID)
}

// MeldingGround returns the melding that gives leerplicht the ground for person-level notes at
// now (the newest open one, else the newest closed within retention); ID 0 when there is none.
func (db *DB) MeldingGround(ctx context.Context, regionID, pupilID int64, now time.Time, retention time.Duration) (Ground, error) {
	rows, err := db.Query(ctx, `SELECT id, status, status_op, duo_nummer FROM verzuimmelding WHERE regio_id = ? AND leerling_id = ? AND status <> ?
		ORDER BY aangemaakt_op DESC, id DESC`, regionID, pupilID, string(absence.StatusWithdrawn))
	if err != nil {
		return Ground{}, fmt.Errorf("grond van verzuimmelding lezen: %w", err)
	}
	defer rows.Close()
	var closed Ground
	for rows.Next() {
		var g Ground
		var st string
		var at int64
		if err := rows.Scan(&g.ID, &st, &at, &g.DUONumber); err != nil {
			return Ground{}, fmt.Errorf("grond van verzuimmelding lezen: %w", err)
		}
		g.Status = absence.Status(st)
		if !absence.GivesGround(g.Status, time.UnixMilli(at), now, retention) {
			continue
		}
		if g.Status.Open() {
			return g, rows.Err()
		}
		if closed.ID == 0 {
			closed = g
		}
	}
	return closed, rows.Err()
}

// AbsoluteCandidates returns the absoluut-verzuim inputs of every pupil in the region: birth
// date, enrolments and exemptions, for absence.Evaluator.AbsoluteAbsence. Pupil is the id as text.
func (db *DB) AbsoluteCandidates(ctx context.Context, regionID int64, asOf absence.Date) ([]absence.AbsoluteInput, error) {
	rows, err := db.Query(ctx, `SELECT l.id, l.geboortedatum, i.van, i.tot FROM leerling l LEFT JOIN inschrijving i ON i.regio_id = l.regio_id AND i.leerling_id = l.id
		WHERE l.regio_id = ? ORDER BY l.id`, regionID)
	if err != nil {
		return nil, fmt.Errorf("kandidaten voor absoluut verzuim lezen: %w", err)
	}
	var out []absence.AbsoluteInput
	var ids []int64
	for rows.Next() {
		var id int64
		var birth string
		var van, tot sql.NullString
		if err := rows.Scan(&id, &birth, &van, &tot); err != nil {
			rows.Close()
			return nil, fmt.Errorf("kandidaten voor absoluut verzuim lezen: %w", err)
		}
		if len(ids) == 0 || ids[len(ids)-1] != id {
			b, err := absence.ParseDate(birth)
			if err != nil {
				rows.Close()
				return nil, fmt.Errorf("leerling %d: geboortedatum: %w", id, err)
			}
			ids = append(ids, id)
			out = append(out, absence.AbsoluteInput{Pupil: pupilKey(id), Birth: b, AsOf: asOf})
		}
		if van.Valid {
			var e absence.Enrolment
			if e.From, err = absence.ParseDate(van.String); err != nil {
				rows.Close()
				return nil, fmt.Errorf("kandidaten voor absoluut verzuim lezen: %w", err)
			}
			if tot.Valid && tot.String != "" {
				if e.To, err = absence.ParseDate(tot.String); err != nil {
					rows.Close()
					return nil, fmt.Errorf("kandidaten voor absoluut verzuim lezen: %w", err)
				}
			}
			out[len(out)-1].Enrolments = append(out[len(out)-1].Enrolments, e)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("kandidaten voor absoluut verzuim lezen: %w", err)
	}
	ex, err := db.regionExemptions(ctx, regionID)
	if err != nil {
		return nil, err
	}
	for i, id := range ids {
		out[i].Exemptions = ex[id]
	}
	return out, nil
}

// regionExemptions returns every exemption of the region by pupil.
func (db *DB) regionExemptions(ctx context.Context, regionID int64) (map[int64][]absence.Exemption, error) {
	rows, err := db.Query(ctx, "SELECT leerling_id, soort, van, tot FROM vrijstelling WHERE regio_id = ?", regionID)
	if err != nil {
		return nil, fmt.Errorf("vrijstellingen in de regio lezen: %w", err)
	}
	defer rows.Close()
	out := map[int64][]absence.Exemption{}
	for rows.Next() {
		var id int64
		var kind, from string
		var to sql.NullString
		if err := rows.Scan(&id, &kind, &from, &to); err != nil {
			return nil, fmt.Errorf("vrijstellingen in de regio lezen: %w", err)
		}
		ex := absence.Exemption{Kind: absence.ExemptionKind(kind)}
		if ex.From, err = absence.ParseDate(from); err != nil {
			return nil, fmt.Errorf("vrijstellingen in de regio lezen: %w", err)
		}
		if to.Valid && to.String != "" {
			if ex.To, err = absence.ParseDate(to.String); err != nil {
				return nil, fmt.Errorf("vrijstellingen in de regio lezen: %w", err)
			}
		}
		out[id] = append(out[id], ex)
	}
	return out, rows.Err()
}

// RefreshAbsoluteSignals evaluates absoluut verzuim for every pupil of the region as of asOf and
// replaces the absoluut-verzuim signals stored before (ReplaceSignals: a running absence is
// updated, not duplicated; a stale one removed). It returns the number of pupils signalled.
func (db *DB) RefreshAbsoluteSignals(ctx context.Context, regionID int64, ev *absence.Evaluator, asOf absence.Date, now time.Time) (int, error) {
	cands, err := db.AbsoluteCandidates(ctx, regionID, asOf)
	if err != nil {
		return 0, err
	}
	have := map[int64]bool{}
	rows, err := db.Query(ctx, "SELECT DISTINCT leerling_id FROM verzuim_signaal WHERE regio_id = ? AND soort = ?", regionID, string(absence.KindAbsolute))
	if err != nil {
		return 0, fmt.Errorf("signalen absoluut verzuim verversen: %w", err)
	}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return 0, fmt.Errorf("signalen absoluut verzuim verversen: %w", err)
		}
		have[id] = true
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, fmt.Errorf("signalen absoluut verzuim verversen: %w", err)
	}
	n := 0
	for _, c := range cands {
		s, ok := ev.AbsoluteAbsence(c)
		id, err := strconv.ParseInt(c.Pupil, 10, 64)
		if err != nil {
			return n, fmt.Errorf("signalen absoluut verzuim verversen: %w", err)
		}
		if !ok && !have[id] {
			continue
		}
		var sigs []absence.Signal
		if ok {
			sigs = []absence.Signal{s}
			n++
		}
		// A child no longer in absoluut verzuim loses its stale signal (a covered one stays).
		if err := db.ReplaceSignals(ctx, regionID, id, []absence.Kind{absence.KindAbsolute}, sigs, asOf, now); err != nil {
			return n, err
		}
	}
	return n, nil
}

// meldingTrailOf returns the entries of trail for melding id, none when trail is nil.
func meldingTrailOf(trail MeldingTrail, id int64) func() ([]audit.Entry, error) {
	return func() ([]audit.Entry, error) {
		if trail == nil {
			return nil, nil
		}
		return trail(id)
	}
}
