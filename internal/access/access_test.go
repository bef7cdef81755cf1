package access_test

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/grondslag/grondslag/internal/access"
	"github.com/grondslag/grondslag/internal/audit"
	"github.com/grondslag/grondslag/internal/convenant"
	"github.com/grondslag/grondslag/internal/policy"
)

// withoutRegisterURI is the model convenant with its verwerkingsregister_uri line removed.
func withoutRegisterURI(t testing.TB) *convenant.Compiled {
	t.Helper()
	var out [][]byte
	for _, l := range bytes.Split(convenant.DefaultYAML(), []byte("\n")) {
		if bytes.Contains(l, []byte("verwerkingsregister_uri:")) {
			continue
		}
		out = append(out, l)
	}
	k, err := convenant.Load(bytes.Join(out, []byte("\n")), "zonder-uri.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if k.ProcessingActivityURI("x") != "x" {
		t.Fatal("the convenant still has a register URI")
	}
	return k
}

func model(t testing.TB) *convenant.Compiled {
	t.Helper()
	k, err := convenant.Default()
	if err != nil {
		t.Fatal(err)
	}
	return k
}

var recordAbsence = policy.Request{Actor: policy.Actor{Party: "school", Role: "zorgcoordinator"}, Action: policy.Record, Category: "verzuim", Purpose: "signalering"}

// TestActivityURIWithoutRegisterURI: on a convenant without verwerkingsregister_uri the decision
// still names a URI (the bare id would be refused by the audit log), and the record built from
// it is a valid audit entry.
func TestActivityURIWithoutRegisterURI(t *testing.T) {
	for name, k := range map[string]*convenant.Compiled{"zonder": withoutRegisterURI(t), "met": model(t)} {
		p := access.New(policy.NewEngine(k), 7)
		d, err := p.Ask(context.Background(), access.Request{RegionID: 7, Request: recordAbsence})
		if err != nil {
			t.Fatal(err)
		}
		if !d.Allowed || d.Activity == "" {
			t.Fatalf("%s: %+v", name, d)
		}
		if !strings.Contains(d.ActivityURI, ":") || !strings.HasSuffix(strings.ToLower(d.ActivityURI), strings.ToLower(d.Activity)) {
			t.Errorf("%s: activity URI %q for %q", name, d.ActivityURI, d.Activity)
		}
		if name == "zonder" && d.ActivityURI != "urn:grondslag:verwerking:"+strings.ToLower(d.Activity) {
			t.Errorf("zonder: %q", d.ActivityURI)
		}
		if name == "met" && !strings.HasPrefix(d.ActivityURI, "urn:grondslag:regio-voorbeeld:verwerking:") {
			t.Errorf("met: %q", d.ActivityURI)
		}
		var log access.Entries
		log.Enc = audit.EncryptFunc(func(p, _ []byte) ([]byte, error) { return p, nil })
		base := audit.Record{Time: time.Now(), Actor: audit.Actor{UserID: 1, OrganisationID: 2, Role: "zorgcoordinator"}, Pupil: "pseudo-leerling-0001",
			Categories: []string{"verzuim"}, Action: audit.ActionImport, Purpose: "signalering", AccessPoint: audit.AccessCLI,
			RequestID: "r", TraceID: audit.NewTraceID(), OperationID: audit.NewOperationID(), Name: "test"}
		if _, err := p.Decide(context.Background(), &log, access.Request{RegionID: 7, Request: recordAbsence}, base); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if len(log.List) != 1 || log.List[0].Record().ProcessingActivity != d.ActivityURI {
			t.Errorf("%s: logged %+v", name, log.List)
		}
	}
}

// countingEngine counts the decisions and lets a consent-needing rule through only with consent.
type countingEngine struct {
	k     *convenant.Compiled
	calls []policy.Context
}

func (e *countingEngine) Convenant() *convenant.Compiled { return e.k }
func (e *countingEngine) Decide(r policy.Request) policy.Decision {
	e.calls = append(e.calls, r.Context)
	if !r.Context.Consent {
		return policy.Decision{Missing: policy.MissingConsent, Reason: "toestemming ontbreekt"}
	}
	return policy.Decision{Allowed: true, Basis: "a", Activity: "a1", ConsentID: r.Context.ConsentID, ConvenantVersion: "sha256:00"}
}

