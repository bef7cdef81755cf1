package web_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/url"
	"testing"

	"github.com/grondslag/grondslag/internal/audit"
	"github.com/grondslag/grondslag/internal/store"
)

// TestCasusDisclosuresHaveReceipts: what the SWV reads of the school's minutes in the overleg is
// a disclosure by the school (rule school-naar-swv-casusoverleg). Each controller logs its own
// side (DOMAIN.md, separate controllers): the school's provision under the school's activity,
// the SWV's receipt under the SWV's own, linked by foreign_operation — and the whole log passes
// the Logboek conformance check, which demands a receipt for every allowed provision.
func TestCasusDisclosuresHaveReceipts(t *testing.T) {
	w, _, id := caseWorld(t)
	page := "/casussen/" + w.pid("casus", id)
	zc := w.client()
	zc.login("zc")
	if r := zc.post(page, page+"/verslagen", url.Values{"datum": {"2025-10-06"}, "tekst": {"Anouk komt op maandag niet."}}); r.status != http.StatusSeeOther {
		t.Fatalf("minutes: %d", r.status)
	}
	swv := w.client()
	swv.login("swv")
	if r := swv.get(page); r.status != http.StatusOK {
		t.Fatalf("swv page: %d", r.status)
	}
	var recs []audit.LogboekRecord
	subject := func(ps string) string { s := sha256.Sum256([]byte(ps)); return hex.EncodeToString(s[:16]) }
	err := store.NewAuditStore(w.db).Entries(context.Background(), w.r1, 0, 1<<62, func(s audit.StoredEntry) error {
		l, err := audit.DecodeLeaf(s.Leaf)
		if err != nil {
			return err
		}
		rec, err := l.Logboek(audit.LogboekOptions{SubjectID: subject})
		if err != nil {
			return err
		}
		recs = append(recs, rec)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if ps := audit.CheckLogboek(recs, true); len(ps) != 0 {
		t.Fatalf("the case's log is not conform: %v", ps)
	}
	school, swvOrg := audit.OrganisationURI(w.r1, w.school1), ""
	found := false
	for _, r := range recs {
		if r.Attributes[audit.AttrAction] != string(audit.ActionReceive) || r.ForeignOperation == nil || r.ForeignOperation.Entity != school {
			continue
		}
		swvOrg = r.Attributes[audit.AttrController]
		for _, s := range recs {
			if s.SpanID == r.ForeignOperation.SpanID && s.TraceID == r.ForeignOperation.TraceID && s.Attributes[audit.AttrAction] == string(audit.ActionShare) &&
				s.Attributes[audit.AttrController] == school && s.Attributes[audit.AttrProcessingActivity] != r.Attributes[audit.AttrProcessingActivity] {
				found = true
			}
		}
	}
	if !found || swvOrg == "" || swvOrg == school {
		t.Fatalf("no school provision with the SWV's receipt under its own activity in %d records", len(recs))
	}
}
