package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"github.com/grondslag/grondslag/internal/audit"
	"io"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/grondslag/grondslag/internal/absence"
	"github.com/grondslag/grondslag/internal/dossier"
	"github.com/grondslag/grondslag/internal/region"
)

// This file stores absence (internal/absence): registrations imported from a school's file,
// vrijstellingen and leave, the signals the rules found, and verzuimmeldingen with their status
// history. Pupils are found through their enrolment at the importing school (leerlingnummer) or
// their pseudonym; the BSN is never involved.

// AbsenceImport is the outcome of ImportAbsence.
type AbsenceImport = absence.ImportResult

// ErrAbsenceFile is returned (wrapped) when a file has bad lines and nothing was imported.
var ErrAbsenceFile = absence.ErrFile

// AbsenceRepository is the absence use cases' repository (absence.Repository) over the store.
type AbsenceRepository struct{ DB *DB }

var _ absence.Repository = AbsenceRepository{}

// auditedTrail adapts the use case's trail: the pseudonyms of the pupils written are read in
// the import's transaction.
func auditedTrail(regionID int64, trail absence.ImportTrail) ImportTrail {
	if trail == nil {
		return nil
	}
	return func(ctx context.Context, tx *Tx, res AbsenceImport) ([]audit.Entry, error) {
		ps, err := tx.Pseudonyms(ctx, regionID, res.Pupils)
		if err != nil {
			return nil, err
		}
		list := make([]string, 0, len(res.Pupils))
		for _, id := range res.Pupils {
			list = append(list, ps[id])
		}
		return trail(res, list)
	}
}

// ImportCSV implements absence.Repository (ImportAbsenceAudited).
func (r AbsenceRepository) ImportCSV(ctx context.Context, regionID, schoolID int64, in io.Reader, skipErrors bool, now time.Time, trail absence.ImportTrail) (absence.ImportResult, error) {
	return r.DB.ImportAbsenceAudited(ctx, regionID, schoolID, in, skipErrors, now, auditedTrail(regionID, trail))
}

// ImportRegistrations implements absence.Repository (ImportRegistrationsAudited).
func (r AbsenceRepository) ImportRegistrations(ctx context.Context, regionID, schoolID int64, regs []absence.Registration, skipErrors bool, now time.Time, trail absence.ImportTrail) (absence.ImportResult, error) {
	return r.DB.ImportRegistrationsAudited(ctx, regionID, schoolID, regs, skipErrors, now, auditedTrail(regionID, trail))
}

// RefreshSignals implements absence.Repository.
func (r AbsenceRepository) RefreshSignals(ctx context.Context, regionID int64, pupilIDs []int64, ev *absence.Evaluator, asOf absence.Date, now time.Time, trail absence.MeldingUpdateTrail) (int, error) {
	return r.DB.RefreshSignalsAudited(ctx, regionID, pupilIDs, ev, asOf, now, trail)
}

// enrolment of a pupil at the importing school.
type schoolEnrolment struct {
	pupil    int64
	from, to absence.Date // to 0: current
}

// ImportAbsence imports a school's registrations file (leerling,datum,uren,reden) in one
// transaction. The leerling column holds the school's leerlingnummer (or the pupil's pseudonym);
// the pupil must be enrolled at the school on that day. Lines of the same pupil, day and reason
// add up within the file; the total then replaces what was stored for that key, so importing the
// same file twice changes nothing. Without skipErrors a file with any bad line imports nothing.
func (db *DB) ImportAbsence(ctx context.Context, regionID, schoolID int64, r io.Reader, skipErrors bool, now time.Time) (AbsenceImport, error) {
	return db.ImportAbsenceAudited(ctx, regionID, schoolID, r, skipErrors, now, nil)
}

// ImportTrail returns the audit entries of an import; it runs inside the import's transaction,
// after the registrations are written, so the import and its entries commit together or not at
// all. res.Pupils lists the pupils whose registrations were written.
type ImportTrail func(ctx context.Context, tx *Tx, res AbsenceImport) ([]audit.Entry, error)

// ImportAbsenceAudited is ImportAbsence with the audit entries of the import appended to the
// region's log in the same transaction.
func (db *DB) ImportAbsenceAudited(ctx context.Context, regionID, schoolID int64, r io.Reader, skipErrors bool, now time.Time, trail ImportTrail) (AbsenceImport, error) {
	h := sha256.New()
	regs, bad, err := absence.ReadAll(io.TeeReader(r, h))
	if err != nil {
		return AbsenceImport{}, err
	}
	return db.importRegistrations(ctx, regionID, schoolID, regs, bad, hex.EncodeToString(h.Sum(nil)), skipErrors, now, trail)
}

