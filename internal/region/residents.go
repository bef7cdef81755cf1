package region

import (
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/grondslag/grondslag/internal/ident"
)

// The gemeente's list of children of compulsory age who live in it, as the municipal
// administration (BRP) or DUO's leerplicht deliveries give it: compared with the enrolments it
// shows who is enrolled nowhere (absoluut verzuim, Leerplichtwet 1969 art. 16 and 18). The same
// text rules as every import (internal/csvtext): UTF-8 or Windows-1252, ',' or ';', BOM, CRLF,
// DD-MM-JJJJ.

// ResidentColumns are the columns of a residents file: bsn, voornaam, achternaam (the
// geslachtsnaam), geboortedatum; optionally voorvoegsel (joined before the achternaam).
var ResidentColumns = []string{"bsn", "voornaam", "achternaam", "geboortedatum", "voorvoegsel"}

// ResidentRow is one child of the list.
type ResidentRow struct {
	Line  int
	Pupil Pupil // NumberKind BSN; GemeenteID is set by the importer
}

// ReadResidents reads and validates a residents file; it returns every line's error at once and
// refuses a BSN that occurs twice.
func ReadResidents(r io.Reader, now time.Time) ([]ResidentRow, error) {
	t, err := readTable(r, ResidentColumns[:4], ResidentColumns[4:])
	if err != nil {
		return nil, ImportErrors{AtLine(1, err)}
	}
	var out []ResidentRow
	var errs ImportErrors
	seen := map[string]int{}
	for i := range t.rows {
		line := t.line[i]
		birth, err := ParseDate("geboortedatum", t.get(i, "geboortedatum"))
		if err != nil {
			errs = append(errs, AtLine(line, err))
			continue
		}
		last := strings.TrimSpace(t.get(i, "voorvoegsel") + " " + t.get(i, "achternaam"))
		p, err := NewPupil(Pupil{NumberKind: ident.BSN, Number: t.get(i, "bsn"), FirstName: t.get(i, "voornaam"), LastName: last, BirthDate: birth}, now)
		if err != nil {
			errs = append(errs, AtLine(line, err))
			continue
		}
		if first, dup := seen[p.Number]; dup {
			errs = append(errs, &LineError{Line: line, Field: "bsn", Msg: "dit BSN staat ook op regel " + strconv.Itoa(first)})
			continue
		}
		seen[p.Number] = line
		out = append(out, ResidentRow{Line: line, Pupil: p})
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return out, nil
}
