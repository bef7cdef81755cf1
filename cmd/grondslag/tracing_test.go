package main

import (
	"encoding/hex"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"

	coltrace "go.opentelemetry.io/proto/otlp/collector/trace/v1"
	tracepb "go.opentelemetry.io/proto/otlp/trace/v1"
	"google.golang.org/protobuf/proto"

	"github.com/grondslag/grondslag/internal/tracectx"
)

// TestOpenTelemetrySpansCarryTheAuditTraceID runs the real OTLP/HTTP exporter against a small
// collector: every request becomes one server span whose trace and span id are the ones in the
// traceresponse header (the ids its audit records carry), named by the route pattern, without the
// path's ids or the query; an API caller's traceparent is a link, not the parent.
func TestOpenTelemetrySpansCarryTheAuditTraceID(t *testing.T) {
	var mu sync.Mutex
	var spans []*tracepb.Span
	collector := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		var req coltrace.ExportTraceServiceRequest
		if r.URL.Path != "/v1/traces" || proto.Unmarshal(b, &req) != nil {
			http.Error(w, "onbekend", 400)
			return
		}
		mu.Lock()
		for _, rs := range req.ResourceSpans {
			for _, ss := range rs.ScopeSpans {
				spans = append(spans, ss.Spans...)
			}
		}
		mu.Unlock()
		w.Header().Set("Content-Type", "application/x-protobuf")
		out, _ := proto.Marshal(&coltrace.ExportTraceServiceResponse{})
		w.Write(out)
	}))
	defer collector.Close()
	t.Setenv("OTEL_EXPORTER_OTLP_ENDPOINT", collector.URL)

	_, _, srv, cleanup := newTestServer(t, os.Getenv)
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	get := func(path, traceparent string) tracectx.Context {
		t.Helper()
		req, _ := http.NewRequest("GET", srv.URL+path, nil)
		if traceparent != "" {
			req.Header.Set("traceparent", traceparent)
		}
		r, err := noRedirect.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		r.Body.Close()
		tc, err := tracectx.Parse(r.Header.Get("traceresponse"))
		if err != nil {
			t.Fatalf("%s: traceresponse %q: %v", path, r.Header.Get("traceresponse"), err)
		}
		return tc
	}
	caller := "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
	page := get("/leerlingen/12345?zoek=Jansen", "")
	api := get("/api/v1/gezondheid", caller)
	cleanup() // flushes the exporter

	mu.Lock()
	defer mu.Unlock()
	find := func(tc tracectx.Context) *tracepb.Span {
		for _, sp := range spans {
			if hex.EncodeToString(sp.TraceId) == tc.TraceID.String() {
				return sp
			}
		}
		return nil
	}
	sp := find(page)
	if sp == nil {
		t.Fatalf("no span with the page's trace id %s among %d spans", page.TraceID, len(spans))
	}
	if got := hex.EncodeToString(sp.SpanId); got != page.SpanID.String() {
		t.Errorf("span id %s, traceresponse says %s", got, page.SpanID)
	}
	if sp.Name != "GET /leerlingen/{id}" || sp.Kind != tracepb.Span_SPAN_KIND_SERVER || len(sp.ParentSpanId) != 0 {
		t.Errorf("span %q kind %v parent %x", sp.Name, sp.Kind, sp.ParentSpanId)
	}
	for _, sp := range spans {
		text := sp.String()
		if strings.Contains(text, "12345") || strings.Contains(text, "Jansen") {
			t.Errorf("a span carries the path's id or the query: %s", text)
		}
	}
	sp = find(api)
	if sp == nil {
		t.Fatal("no span for the API call")
	}
	if hex.EncodeToString(sp.TraceId) == "4bf92f3577b34da6a3ce929d0e0e4736" || len(sp.ParentSpanId) != 0 {
		t.Error("the caller's trace was adopted as the parent")
	}
	if len(sp.Links) != 1 || hex.EncodeToString(sp.Links[0].TraceId) != "4bf92f3577b34da6a3ce929d0e0e4736" || hex.EncodeToString(sp.Links[0].SpanId) != "00f067aa0ba902b7" {
		t.Errorf("the API span does not link the caller's operation: %v", sp.Links)
	}
}
