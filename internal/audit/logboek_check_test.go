package audit_test

import (
	"strings"
	"testing"

	"github.com/grondslag/grondslag/internal/audit"
)

// logboekRun is a small conform log: a provision by organisation 1 and organisation 2's receipt
// linked by foreign_operation, a bulk operation with a child per pupil, and a refusal.
func logboekRun() []audit.LogboekRecord {
	res := &audit.LogboekResource{Attributes: map[string]string{audit.AttrStandard: audit.LogboekVersion}}
	rec := func(trace, span, parent, action, outcome, org, activity, subject string) audit.LogboekRecord {
		r := audit.LogboekRecord{TraceID: trace, SpanID: span, ParentSpanID: parent, StatusCode: audit.StatusOK, Name: "verwerking",
			StartTime: 1700000000000, EndTime: 1700000000100, Resource: res, Attributes: map[string]string{
				audit.AttrAction: action, audit.AttrOutcome: outcome, audit.AttrController: org, audit.AttrProcessingActivity: activity,
				audit.AttrRequest: "verzoek-123456789012", audit.AttrAuditIndex: "123456789012"}}
		if outcome == "geweigerd" {
			r.StatusCode, r.Attributes[audit.AttrReason] = audit.StatusUnset, "ontbreekt-doel"
		}
		if subject != "" {
			r.Attributes[audit.AttrDataSubject], r.Attributes[audit.AttrDataSubjectType] = subject, audit.DataSubjectIDType
		}
		return r
	}
	a, b := audit.OrganisationURI(1, 1), audit.OrganisationURI(1, 2)
	subj := strings.Repeat("ab", 16)
	share := rec(strings.Repeat("1", 32), strings.Repeat("1", 16), "", "delen", "toegestaan", a, "urn:x:verstrekking", subj)
	receipt := rec(strings.Repeat("2", 32), strings.Repeat("2", 16), "", "ontvangen", "toegestaan", b, "urn:x:ontvangst", subj)
	receipt.ForeignOperation = &audit.LogboekForeign{TraceID: share.TraceID, SpanID: share.SpanID, Entity: a}
	bulk := rec(strings.Repeat("3", 32), strings.Repeat("3", 16), "", "importeren", "toegestaan", a, "urn:x:import", "")
	child := rec(bulk.TraceID, strings.Repeat("4", 16), bulk.SpanID, "importeren", "toegestaan", a, "urn:x:import", subj)
	refusal := rec(strings.Repeat("5", 32), strings.Repeat("5", 16), "", "lezen", "geweigerd", b, "urn:grondslag:verwerking:toegangsbeslissing", subj)
	return []audit.LogboekRecord{share, receipt, bulk, child, refusal}
}

