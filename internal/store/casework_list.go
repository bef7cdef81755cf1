package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/grondslag/grondslag/internal/casework"
)

// casusRank is a case's status as a number, in the order of the list: open, doorbraakoverleg,
// closed.
const casusRank = `(CASE WHEN c.afgesloten_op IS NOT NULL THEN 2 WHEN c.escalatie_op IS NOT NULL THEN 1 ELSE 0 END)`

// CasePage reads one page of a case list (casework.PageQuery): the count of the whole list, and
// up to q.Limit cases in the list's order after (or before) the keyset position, with their
// participants and regie read for the page's cases only, two queries whatever the page's size.
// No sealed field is opened or returned: the list shows none (issue 15; before, every case of
// the list was loaded whole, five queries and the pupil's key each).
func (s *CaseStore) CasePage(ctx context.Context, regionID int64, q casework.PageQuery) (casework.CasePage, error) {
	where := []string{"c.regio_id = ?"}
	args := []any{regionID}
	// Whose cases: the ids from the participants' own index, read once (a correlated EXISTS
	// reads the user's participations again for every case of the region: 2.3 s at 2,000
	// cases), or the pupil's.
	mine := ""
	switch {
	case q.UserID != 0:
		mine = "c.id IN (SELECT d.casus_id FROM casus_deelnemer d WHERE d.regio_id = ? AND d.gebruiker_id = ? AND d.status IN ('toegevoegd', 'geaccepteerd'))"
		args = append(args, regionID, q.UserID)
	case q.OrganisationID != 0:
		mine = "c.id IN (SELECT d.casus_id FROM casus_deelnemer d WHERE d.regio_id = ? AND d.organisatie_id = ? AND d.rol = ? AND d.status IN ('toegevoegd', 'geaccepteerd'))"
		args = append(args, regionID, q.OrganisationID, q.Role)
	case q.ParentID != 0:
		mine = "c.id IN (SELECT d.casus_id FROM casus_deelnemer d WHERE d.regio_id = ? AND d.ouder_id = ?)"
		args = append(args, regionID, q.ParentID)
	case q.PupilID != 0:
		mine = "c.leerling_id = ?"
		args = append(args, q.PupilID)
	default:
		return casework.CasePage{}, errors.New("casussen lezen: een lijst zonder deelnemer zou alle casussen van de regio tonen")
	}
	if q.OrEscalated {
		mine = "(" + mine + " OR c.escalatie_op IS NOT NULL)"
	}
	where = append(where, mine)
	switch q.Status {
	case casework.ListOpen, "":
		where = append(where, "c.afgesloten_op IS NULL")
	case casework.ListEscalated:
		where = append(where, "c.afgesloten_op IS NULL AND c.escalatie_op IS NOT NULL")
	case casework.ListClosed:
		where = append(where, "c.afgesloten_op IS NOT NULL")
	case casework.ListAll:
	default:
		return casework.CasePage{}, fmt.Errorf("casussen lezen: onbekende status %q", q.Status)
	}
	if q.Type != "" {
		where = append(where, "c.soort = ?")
		args = append(args, q.Type)
	}
	// The order: the key, then newest first, then the id, so that every order is total and a
	// keyset position is one row.
	var cols []string
	var descs []bool
	switch q.Key {
	case "geopend":
		cols, descs = []string{"c.geopend_op", "c.id"}, []bool{q.Desc, q.Desc}
	case "soort":
		cols, descs = []string{"c.soort", "c.geopend_op", "c.id"}, []bool{q.Desc, true, true}
	case "status":
		cols, descs = []string{casusRank, "c.geopend_op", "c.id"}, []bool{q.Desc, true, true}
	default:
		return casework.CasePage{}, fmt.Errorf("casussen lezen: onbekende volgorde %q", q.Key)
	}
	cond := strings.Join(where, " AND ")
	from := " FROM casus c JOIN leerling l ON l.regio_id = c.regio_id AND l.id = c.leerling_id WHERE " + cond
	var out casework.CasePage
	if err := s.db.QueryRow(ctx, "SELECT COUNT(*) FROM casus c WHERE "+cond, args...).Scan(&out.Total); err != nil {
		return out, fmt.Errorf("casussen tellen: %w", err)
	}
	back := q.Before != 0
	pos := q.After
	if back {
		pos = q.Before
	}
	pageWhere, pageArgs := "", append([]any(nil), args...)
	if pos != 0 {
		vals := make([]any, len(cols))
		var soort string
		var opened, rank int64
		err := s.db.QueryRow(ctx, "SELECT c.soort, c.geopend_op, "+casusRank+" FROM casus c WHERE c.regio_id = ? AND c.id = ?", regionID, pos).Scan(&soort, &opened, &rank)
		if errors.Is(err, sql.ErrNoRows) {
			return out, fmt.Errorf("casus %d als positie in de lijst: %w", pos, casework.ErrNotFound)
		}
		if err != nil {
			return out, fmt.Errorf("positie in de casuslijst lezen: %w", err)
		}
		switch q.Key {
		case "geopend":
			vals[0], vals[1] = opened, pos
		case "soort":
			vals[0], vals[1], vals[2] = soort, opened, pos
		case "status":
			vals[0], vals[1], vals[2] = rank, opened, pos
		}
		// Rows after the position in the list's order (before it: the other way round).
		var ors []string
		for i := range cols {
			var and []string
			for j := 0; j < i; j++ {
				and = append(and, cols[j]+" = ?")
				pageArgs = append(pageArgs, vals[j])
			}
			op := ">"
			if descs[i] != back {
				op = "<"
			}
			and = append(and, cols[i]+" "+op+" ?")
			pageArgs = append(pageArgs, vals[i])
			ors = append(ors, "("+strings.Join(and, " AND ")+")")
		}
		pageWhere = " AND (" + strings.Join(ors, " OR ") + ")"
	}
	var order []string
	for i, c := range cols {
		dir := "ASC"
		if descs[i] != back {
			dir = "DESC"
		}
		order = append(order, c+" "+dir)
	}
	rows, err := s.db.Query(ctx, "SELECT "+caseCols+from+pageWhere+" ORDER BY "+strings.Join(order, ", ")+" LIMIT ?", append(pageArgs, q.Limit+1)...)
	if err != nil {
		return out, fmt.Errorf("casussen lezen: %w", err)
	}
	for rows.Next() {
		c, err := scanCase(rows)
		if err != nil {
			rows.Close()
			return out, err
		}
		// The sealed fields stay closed and are not handed on: a list shows none of them.
		c.Question = ""
		if e := c.Escalation; e != nil {
			e.Detail, e.Decision = "", ""
		}
		if cl := c.Closure; cl != nil {
			cl.Note = ""
		}
		out.Cases = append(out.Cases, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return out, fmt.Errorf("casussen lezen: %w", err)
	}
	if len(out.Cases) > q.Limit {
		out.Cases, out.More = out.Cases[:q.Limit], true
	}
	if back { // read backwards: put the page in the list's order
		for i, j := 0, len(out.Cases)-1; i < j; i, j = i+1, j-1 {
			out.Cases[i], out.Cases[j] = out.Cases[j], out.Cases[i]
		}
	}
	return out, s.pageChildren(ctx, regionID, out.Cases)
}

// pageChildren reads the participants and regie of a page's cases, one query each, without
// their sealed fields (names, contact details, notes).
func (s *CaseStore) pageChildren(ctx context.Context, regionID int64, cases []*casework.Case) error {
	if len(cases) == 0 {
		return nil
	}
	byID := map[int64]*casework.Case{}
	ids := make([]int64, len(cases))
	for i, c := range cases {
		byID[c.ID], ids[i] = c, c.ID
	}
	in, inArgs := idList(ids)
	args := append([]any{regionID}, inArgs...)
	rows, err := s.db.Query(ctx, `SELECT casus_id, id, soort, gebruiker_id, organisatie_id, partij, rol, ouder_id, doel, status, uitgenodigd_op, gereageerd_op
		FROM casus_deelnemer WHERE regio_id = ? AND casus_id IN `+in+` ORDER BY casus_id, id`, args...)
	if err != nil {
		return fmt.Errorf("deelnemers van de casussen lezen: %w", err)
	}
	for rows.Next() {
		var caseID int64
		var p casework.Participant
		var kind, status string
		var user, org, parent, responded sql.NullInt64
		var invited int64
		if err := rows.Scan(&caseID, &p.ID, &kind, &user, &org, &p.Party, &p.Role, &parent, &p.Purpose, &status, &invited, &responded); err != nil {
			rows.Close()
			return fmt.Errorf("deelnemers van de casussen lezen: %w", err)
		}
		p.Kind, p.Status = casework.Kind(kind), casework.Status(status)
		p.UserID, p.OrganisationID, p.ParentID = cwID(user), cwID(org), cwID(parent)
		p.InvitedAt, p.RespondedAt = time.UnixMilli(invited).UTC(), cwFromMS(responded)
		byID[caseID].Participants = append(byID[caseID].Participants, p)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("deelnemers van de casussen lezen: %w", err)
	}
	rows, err = s.db.Query(ctx, `SELECT casus_id, soort, gebruiker_id, van_gebruiker_id, op, door FROM casus_regie
		WHERE regio_id = ? AND casus_id IN `+in+` ORDER BY casus_id, volgnummer`, args...)
	if err != nil {
		return fmt.Errorf("regie van de casussen lezen: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var caseID int64
		var r casework.RegieChange
		var kind string
		var from sql.NullInt64
		var at int64
		if err := rows.Scan(&caseID, &kind, &r.UserID, &from, &at, &r.By); err != nil {
			return fmt.Errorf("regie van de casussen lezen: %w", err)
		}
		r.Kind, r.From, r.At = casework.RegieKind(kind), cwID(from), time.UnixMilli(at).UTC()
		byID[caseID].Regie = append(byID[caseID].Regie, r)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("regie van de casussen lezen: %w", err)
	}
	return nil
}
