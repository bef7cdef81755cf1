package region

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/grondslag/grondslag/internal/csvtext"
	"github.com/grondslag/grondslag/internal/ident"
)

// LineError is an error in one line of an import file, naming the field.
type LineError struct {
	Line  int
	Field string
	Msg   string
}

func (e *LineError) Error() string {
	if e.Field == "" {
		return fmt.Sprintf("regel %d: %s", e.Line, e.Msg)
	}
	return fmt.Sprintf("regel %d, kolom %s: %s", e.Line, e.Field, e.Msg)
}

// AtLine turns a validation error into a LineError for line n.
func AtLine(n int, err error) *LineError {
	var fe *FieldError
	if errors.As(err, &fe) {
		return &LineError{Line: n, Field: fe.Field, Msg: fe.Msg}
	}
	var le *LineError
	if errors.As(err, &le) {
		return le
	}
	return &LineError{Line: n, Msg: err.Error()}
}

// ImportErrors collects the LineErrors of one file; the file is imported only when there are none.
type ImportErrors []*LineError

func (es ImportErrors) Error() string {
	var b strings.Builder
	for i, e := range es {
		if i == 20 {
			fmt.Fprintf(&b, "… en nog %d fouten", len(es)-20)
			break
		}
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(e.Error())
	}
	return b.String()
}

// table is a CSV file with a required header, read by column name.
type table struct {
	cols map[string]int
	rows [][]string
	line []int
}

// readTable reads a whole import file: UTF-8 or Windows-1252 (internal/csvtext; other text is
// refused, never stored broken), ',' or ';' as separator (from the header), CRLF or LF.
func readTable(r io.Reader, required, optional []string) (*table, error) {
	raw, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	text, _, err := csvtext.Decode(raw)
	if err != nil {
		return nil, &LineError{Line: 1, Msg: err.Error()}
	}
	cr := csv.NewReader(bytes.NewReader(text))
	cr.Comma = csvtext.Separator(text)
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	header, err := cr.Read()
	if err == io.EOF {
		return nil, &LineError{Line: 1, Msg: "het bestand is leeg; de eerste regel moet de kolomnamen bevatten: " + strings.Join(required, ",")}
	}
	if err != nil {
		return nil, &LineError{Line: 1, Msg: "kopregel onleesbaar: " + err.Error()}
	}
	t := &table{cols: map[string]int{}}
	known := map[string]bool{}
	for _, c := range append(append([]string{}, required...), optional...) {
		known[c] = true
	}
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
		if !known[h] {
			return nil, &LineError{Line: 1, Field: h, Msg: fmt.Sprintf("onbekende kolom; bekende kolommen zijn %s", strings.Join(append(append([]string{}, required...), optional...), ", "))}
		}
		t.cols[h] = i
	}
	for _, c := range required {
		if _, ok := t.cols[c]; !ok {
			return nil, &LineError{Line: 1, Field: c, Msg: "verplichte kolom ontbreekt in de kopregel"}
		}
	}
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		line, _ := cr.FieldPos(0)
		if err != nil {
			return nil, &LineError{Line: line, Msg: "onleesbare regel: " + err.Error()}
		}
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue
		}
		t.rows = append(t.rows, rec)
		t.line = append(t.line, line)
	}
	return t, nil
}

func (t *table) get(row int, col string) string {
	i, ok := t.cols[col]
	if !ok || i >= len(t.rows[row]) {
		return ""
	}
	return strings.TrimSpace(t.rows[row][i])
}

// OrgRow is one organisation from an import file. Gemeente refers to a gemeente by CBS code.
type OrgRow struct {
	Line     int
	Org      Organisation
	Gemeente string
}

// OrganisationColumns are the columns of an organisations file.
var OrganisationColumns = []string{"soort", "naam", "brin", "vestiging", "sector", "cbs_code", "gemeente"}

