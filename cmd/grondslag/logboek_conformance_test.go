package main

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/grondslag/grondslag/internal/audit"
)

// readLogboek reads an export in the Logboek format.
func readLogboek(t *testing.T, path string) []audit.LogboekRecord {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []audit.LogboekRecord
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64*1024), 4<<20)
	for sc.Scan() {
		var r audit.LogboekRecord
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatal(err)
		}
		out = append(out, r)
	}
	return out
}

// checkLogboekOfRun is the Logboek Dataverwerkingen conformance test of a realistic run (the
// demo region, then every API client reading every endpoint, half of the calls with a W3C
// traceparent): the region's whole log is exported and every record checked against the
// standard's rules (audit.CheckLogboek, through `grondslag audit controleer-logboek`); the
// export of each controller of a disclosure shows its own side, linked to the other's by trace
// context.
func checkLogboekOfRun(t *testing.T, st []string, dir string, tracedCalls int, nameOf func(uri string) string) {
	t.Helper()
	full := filepath.Join(dir, "logboek.jsonl")
	if code, _, errs := runCmd(t, "", append([]string{"audit", "export", "--formaat", "logboek", "--uitvoer", full}, st...)...); code != 0 {
		t.Fatalf("export: %s", errs)
	}
	code, out, errs := runCmd(t, "", "audit", "controleer-logboek", full)
	if code != 0 || !strings.Contains(out, "alle conform "+audit.LogboekVersion) {
		lines := strings.SplitN(out, "\n", 30)
		t.Fatalf("the run's Logboek is not conform (exit %d): %s\n%s", code, errs, strings.Join(lines, "\n"))
	}
	recs := readLogboek(t, full)
	var foreign, receipts, refusals, children int
	var receipt audit.LogboekRecord
	for _, r := range recs {
		switch {
		case r.Attributes[audit.AttrAction] == string(audit.ActionReceive):
			receipts++
			receipt = r
		case r.ForeignOperation != nil:
			foreign++
		}
		if r.Attributes[audit.AttrOutcome] == string(audit.Denied) {
			refusals++
		}
		if r.ParentSpanID != "" {
			children++
		}
	}
	t.Logf("Logboek of the run: %d records, %d with the API caller's foreign_operation, %d receipts, %d refusals, %d children of a logged operation",
		len(recs), foreign, receipts, refusals, children)
	// The checker must have had something to check: each kind of record occurs.
	if len(recs) < 1000 || foreign*3 < tracedCalls || receipts == 0 || refusals == 0 || children == 0 {
		t.Fatalf("the run lacks records of some kind: %d records, %d foreign (of %d traced calls), %d receipts, %d refusals, %d children",
			len(recs), foreign, tracedCalls, receipts, refusals, children)
	}

	// Per controller: the recipient's export holds its receipt, the discloser's export the
	// provision the receipt's foreign_operation names, each under its own activity; neither holds
	// the other's record.
	provider, recipient := receipt.ForeignOperation.Entity, receipt.Attributes[audit.AttrController]
	names := map[string]string{}
	for _, uri := range []string{provider, recipient} {
		names[uri] = nameOf(uri)
	}
	part := func(uri string) []audit.LogboekRecord {
		t.Helper()
		p := filepath.Join(dir, "logboek-"+strings.ReplaceAll(names[uri], " ", "-")+".jsonl")
		if code, _, errs := runCmd(t, "", append([]string{"audit", "export", "--organisatie", names[uri], "--uitvoer", p}, st...)...); code != 0 {
			t.Fatalf("export --organisatie %q: %s", names[uri], errs)
		}
		if code, out, errs := runCmd(t, "", "audit", "controleer-logboek", "--deel", p); code != 0 {
			t.Fatalf("%s's export is not conform: %s %s", names[uri], out, errs)
		}
		return readLogboek(t, p)
	}
	var gotReceipt, gotShare *audit.LogboekRecord
	for _, r := range part(recipient) {
		if r.Attributes[audit.AttrController] != recipient {
			t.Fatalf("the export of %s holds a record of %s", recipient, r.Attributes[audit.AttrController])
		}
		if r.SpanID == receipt.SpanID && r.TraceID == receipt.TraceID {
			gotReceipt = &r
		}
	}
	for _, r := range part(provider) {
		if r.Attributes[audit.AttrController] != provider {
			t.Fatalf("the export of %s holds a record of %s", provider, r.Attributes[audit.AttrController])
		}
		if r.TraceID == receipt.ForeignOperation.TraceID && r.SpanID == receipt.ForeignOperation.SpanID {
			gotShare = &r
		}
	}
	if gotReceipt == nil || gotShare == nil || gotShare.Attributes[audit.AttrAction] != string(audit.ActionShare) ||
		gotShare.Attributes[audit.AttrProcessingActivity] == gotReceipt.Attributes[audit.AttrProcessingActivity] {
		t.Fatalf("per controller: receipt %+v, provision %+v", gotReceipt, gotShare)
	}
	t.Logf("%s (%s) logged the provision under %s; %s (%s) the receipt under %s, its foreign_operation %s/%s",
		names[provider], provider, gotShare.Attributes[audit.AttrProcessingActivity], names[recipient], recipient,
		gotReceipt.Attributes[audit.AttrProcessingActivity], gotReceipt.ForeignOperation.TraceID, gotReceipt.ForeignOperation.SpanID)

	// The checker fails on what the issue found: a dangling parent, a refusal as ERROR, a record
	// without activity, a foreign operation in the own trace, a receipt whose provision is gone.
	broken := func(mut func(rs []audit.LogboekRecord) []audit.LogboekRecord) int {
		rs := append([]audit.LogboekRecord(nil), recs...)
		for i := range rs {
			attrs := map[string]string{}
			for k, v := range rs[i].Attributes {
				attrs[k] = v
			}
			rs[i].Attributes = attrs
		}
		return len(audit.CheckLogboek(mut(rs), true))
	}
	for name, mut := range map[string]func([]audit.LogboekRecord) []audit.LogboekRecord{
		"dangling parent": func(rs []audit.LogboekRecord) []audit.LogboekRecord {
			rs[0].ParentSpanID = "0123456789abcdef"
			return rs
		},
		"refusal as error": func(rs []audit.LogboekRecord) []audit.LogboekRecord {
			for i := range rs {
				if rs[i].Attributes[audit.AttrOutcome] == string(audit.Denied) {
					rs[i].StatusCode = audit.StatusError
					break
				}
			}
			return rs
		},
		"no activity": func(rs []audit.LogboekRecord) []audit.LogboekRecord {
			delete(rs[len(rs)-1].Attributes, audit.AttrProcessingActivity)
			return rs
		},
		"provision gone": func(rs []audit.LogboekRecord) []audit.LogboekRecord {
			out := rs[:0]
			for _, r := range rs {
				if r.TraceID != receipt.ForeignOperation.TraceID {
					out = append(out, r)
				}
			}
			return out
		},
		"BSN in clear": func(rs []audit.LogboekRecord) []audit.LogboekRecord {
			rs[1].Attributes[audit.AttrReason] = "bsn-111222333"
			return rs
		},
	} {
		if broken(mut) == 0 {
			t.Errorf("the checker accepts a log with a %s", name)
		}
	}
}
