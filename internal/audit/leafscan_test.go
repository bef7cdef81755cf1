package audit_test

import (
	"bytes"
	"errors"
	"testing"

	"github.com/grondslag/grondslag/internal/audit"
)

func TestParseLeafKeyAgreesWithDecode(t *testing.T) {
	for i := 0; i < 50; i++ {
		r := record(i)
		r.Article = `art. "4" \ lid ` + string(rune('a'+i%26))
		if i%3 == 0 {
			r.Foreign = &audit.ForeignOperation{TraceID: audit.NewTraceID(), OperationID: audit.NewOperationID(), Entity: "https://x.example.nl/a,b"}
		}
		if i%4 == 0 {
			r.Emergency = true
			r.Pupil = ""
		}
		e, err := audit.NewEntry(r, fakeEnc)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := audit.EncodeLeaf(int64(i+1), uint64(i*1000), e)
		k, err := audit.ParseLeafKey(b)
		if err != nil {
			t.Fatalf("%d: %v\n%s", i, err, b)
		}
		l, _ := audit.DecodeLeaf(b)
		if k.RegionID != l.RegionID || k.Index != l.Index || k.Time != l.Entry.Time().UnixMilli() || k.Pupil != l.Entry.Pupil() {
			t.Errorf("%d: key %+v, decoded %+v", i, k, l)
		}
	}
}

func TestParseLeafKeyRejects(t *testing.T) {
	b, _ := audit.EncodeLeaf(1, 7, entry(t, 0))
	cases := map[string][]byte{
		"duplicate key":    bytes.Replace(b, []byte(`"leerling":`), []byte(`"leerling":"x","leerling":`), 1),
		"key out of order": bytes.Replace(b, []byte(`{"actie":"lezen",`), []byte(`{"zz":1,"actie":"lezen",`), 1),
		"whitespace":       bytes.Replace(b, []byte(`"index":7`), []byte(`"index": 7`), 1),
		"leading zero":     bytes.Replace(b, []byte(`"index":7`), []byte(`"index":07`), 1),
		"no index":         bytes.Replace(b, []byte(`"index":7,`), nil, 1),
		"trailing":         append(append([]byte{}, b...), ' '),
		"other version":    bytes.Replace(b, []byte(`"v":1`), []byte(`"v":2`), 1),
		"unterminated":     b[:len(b)-1],
		"empty":            nil,
	}
	for name, leaf := range cases {
		if _, err := audit.ParseLeafKey(leaf); !errors.Is(err, audit.ErrInvalidEntry) {
			t.Errorf("%s: err = %v", name, err)
		}
	}
}

// Whatever the full decoder accepts, the fast scanner reads the same way.
func FuzzParseLeafKey(f *testing.F) {
	for i := 0; i < 4; i++ {
		b, _ := audit.EncodeLeaf(1, uint64(i), entry(f, i))
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		k, kerr := audit.ParseLeafKey(b)
		l, err := audit.DecodeLeaf(b)
		if err != nil {
			return
		}
		if kerr != nil {
			t.Fatalf("decoded but not scanned: %v", kerr)
		}
		if k.RegionID != l.RegionID || k.Index != l.Index || k.Time != l.Entry.Time().UnixMilli() || k.Pupil != l.Entry.Pupil() {
			t.Fatalf("key %+v, decoded %+v", k, l)
		}
	})
}