// TestConsentRouteOnce: the register is asked only when consent is what is missing, once, and
// the second decision names the consent; without a covering consent it stays a denial.
func TestConsentRouteOnce(t *testing.T) {
	ctx := context.Background()
	for _, covered := range []bool{false, true} {
		eng := &countingEngine{k: model(t)}
		asked := 0
		d, err := access.New(eng, 0).Ask(ctx, access.Request{Request: recordAbsence, ConsentFor: func(cat string) (bool, int64, error) {
			asked++
			if cat != "verzuim" {
				t.Errorf("asked for %q", cat)
			}
			return covered, 42, nil
		}})
		if err != nil {
			t.Fatal(err)
		}
		if asked != 1 {
			t.Errorf("covered=%v: register asked %d times", covered, asked)
		}
		wantCalls := 1
		if covered {
			wantCalls = 2
		}
		if len(eng.calls) != wantCalls || d.Allowed != covered {
			t.Errorf("covered=%v: %d decisions, allowed=%v", covered, len(eng.calls), d.Allowed)
		}
		if covered && (d.ConsentID != "42" || d.ActivityURI == "") {
			t.Errorf("consent not named: %+v", d)
		}
	}
	// The register's failure is the caller's error, not a denial.
	eng := &countingEngine{k: model(t)}
	boom := errors.New("register weg")
	if _, err := access.New(eng, 0).Ask(ctx, access.Request{Request: recordAbsence, ConsentFor: func(string) (bool, int64, error) { return false, 0, boom }}); !errors.Is(err, boom) {
		t.Errorf("error %v", err)
	}
	// ConsentFirst asks before deciding, and decides once.
	eng = &countingEngine{k: model(t)}
	d, err := access.New(eng, 0).Ask(ctx, access.Request{Request: recordAbsence, ConsentFirst: true, ConsentFor: func(string) (bool, int64, error) { return true, 9, nil }})
	if err != nil || len(eng.calls) != 1 || !d.Allowed || d.ConsentID != "9" {
		t.Errorf("consent first: %d decisions, %+v, %v", len(eng.calls), d, err)
	}
	// A consent-free allow never consults the register.
	k := model(t)
	asked := false
	if _, err := access.New(policy.NewEngine(k), 0).Ask(ctx, access.Request{Request: recordAbsence, ConsentFor: func(string) (bool, int64, error) { asked = true; return true, 1, nil }}); err != nil || asked {
		t.Errorf("register asked for an allowed request (%v)", err)
	}
}

// TestPointServesOneRegion: a point of region 1 refuses a request about region 2 before the
// engine is asked.
func TestPointServesOneRegion(t *testing.T) {
	eng := &countingEngine{k: model(t)}
	p := access.New(eng, 1)
	if _, err := p.Ask(context.Background(), access.Request{RegionID: 2, Request: recordAbsence}); !errors.Is(err, access.ErrOtherRegion) {
		t.Fatalf("error %v", err)
	}
	if _, err := p.For(context.Background(), 2); !errors.Is(err, access.ErrOtherRegion) {
		t.Fatalf("For: %v", err)
	}
	if len(eng.calls) != 0 {
		t.Error("the engine was asked about another region")
	}
}

type failingLog struct{}

func (failingLog) Append(context.Context, int64, ...audit.Record) error { return errors.New("log vol") }

// TestDecideFailsWhenNotLogged: a decision that cannot be logged is an error (nothing may be
// shown), and Decide without a log is refused.
func TestDecideFailsWhenNotLogged(t *testing.T) {
	p := access.New(policy.NewEngine(model(t)), 0)
	if _, err := p.Decide(context.Background(), failingLog{}, access.Request{Request: recordAbsence}, audit.Record{}); err == nil {
		t.Error("no error when the log refuses")
	}
	if _, err := p.Decide(context.Background(), nil, access.Request{Request: recordAbsence}, audit.Record{}); err == nil {
		t.Error("no error without a log")
	}
}

func BenchmarkAsk(b *testing.B) {
	p := access.New(policy.NewEngine(model(b)), 1)
	req := access.Request{RegionID: 1, Request: recordAbsence}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := p.Ask(ctx, req); err != nil {
			b.Fatal(err)
		}
	}
}

// TestRefusalActivity: a refusal is logged under the asking party's own activity for the
// purpose when its register has one, else under DecisionActivity; never without one.
func TestRefusalActivity(t *testing.T) {
	p := access.New(policy.NewEngine(model(t)), 0)
	for _, tc := range []struct {
		purpose, category, want string
	}{
		{"signalering", "strafrechtelijk", ":leerlingbegeleiding-school"},
		{"jeugdreclassering", "verzuim", access.DecisionActivity},
	} {
		req := access.Request{Request: policy.Request{Actor: policy.Actor{Party: "school", Role: "zorgcoordinator"}, Action: policy.Record, Category: tc.category, Purpose: tc.purpose}}
		d, err := p.Ask(context.Background(), req)
		if err != nil || d.Allowed || !strings.HasSuffix(d.ActivityURI, tc.want) {
			t.Errorf("%s/%s: allowed=%v activity %q, want …%s (%v)", tc.purpose, tc.category, d.Allowed, d.ActivityURI, tc.want, err)
		}
		if rec := d.Record(audit.Record{}); rec.Outcome != audit.Denied || rec.ProcessingActivity != d.ActivityURI {
			t.Errorf("%s: record %+v", tc.purpose, rec)
		}
	}
}