// ImportRegistrations stores registrations that came over the API, with the same rules as
// ImportAbsence: Pupil is the leerlingnummer at the school (or the pseudonym), rows of one key
// add up and replace what was stored, and without skipErrors one bad row stores nothing. A row's
// Line is its position in the request (1-based), for the error messages.
func (db *DB) ImportRegistrations(ctx context.Context, regionID, schoolID int64, regs []absence.Registration, skipErrors bool, now time.Time) (AbsenceImport, error) {
	return db.ImportRegistrationsAudited(ctx, regionID, schoolID, regs, skipErrors, now, nil)
}

// ImportRegistrationsAudited is ImportRegistrations with the import's audit entries appended in
// the same transaction.
func (db *DB) ImportRegistrationsAudited(ctx context.Context, regionID, schoolID int64, regs []absence.Registration, skipErrors bool, now time.Time, trail ImportTrail) (AbsenceImport, error) {
	h := sha256.New()
	for i := range regs {
		if regs[i].Line == 0 {
			regs[i].Line = i + 1
		}
		fmt.Fprintf(h, "%s,%s,%s,%s\n", regs[i].Pupil, regs[i].Day, regs[i].Hours, regs[i].Reason)
	}
	return db.importRegistrations(ctx, regionID, schoolID, regs, nil, "api:"+hex.EncodeToString(h.Sum(nil)), skipErrors, now, trail)
}

