package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/grondslag/grondslag/internal/audit"
	"github.com/grondslag/grondslag/internal/casework"
	"github.com/grondslag/grondslag/internal/region"
	"github.com/grondslag/grondslag/internal/store"
)

// BenchmarkCasePage measures one case page read in process, the page that opens the most sealed
// content: the participants, the phase notes, 10 minutes of about 1.3 kB and 5 agreements, each
// sealed with the pupil's key. The audit records go to memory, so the figure is the page's own
// work (session, policy, store reads, opening the content, rendering). bench/content/run.sh runs
// it paired with the build without sealing (tag grondslag_bench_plaintext):
//
//	go test -run '^$' -bench CasePage -count 5 ./internal/web/
func BenchmarkCasePage(b *testing.B) {
	w, svc, id := caseWorld(b)
	ctx := context.Background()
	zc := casework.Op{Actor: store.ActorOf(region.User{ID: w.users["zc"].id, Role: "zorgcoordinator", Name: "ZC"}, region.Organisation{ID: w.school1, Kind: region.KindSchool}), Point: audit.AccessUI, RequestID: "b"}
	text := strings.Repeat("Anouk komt op maandag niet; moeder zoekt hulp bij de huisarts en de school. ", 17) // ≈ 1.3 kB
	for i := 0; i < 10; i++ {
		if _, err := svc.WriteMinutes(ctx, w.r1, zc, id, casework.MinutesInput{MeetingOn: w.clock.Now(), Text: text, ForParents: true}); err != nil {
			b.Fatal(err)
		}
	}
	if _, err := svc.Advance(ctx, w.r1, zc, id, "plan-van-aanpak", ""); err != nil {
		b.Fatal(err)
	}
	for i := 0; i < 5; i++ {
		desc, owner, due, fp := fmt.Sprintf("Afspraak %d: gesprek met de mentor over het rooster", i), casework.RefOf(zc.Actor), w.clock.Now().AddDate(0, 0, 14), true
		if _, err := svc.AddAgreement(ctx, w.r1, zc, id, casework.AgreementInput{Description: &desc, Owner: &owner, Due: &due, ForParents: &fp}); err != nil {
			b.Fatal(err)
		}
	}
	c := w.client()
	c.login("zc")
	cookie := "gs_sessie=" + c.cookie("gs_sessie")
	path := "/casussen/" + w.pid("casus", id)
	get := func() string {
		req := httptest.NewRequest("GET", path, nil)
		req.Header.Set("Cookie", cookie)
		rec := httptest.NewRecorder()
		w.web.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatalf("status %d", rec.Code)
		}
		return rec.Body.String()
	}
	if body := get(); strings.Count(body, "moeder zoekt hulp bij de huisarts") < 10 || !strings.Contains(body, "Afspraak 4") {
		b.Fatalf("the page does not show the opened minutes and agreements:\n%s", body)
	}
	b.ResetTimer()
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		get()
	}
}
