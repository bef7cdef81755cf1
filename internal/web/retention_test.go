package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/grondslag/grondslag/internal/audit"
	"github.com/grondslag/grondslag/internal/retention"
	"github.com/grondslag/grondslag/internal/store"
	"github.com/grondslag/grondslag/internal/web"
)

// retentionWorld mounts the destruction pages and adds two former pupils who left school1 and
// school2 in 2019 (every retention period of their school has run out on 06-10-2025).
func retentionWorld(t *testing.T) (w *world, former1, former2 int64) {
	t.Helper()
	w = newWorld(t)
	seal := func(context.Context, int64) (audit.Encrypter, error) {
		return audit.EncryptFunc(func(p, _ []byte) ([]byte, error) { return append([]byte("enc:"), p...), nil }), nil
	}
	if err := w.web.MountRetention(web.RetentionDeps{Lists: store.NewRetentionStore(w.db)}); err == nil {
		t.Fatal("mounted without Seal")
	}
	if err := w.web.MountRetention(web.RetentionDeps{Lists: store.NewRetentionStore(w.db), Seal: seal}); err != nil {
		t.Fatal(err)
	}
	former := func(ps, first string, school int64) int64 {
		id := ins(t, w.db, `INSERT INTO leerling (regio_id, pseudoniem, id_soort, id_versleuteld, sleutel_versie, voornaam, achternaam, geboortedatum, woongemeente_id, aangemaakt_op)
			VALUES (?, ?, 'bsn', ?, 1, ?, 'Oudhof', '2003-02-28', NULL, 0)`, w.r1, ps, []byte{1}, first)
		ins(t, w.db, `INSERT INTO inschrijving (regio_id, leerling_id, school_id, leerlingnummer, van, tot, leerjaar) VALUES (?, ?, ?, 'oud', '2015-08-01', '2019-07-31', 'groep 8')`, w.r1, id, school)
		return id
	}
	return w, former("pseudo-oud-een-0009", "Sanne", w.school1), former("pseudo-oud-twee-0010", "Thijs", w.school2)
}

func listOf(t *testing.T, w *world, school int64) retention.List {
	t.Helper()
	ls, err := store.NewRetentionStore(w.db).Lists(context.Background(), w.r1, "")
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range ls {
		if l.Controller.OrganisationID == school {
			l, err := store.NewRetentionStore(w.db).List(context.Background(), w.r1, l.ID)
			if err != nil {
				t.Fatal(err)
			}
			return l
		}
	}
	t.Fatalf("no list for school %d", school)
	return retention.List{}
}