func (db *DB) importRegistrations(ctx context.Context, regionID, schoolID int64, regs []absence.Registration, bad []*absence.LineError, hash string, skipErrors bool, now time.Time, trail ImportTrail) (AbsenceImport, error) {
	res := AbsenceImport{Lines: len(regs) + len(bad), Errors: bad}
	for _, reg := range regs {
		if _, err := absence.NewRegistration(reg.Pupil, reg.Day, reg.Hours, reg.Reason); err != nil {
			return res, fmt.Errorf("%w: regel %d: %v", ErrAbsenceFile, reg.Line, err)
		}
	}
	enr, err := db.schoolEnrolments(ctx, regionID, schoolID)
	if err != nil {
		return res, err
	}
	type key struct {
		pupil  int64
		day    absence.Date
		reason absence.Reason
	}
	type dayKey struct {
		pupil int64
		day   absence.Date
	}
	sums := map[key]absence.Hours{}
	perDay := map[dayKey]absence.Hours{}
	pupilSet := map[int64]bool{}
	sks := map[int64]absence.Date{} // the file's startkwalificatie per pupil (retention; issue 13 point 2)
	var pseudo map[string]int64
	for _, reg := range regs {
		pid := enrolledOn(enr[reg.Pupil], reg.Day)
		if pid == 0 && len(enr[reg.Pupil]) == 0 {
			if pseudo == nil {
				if pseudo, err = db.pseudonymsAtSchool(ctx, regionID, schoolID); err != nil {
					return res, err
				}
			}
			if p, ok := pseudo[reg.Pupil]; ok {
				pid = p
			}
		}
		if pid == 0 {
			msg := fmt.Sprintf("leerling %q is niet bekend bij deze school", reg.Pupil)
			if len(enr[reg.Pupil]) > 0 {
				msg = fmt.Sprintf("leerling %q was op %s niet ingeschreven bij deze school", reg.Pupil, reg.Day)
			}
			res.Errors = append(res.Errors, &absence.LineError{Line: reg.Line, Msg: msg})
			continue
		}
		dk := dayKey{pid, reg.Day}
		if perDay[dk]+reg.Hours > absence.MaxHoursPerDay {
			res.Errors = append(res.Errors, &absence.LineError{Line: reg.Line, Msg: fmt.Sprintf("leerling %q heeft op %s samen meer dan 24 uur verzuim", reg.Pupil, reg.Day)})
			continue
		}
		// A date in the optional startkwalificatie column is stored with the pupil (it ends the
		// kwalificatieplicht, and so starts the gemeente's retention clock); "ja" without a date
		// (MinDate) only serves the rules and is not stored.
		if sk := reg.Startkwalificatie; sk != 0 && sk != absence.MinDate {
			if prev, ok := sks[pid]; ok && prev != sk {
				res.Errors = append(res.Errors, &absence.LineError{Line: reg.Line, Msg: "startkwalificatie verschilt van een eerdere regel van deze leerling"})
				continue
			}
			if sk.Time().After(now) {
				res.Errors = append(res.Errors, &absence.LineError{Line: reg.Line, Msg: fmt.Sprintf("startkwalificatie %s ligt in de toekomst", sk)})
				continue
			}
			sks[pid] = sk
		}
		perDay[dk] += reg.Hours
		sums[key{pid, reg.Day, reg.Reason}] += reg.Hours
		pupilSet[pid] = true
		res.Imported++
	}
	sort.Slice(res.Errors, func(i, j int) bool { return res.Errors[i].Line < res.Errors[j].Line })
	if len(res.Errors) > 0 && !skipErrors {
		res.Imported = 0
		return res, fmt.Errorf("%w (%d foute regels)", ErrAbsenceFile, len(res.Errors))
	}
	keys := make([]key, 0, len(sums))
	for k := range sums {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		a, b := keys[i], keys[j]
		if a.pupil != b.pupil {
			return a.pupil < b.pupil
		}
		if a.day != b.day {
			return a.day < b.day
		}
		return a.reason < b.reason
	})
	for p := range pupilSet {
		res.Pupils = append(res.Pupils, p)
	}
	sort.Slice(res.Pupils, func(i, j int) bool { return res.Pupils[i] < res.Pupils[j] })
	res.Keys = len(keys)
	err = db.WithTx(ctx, func(tx *Tx) error {
		id, err := tx.InsertID(ctx, `INSERT INTO verzuim_import (regio_id, school_id, bestand_sha256, regels, verwerkt, overgeslagen, geimporteerd_op)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, regionID, schoolID, hash, res.Lines, res.Imported, len(res.Errors), now.UnixMilli())
		if err != nil {
			return fmt.Errorf("import vastleggen: %w", err)
		}
		res.ImportID = id
		for _, k := range keys {
			_, err := tx.Exec(ctx, `INSERT INTO verzuim_registratie (regio_id, leerling_id, school_id, datum, reden, uren_centi, import_id, gewijzigd_op)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?)
				ON CONFLICT (regio_id, leerling_id, school_id, datum, reden) DO UPDATE SET uren_centi = excluded.uren_centi, import_id = excluded.import_id, gewijzigd_op = excluded.gewijzigd_op`,
				regionID, k.pupil, schoolID, k.day.String(), k.reason.String(), int64(sums[k]), id, now.UnixMilli())
			if err != nil {
				return fmt.Errorf("registratie opslaan: %w", err)
			}
		}
		for _, p := range res.Pupils {
			if sk, ok := sks[p]; ok {
				if err := tx.SetStartkwalificatie(ctx, regionID, p, sk.Time()); err != nil {
					return err
				}
			}
		}
		// Stored rows of other reasons (earlier files) may now add up to more than a day holds.
		for _, p := range res.Pupils {
			var day string
			var total int64
			err := tx.QueryRow(ctx, `SELECT datum, SUM(uren_centi) FROM verzuim_registratie WHERE regio_id = ? AND leerling_id = ?
				GROUP BY datum HAVING SUM(uren_centi) > 2400 ORDER BY datum LIMIT 1`, regionID, p).Scan(&day, &total)
			if err == nil {
				return fmt.Errorf("%w: leerling %d heeft op %s samen met eerder geïmporteerd verzuim %s uur", ErrAbsenceFile, p, day, absence.Hours(total))
			}
			if !errors.Is(err, sql.ErrNoRows) {
				return wrapErr(err, "verzuimregistraties importeren")
			}
		}
		return appendTrail(ctx, tx, regionID, func() ([]audit.Entry, error) {
			if trail == nil {
				return nil, nil
			}
			return trail(ctx, tx, res)
		})
	})
	if err != nil {
		res.Imported, res.ImportID = 0, 0
		return res, err // the file's own errors (absence.ErrFile) reach the user as they are
	}
	return res, nil
}

func enrolledOn(es []schoolEnrolment, d absence.Date) int64 {
	for _, e := range es {
		if d >= e.from && (e.to == 0 || d <= e.to) {
			return e.pupil
		}
	}
	return 0
}

// schoolEnrolments returns the enrolments at a school by leerlingnummer.
func (db *DB) schoolEnrolments(ctx context.Context, regionID, schoolID int64) (map[string][]schoolEnrolment, error) {
	rows, err := db.Query(ctx, "SELECT leerlingnummer, leerling_id, van, tot FROM inschrijving WHERE regio_id = ? AND school_id = ?", regionID, schoolID)
	if err != nil {
		return nil, fmt.Errorf("inschrijvingen van de school lezen: %w", err)
	}
	defer rows.Close()
	out := map[string][]schoolEnrolment{}
	for rows.Next() {
		var num, van string
		var tot sql.NullString
		var e schoolEnrolment
		if err := rows.Scan(&num, &e.pupil, &van, &tot); err != nil {
			return nil, fmt.Errorf("inschrijvingen van de school lezen: %w", err)
		}
		if e.from, err = absence.ParseDate(van); err != nil {
			return nil, fmt.Errorf("inschrijving %s: %w", num, err)
		}
		if tot.Valid && tot.String != "" {
			if e.to, err = absence.ParseDate(tot.String); err != nil {
				return nil, fmt.Errorf("inschrijving %s: %w", num, err)
			}
		}
		out[num] = append(out[num], e)
	}
	return out, rows.Err()
}

// pseudonymsAtSchool maps the pseudonyms of pupils ever enrolled at the school to their ids.
func (db *DB) pseudonymsAtSchool(ctx context.Context, regionID, schoolID int64) (map[string]int64, error) {
	rows, err := db.Query(ctx, `SELECT DISTINCT l.pseudoniem, l.id FROM leerling l JOIN inschrijving i ON i.regio_id = l.regio_id AND i.leerling_id = l.id
		WHERE l.regio_id = ? AND i.school_id = ?`, regionID, schoolID)
	if err != nil {
		return nil, fmt.Errorf("pseudoniemen van de school lezen: %w", err)
	}
	defer rows.Close()
	out := map[string]int64{}
	for rows.Next() {
		var p string
		var id int64
		if err := rows.Scan(&p, &id); err != nil {
			return nil, fmt.Errorf("pseudoniemen van de school lezen: %w", err)
		}
		out[p] = id
	}
	return out, rows.Err()
}

// pupilKey is how a stored pupil appears in a Signal's Pupil field: its id in the region.
func pupilKey(id int64) string { return strconv.FormatInt(id, 10) }

// AbsenceInput loads what the rules consider for one pupil: registrations of every school, the
// exemptions and leave, and the end dates of earlier art. 21a meldingen (not withdrawn).
func (db *DB) AbsenceInput(ctx context.Context, regionID, pupilID int64, asOf absence.Date) (absence.PupilInput, error) {
	in := absence.PupilInput{Pupil: pupilKey(pupilID), AsOf: asOf}
	rows, err := db.Query(ctx, "SELECT datum, reden, uren_centi FROM verzuim_registratie WHERE regio_id = ? AND leerling_id = ? AND datum <= ? ORDER BY datum", regionID, pupilID, asOf.String())
	if err != nil {
		return in, fmt.Errorf("verzuimgegevens van de leerling lezen: %w", err)
	}
	for rows.Next() {
		var day, reason string
		var centi int64
		if err := rows.Scan(&day, &reason, &centi); err != nil {
			rows.Close()
			return in, fmt.Errorf("verzuimgegevens van de leerling lezen: %w", err)
		}
		d, err1 := absence.ParseDate(day)
		rs, err2 := absence.ParseReason(reason)
		if err := errors.Join(err1, err2); err != nil {
			rows.Close()
			return in, fmt.Errorf("verzuim_registratie: %w", err)
		}
		in.Registrations = append(in.Registrations, absence.Registration{Pupil: in.Pupil, Day: d, Hours: absence.Hours(centi), Reason: rs})
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return in, fmt.Errorf("verzuimgegevens van de leerling lezen: %w", err)
	}
	if in.Exemptions, err = db.Exemptions(ctx, regionID, pupilID); err != nil {
		return in, err
	}
	var birth string
	if err := db.QueryRow(ctx, "SELECT geboortedatum FROM leerling WHERE regio_id = ? AND id = ?", regionID, pupilID).Scan(&birth); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return in, ErrNotFound
		}
		return in, fmt.Errorf("verzuimgegevens van de leerling lezen: %w", err)
	}
	if in.Birth, err = absence.ParseDate(birth); err != nil {
		return in, fmt.Errorf("leerling %d: geboortedatum: %w", pupilID, err)
	}
	// A melding the gemeente closed ends the episode it covered (absence.PupilInput.CaseClosed).
	rows, err = db.Query(ctx, `SELECT status_op FROM verzuimmelding WHERE regio_id = ? AND leerling_id = ? AND status = ?`,
		regionID, pupilID, string(absence.StatusClosed))
	if err != nil {
		return in, fmt.Errorf("verzuimgegevens van de leerling lezen: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var at int64
		if err := rows.Scan(&at); err != nil {
			return in, fmt.Errorf("verzuimgegevens van de leerling lezen: %w", err)
		}
		in.CaseClosed = append(in.CaseClosed, absence.DateOf(time.UnixMilli(at).UTC()))
	}
	sort.Slice(in.CaseClosed, func(i, j int) bool { return in.CaseClosed[i] < in.CaseClosed[j] })
	return in, rows.Err()
}

// RefreshSignals evaluates the given pupils with ev as of asOf and replaces what an earlier
// evaluation stored for them (ReplaceSignals). It returns the number of signals stored.
func (db *DB) RefreshSignals(ctx context.Context, regionID int64, pupilIDs []int64, ev *absence.Evaluator, asOf absence.Date, now time.Time) (int, error) {
	return db.RefreshSignalsAudited(ctx, regionID, pupilIDs, ev, asOf, now, nil)
}

// RefreshSignalsAudited is RefreshSignals with the audit entries of every update to an open
// melding (trail; nil: none — the demo and tests only) in the same transaction as the update.
func (db *DB) RefreshSignalsAudited(ctx context.Context, regionID int64, pupilIDs []int64, ev *absence.Evaluator, asOf absence.Date, now time.Time, trail absence.MeldingUpdateTrail) (int, error) {
	n := 0
	for _, p := range pupilIDs {
		in, err := db.AbsenceInput(ctx, regionID, p, asOf)
		if err != nil {
			return n, err
		}
		sigs, _, err := ev.Evaluate(in)
		if err != nil {
			return n, fmt.Errorf("leerling %d: %w", p, err)
		}
		if err := db.replaceSignals(ctx, regionID, p, relativeKinds, sigs, asOf, now, trail); err != nil {
			return n, err
		}
		n += len(sigs)
	}
	return n, nil
}

// relativeKinds are the kinds the relative-absence rules compute (everything but absoluut
// verzuim, which RefreshAbsoluteSignals computes).
var relativeKinds = func() []absence.Kind {
	var out []absence.Kind
	for _, k := range absence.Kinds() {
		if k != absence.KindAbsolute {
			out = append(out, k)
		}
	}
	return out
}()

// track is the episode family of a kind: the stages of unauthorised absence (beginnend, 16 uur,
// langdurig) are one episode that grows; every other kind is its own.
func track(k absence.Kind) string {
	switch k {
	case absence.KindStarting, absence.Kind16Hours, absence.KindLongTerm:
		return "ongeoorloofd"
	}
	return string(k)
}

// SaveSignals stores one pupil's signals as ReplaceSignals does for the kinds in sigs only.
func (db *DB) SaveSignals(ctx context.Context, regionID, pupilID int64, sigs []absence.Signal, asOf absence.Date, now time.Time) error {
	var kinds []absence.Kind
	for _, s := range sigs {
		kinds = append(kinds, s.Kind)
	}
	return db.ReplaceSignals(ctx, regionID, pupilID, kinds, sigs, asOf, now)
}

type storedEpisode struct {
	id        int64
	track     string
	from, to  absence.Date
	melding   int64 // a melding (not withdrawn) covering it; 0 none
	mStatus   absence.Status
	matched   bool
	kindInSet bool
	// the covering melding's type, figures and end date as stored
	mType  string
	mHours int64
	mDays  int
	mTo    string
}

// ReplaceSignals stores one pupil's episodes (absence.Signal, one per episode) of the given kinds
// in one transaction, replacing what an earlier evaluation stored: a new episode takes over the
// stored row of its track that it overlaps (so a melding stays linked to its episode while the
// episode grows), new episodes are added, and stored rows no new episode continues are deleted
// unless a melding covers them. A melding still open is updated with its episode's hours, days
// and, once the pupil is back, its end date (continuing absence is one melding, DOMAIN.md).
func (db *DB) ReplaceSignals(ctx context.Context, regionID, pupilID int64, kinds []absence.Kind, sigs []absence.Signal, asOf absence.Date, now time.Time) error {
	return db.replaceSignals(ctx, regionID, pupilID, kinds, sigs, asOf, now, nil)
}

// replaceSignals is ReplaceSignals; an open melding whose figures or type change is updated with
// trail's entries (absence.UpgradeMeldingType raises beginnend verzuim to the 16-hour melding).
func (db *DB) replaceSignals(ctx context.Context, regionID, pupilID int64, kinds []absence.Kind, sigs []absence.Signal, asOf absence.Date, now time.Time, trail absence.MeldingUpdateTrail) error {
	inSet := map[string]bool{}
	for _, k := range kinds {
		inSet[string(k)] = true
		inSet[track(k)] = true
	}
	return db.WithTx(ctx, func(tx *Tx) error {
		rows, err := tx.Query(ctx, `SELECT s.id, s.soort, s.spoor, s.van, s.tot, COALESCE(m.id, 0), COALESCE(m.status, ''), COALESCE(m.soort, ''),
			COALESCE(m.verzuimde_uren_centi, 0), COALESCE(m.verzuimde_dagen, 0), COALESCE(m.einddatum, '')
			FROM verzuim_signaal s LEFT JOIN verzuimmelding m ON m.regio_id = s.regio_id AND m.signaal_id = s.id AND m.status <> ?
			WHERE s.regio_id = ? AND s.leerling_id = ? ORDER BY s.van, s.id`, string(absence.StatusWithdrawn), regionID, pupilID)
		if err != nil {
			return fmt.Errorf("verzuimsignalen vervangen: %w", err)
		}
		var old []*storedEpisode
		for rows.Next() {
			var e storedEpisode
			var kind, tr, from, to, st string
			if err := rows.Scan(&e.id, &kind, &tr, &from, &to, &e.melding, &st, &e.mType, &e.mHours, &e.mDays, &e.mTo); err != nil {
				rows.Close()
				return fmt.Errorf("verzuimsignalen vervangen: %w", err)
			}
			if tr == "" {
				tr = track(absence.Kind(kind))
			}
			e.track, e.mStatus, e.kindInSet = tr, absence.Status(st), inSet[kind]
			f, err1 := absence.ParseDate(from)
			t, err2 := absence.ParseDate(to)
			if err := errors.Join(err1, err2); err != nil {
				rows.Close()
				return fmt.Errorf("verzuim_signaal %d: %w", e.id, err)
			}
			e.from, e.to = f, t
			old = append(old, &e)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("verzuimsignalen vervangen: %w", err)
		}
		// Match each new episode to the stored row of its track it overlaps, a covered one first.
		match := make([]*storedEpisode, len(sigs))
		for i, s := range sigs {
			tr := track(s.Kind)
			for _, pass := range []bool{true, false} {
				for _, o := range old {
					if match[i] == nil && !o.matched && o.track == tr && (o.melding != 0) == pass && o.from <= s.To && s.From <= o.to {
						match[i], o.matched = o, true
					}
				}
			}
		}
		for _, o := range old {
			if o.matched || !o.kindInSet || o.melding != 0 {
				continue
			}
			if _, err := tx.Exec(ctx, "DELETE FROM verzuim_signaal WHERE regio_id = ? AND id = ?", regionID, o.id); err != nil {
				return fmt.Errorf("verouderd signaal verwijderen: %w", err)
			}
		}
		for i, s := range sigs {
			var ended any
			if s.Ended != 0 {
				ended = s.Ended.String()
			}
			reached := ""
			if s.Reached != 0 {
				reached = s.Reached.String()
			}
			if o := match[i]; o != nil {
				_, err := tx.Exec(ctx, `UPDATE verzuim_signaal SET soort = ?, spoor = ?, van = ?, tot = ?, uren_centi = ?, dagen = ?, bron = ?, prioriteit = ?,
					peildatum = ?, bereikt = ?, einde = ?, einde_reden = ? WHERE regio_id = ? AND id = ?`,
					string(s.Kind), track(s.Kind), s.From.String(), s.To.String(), int64(s.Hours), s.Days, s.Source, boolInt(s.Priority),
					asOf.String(), reached, ended, string(s.EndReason), regionID, o.id)
				if err != nil {
					return fmt.Errorf("signaal bijwerken: %w", err)
				}
				if o.melding != 0 && o.mStatus.Open() {
					if err := updateMelding(ctx, tx, regionID, pupilID, o, s, trail); err != nil {
						return err
					}
				}
				continue
			}
			_, err := tx.Exec(ctx, `INSERT INTO verzuim_signaal (regio_id, leerling_id, soort, spoor, van, tot, uren_centi, dagen, bron, prioriteit, peildatum,
				gevonden_op, bereikt, einde, einde_reden) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
				regionID, pupilID, string(s.Kind), track(s.Kind), s.From.String(), s.To.String(), int64(s.Hours), s.Days, s.Source, boolInt(s.Priority),
				asOf.String(), now.UnixMilli(), reached, ended, string(s.EndReason))
			if err != nil {
				return fmt.Errorf("signaal opslaan: %w", err)
			}
		}
		return nil
	})
}

