package duo

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/grondslag/grondslag/internal/absence"
)

func submission(t *testing.T) absence.Submission {
	t.Helper()
	c := absence.MeldingContent{Type: absence.Melding16Hours, From: absence.NewDate(2026, 9, 1), To: absence.NewDate(2026, 9, 22),
		SuspectedReason: "Spijbelt op maandag.", SchoolAction: "Gesprek met ouders.", GemeenteActionWanted: true, Location: "01AA00",
		Reporter:    absence.Contact{Name: "Z. Coördinator", Function: "zorgcoördinator", Phone: "0201234567", Email: "zc@school.example"},
		ParentPhone: "0612345678", DaysAbsent: 3, HoursAbsent: absence.HoursOf(16)}
	m, err := absence.NewMelding("1", c, time.Date(2026, 9, 23, 9, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	doc, err := absence.NewDocument(m, "bsn", "999900006")
	if err != nil {
		t.Fatal(err)
	}
	return absence.Submission{Reference: "GS-R01-7", BRIN: "01aa", Vestiging: "00", Document: doc, At: time.Date(2026, 9, 23, 9, 30, 0, 0, time.UTC)}
}

// TestPort runs the same checks on every adapter of the port.
func TestPort(t *testing.T) {
	for _, d := range []absence.DUO{File{}, NewFake()} {
		t.Run(d.Channel(), func(t *testing.T) {
			ctx := context.Background()
			bad := submission(t)
			bad.BRIN = ""
			if _, err := d.Submit(ctx, bad); err == nil {
				t.Fatal("a melding without BRIN must be refused")
			}
			rc, err := d.Submit(ctx, submission(t))
			if err != nil {
				t.Fatal(err)
			}
			if rc.Channel != d.Channel() || rc.Status != absence.StatusRegistered {
				t.Fatalf("receipt: %+v", rc)
			}
			if rc.Delivered() {
				st, err := d.Status(ctx, absence.StatusQuery{DUONumber: rc.DUONumber})
				if err != nil || st.Status != absence.StatusRegistered || st.Reference != "GS-R01-7" {
					t.Fatalf("status: %+v %v", st, err)
				}
				if _, err := d.Status(ctx, absence.StatusQuery{DUONumber: "VZM99999999"}); !errors.Is(err, absence.ErrDUOUnknown) {
					t.Fatalf("unknown number: %v", err)
				}
			} else {
				if rc.File == nil || len(rc.File.Content) == 0 {
					t.Fatal("a channel that does not deliver must give the file")
				}
				if _, err := d.Status(ctx, absence.StatusQuery{Reference: "GS-R01-7"}); !errors.Is(err, absence.ErrDUONoStatus) {
					t.Fatalf("file status: %v", err)
				}
			}
		})
	}
}

// TestFakeRefuses: the fake refuses what DUO refuses as DUO's refusal (afgewezen), and a kenmerk a
// test marks with its kind, code and text; lifting it lets the melding through.
func TestFakeRefuses(t *testing.T) {
	ctx := context.Background()
	f := NewFake()
	bad := submission(t)
	bad.BRIN = ""
	_, err := f.Submit(ctx, bad)
	var r *absence.DUORefusal
	if !errors.As(err, &r) || r.Kind != absence.RefusalRejected || !errors.Is(err, absence.ErrDUORefused) {
		t.Fatalf("no BRIN: %v", err)
	}
	f.Refuse("GS-R01-7", absence.NewDUORefusal(absence.RefusalError, "T500", "Tijdelijke storing"))
	if _, err := f.Submit(ctx, submission(t)); !errors.As(err, &r) || r.Kind != absence.RefusalError || r.Code != "T500" || f.Received() != 0 {
		t.Fatalf("marked kenmerk: %v", err)
	}
	f.Refuse("GS-R01-7", nil)
	f.StartAt(90000001)
	rc, err := f.Submit(ctx, submission(t))
	if err != nil || rc.DUONumber != "VZM90000001" {
		t.Fatalf("after lifting: %+v %v", rc, err)
	}
}

// TestMeldingFile: the file carries every field of the Besluit, the number, the school's BRIN,
// Dutch dates and DUO's labels; its version is checked on reading.
func TestMeldingFile(t *testing.T) {
	rc, err := File{}.Submit(context.Background(), submission(t))
	if err != nil {
		t.Fatal(err)
	}
	s := string(rc.File.Content)
	for _, want := range []string{`"formaat": "grondslag-duo-verzuimmelding/2"`, `"persoonsgebonden_nummer": "999900006"`, `"soort_persoonsgebonden_nummer": "BSN"`,
		`"brin": "01AA"`, `"begindatum": "01-09-2026"`, `"einddatum": "22-09-2026"`, `"soort_verzuim": "16 uur in 4 opeenvolgende lesweken"`,
		`"wettelijke_melding": "J"`, `"status": "Geregistreerd"`, `"verzuimde_uren": "16"`, `"verzonden_op": "23-09-2026 11:30"`, `"kenmerk": "GS-R01-7"`} {
		if !strings.Contains(s, want) {
			t.Errorf("bestand mist %s:\n%s", want, s)
		}
	}
	if rc.File.Name != "verzuimmelding-01AA00-GS-R01-7.json" {
		t.Errorf("naam %q", rc.File.Name)
	}
	nr, _, ref, brin, from, err := UnmarshalMelding(rc.File.Content)
	if err != nil || nr != "999900006" || ref != "GS-R01-7" || brin != "01AA" || from != absence.NewDate(2026, 9, 1) {
		t.Fatalf("terug gelezen: %s %s %s %s %v", nr, ref, brin, from, err)
	}
	old := strings.Replace(s, FileFormat, "grondslag-duo-verzuimmelding/1", 1)
	if _, _, _, _, _, err := UnmarshalMelding([]byte(old)); err == nil {
		t.Fatal("an unknown version must be refused")
	}
}

// TestFake: DUO numbers a melding once per kenmerk, keeps the number it received, and the
// gemeente's handling comes back as status.
func TestFake(t *testing.T) {
	ctx := context.Background()
	f := NewFake()
	a, err := f.Submit(ctx, submission(t))
	if err != nil {
		t.Fatal(err)
	}
	b, err := f.Submit(ctx, submission(t))
	if err != nil || b.DUONumber != a.DUONumber || f.Received() != 1 {
		t.Fatalf("retry made another melding: %s %s %d %v", a.DUONumber, b.DUONumber, f.Received(), err)
	}
	if n, ok := f.PersonNumber(a.DUONumber); !ok || n != "999900006" {
		t.Fatalf("DUO received %q", n)
	}
	at := time.Date(2026, 9, 24, 8, 0, 0, 0, time.UTC)
	if err := f.Handle(a.DUONumber, absence.StatusClosed, "", "", "", at); err == nil {
		t.Fatal("afgesloten without reason")
	}
	if err := f.Handle(a.DUONumber, absence.StatusInProgress, "", "", "M. de Vries", at); err != nil {
		t.Fatal(err)
	}
	st, err := f.Status(ctx, absence.StatusQuery{Reference: "GS-R01-7"})
	if err != nil || st.Status != absence.StatusInProgress || st.Contact != "M. de Vries" || st.DUONumber != a.DUONumber {
		t.Fatalf("status: %+v %v", st, err)
	}
}

// TestStatusFile: comma or semicolon, BOM, CRLF, DD-MM-JJJJ, DUO's labels; bad lines named;
// Windows-1252 refused.
func TestStatusFile(t *testing.T) {
	semi := "\ufeffmeldingsnummer;kenmerk;status;datum;reden_afsluiting;afsluitnotitie;contactpersoon\r\n" +
		"VZM00000001;GS-R01-7;In behandeling;14-09-2026;;;M. de Vries\r\n" +
		"VZM00000002;;Afgesloten;15-09-2026;Terug naar school;Leerling gesproken;\r\n" +
		";GS-R01-9;Ter kennisgeving aangenomen;2026-09-16;;;\r\n" +
		"VZM00000003;;Afgesloten;15-09-2026;;;\r\n" +
		"VZM00000004;;Overgedragen aan derden;15-09-2026;;;\r\n" +
		"VZM00000005;;In behandeling;31-02-2026;;;\r\n"
	lines, bad, err := ReadStatusFile(strings.NewReader(semi), time.UTC)
	if err != nil {
		t.Fatal(err)
	}
	if len(lines) != 3 || len(bad) != 3 {
		t.Fatalf("goed %d, fout %d: %v", len(lines), len(bad), bad)
	}
	if r := lines[0].Report; r.DUONumber != "VZM00000001" || r.Status != absence.StatusInProgress || r.Contact != "M. de Vries" || lines[0].Line != 2 {
		t.Errorf("regel 2: %+v", lines[0])
	}
	if r := lines[1].Report; r.Status != absence.StatusClosed || r.ClosingReason != absence.CloseBackToSchool || r.ClosingNote != absence.NotePupilSeen {
		t.Errorf("regel 3: %+v", r)
	}
	if r := lines[2].Report; r.Reference != "GS-R01-9" || r.Status != absence.StatusAcknowledged || r.At.Day() != 16 {
		t.Errorf("regel 4: %+v", r)
	}
	if bad[0].Line != 5 || !strings.Contains(bad[0].Msg, "reden") || bad[1].Line != 6 || bad[2].Line != 7 {
		t.Errorf("foute regels: %v %v %v", bad[0], bad[1], bad[2])
	}
	comma := "meldingsnummer,status,datum\nVZM00000001,in-behandeling,14-09-2026\n"
	if lines, bad, err := ReadStatusFile(strings.NewReader(comma), nil); err != nil || len(lines) != 1 || len(bad) != 0 {
		t.Fatalf("komma: %v %v %v", lines, bad, err)
	}
	cp1252 := "meldingsnummer;status;datum;contactpersoon\nVZM1;In behandeling;14-09-2026;Zo\xeb\n"
	if _, _, err := ReadStatusFile(strings.NewReader(cp1252), nil); !errors.Is(err, ErrStatusFile) || !strings.Contains(err.Error(), "UTF-8") {
		t.Fatalf("Windows-1252: %v", err)
	}
	if _, _, err := ReadStatusFile(strings.NewReader("nummer;status\n"), nil); !errors.Is(err, ErrStatusFile) {
		t.Fatalf("kopregel: %v", err)
	}
}
