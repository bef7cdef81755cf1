package store

import (
	"context"
	"fmt"

	"github.com/grondslag/grondslag/internal/region"
)

// Mentors and their groups (migration 0060, issue 15). A mentor sees only the pupils enrolled
// in one of his classes at his own school: relationClauses adds that condition for the role
// mentor, so every page, list and work list that checks the relation follows it.

// SetMentorClasses replaces the classes the user is mentor of. The user must be a mentor of the
// region (region.FieldError otherwise); every class is validated with region.NewClass. The classes
// are of the user's own school (his organisation).
func (t *Tx) SetMentorClasses(ctx context.Context, regionID, userID int64, classes []string) error {
	var role string
	if err := t.QueryRow(ctx, `SELECT rol FROM gebruiker WHERE regio_id = ? AND id = ?`, regionID, userID).Scan(&role); err != nil {
		return &region.FieldError{Field: "gebruiker", Msg: "onbekende gebruiker in deze regio"}
	}
	if region.Role(role) != region.RoleMentor {
		return &region.FieldError{Field: "klassen", Msg: "alleen een mentor heeft klassen"}
	}
	var clean []string
	seen := map[string]bool{}
	for _, c := range classes {
		c, err := region.NewClass(c)
		if err != nil {
			return err
		}
		if !seen[c] {
			seen[c] = true
			clean = append(clean, c)
		}
	}
	if _, err := t.Exec(ctx, `DELETE FROM mentor_klas WHERE regio_id = ? AND gebruiker_id = ?`, regionID, userID); err != nil {
		return fmt.Errorf("mentor classes: %w", err)
	}
	for _, c := range clean {
		if _, err := t.Exec(ctx, `INSERT INTO mentor_klas (regio_id, gebruiker_id, klas) VALUES (?, ?, ?)`, regionID, userID, c); err != nil {
			return fmt.Errorf("mentor classes: %w", err)
		}
	}
	return nil
}

// MentorClasses returns the classes the user is mentor of, sorted.
func (db *DB) MentorClasses(ctx context.Context, regionID, userID int64) ([]string, error) {
	rows, err := db.Query(ctx, `SELECT klas FROM mentor_klas WHERE regio_id = ? AND gebruiker_id = ? ORDER BY klas`, regionID, userID)
	if err != nil {
		return nil, fmt.Errorf("mentor classes: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			return nil, fmt.Errorf("mentorklassen lezen: %w", err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// mentorClassCond is the condition, on an enrolment row i, that the pupil is in one of the
// mentor's classes; its one argument is the mentor's user id.
const mentorClassCond = `i.klas IN (SELECT mk.klas FROM mentor_klas mk WHERE mk.regio_id = i.regio_id AND mk.gebruiker_id = ?)`