// StoredSignal is absence.StoredSignal.
type StoredSignal = absence.StoredSignal

// Signals returns a pupil's stored signals, by start date. pupilID 0 returns the region's.
func (db *DB) Signals(ctx context.Context, regionID, pupilID int64) ([]StoredSignal, error) {
	q := `SELECT ` + signalCols + ` FROM verzuim_signaal s WHERE s.regio_id = ?`
	args := []any{string(absence.StatusWithdrawn), regionID}
	if pupilID != 0 {
		q += " AND s.leerling_id = ?"
		args = append(args, pupilID)
	}
	rows, err := db.Query(ctx, q+" ORDER BY s.leerling_id, s.van, s.soort", args...)
	if err != nil {
		return nil, fmt.Errorf("verzuimsignalen lezen: %w", err)
	}
	return scanSignals(rows)
}

// signalCols are the columns scanSignals reads, of a verzuim_signaal s; its one argument is
// absence.StatusWithdrawn (a withdrawn melding does not cover the episode).
const signalCols = `s.id, s.leerling_id, s.soort, s.van, s.tot, s.uren_centi, s.dagen, s.bron, s.prioriteit, s.gevonden_op, s.bereikt, s.einde, s.einde_reden,
		COALESCE((SELECT MIN(m.id) FROM verzuimmelding m WHERE m.regio_id = s.regio_id AND m.signaal_id = s.id AND m.status <> ?), 0)`

