package region

import (
	"strings"
	"testing"
	"time"
)

// toCP1252 encodes the few non-ASCII characters these tests use as Windows-1252.
func toCP1252(s string) string {
	r := strings.NewReplacer("ë", "\xeb", "é", "\xe9", "–", "\x96", "ü", "\xfc")
	return r.Replace(s)
}

// variants of one file as schools and gemeenten have it: comma or semicolon, UTF-8 (with or
// without BOM) or Windows-1252, LF or CRLF, JJJJ-MM-DD or DD-MM-JJJJ.
func variants(header string, rows ...[]string) map[string]string {
	join := func(sep, nl string, iso bool) string {
		var b strings.Builder
		b.WriteString(strings.ReplaceAll(header, ",", sep) + nl)
		for _, r := range rows {
			f := append([]string(nil), r...)
			for i, v := range f {
				if !iso && len(v) == 10 && v[4] == '-' && v[7] == '-' {
					f[i] = v[8:10] + "-" + v[5:7] + "-" + v[0:4]
				}
			}
			b.WriteString(strings.Join(f, sep) + nl)
		}
		return b.String()
	}
	return map[string]string{
		"comma utf-8 lf iso":               join(",", "\n", true),
		"semicolon utf-8 bom crlf dd-mm":   "\ufeff" + join(";", "\r\n", false),
		"semicolon windows-1252 crlf":      toCP1252(join(";", "\r\n", false)),
		"comma windows-1252 lf dd-mm":      toCP1252(join(",", "\n", false)),
		"semicolon utf-8 lf iso, no bom":   join(";", "\n", true),
		"comma utf-8 bom crlf iso (Excel)": "\ufeff" + join(",", "\r\n", true),
	}
}

func TestImportFilesAsSchoolsHaveThem(t *testing.T) {
	now := time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC)
	for name, in := range variants("nummer,voornaam,achternaam,geboortedatum,school,leerlingnummer,van,leerjaar",
		[]string{"999900006", "Zoë", "Müller–de Vries", "2015-01-31", "99ZZ00", "L1", "2024-08-26", "groep 5"}) {
		t.Run("leerlingen "+name, func(t *testing.T) {
			rows, err := ReadPupils(strings.NewReader(in), now)
			if err != nil {
				t.Fatal(err)
			}
			p := rows[0].Pupil
			if p.FirstName != "Zoë" || p.LastName != "Müller–de Vries" || p.BirthDate.Format(time.DateOnly) != "2015-01-31" ||
				rows[0].Enrolment.From.Format(time.DateOnly) != "2024-08-26" {
				t.Fatalf("%q %q %v %v", p.FirstName, p.LastName, p.BirthDate, rows[0].Enrolment.From)
			}
		})
	}
	for name, in := range variants("soort,naam,brin,vestiging,sector,cbs_code,gemeente",
		[]string{"school", "Basisschool De Eikenhorst – Noord", "99ZZ", "00", "po", "", ""}) {
		t.Run("organisaties "+name, func(t *testing.T) {
			rows, err := ReadOrganisations(strings.NewReader(in))
			if err != nil || rows[0].Org.Name != "Basisschool De Eikenhorst – Noord" {
				t.Fatalf("%+v %v", rows, err)
			}
		})
	}
	for name, in := range variants("naam,email,rol,organisatie",
		[]string{"Renée Jansen", "renee@school.example", "zorgcoordinator", "99ZZ00"}) {
		t.Run("gebruikers "+name, func(t *testing.T) {
			rows, err := ReadUsers(strings.NewReader(in))
			if err != nil || rows[0].Name != "Renée Jansen" {
				t.Fatalf("%+v %v", rows, err)
			}
		})
	}
}

// TestImportRefusesBrokenText: a file that mixes UTF-8 with Windows-1252 is refused with the line;
// nothing is read, so "Zo\xeb" can never be stored.
func TestImportRefusesBrokenText(t *testing.T) {
	in := "nummer,voornaam,achternaam,geboortedatum\n999900006,Zoë,Bos,2015-01-31\n999900018,Zo\xeb,Bos,2015-01-31\n"
	_, err := ReadPupils(strings.NewReader(in), time.Now())
	if err == nil || !strings.Contains(err.Error(), "regel 3") || !strings.Contains(err.Error(), "CSV UTF-8") {
		t.Fatalf("err = %v", err)
	}
}

// TestPupilImportStartkwalificatie: the optional startkwalificatie column of a pupils file, in
// every variant schools have (separator, encoding, line ends, date order): a date is read, empty
// and "nee" mean none; "ja" without a date, a date not after the birth date and one in the future
// are refused with the line and field.
func TestPupilImportStartkwalificatie(t *testing.T) {
	now := time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC)
	for name, in := range variants("nummer,voornaam,achternaam,geboortedatum,startkwalificatie",
		[]string{"999900006", "Zoë", "Müller", "2008-02-29", "2025-06-30"},
		[]string{"999900018", "Bram", "Smit", "2009-01-01", ""},
		[]string{"999900031", "Eva", "Bos", "2009-01-01", "nee"}) {
		t.Run(name, func(t *testing.T) {
			rows, err := ReadPupils(strings.NewReader(in), now)
			if err != nil {
				t.Fatal(err)
			}
			if len(rows) != 3 || rows[0].Startkwalificatie.Format(time.DateOnly) != "2025-06-30" || !rows[1].Startkwalificatie.IsZero() || !rows[2].Startkwalificatie.IsZero() {
				t.Fatalf("%+v", rows)
			}
		})
	}
	for _, c := range []struct{ value, want string }{
		{"ja", "geef de datum"},
		{"2008-02-29", "niet na de geboortedatum"},
		{"2027-01-01", "in de toekomst"},
		{"30-13-2025", "geen datum"},
	} {
		_, err := ReadPupils(strings.NewReader("nummer,voornaam,achternaam,geboortedatum,startkwalificatie\n999900006,Zoë,Müller,2008-02-29,"+c.value+"\n"), now)
		if err == nil || !strings.Contains(err.Error(), "regel 2") || !strings.Contains(err.Error(), "startkwalificatie") || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: %v, want %q", c.value, err, c.want)
		}
	}
}