// ReadOrganisations reads and validates an organisations file (header: soort,naam and optionally
// brin,vestiging,sector,cbs_code,gemeente). It returns every line's error at once.
func ReadOrganisations(r io.Reader) ([]OrgRow, error) {
	t, err := readTable(r, OrganisationColumns[:2], OrganisationColumns[2:])
	if err != nil {
		return nil, ImportErrors{AtLine(1, err)}
	}
	var out []OrgRow
	var errs ImportErrors
	for i := range t.rows {
		o, err := NewOrganisation(Organisation{Kind: OrgKind(t.get(i, "soort")), Name: t.get(i, "naam"), BRIN: t.get(i, "brin"), Vestiging: t.get(i, "vestiging"), Sector: Sector(t.get(i, "sector")), CBSCode: t.get(i, "cbs_code")})
		if err != nil {
			errs = append(errs, AtLine(t.line[i], err))
			continue
		}
		out = append(out, OrgRow{Line: t.line[i], Org: o, Gemeente: t.get(i, "gemeente")})
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return out, nil
}

// UserRow is one user from an import file. Organisation names the organisation: BRIN+vestiging
// for a school (12AB00), the CBS code for a gemeente, or the exact name.
type UserRow struct {
	Line         int
	Name, Email  string
	Role         Role
	Organisation string
	// Classes are a mentor's groups at his school (column klassen, separated by ";").
	Classes []string
}

// ReadUsers reads a users file (header: naam,email,rol,organisatie and optionally klassen: a
// mentor's groups, separated by ";", e.g. "7A;7B").
func ReadUsers(r io.Reader) ([]UserRow, error) {
	t, err := readTable(r, []string{"naam", "email", "rol", "organisatie"}, []string{"klassen"})
	if err != nil {
		return nil, ImportErrors{AtLine(1, err)}
	}
	var out []UserRow
	var errs ImportErrors
	for i := range t.rows {
		u := UserRow{Line: t.line[i], Name: t.get(i, "naam"), Email: t.get(i, "email"), Role: Role(t.get(i, "rol")), Organisation: t.get(i, "organisatie")}
		classes, cerr := ParseClasses(t.get(i, "klassen"))
		u.Classes = classes
		switch {
		case cerr != nil:
			errs = append(errs, AtLine(u.Line, cerr))
		case len(classes) > 0 && u.Role != RoleMentor:
			errs = append(errs, &LineError{Line: u.Line, Field: "klassen", Msg: "alleen een mentor heeft klassen"})
		case u.Name == "":
			errs = append(errs, &LineError{Line: u.Line, Field: "naam", Msg: "is verplicht"})
		case u.Organisation == "":
			errs = append(errs, &LineError{Line: u.Line, Field: "organisatie", Msg: "is verplicht"})
		default:
			out = append(out, u)
		}
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return out, nil
}

// PupilRow is one pupil with an optional enrolment from an import file. School is BRIN+vestiging;
// Gemeente a CBS code.
type PupilRow struct {
	Line      int
	Pupil     Pupil
	Gemeente  string
	School    string
	Enrolment Enrolment
	// Startkwalificatie is the day the pupil obtained a startkwalificatie (havo, vwo, mbo 2;
	// Leerplichtwet 1969 art. 1 and 4a); zero when the column is empty or "nee". It ends the
	// kwalificatieplicht and starts the gemeente's retention clock einde-kwalificatieplicht.
	Startkwalificatie time.Time
}

// PupilColumns are the columns of a pupils file.
var PupilColumns = []string{"nummer", "voornaam", "achternaam", "geboortedatum", "soort_nummer", "woongemeente", "school", "leerlingnummer", "van", "tot", "leerjaar", "klas", "startkwalificatie"}

// ReadPupils reads a pupils file (header: nummer,voornaam,achternaam,geboortedatum and optionally
// soort_nummer (bsn|onderwijsnummer), woongemeente, school, leerlingnummer, van, tot, leerjaar,
// klas, startkwalificatie: the date it was obtained, or empty / "nee").
func ReadPupils(r io.Reader, now time.Time) ([]PupilRow, error) {
	t, err := readTable(r, PupilColumns[:4], PupilColumns[4:])
	if err != nil {
		return nil, ImportErrors{AtLine(1, err)}
	}
	var out []PupilRow
	var errs ImportErrors
	for i := range t.rows {
		line := t.line[i]
		fail := func(err error) { errs = append(errs, AtLine(line, err)) }
		birth, err := ParseDate("geboortedatum", t.get(i, "geboortedatum"))
		if err != nil {
			fail(err)
			continue
		}
		kind := ident.Kind(t.get(i, "soort_nummer"))
		if kind == "" {
			kind = ident.BSN
		}
		p, err := NewPupil(Pupil{NumberKind: kind, Number: t.get(i, "nummer"), FirstName: t.get(i, "voornaam"), LastName: t.get(i, "achternaam"), BirthDate: birth}, now)
		if err != nil {
			fail(err)
			continue
		}
		row := PupilRow{Line: line, Pupil: p, Gemeente: t.get(i, "woongemeente"), School: t.get(i, "school")}
		if row.Startkwalificatie, err = parseStartkwalificatie(t.get(i, "startkwalificatie"), birth, now); err != nil {
			fail(err)
			continue
		}
		if row.School != "" {
			from, err := ParseDate("van", t.get(i, "van"))
			if err != nil {
				fail(err)
				continue
			}
			var to time.Time
			if s := t.get(i, "tot"); s != "" {
				if to, err = ParseDate("tot", s); err != nil {
					fail(err)
					continue
				}
			}
			e, err := NewEnrolment(Enrolment{SchoolID: -1, Number: t.get(i, "leerlingnummer"), From: from, To: to, Year: t.get(i, "leerjaar"), Class: t.get(i, "klas")})
			if err != nil {
				fail(err)
				continue
			}
			row.Enrolment = e
		}
		out = append(out, row)
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return out, nil
}

// parseStartkwalificatie reads the startkwalificatie column of a pupils file: a date after the
// birth date and not after today, or empty / "nee" for none. "ja" without a date is refused: the
// retention clock needs the day (the absence file's "ja" only says the rules need not watch).
func parseStartkwalificatie(s string, birth, now time.Time) (time.Time, error) {
	switch strings.ToLower(s) {
	case "", "nee", "n":
		return time.Time{}, nil
	case "ja", "j":
		return time.Time{}, fieldErr("startkwalificatie", "geef de datum waarop de startkwalificatie is behaald (DD-MM-JJJJ of JJJJ-MM-DD), of laat het veld leeg")
	}
	d, err := ParseDate("startkwalificatie", s)
	if err != nil {
		return time.Time{}, err
	}
	if !d.After(birth) {
		return time.Time{}, fieldErr("startkwalificatie", "%s ligt niet na de geboortedatum", s)
	}
	if d.After(now) {
		return time.Time{}, fieldErr("startkwalificatie", "%s ligt in de toekomst", s)
	}
	return d, nil
}