func TestCheckLogboek(t *testing.T) {
	if ps := audit.CheckLogboek(logboekRun(), true); len(ps) != 0 {
		t.Fatalf("a conform log: %v", ps)
	}
	// An allowed processing that failed (DUO refused the melding) is status 2 with its code.
	failed := logboekRun()
	failed[2].StatusCode, failed[2].Attributes[audit.AttrFailure] = audit.StatusError, "duo-afgewezen"
	if ps := audit.CheckLogboek(failed, true); len(ps) != 0 {
		t.Fatalf("a failed processing with its code: %v", ps)
	}
	// A provision to a controller outside Grondslag (DUO) names that party's operation itself; its
	// receipt is in DUO's own Logboek, so a complete export holds none.
	outside := logboekRun()
	outside[0].ForeignOperation = &audit.LogboekForeign{TraceID: strings.Repeat("6", 32), SpanID: strings.Repeat("6", 16), Entity: "https://duo.nl/verzuimregister"}
	outside = append(outside[:1], outside[2:]...)
	if ps := audit.CheckLogboek(outside, true); len(ps) != 0 {
		t.Fatalf("a provision to DUO naming DUO's operation: %v", ps)
	}
	for _, tc := range []struct {
		name     string
		complete bool
		mut      func([]audit.LogboekRecord) []audit.LogboekRecord
		want     string
	}{
		{"dangling parent", true, func(r []audit.LogboekRecord) []audit.LogboekRecord { r[3].ParentSpanID = "0123456789abcdef"; return r }, "parent_span_id"},
		{"parent in another trace", true, func(r []audit.LogboekRecord) []audit.LogboekRecord { r[3].TraceID = r[0].TraceID; return r }, "parent_span_id"},
		{"refusal as error", true, func(r []audit.LogboekRecord) []audit.LogboekRecord { r[4].StatusCode = audit.StatusError; return r }, "status_code 2"},
		{"error without its code", true, func(r []audit.LogboekRecord) []audit.LogboekRecord { r[0].StatusCode = audit.StatusError; return r }, "zonder foutcode"},
		{"allowed as unset", true, func(r []audit.LogboekRecord) []audit.LogboekRecord { r[0].StatusCode = audit.StatusUnset; return r }, "past niet bij uitkomst"},
		{"no activity", true, func(r []audit.LogboekRecord) []audit.LogboekRecord {
			delete(r[4].Attributes, audit.AttrProcessingActivity)
			return r
		}, audit.AttrProcessingActivity},
		{"subject without type", true, func(r []audit.LogboekRecord) []audit.LogboekRecord {
			delete(r[4].Attributes, audit.AttrDataSubjectType)
			return r
		}, audit.AttrDataSubjectType},
		{"pseudonym as subject", true, func(r []audit.LogboekRecord) []audit.LogboekRecord {
			r[4].Attributes[audit.AttrDataSubject] = "pseudo-leerling-een-0001"
			return r
		}, "gesleutelde id"},
		{"provision without its receipt", true, func(r []audit.LogboekRecord) []audit.LogboekRecord { return append(r[:1], r[2:]...) }, "zonder ontvangst"},
		{"receipt without its provision", true, func(r []audit.LogboekRecord) []audit.LogboekRecord { return r[1:] }, "staat niet in het logboek"},
		{"receipt under the discloser's activity", true, func(r []audit.LogboekRecord) []audit.LogboekRecord {
			r[1].Attributes[audit.AttrProcessingActivity] = "urn:x:verstrekking"
			return r
		}, "dezelfde verwerking"},
		{"receipt naming another entity", true, func(r []audit.LogboekRecord) []audit.LogboekRecord {
			r[1].ForeignOperation.Entity = audit.OrganisationURI(1, 3)
			return r
		}, "is niet de verstrekker"},
		{"receipt without foreign operation", false, func(r []audit.LogboekRecord) []audit.LogboekRecord { r[1].ForeignOperation = nil; return r }, "zonder foreign_operation"},
		{"foreign operation in the own trace", true, func(r []audit.LogboekRecord) []audit.LogboekRecord {
			r[4].ForeignOperation = &audit.LogboekForeign{TraceID: r[4].TraceID, SpanID: strings.Repeat("6", 16), Entity: "urn:x:y"}
			return r
		}, "eigen trace"},
		{"duplicate span", true, func(r []audit.LogboekRecord) []audit.LogboekRecord { return append(r, r[4]) }, "al voor"},
		{"number in clear", true, func(r []audit.LogboekRecord) []audit.LogboekRecord {
			r[4].Attributes[audit.AttrReason] = "bsn-111222333"
			return r
		}, "negen cijfers"},
		{"version not named", true, func(r []audit.LogboekRecord) []audit.LogboekRecord { r[2].Resource = nil; return r }, "versie van de standaard"},
	} {
		ps := audit.CheckLogboek(tc.mut(logboekRun()), tc.complete)
		var all []string
		for _, p := range ps {
			all = append(all, p.String())
		}
		if !strings.Contains(strings.Join(all, "\n"), tc.want) {
			t.Errorf("%s: problems %q, want one about %q", tc.name, all, tc.want)
		}
	}
	// A controller's own export (not complete): the receipt's provision need not be in it.
	if ps := audit.CheckLogboek(logboekRun()[1:], false); len(ps) != 0 {
		t.Errorf("the recipient's part: %v", ps)
	}
}