// BenchmarkAskDenied: a refusal resolves its activity (the party's own for the purpose, or
// DecisionActivity) from the same per-version cache, without allocating.
func BenchmarkAskDenied(b *testing.B) {
	p := access.New(policy.NewEngine(model(b)), 1)
	req := access.Request{RegionID: 1, Request: recordAbsence}
	req.Purpose = "jeugdreclassering"
	ctx := context.Background()
	if d, _ := p.Ask(ctx, req); d.Allowed || d.ActivityURI == "" {
		b.Fatalf("want a refusal with an activity: %+v", d)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := p.Ask(ctx, req); err != nil {
			b.Fatal(err)
		}
	}
}

// disclosureEngine allows every disclosure, naming each side's own activity as the legal
// model does (policy.Decision.DiscloserActivity, RecipientActivity).
type disclosureEngine struct{ k *convenant.Compiled }

func (e disclosureEngine) Convenant() *convenant.Compiled { return e.k }
func (e disclosureEngine) Decide(policy.Request) policy.Decision {
	return policy.Decision{Allowed: true, Basis: "c", Activity: "verstrekking-aan-jgz", DiscloserActivity: "verstrekking-aan-jgz",
		RecipientActivity: "jgz-ziekteverzuim", ConvenantVersion: "sha256:00"}
}

// TestEachSideItsOwnActivity: a disclosure whose rule names the recipient's own activity is
// logged by the discloser under its activity and by the recipient under its receiving one.
func TestEachSideItsOwnActivity(t *testing.T) {
	for name, k := range map[string]*convenant.Compiled{"met": model(t), "zonder": withoutRegisterURI(t)} {
		d, err := access.New(disclosureEngine{k}, 0).Ask(context.Background(), access.Request{Request: policy.Request{Action: policy.Disclose}})
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasSuffix(d.ActivityURI, ":verstrekking-aan-jgz") || !strings.HasSuffix(d.RecipientActivityURI, ":jgz-ziekteverzuim") {
			t.Fatalf("%s: discloser %q, recipient %q", name, d.ActivityURI, d.RecipientActivityURI)
		}
		rec, ok := d.ReceiptRecord(audit.Record{Purpose: "signalering", Action: audit.ActionShare})
		if !ok || rec.Action != audit.ActionReceive || rec.ProcessingActivity != d.RecipientActivityURI {
			t.Errorf("%s: receipt %+v", name, rec)
		}
		if own := d.Record(audit.Record{Action: audit.ActionShare}); own.ProcessingActivity != d.ActivityURI {
			t.Errorf("%s: discloser's record under %q", name, own.ProcessingActivity)
		}
	}
	// ReceiptOf: the recipient's own record, a valid entry in a trace of its own, linked to the
	// discloser's by foreign_operation.
	d, _ := access.New(disclosureEngine{model(t)}, 0).Ask(context.Background(), access.Request{Request: policy.Request{Action: policy.Disclose}})
	now := time.Unix(1700000000, 0)
	share := d.Record(audit.Record{Time: now, Actor: audit.Actor{UserID: 7, OrganisationID: 3, Role: "zorgcoordinator"},
		Pupil: "0123456789abcdef0123456789abcdef", Categories: []string{"verzuim"}, Action: audit.ActionShare, Purpose: "signalering",
		AccessPoint: audit.AccessUI, RequestID: "r1", TraceID: audit.NewTraceID(), OperationID: audit.NewOperationID(), Name: "verstrekken"})
	rec, ok := d.ReceiptOf(share, 1, 9, "jeugdarts")
	if !ok || rec.Actor.OrganisationID != 9 || rec.Actor.UserID != 0 || rec.Action != audit.ActionReceive || rec.ProcessingActivity != d.RecipientActivityURI ||
		rec.TraceID == share.TraceID || rec.Foreign == nil || rec.Foreign.TraceID != share.TraceID || rec.Foreign.OperationID != share.OperationID ||
		rec.Foreign.Entity != audit.OrganisationURI(1, 3) || rec.Pupil != share.Pupil {
		t.Errorf("receipt %+v", rec)
	}
	rec.ConvenantVersion = strings.Repeat("ab", 32) // the fake engine's "sha256:00" is too short for an entry
	if _, err := audit.NewEntry(rec, audit.EncryptFunc(func(p, _ []byte) ([]byte, error) { return p, nil })); err != nil {
		t.Errorf("receipt is no valid entry: %v", err)
	}
	if _, ok := d.ReceiptOf(share, 1, 0, "jeugdarts"); ok {
		t.Error("receipt without a recipient organisation")
	}
	// A read names no receiving activity: no receipt.
	d, _ = access.New(policy.NewEngine(model(t)), 0).Ask(context.Background(), access.Request{Request: recordAbsence})
	if _, ok := d.ReceiptRecord(audit.Record{}); ok || d.RecipientActivityURI != "" {
		t.Errorf("receipt for a record: %+v", d)
	}
}