// scanSignals reads rows of signalCols and closes them.
func scanSignals(rows *sql.Rows) ([]StoredSignal, error) {
	defer rows.Close()
	var out []StoredSignal
	for rows.Next() {
		var s StoredSignal
		var kind, from, to string
		var centi, found int64
		var prio int
		var reached, why string
		var ended sql.NullString
		if err := rows.Scan(&s.ID, &s.PupilID, &kind, &from, &to, &centi, &s.Days, &s.Source, &prio, &found, &reached, &ended, &why, &s.MeldingID); err != nil {
			return nil, fmt.Errorf("verzuimsignalen lezen: %w", err)
		}
		f, err1 := absence.ParseDate(from)
		t, err2 := absence.ParseDate(to)
		if err := errors.Join(err1, err2); err != nil {
			return nil, err
		}
		var err error
		if reached != "" {
			if s.Reached, err = absence.ParseDate(reached); err != nil {
				return nil, fmt.Errorf("verzuimsignalen lezen: %w", err)
			}
		}
		if ended.Valid && ended.String != "" {
			if s.Ended, err = absence.ParseDate(ended.String); err != nil {
				return nil, fmt.Errorf("verzuimsignalen lezen: %w", err)
			}
			s.EndReason = absence.EndReason(why)
		}
		s.Pupil, s.Kind, s.From, s.To, s.Hours, s.Priority = pupilKey(s.PupilID), absence.Kind(kind), f, t, absence.Hours(centi), prio == 1
		s.FoundAt = time.UnixMilli(found).UTC()
		out = append(out, s)
	}
	return out, rows.Err()
}

