package web_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/grondslag/grondslag/internal/audit"
	"github.com/grondslag/grondslag/internal/store"
	"github.com/grondslag/grondslag/internal/web"
)

// storeAudit appends to the real Merkle log through the group-committing batcher, as
// cmd/grondslag does (with a stand-in encrypter for the subject id).
type storeAudit struct{ b *store.AuditBatcher }

func (a storeAudit) Append(ctx context.Context, regionID int64, recs ...audit.Record) error {
	enc := audit.EncryptFunc(func(p, _ []byte) ([]byte, error) { return append([]byte("x"), p...), nil })
	var es []audit.Entry
	for _, r := range recs {
		e, err := audit.NewEntry(r, enc)
		if err != nil {
			return err
		}
		es = append(es, e)
	}
	return a.b.Append(ctx, regionID, es...)
}

// BenchmarkPupilPage measures one authenticated pupil-page read in process: session, relation,
// policy per category, store reads, durable audit append and rendering. Run in parallel, it is
// the server's own throughput on this machine without network or load generator:
//
//	go test -run '^$' -bench PupilPage -benchtime 5s ./internal/web/
func BenchmarkPupilPage(b *testing.B) {
	var batcher *store.AuditBatcher
	w := newWorldTB(b, func(d *web.Deps) {
		batcher = store.NewAuditBatcher(store.NewAuditStore(d.Dossiers.(*store.WebStore).DB), 0)
		d.Audit = storeAudit{batcher}
	})
	b.Cleanup(func() { batcher.Close() })
	c := w.client()
	c.login("zc")
	c.setPurpose("signalering")
	cookie := "gs_sessie=" + c.cookie("gs_sessie")
	path := "/leerlingen/" + w.pid("leerling", w.pupil1)
	b.SetParallelism(16) // 16 × GOMAXPROCS concurrent readers, as wrk's connections
	b.ResetTimer()
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			req := httptest.NewRequest("GET", path, nil)
			req.Header.Set("Cookie", cookie)
			rec := httptest.NewRecorder()
			w.web.ServeHTTP(rec, req)
			if rec.Code != http.StatusOK {
				b.Fatalf("status %d", rec.Code)
			}
		}
	})
}
