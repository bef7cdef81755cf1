// Package duo holds the adapters of the DUO port (absence.DUO): the file channel (a documented,
// versioned melding file for the school's administration package or the verzuimloket, and the
// import of DUO's status answers) and a fake DUO for tests and the demo. DUO's own machine-to-
// machine format is not public (absence/duo.go says what is); an adapter for it belongs here once
// a supplier has the specification and a PKIoverheid certificate, and must pass the same tests
// (porttest_test.go).
package duo

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/grondslag/grondslag/internal/absence"
)

// FileFormat is the version of the melding file (docs/verzuim-duo.md). A change of a field's
// meaning or name is a new version; readers refuse versions they do not know.
const FileFormat = "grondslag-duo-verzuimmelding/2"

// File is the file channel: Submit produces the melding file; DUO's number and statuses come back
// through ReadStatusFile. It never reaches DUO by itself.
type File struct{}

// Channel implements absence.DUO.
func (File) Channel() string { return "bestand" }

// Submit implements absence.DUO: it returns the file, DUO has nothing yet.
func (File) Submit(_ context.Context, s absence.Submission) (absence.Receipt, error) {
	if err := s.Validate(); err != nil {
		return absence.Receipt{}, err
	}
	b, err := MarshalMelding(s)
	if err != nil {
		return absence.Receipt{}, err
	}
	return absence.Receipt{Channel: "bestand", Status: s.Document.Status, At: s.At,
		File: &absence.ExchangeFile{Name: fileName(s), MediaType: "application/json; charset=utf-8", Content: b}}, nil
}

// Status implements absence.DUO: a file channel cannot ask DUO.
func (File) Status(context.Context, absence.StatusQuery) (absence.StatusReport, error) {
	return absence.StatusReport{}, absence.ErrDUONoStatus
}

func fileName(s absence.Submission) string {
	return "verzuimmelding-" + strings.ToUpper(s.BRIN) + s.Vestiging + "-" + safeRef(s.Reference) + ".json"
}

func safeRef(r string) string {
	return strings.Map(func(c rune) rune {
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' {
			return c
		}
		return '-'
	}, r)
}

// meldingFile is the file: the fields of the Besluit Verzuimmelding (annex) in the order of the
// verzuimloket's form, dates as DD-MM-JJJJ, yes/no as J/N, hours with a decimal comma.
type meldingFile struct {
	Format          string `json:"formaat"`
	Reference       string `json:"kenmerk"`
	Sent            string `json:"verzonden_op"` // DD-MM-JJJJ UU:MM (Europe/Amsterdam)
	BRIN            string `json:"brin"`
	Vestiging       string `json:"vestiging"`
	NumberKind      string `json:"soort_persoonsgebonden_nummer"` // BSN or ONDERWIJSNUMMER
	PersonNumber    string `json:"persoonsgebonden_nummer"`
	Status          string `json:"status"`
	Type            string `json:"soort_verzuim"`      // label as in the Besluit
	Statutory       string `json:"wettelijke_melding"` // J: art. 21a; N: overig verzuim
	From            string `json:"begindatum"`
	To              string `json:"einddatum,omitempty"`
	SuspectedReason string `json:"vermoedelijke_reden"`
	AllLessons      string `json:"alle_lessen_verzuimd"`
	SchoolAction    string `json:"actie_school"`
	GemeenteAction  string `json:"actie_gemeente_gewenst"`
	NoActionExpl    string `json:"toelichting_geen_actie,omitempty"`
	Location        string `json:"leslocatie"`
	ReporterName    string `json:"naam_melder"`
	ReporterFunc    string `json:"functie_melder"`
	ReporterPhone   string `json:"telefoon_melder"`
	ReporterEmail   string `json:"email_melder"`
	ParentPhone     string `json:"telefoon_ouder_of_leerling"`
	StayAddress     string `json:"verblijfadres,omitempty"`
	DaysAbsent      int    `json:"verzuimde_dagen"`
	HoursAbsent     string `json:"verzuimde_uren"`
}

// typeLabels are the Besluit's names of the suspected types.
var typeLabels = map[absence.MeldingType]string{
	absence.Melding16Hours: "16 uur in 4 opeenvolgende lesweken", absence.MeldingLuxury: "luxe verzuim",
	absence.MeldingStarting: "beginnend verzuim", absence.MeldingSignal: "signaal verzuim",
	absence.MeldingMonthOrMore: "verzuim van 1 maand of langer",
}

// MarshalMelding writes the melding file of a submission.
func MarshalMelding(s absence.Submission) ([]byte, error) {
	d := s.Document
	c := d.Content
	label, ok := typeLabels[c.Type]
	if !ok {
		return nil, fmt.Errorf("%w: onbekende soort %q", absence.ErrMelding, c.Type)
	}
	f := meldingFile{Format: FileFormat, Reference: s.Reference, Sent: DutchTime(s.At), BRIN: strings.ToUpper(s.BRIN), Vestiging: s.Vestiging,
		NumberKind: strings.ToUpper(d.NumberKind), PersonNumber: d.PersonNumber, Status: StatusLabel(d.Status), Type: label, Statutory: jn(d.Statutory),
		From: numeric(c.From), SuspectedReason: c.SuspectedReason, AllLessons: jn(c.AllLessonsMissed), SchoolAction: c.SchoolAction,
		GemeenteAction: jn(c.GemeenteActionWanted), NoActionExpl: c.NoActionExplanation, Location: c.Location,
		ReporterName: c.Reporter.Name, ReporterFunc: c.Reporter.Function, ReporterPhone: c.Reporter.Phone, ReporterEmail: c.Reporter.Email,
		ParentPhone: c.ParentPhone, StayAddress: c.StayAddress, DaysAbsent: c.DaysAbsent, HoursAbsent: strings.Replace(c.HoursAbsent.String(), ".", ",", 1)}
	if c.To != 0 {
		f.To = numeric(c.To)
	}
	b, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("meldingsbestand: %w", err)
	}
	return append(b, '\n'), nil
}

// UnmarshalMelding reads a melding file back (the fake DUO and the tests read what the file
// channel wrote); it refuses an unknown format version.
func UnmarshalMelding(b []byte) (number, kind, reference, brin string, from absence.Date, err error) {
	var f meldingFile
	if err := json.Unmarshal(b, &f); err != nil {
		return "", "", "", "", 0, fmt.Errorf("meldingsbestand: %w", err)
	}
	if f.Format != FileFormat {
		return "", "", "", "", 0, fmt.Errorf("meldingsbestand: onbekend formaat %q (verwacht %s)", f.Format, FileFormat)
	}
	from, err = absence.ParseDate(f.From)
	return f.PersonNumber, f.NumberKind, f.Reference, f.BRIN, from, err
}

// numeric writes a date as DD-MM-JJJJ.
func numeric(d absence.Date) string {
	y, m, dd := d.Civil()
	return fmt.Sprintf("%02d-%02d-%04d", dd, m, y)
}

func jn(b bool) string {
	if b {
		return "J"
	}
	return "N"
}

// DutchTime writes a moment as DD-MM-JJJJ UU:MM in Dutch time.
func DutchTime(t time.Time) string {
	loc, err := time.LoadLocation("Europe/Amsterdam")
	if err != nil {
		loc = time.UTC
	}
	return t.In(loc).Format("02-01-2006 15:04")
}

// StatusLabel is DUO's name of a status ("In behandeling").
func StatusLabel(s absence.Status) string { return s.Label() }