// Signal returns one stored signal.
func (db *DB) Signal(ctx context.Context, regionID, id int64) (StoredSignal, error) {
	all, err := db.signalsWhere(ctx, regionID, id)
	if err != nil {
		return StoredSignal{}, err
	}
	if len(all) == 0 {
		return StoredSignal{}, ErrNotFound
	}
	return all[0], nil
}

func (db *DB) signalsWhere(ctx context.Context, regionID, id int64) ([]StoredSignal, error) {
	var pupil int64
	err := db.QueryRow(ctx, "SELECT leerling_id FROM verzuim_signaal WHERE regio_id = ? AND id = ?", regionID, id).Scan(&pupil)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("verzuimsignaal zoeken: %w", err)
	}
	all, err := db.Signals(ctx, regionID, pupil)
	if err != nil {
		return nil, err
	}
	for _, s := range all {
		if s.ID == id {
			return []StoredSignal{s}, nil
		}
	}
	return nil, nil
}

// AddExemption records a vrijstelling or granted leave for a pupil.
func (db *DB) AddExemption(ctx context.Context, regionID, pupilID int64, ex absence.Exemption, note string, now time.Time) (int64, error) {
	var id int64
	err := db.WithTx(ctx, func(tx *Tx) error {
		var to any
		if ex.To != 0 {
			to = ex.To.String()
		}
		sealed, err := tx.SealForPupil(ctx, regionID, pupilID, "vrijstelling.toelichting", strings.TrimSpace(note))
		if err != nil {
			return fmt.Errorf("vrijstelling vastleggen: %w", err)
		}
		id, err = tx.InsertID(ctx, `INSERT INTO vrijstelling (regio_id, leerling_id, soort, van, tot, toelichting, vastgelegd_op) VALUES (?, ?, ?, ?, ?, ?, ?)`,
			regionID, pupilID, string(ex.Kind), ex.From.String(), to, sealed, now.UnixMilli())
		return wrapErr(err, "vrijstelling vastleggen")
	})
	return id, err
}

