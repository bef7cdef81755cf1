package audit_test

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/grondslag/grondslag/internal/audit"
)

func TestLeafRoundTrip(t *testing.T) {
	r := record(3)
	r.OnBehalfOf = 9
	r.Actor = audit.Actor{ClientID: 77, OrganisationID: 3, Role: "systeem"}
	r.ConsentID = 44
	r.Emergency = true
	r.ParentOperationID = audit.OperationID{9, 9, 9, 9, 9, 9, 9, 9}
	r.Foreign = &audit.ForeignOperation{TraceID: audit.TraceID{5}, OperationID: audit.OperationID{6}, Entity: "https://gemeente.example.nl"}
	r.Failure = "duo-afgewezen"
	e, err := audit.NewEntry(r, fakeEnc)
	if err != nil {
		t.Fatal(err)
	}
	b, err := audit.EncodeLeaf(12, 345, e)
	if err != nil {
		t.Fatal(err)
	}
	l, err := audit.DecodeLeaf(b)
	if err != nil {
		t.Fatalf("decode: %v\n%s", err, b)
	}
	if l.RegionID != 12 || l.Index != 345 {
		t.Errorf("region/index = %d/%d", l.RegionID, l.Index)
	}
	again, _ := audit.EncodeLeaf(12, 345, l.Entry)
	if !bytes.Equal(again, b) {
		t.Errorf("re-encoding differs:\n%s\n%s", b, again)
	}
	got := l.Entry.Record()
	if got.Foreign == nil || got.Foreign.Entity != r.Foreign.Entity || got.ConsentID != 44 || !got.Emergency || got.OnBehalfOf != 9 || got.Actor.ClientID != 77 || got.ParentOperationID != r.ParentOperationID || got.Failure != "duo-afgewezen" {
		t.Errorf("fields lost: %+v", got)
	}
	lb, err := l.Logboek(audit.LogboekOptions{SubjectID: func(string) string { return strings.Repeat("ab", 16) }})
	if err != nil || lb.StatusCode != audit.StatusError || lb.Attributes[audit.AttrFailure] != "duo-afgewezen" {
		t.Errorf("a failed processing in the Logboek: %+v %v", lb, err)
	}
	denied := record(3)
	denied.Outcome, denied.Reason, denied.Failure = audit.Denied, "geen-grond", "duo-fout"
	if _, err := audit.NewEntry(denied, fakeEnc); err == nil {
		t.Error("a denial cannot have failed")
	}
	spaced := record(3)
	spaced.Failure = "DUO weigerde 123456782"
	if _, err := audit.NewEntry(spaced, fakeEnc); err == nil {
		t.Error("the failure is a code, no free text")
	}
	if !bytes.Equal(l.Entry.DataSubjectID(), e.DataSubjectID()) {
		t.Error("data subject id lost")
	}
}

// The leaf must be sorted-key JSON without insignificant whitespace: re-encoding it as a generic
// map (which encoding/json writes with sorted keys) gives the same bytes.
func TestLeafIsSortedKeyJSON(t *testing.T) {
	r := record(1)
	r.Article = `art. 4 "lid" 1 <b> & é`
	r.Actor = audit.Actor{ParentID: 5, Role: "ouder"}
	r.Foreign = &audit.ForeignOperation{TraceID: audit.TraceID{5}, OperationID: audit.OperationID{6}, Entity: "https://gemeente.example.nl"}
	e, err := audit.NewEntry(r, fakeEnc)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := audit.EncodeLeaf(1, 0, e)
	var m map[string]any
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	if err := d.Decode(&m); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	enc := json.NewEncoder(&out)
	enc.SetEscapeHTML(false)
	enc.Encode(m)
	if got := bytes.TrimSpace(out.Bytes()); !bytes.Equal(got, b) {
		t.Errorf("not canonical:\n got %s\nwant %s", b, got)
	}
}

// A golden leaf hash: changing the leaf encoding breaks every log already written, so it must be
// a deliberate change (new LeafVersion), never an accident.
func TestLeafGolden(t *testing.T) {
	b, err := audit.EncodeLeaf(1, 0, entry(t, 0))
	if err != nil {
		t.Fatal(err)
	}
	const want = `{"actie":"lezen","artikel":"art. 4 lid 1","betrokkene":"`
	if !strings.HasPrefix(string(b), want) {
		t.Fatalf("leaf = %s", b)
	}
	const wantTail = `"uitkomst":"toegestaan","v":1,"verwerkingsactiviteit":"https://register.example.nl/verwerkingen/verzuim","verzoek":"req-0"}`
	if !strings.HasSuffix(string(b), wantTail) {
		t.Fatalf("leaf = %s", b)
	}
	got := hex.EncodeToString(audit.LeafHash(b))
	const golden = "fc65df5abef7691e3fffe037b845cf9dac35760a5ecb4aead608028246e508a8" // checked with: python3 sha256(b"\x00"+leaf)
	if got != golden {
		t.Errorf("leaf hash = %s, want %s\nleaf: %s", got, golden, b)
	}
}

func TestDecodeLeafRejects(t *testing.T) {
	b, _ := audit.EncodeLeaf(1, 0, entry(t, 0))
	cases := map[string][]byte{
		"whitespace":     bytes.Replace(b, []byte(`,"artikel"`), []byte(`, "artikel"`), 1),
		"reordered keys": append([]byte(`{"v":1,`), bytes.Replace(b[1:], []byte(`,"v":1`), nil, 1)...),
		"unknown field":  bytes.Replace(b, []byte(`"v":1`), []byte(`"v":1,"x":2`), 1),
		"other version":  bytes.Replace(b, []byte(`"v":1`), []byte(`"v":2`), 1),
		"invalid entry":  bytes.Replace(b, []byte(`"actie":"lezen"`), []byte(`"actie":"kijken"`), 1),
		"bsn as pupil":   bytes.Replace(b, []byte(`"leerling":"ps-00000000000003e8"`), []byte(`"leerling":"111222333"`), 1),
		"not json":       []byte("hallo"),
	}
	for name, leaf := range cases {
		if bytes.Equal(leaf, b) {
			t.Fatalf("%s: test case did not change the leaf", name)
		}
		if _, err := audit.DecodeLeaf(leaf); !errors.Is(err, audit.ErrInvalidEntry) {
			t.Errorf("%s: err = %v", name, err)
		}
	}
}
