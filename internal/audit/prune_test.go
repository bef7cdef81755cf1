package audit

import (
	"bytes"
	"errors"
	"testing"
)

// TestPrunedLine: a pruned entry's export line round-trips, is told apart from a leaf by its
// first bytes, and is refused with a hash that is no SHA-256 hash, an index at or past its
// boundary, or a field it does not know.
func TestPrunedLine(t *testing.T) {
	p := PrunedLine{RegionID: 3, Index: 4, LeafHash: bytes.Repeat([]byte{7}, 32), PrunedTo: 5, Ground: "bewaartermijn", PrunedOn: "2046-11-03", CheckpointSize: 9, Lists: "1,2", Rules: []string{"school — auditlog: 20 jaar na vastlegging"}}
	b, err := p.Encode()
	if err != nil {
		t.Fatal(err)
	}
	got, ok, err := ParsePrunedLine(b)
	if err != nil || !ok || got.Index != 4 || !bytes.Equal(got.LeafHash, p.LeafHash) || got.Lists != "1,2" || len(got.Rules) != 1 {
		t.Fatalf("round trip: %+v %v %v", got, ok, err)
	}
	if _, ok, _ := ParsePrunedLine([]byte(`{"actie":"lezen"}`)); ok {
		t.Fatal("a leaf taken for a pruned line")
	}
	if _, err := (PrunedLine{Index: 1, LeafHash: []byte{1}}).Encode(); err == nil {
		t.Fatal("encoded a short hash")
	}
	for _, bad := range []string{
		`{"gesnoeid":true,"regio":3,"index":5,"blad_hash":"` + "BwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwc=" + `","snoeigrens":5,"grond":"x","gesnoeid_op":"2046-11-03","controlepunt_grootte":9}`,
		`{"gesnoeid":true,"regio":3,"index":1,"blad_hash":"AAAA","snoeigrens":5,"grond":"x","gesnoeid_op":"2046-11-03","controlepunt_grootte":9}`,
		`{"gesnoeid":true,"regio":3,"index":1,"blad_hash":"BwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwc=","snoeigrens":5,"blad":"eA==","grond":"x","gesnoeid_op":"2046-11-03","controlepunt_grootte":9}`,
	} {
		if _, ok, err := ParsePrunedLine([]byte(bad)); !ok || !errors.Is(err, ErrInvalidEntry) {
			t.Errorf("accepted %s: %v", bad, err)
		}
	}
}