// Exemptions returns a pupil's vrijstellingen and leave.
func (db *DB) Exemptions(ctx context.Context, regionID, pupilID int64) ([]absence.Exemption, error) {
	rows, err := db.Query(ctx, "SELECT soort, van, tot FROM vrijstelling WHERE regio_id = ? AND leerling_id = ? ORDER BY van", regionID, pupilID)
	if err != nil {
		return nil, fmt.Errorf("vrijstellingen lezen: %w", err)
	}
	defer rows.Close()
	var out []absence.Exemption
	for rows.Next() {
		var kind, from string
		var to sql.NullString
		if err := rows.Scan(&kind, &from, &to); err != nil {
			return nil, fmt.Errorf("vrijstellingen lezen: %w", err)
		}
		var ex absence.Exemption
		ex.Kind = absence.ExemptionKind(kind)
		if ex.From, err = absence.ParseDate(from); err != nil {
			return nil, fmt.Errorf("vrijstellingen lezen: %w", err)
		}
		if to.Valid && to.String != "" {
			if ex.To, err = absence.ParseDate(to.String); err != nil {
				return nil, fmt.Errorf("vrijstellingen lezen: %w", err)
			}
		}
		out = append(out, ex)
	}
	return out, rows.Err()
}

// SignalsToReport returns the region's stored signals that propose a melding (not M@ZL, not
// absoluut verzuim, not RMC) and whose episode no melding covers (a withdrawn one does not): the
// zorgcoördinator's list of meldingen to complete. schoolID 0 lists every school; otherwise only
// pupils currently enrolled there on asOf. One query, by start date.
func (db *DB) SignalsToReport(ctx context.Context, regionID, schoolID int64, asOf absence.Date) ([]StoredSignal, error) {
	return db.signalsToReport(ctx, regionID, schoolID, 0, asOf)
}

