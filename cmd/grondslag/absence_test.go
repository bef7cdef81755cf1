package main

import (
	"bytes"
	"encoding/json"
	"io"
	"os"
	"strings"
	"testing"

	"github.com/grondslag/grondslag/internal/convenant"
)

const verzuimCSV = "leerling,datum,uren,reden\n" +
	"L1,2025-09-08,4,ongeoorloofd\nL1,2025-09-15,4,ongeoorloofd\nL1,2025-09-22,4,ongeoorloofd\nL1,2025-09-29,4,ongeoorloofd\n" +
	"L2,2025-10-17,5,ongeoorloofd\n" +
	"L3,2025-09-08,5,ziek\n"

func TestVerzuimSignalenJSON(t *testing.T) {
	dir := t.TempDir()
	in := writeFile(t, dir, "v.csv", verzuimCSV)
	code, out, errs := runCmd(t, "", "verzuim", "signalen", "--invoer", in, "--regio", "midden", "--peildatum", "2025-12-01", "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var got []map[string]any
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	// L1's beginnend verzuim grows into the 16-hour episode: one signal.
	want := []string{
		"L1 16-uur-in-4-lesweken 2025-09-08 2025-09-29 16 0",
		"L2 luxe-verzuim 2025-10-17 2025-10-17 5 1",
	}
	if len(got) != len(want) {
		t.Fatalf("got %d signals: %s", len(got), out)
	}
	for i, g := range got {
		line := strings.Join([]string{g["leerling"].(string), g["soort"].(string), g["van"].(string), g["tot"].(string)}, " ")
		line += " " + jsonNum(g["uren"]) + " " + jsonNum(g["dagen"])
		if line != want[i] || g["bron"] == "" {
			t.Errorf("signal %d: %q, want %q", i, line, want[i])
		}
		if g["bereikt"] == nil || g["einde"] == nil || g["einde_reden"] != "terug-op-school" {
			t.Errorf("signal %d has fields %v", i, g)
		}
	}
	// zuid: herfstvakantie a week earlier, so 17 October is no day before a holiday there.
	_, out, _ = runCmd(t, "", "verzuim", "signalen", "--invoer", in, "--regio", "zuid", "--peildatum", "2025-12-01", "--json")
	if strings.Contains(out, "luxe-verzuim") {
		t.Errorf("zuid: %s", out)
	}
	// Peildatum before the 16th hour.
	_, out, _ = runCmd(t, "", "verzuim", "signalen", "--invoer", in, "--peildatum", "2025-09-28", "--json")
	if strings.Contains(out, "16-uur") {
		t.Errorf("peildatum ignored: %s", out)
	}
}

// TestVerzuimSignalenAges: with a geboortedatum column, an 18-year-old gets an RMC signal, not
// an art. 21a one (semicolons, CRLF and dd-mm-jjjj as a school's export has them).
func TestVerzuimSignalenAges(t *testing.T) {
	dir := t.TempDir()
	var b strings.Builder
	b.WriteString("leerling;datum;uren;reden;geboortedatum\r\n")
	for _, d := range []string{"08", "09", "10", "11", "12"} {
		b.WriteString("Jong;" + d + "-09-2025;4;ongeoorloofd;01-01-2010\r\n")
		b.WriteString("Oud;" + d + "-09-2025;4;ongeoorloofd;01-01-2007\r\n")
	}
	in := writeFile(t, dir, "v.csv", b.String())
	code, out, errs := runCmd(t, "", "verzuim", "signalen", "--invoer", in, "--peildatum", "2025-09-12", "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if !strings.Contains(out, `{"leerling":"Jong","soort":"16-uur-in-4-lesweken"`) || !strings.Contains(out, `{"leerling":"Oud","soort":"rmc-verzuim"`) ||
		strings.Contains(out, `"Oud","soort":"16-uur`) {
		t.Fatalf("ages not applied: %s", out)
	}
}

func jsonNum(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func TestVerzuimSignalenTableAndOptions(t *testing.T) {
	dir := t.TempDir()
	in := writeFile(t, dir, "v.csv", verzuimCSV)
	code, out, errs := runCmd(t, "", "verzuim", "signalen", "--invoer", in, "--peildatum", "2025-12-01")
	if code != 0 || !strings.Contains(out, "LEERLING") || !strings.Contains(out, "Leerplichtwet 1969 art. 21a") || !strings.Contains(out, "2 signalen; 6 registraties van 3 leerlingen") {
		t.Fatalf("table: %d %s %s", code, out, errs)
	}
	// An own calendar without that herfstvakantie: no luxe verzuim.
	cal := writeFile(t, dir, "kal.csv", "naam,van,tot\nkerst,2025-12-20,2026-01-04\n")
	_, out, _ = runCmd(t, "", "verzuim", "signalen", "--invoer", in, "--vakanties", cal, "--peildatum", "2025-12-01", "--json")
	if strings.Contains(out, "luxe") {
		t.Errorf("--vakanties ignored: %s", out)
	}
	// 4 lesson hours a day: L2's 5 hours are a whole day, and L1's 4-hour days too.
	_, out, _ = runCmd(t, "", "verzuim", "signalen", "--invoer", in, "--lesuren-per-dag", "4", "--peildatum", "2025-12-01", "--json")
	if !strings.Contains(out, `"uren":16,"dagen":4`) {
		t.Errorf("--lesuren-per-dag ignored: %s", out)
	}
	// Leave for one of L1's days stops the 16-hour signal.
	ex := writeFile(t, dir, "vr.csv", "leerling,soort,van,tot\nL1,verlof-art14,2025-09-15,2025-09-15\n")
	_, out, errs = runCmd(t, "", "verzuim", "signalen", "--invoer", in, "--vrijstellingen", ex, "--peildatum", "2025-12-01", "--json")
	if strings.Contains(out, "16-uur") || !strings.Contains(errs, "vrijstelling of verlof") {
		t.Errorf("--vrijstellingen ignored: %s / %s", out, errs)
	}
	// No signals: an empty JSON array.
	empty := writeFile(t, dir, "e.csv", "leerling,datum,uren,reden\n")
	_, out, _ = runCmd(t, "", "verzuim", "signalen", "--invoer", empty, "--json")
	if strings.TrimSpace(out) != "[]" {
		t.Errorf("empty: %q", out)
	}
}

func TestVerzuimSignalenBadInput(t *testing.T) {
	dir := t.TempDir()
	bad := writeFile(t, dir, "bad.csv", verzuimCSV+"L4,2025-09-31,4,ongeoorloofd\nL4,2025-09-30,30,ongeoorloofd\nL4,2025-09-30,2,spijbelen\n")
	code, out, errs := runCmd(t, "", "verzuim", "signalen", "--invoer", bad, "--peildatum", "2025-12-01", "--json")
	if code != 1 || out != "" {
		t.Fatalf("exit %d, stdout %q", code, out)
	}
	for _, want := range []string{"regel 8: datum", "regel 9: onmogelijk aantal uren", "regel 10: onbekende reden", "niets verwerkt"} {
		if !strings.Contains(errs, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errs)
		}
	}
	code, out, errs = runCmd(t, "", "verzuim", "signalen", "--invoer", bad, "--peildatum", "2025-12-01", "--json", "--sla-fouten-over")
	if code != 0 || !strings.Contains(out, "16-uur") || !strings.Contains(errs, "regel 9") || !strings.Contains(errs, "3 foute regels overgeslagen") {
		t.Fatalf("skip: %d %s %s", code, out, errs)
	}
	noHeader := writeFile(t, dir, "nh.csv", "L1,2025-09-08,4,ongeoorloofd\n")
	if code, _, errs := runCmd(t, "", "verzuim", "signalen", "--invoer", noHeader); code != 1 || !strings.Contains(errs, "kopregel") {
		t.Errorf("no header: %d %s", code, errs)
	}
	for _, args := range [][]string{
		{"verzuim", "signalen"},
		{"verzuim", "signalen", "--invoer", bad, "--regio", "oost"},
		{"verzuim", "signalen", "--invoer", bad, "--peildatum", "1-1-2025"},
		{"verzuim", "signalen", "--invoer", bad, "--lesuren-per-dag", "0"},
		{"verzuim", "signalen", "--invoer", filepathJoin(dir, "bestaat-niet.csv")},
		{"verzuim", "onzin"},
	} {
		if code, _, _ := runCmd(t, "", args...); code != 2 {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
	}
}

func filepathJoin(a, b string) string { return a + "/" + b }

// absenceRegion makes a database with a region, a school with one pupil, its zorgcoördinator
// and a leerplichtambtenaar; st are the store flags with --door the zorgcoördinator.
func absenceRegion(t *testing.T) (dir, db string, st []string) {
	t.Helper()
	dir = t.TempDir()
	db = filepathJoin(dir, "g.db")
	st = []string{"--db", db, "--sleutels", filepathJoin(dir, "k.json")}
	steps := [][]string{
		{"migrate", "--db", db},
		append([]string{"regio", "aanmaken", "--code", "test-regio", "--naam", "Testregio", "--vakantieregio", "midden"}, st...),
		append([]string{"importeer", "organisaties", writeFile(t, dir, "org.csv", "soort,naam,brin,vestiging,sector,cbs_code,gemeente\ngemeente,Gemeente Test,,,,GM9990,\nschool,De Test,99ZZ,00,po,,\n")}, st...),
		append([]string{"importeer", "leerlingen", writeFile(t, dir, "ll.csv", "nummer,voornaam,achternaam,geboortedatum,school,leerlingnummer,van,leerjaar\n999900006,Sam,Test,2015-01-01,99ZZ00,L1,2024-08-26,groep 5\n")}, st...),
		append([]string{"importeer", "gebruikers", writeFile(t, dir, "u.csv", "naam,email,rol,organisatie\nZorg Test,zorg@test.example,zorgcoordinator,99ZZ00\nLeerplicht Test,lp@test.example,leerplicht,GM9990\n")}, st...),
	}
	for _, s := range steps {
		if code, _, errs := runCmd(t, "", s...); code != 0 {
			t.Fatalf("%v: %s", s, errs)
		}
	}
	return dir, db, append(st, "--door", "zorg@test.example")
}

func TestVerzuimImporteer(t *testing.T) {
	dir, db, st := absenceRegion(t)
	in := writeFile(t, dir, "v.csv", "leerling,datum,uren,reden\nL1,2025-09-08,4,ongeoorloofd\nL1,2025-09-15,4,ongeoorloofd\nL1,2025-09-22,4,ongeoorloofd\nL1,2025-09-29,4,ongeoorloofd\n")
	args := append([]string{"verzuim", "importeer", "--invoer", in, "--school", "99ZZ00", "--peildatum", "2025-12-01"}, st...)
	code, out, errs := runCmd(t, "", args...)
	if code != 0 || !strings.Contains(out, "4 regels gelezen, 4 geïmporteerd") {
		t.Fatalf("%d %s %s", code, out, errs)
	}
	if n := countRows(t, db, "verzuim_signaal"); n < 1 {
		t.Fatalf("no signals stored")
	}
	// Twice: the same rows and hours.
	if code, _, errs := runCmd(t, "", args...); code != 0 {
		t.Fatal(errs)
	}
	if n := countRows(t, db, "verzuim_registratie"); n != 4 {
		t.Fatalf("%d registrations after a second import", n)
	}
	// A file with an unknown pupil imports nothing and names the line.
	bad := writeFile(t, dir, "b.csv", "leerling,datum,uren,reden\nL1,2025-10-06,4,ongeoorloofd\nL9,2025-10-06,4,ongeoorloofd\n")
	code, _, errs = runCmd(t, "", append([]string{"verzuim", "importeer", "--invoer", bad, "--school", "99ZZ"}, st...)...)
	if code != 1 || !strings.Contains(errs, "regel 3: leerling \"L9\" is niet bekend") {
		t.Fatalf("%d %s", code, errs)
	}
	if n := countRows(t, db, "verzuim_registratie"); n != 4 {
		t.Fatalf("bad file imported: %d", n)
	}
	code, out, _ = runCmd(t, "", append([]string{"verzuim", "importeer", "--invoer", bad, "--school", "99ZZ", "--sla-fouten-over"}, st...)...)
	if code != 0 || !strings.Contains(out, "1 foute regels overgeslagen") || countRows(t, db, "verzuim_registratie") != 5 {
		t.Fatalf("skip: %d %s", code, out)
	}
	if code, _, _ := runCmd(t, "", append([]string{"verzuim", "importeer", "--invoer", in, "--school", "11AA00"}, st...)...); code != 2 {
		t.Errorf("unknown school: exit %d", code)
	}
	// Every import that wrote registrations left the import's own entry and one entry per pupil
	// under it (Logboek: a parent_span_id names a record); the failed one none.
	if n := countRows(t, db, "audit_regel"); n != 6 {
		t.Errorf("%d audit entries after three imports of one pupil, want 6", n)
	}
	// The responsible user must work at the school.
	other := append(append([]string{}, st[:len(st)-1]...), "lp@test.example")
	if code, _, errs := runCmd(t, "", append([]string{"verzuim", "importeer", "--invoer", in, "--school", "99ZZ00"}, other...)...); code != 2 || !strings.Contains(errs, "werkt niet bij deze school") {
		t.Errorf("import by leerplicht: exit %d, %s", code, errs)
	}
}

// TestVerzuimImporteerWithoutRegisterURI: on a convenant without verwerkingsregister_uri the
// import works (the web always did) and its audit entries name the activity as a URI; --doel
// chooses the purpose the policy decides for, and a refusal is logged.
func TestVerzuimImporteerWithoutRegisterURI(t *testing.T) {
	path := writeFile(t, t.TempDir(), "convenant.yaml", string(withoutRegisterURI(t)))
	dir, db, st := absenceRegion(t)
	st = append(st, "--convenant", path)
	in := writeFile(t, dir, "v.csv", "leerling,datum,uren,reden\nL1,2025-09-08,4,ongeoorloofd\n")
	code, out, errs := runCmd(t, "", append([]string{"verzuim", "importeer", "--invoer", in, "--school", "99ZZ00", "--peildatum", "2025-12-01"}, st...)...)
	if code != 0 || !strings.Contains(out, "1 regels gelezen, 1 geïmporteerd") {
		t.Fatalf("%d %s %s", code, out, errs)
	}
	code, out, errs = runCmd(t, "", "audit", "export", "--formaat", "logboek", "--db", db, "--sleutels", filepathJoin(dir, "k.json"))
	if code != 0 || !strings.Contains(out, `urn:grondslag:verwerking:`) {
		t.Fatalf("audit: %d %s %s", code, out, errs)
	}
	// An unknown purpose is bad input; a purpose the convenant does not let the school record
	// absence for is refused, and the refusal is in the log.
	if code, _, errs := runCmd(t, "", append([]string{"verzuim", "importeer", "--invoer", in, "--school", "99ZZ00", "--doel", "onzin"}, st...)...); code != 2 || !strings.Contains(errs, "--doel") {
		t.Errorf("unknown purpose: %d %s", code, errs)
	}
	before := countRows(t, db, "audit_regel")
	if code, _, errs := runCmd(t, "", append([]string{"verzuim", "importeer", "--invoer", in, "--school", "99ZZ00", "--doel", "jeugdhulp"}, st...)...); code == 0 || !strings.Contains(errs, "niet toe verzuim vast te leggen voor doel jeugdhulp") {
		t.Errorf("refused purpose: %d %s", code, errs)
	}
	if n := countRows(t, db, "audit_regel"); n != before+1 {
		t.Errorf("refusal not logged: %d entries, had %d", n, before)
	}
}

// withoutRegisterURI is the model convenant without its verwerkingsregister_uri line.
func withoutRegisterURI(t *testing.T) []byte {
	t.Helper()
	var out []string
	for _, l := range strings.Split(string(convenant.DefaultYAML()), "\n") {
		if !strings.Contains(l, "verwerkingsregister_uri:") {
			out = append(out, l)
		}
	}
	src := []byte(strings.Join(out, "\n"))
	k, err := convenant.Load(src, "zonder-uri")
	if err != nil {
		t.Fatal(err)
	}
	if k.ProcessingActivityURI("x") != "x" {
		t.Fatal("the convenant still has a register URI")
	}
	return src
}

func TestProgressBar(t *testing.T) {
	dir := t.TempDir()
	path := writeFile(t, dir, "big.csv", strings.Repeat("L1,2025-09-08,4,ongeoorloofd\n", 1000))
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	// Not a terminal: no bar at all.
	var buf bytes.Buffer
	if newProgress(&buf, f) != nil {
		t.Fatal("progress bar on a non-terminal")
	}
	fi, _ := f.Stat()
	p := &progress{f: f, w: &buf, size: fi.Size(), lastPct: -1}
	if _, err := io.Copy(io.Discard, p); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), "100%") {
		t.Fatalf("bar: %q", buf.String())
	}
	if n, err := p.Seek(0, io.SeekStart); err != nil || n != 0 || p.read != 0 {
		t.Fatalf("seek: %d %v", n, err)
	}
	p.done()
	if !strings.HasSuffix(buf.String(), "\r\033[K") {
		t.Fatalf("bar not cleared: %q", buf.String())
	}
}

// TestVerzuimSpool: 'verzuim spool' writes the spool, and 'verzuim signalen' on it prints what
// it prints for the CSV; a file with bad lines writes no spool.
func TestVerzuimSpool(t *testing.T) {
	dir := t.TempDir()
	in := writeFile(t, dir, "v.csv", verzuimCSV)
	sp := dir + "/v.spool"
	code, out, errs := runCmd(t, "", "verzuim", "spool", "--invoer", in, "--uit", sp)
	if code != 0 || !strings.Contains(out, "6 registraties van 3 leerlingen") {
		t.Fatalf("exit %d: %s %s", code, out, errs)
	}
	_, want, _ := runCmd(t, "", "verzuim", "signalen", "--invoer", in, "--peildatum", "2025-12-01", "--json")
	code, got, errs := runCmd(t, "", "verzuim", "signalen", "--invoer", sp, "--peildatum", "2025-12-01", "--json")
	if code != 0 || got != want || !strings.Contains(got, "16-uur-in-4-lesweken") {
		t.Fatalf("exit %d (%s): spool gives\n%s\ncsv gives\n%s", code, errs, got, want)
	}
	bad := writeFile(t, dir, "bad.csv", verzuimCSV+"L4,2025-13-01,4,ongeoorloofd\n")
	code, _, errs = runCmd(t, "", "verzuim", "spool", "--invoer", bad, "--uit", dir+"/bad.spool")
	if code != 1 || !strings.Contains(errs, "regel 8") {
		t.Fatalf("bad file: exit %d: %s", code, errs)
	}
	if _, err := os.Stat(dir + "/bad.spool"); !os.IsNotExist(err) {
		t.Fatalf("a spool was written for a bad file: %v", err)
	}
}