func TestRetentionPagesWorkflow(t *testing.T) {
	w, former1, former2 := retentionWorld(t)
	ctx := context.Background()
	fg, beheer, dir, zc, mentor := w.client(), w.client(), w.client(), w.client(), w.client()
	fg.login("fg")
	beheer.login("beheerder")
	dir.login("directeur")
	zc.login("zc")
	mentor.login("mentor")

	// Other roles do not reach the pages.
	for name, c := range map[string]*client{"zorgcoordinator": zc, "mentor": mentor} {
		if r := c.get("/bewaartermijnen"); r.status != http.StatusForbidden {
			t.Errorf("%s: %d", name, r.status)
		}
	}
	// The beheerder draws up today's lists: one per school, the pupils by number, no names.
	if r := beheer.get("/bewaartermijnen"); r.status != 200 || !strings.Contains(r.body, "Er zijn geen lopende vernietigingslijsten") {
		t.Fatalf("empty overview: %d\n%s", r.status, r.body)
	}
	if r := fg.post("/bewaartermijnen", "/bewaartermijnen/voorstel", url.Values{}); r.status != http.StatusForbidden {
		t.Fatalf("fg proposes: %d", r.status)
	}
	if r := beheer.post("/bewaartermijnen", "/bewaartermijnen/voorstel", url.Values{}); r.status != http.StatusSeeOther {
		t.Fatalf("propose: %d %s", r.status, r.body)
	}
	l1, l2 := listOf(t, w, w.school1), listOf(t, w, w.school2)
	if len(l1.Items) != 1 || l1.Items[0].Unit.PupilID != former1 || len(l2.Items) != 1 || l2.Items[0].Unit.PupilID != former2 {
		t.Fatalf("lists: %+v %+v", l1, l2)
	}
	page1, page2 := "/bewaartermijnen/lijsten/"+w.pid("bewaarlijst", l1.ID), "/bewaartermijnen/lijsten/"+w.pid("bewaarlijst", l2.ID)
	r := fg.get(page1)
	if r.status != 200 || !strings.Contains(r.body, "leerling nr. "+itoa(former1)) || strings.Contains(r.body, "Sanne") || !strings.Contains(r.body, "Advies vastleggen") ||
		strings.Contains(r.body, "Besluit vastleggen") {
		t.Fatalf("fg list page: %d\n%s", r.status, r.body)
	}
	// The directeur of school1 sees its own school's list only; another school's list does not exist for them.
	if r := dir.get("/bewaartermijnen"); r.status != 200 || !strings.Contains(r.body, page1) || strings.Contains(r.body, page2) {
		t.Fatalf("directeur overview: %d\n%s", r.status, r.body)
	}
	if r := dir.get(page2); r.status != http.StatusNotFound {
		t.Fatalf("directeur, other school's list: %d", r.status)
	}
	if r := dir.get("/bewaartermijnen/lijsten/99999"); r.status != http.StatusNotFound {
		t.Fatalf("missing list: %d", r.status)
	}
	// No decision before the FG's advice.
	r = dir.post(page1, page1+"/besluit", url.Values{"besluit": {"goedkeuren"}, "functie": {"directeur, gemandateerd door het bestuur"}})
	if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "vraag eerst het advies van de FG") {
		t.Fatalf("decision before advice: %d\n%s", r.status, r.body)
	}
	// The FG's negative advice needs a note; the refused form keeps what was typed and stores nothing.
	r = fg.post(page1, page1+"/advies", url.Values{"oordeel": {"negatief"}})
	if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "licht een negatief advies of opmerkingen toe") || !strings.Contains(r.body, `value="negatief" checked`) {
		t.Fatalf("advice without note: %d\n%s", r.status, r.body)
	}
	r = fg.post(page1, page1+"/advies", url.Values{"oordeel": {"onzin"}})
	if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "kies positief") {
		t.Fatalf("bad opinion: %d\n%s", r.status, r.body)
	}
	if l := listOf(t, w, w.school1); l.Status != retention.ListProposed {
		t.Fatalf("refused advice changed the list: %s", l.Status)
	}
	if r := dir.post(page1, page1+"/advies", url.Values{"oordeel": {"positief"}}); r.status != http.StatusForbidden {
		t.Fatalf("directeur advises: %d", r.status)
	}
	if r := fg.post(page1, page1+"/advies", url.Values{"oordeel": {"positief"}}); r.status != http.StatusSeeOther {
		t.Fatalf("advice: %d %s", r.status, r.body)
	}
	// The FG does not decide; the beheerder of the gemeente does not decide a school's list.
	if r := fg.post(page1, page1+"/besluit", url.Values{"besluit": {"goedkeuren"}, "functie": {"fg"}}); r.status != http.StatusForbidden {
		t.Fatalf("fg decides: %d", r.status)
	}
	if r := beheer.post(page1, page1+"/besluit", url.Values{"besluit": {"goedkeuren"}, "functie": {"beheer"}}); r.status != http.StatusForbidden {
		t.Fatalf("beheerder decides a school's list: %d", r.status)
	}
	// The directeur decides: the function is required, a choice is required.
	r = dir.post(page1, page1+"/besluit", url.Values{"besluit": {"goedkeuren"}})
	if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "noem naam en functie") {
		t.Fatalf("decision without function: %d\n%s", r.status, r.body)
	}
	r = dir.post(page1, page1+"/besluit", url.Values{"functie": {"directeur"}})
	if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "Kies goedkeuren of afwijzen") {
		t.Fatalf("decision without choice: %d\n%s", r.status, r.body)
	}
	if r := dir.post(page1, page1+"/uitvoeren", url.Values{}); r.status != http.StatusConflict || !strings.Contains(r.body, "Alleen een goedgekeurde lijst") {
		t.Fatalf("execute before approval: %d\n%s", r.status, r.body)
	}
	if r := dir.post(page1, page1+"/besluit", url.Values{"besluit": {"goedkeuren"}, "functie": {"directeur, gemandateerd door het bestuur"}}); r.status != http.StatusSeeOther {
		t.Fatalf("decision: %d %s", r.status, r.body)
	}
	if l := listOf(t, w, w.school1); l.Status != retention.ListApproved || l.Decision.Capacity != retention.Capacity("school") {
		t.Fatalf("after the decision: %+v", l)
	}
	// Executed by the directeur: the pupil is gone, the report says what, when, why and by whom.
	r = dir.post(page1, page1+"/uitvoeren", url.Values{})
	if r.status != http.StatusSeeOther || !strings.HasSuffix(r.header.Get("Location"), "?uitgevoerd=1") {
		t.Fatalf("execute: %d %s", r.status, r.header.Get("Location"))
	}
	var n int
	if err := w.db.QueryRow(ctx, "SELECT COUNT(*) FROM leerling WHERE regio_id = ? AND id = ?", w.r1, former1).Scan(&n); err != nil || n != 0 {
		t.Fatalf("pupil still there: %d %v", n, err)
	}
	if l := listOf(t, w, w.school1); l.Status != retention.ListExecuted || l.Items[0].Status != retention.ItemDone {
		t.Fatalf("after execution: %+v", l)
	}
	for name, c := range map[string]*client{"fg": fg, "beheerder": beheer, "directeur": dir} {
		r := c.get("/bewaartermijnen/rapport")
		if r.status != 200 || !strings.Contains(r.body, "leerling nr. "+itoa(former1)) || !strings.Contains(r.body, "directeur, gemandateerd door het bestuur") ||
			!strings.Contains(r.body, "bewaartermijn verstreken") || !strings.Contains(r.body, "1 inschrijving") || strings.Contains(r.body, "Sanne") || strings.Contains(r.body, "Oudhof") {
			t.Fatalf("%s report: %d\n%s", name, r.status, r.body)
		}
	}
	if r := fg.get("/bewaartermijnen/rapport?van=31-02-2025"); r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "Schrijf de datum als DD-MM-JJJJ") {
		t.Fatalf("bad date: %d\n%s", r.status, r.body)
	}
	if r := fg.get("/bewaartermijnen/rapport?van=01-10-2025&tot=01-09-2025"); r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "vóór de begindatum") {
		t.Fatalf("reversed period: %d\n%s", r.status, r.body)
	}
	if r := zc.get("/bewaartermijnen/rapport"); r.status != http.StatusForbidden {
		t.Fatalf("zc report: %d", r.status)
	}
	// The other school's list still waits for the FG; the former pupil of school2 is untouched.
	if l := listOf(t, w, w.school2); l.Status != retention.ListProposed {
		t.Fatalf("school2's list: %s", l.Status)
	}
	// Advice, decision and destruction are in the audit log, and the log verifies.
	as := store.NewAuditStore(w.db)
	leaves, total, err := as.Search(ctx, w.r1, store.AuditFilter{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	var advice, decision, destroyed int
	for _, l := range leaves {
		rec := l.Entry.Record()
		switch {
		case strings.HasPrefix(rec.Name, "advies FG op lijst"):
			advice++
		case strings.HasPrefix(rec.Name, "besluit (goedkeuren) over lijst"):
			decision++
		case rec.Action == audit.ActionDestroy && strings.Contains(rec.Name, "1 inschrijving"):
			destroyed++
		}
	}
	if advice != 1 || decision != 1 || destroyed != 1 {
		t.Fatalf("audit: %d entries; advice %d, decision %d, destruction %d", total, advice, decision, destroyed)
	}
	if _, err := as.Verify(ctx, w.r1, store.VerifyOptions{Thorough: true}); err != nil {
		t.Fatalf("verify: %v", err)
	}
}