// SchoolSignalsToReport is SignalsToReport for a user of a school: the signals of the pupils
// enrolled at the actor's school, and for a mentor only of the pupils in his own classes
// (mentor_klas, as relationClauses narrows /leerlingen). An actor of no school gets none.
func (db *DB) SchoolSignalsToReport(ctx context.Context, a dossier.Actor, asOf absence.Date) ([]StoredSignal, error) {
	if a.Party != "school" || a.OrgID == 0 {
		return nil, nil
	}
	var mentor int64
	if a.Role == string(region.RoleMentor) {
		mentor = a.UserID
		if mentor == 0 {
			return nil, nil
		}
	}
	return db.signalsToReport(ctx, a.RegionID, a.OrgID, mentor, asOf)
}

func (db *DB) signalsToReport(ctx context.Context, regionID, schoolID, mentorID int64, asOf absence.Date) ([]StoredSignal, error) {
	q := `SELECT ` + signalCols + ` FROM verzuim_signaal s
		WHERE s.regio_id = ? AND s.soort NOT IN (?, ?, ?)
		AND NOT EXISTS (SELECT 1 FROM verzuimmelding m WHERE m.regio_id = s.regio_id AND m.signaal_id = s.id AND m.status <> ?)`
	args := []any{string(absence.StatusWithdrawn), regionID, string(absence.KindMAZL), string(absence.KindAbsolute), string(absence.KindRMC), string(absence.StatusWithdrawn)}
	if schoolID != 0 {
		q += ` AND EXISTS (SELECT 1 FROM inschrijving i WHERE i.regio_id = s.regio_id AND i.leerling_id = s.leerling_id AND i.school_id = ?
			AND i.van <= ? AND (i.tot IS NULL OR i.tot >= ?)`
		args = append(args, schoolID, asOf.String(), asOf.String())
		if mentorID != 0 {
			q += ` AND ` + mentorClassCond
			args = append(args, mentorID)
		}
		q += `)`
	}
	rows, err := db.Query(ctx, q+" ORDER BY s.van, s.id", args...)
	if err != nil {
		return nil, fmt.Errorf("te melden signalen lezen: %w", err)
	}
	return scanSignals(rows)
}

// updateMelding brings an open melding in line with its grown episode: hours, days, the end date
// once the pupil is back, and the type where the law asks (absence.UpgradeMeldingType). Nothing
// changes: nothing is written. The trail's entries are appended in the same transaction; a trail
// that refuses (absence.ErrSkipMeldingUpdate) leaves the melding as it was.
func updateMelding(ctx context.Context, tx *Tx, regionID, pupilID int64, o *storedEpisode, s absence.Signal, trail absence.MeldingUpdateTrail) error {
	to := o.mTo
	if s.Ended != 0 {
		to = s.To.String()
	}
	typ, _ := absence.UpgradeMeldingType(absence.MeldingType(o.mType), s.Kind)
	if int64(s.Hours) == o.mHours && s.Days == o.mDays && to == o.mTo && typ == absence.MeldingType(o.mType) {
		return nil
	}
	var entries []audit.Entry
	if trail != nil {
		var ps string
		var gemeente int64
		if err := tx.QueryRow(ctx, "SELECT pseudoniem, COALESCE(woongemeente_id, 0) FROM leerling WHERE regio_id = ? AND id = ?", regionID, pupilID).Scan(&ps, &gemeente); err != nil {
			return fmt.Errorf("verzuimmelding bijwerken: %w", err)
		}
		var err error
		entries, err = trail(absence.MeldingUpdate{PupilID: pupilID, MeldingID: o.melding, Pseudonym: ps, From: absence.MeldingType(o.mType), To: typ, Gemeente: gemeente})
		if errors.Is(err, absence.ErrSkipMeldingUpdate) {
			return nil
		}
		if err != nil {
			return err
		}
	}
	var end any
	if to != "" {
		end = to
	}
	sigKind := "signaal_soort"
	if typ != absence.MeldingType(o.mType) {
		sigKind = "?"
	}
	q := `UPDATE verzuimmelding SET verzuimde_uren_centi = ?, verzuimde_dagen = ?, einddatum = ?, soort = ?, signaal_soort = ` + sigKind + ` WHERE regio_id = ? AND id = ?`
	args := []any{int64(s.Hours), s.Days, end, string(typ)}
	if sigKind == "?" {
		args = append(args, string(s.Kind))
	}
	args = append(args, regionID, o.melding)
	if _, err := tx.Exec(ctx, q, args...); err != nil {
		return fmt.Errorf("melding bijwerken: %w", err)
	}
	return appendTrail(ctx, tx, regionID, func() ([]audit.Entry, error) { return entries, nil })
}
