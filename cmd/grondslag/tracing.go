package main

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	semconv "go.opentelemetry.io/otel/semconv/v1.26.0"
	"go.opentelemetry.io/otel/trace"

	"github.com/grondslag/grondslag/internal/tracectx"
)

// OpenTelemetry traces (issue 19): one server span per request whose trace id is the request's
// own trace id — the one its audit records, its log line and its traceresponse header carry — so
// an operator can go from a trace in the tracing system to the audit records of that request and
// back. The span carries the route pattern, the method and the status: never a path with ids, a
// query string or anything about a person. An API caller's traceparent is a link (the caller's
// operation), not the parent: every request is a trace of our own (see internal/web middleware).
// On when OTEL_EXPORTER_OTLP_ENDPOINT or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT is set (OTLP over
// HTTP, the exporter's standard environment variables); off otherwise.

// ownIDs is the SDK's id generator: the trace and span id of a request's server span are the ids
// the web middleware made (tracectx), found in the context; anything else gets random ids.
type ownIDs struct{}

type ownIDsKey struct{}

func (ownIDs) NewIDs(ctx context.Context) (trace.TraceID, trace.SpanID) {
	if tc, ok := ctx.Value(ownIDsKey{}).(tracectx.Context); ok && tc.IsValid() {
		return trace.TraceID(tc.TraceID), trace.SpanID(tc.SpanID)
	}
	tid, sid := tracectx.NewTraceID(), tracectx.NewSpanID()
	return trace.TraceID(tid), trace.SpanID(sid)
}

func (ownIDs) NewSpanID(ctx context.Context, _ trace.TraceID) trace.SpanID {
	return trace.SpanID(tracectx.NewSpanID())
}

// requestSpans turns a tracer provider into web.Config.Spans.
func requestSpans(tp trace.TracerProvider) func(ctx context.Context, own, caller tracectx.Context) (context.Context, func(route string, status int)) {
	tr := tp.Tracer("github.com/grondslag/grondslag/web")
	return func(ctx context.Context, own, caller tracectx.Context) (context.Context, func(string, int)) {
		opts := []trace.SpanStartOption{trace.WithSpanKind(trace.SpanKindServer), trace.WithNewRoot()}
		if caller.IsValid() {
			opts = append(opts, trace.WithLinks(trace.Link{SpanContext: trace.NewSpanContext(trace.SpanContextConfig{
				TraceID: trace.TraceID(caller.TraceID), SpanID: trace.SpanID(caller.SpanID), Remote: true,
			}), Attributes: []attribute.KeyValue{attribute.String("grondslag.link", "foreign_operation")}}))
		}
		ctx, span := tr.Start(context.WithValue(ctx, ownIDsKey{}, own), "http", opts...)
		return ctx, func(route string, status int) {
			if route == "" {
				route = "onbekend"
			}
			span.SetName(route)
			span.SetAttributes(attribute.String("http.route", route), attribute.Int("http.response.status_code", status))
			if method, _, ok := strings.Cut(route, " "); ok {
				span.SetAttributes(attribute.String("http.request.method", method))
			}
			if status >= http.StatusInternalServerError {
				span.SetStatus(codes.Error, http.StatusText(status))
			}
			span.End()
		}
	}
}

// newTracerProvider makes the OTLP/HTTP exporter when the environment names an endpoint; nil
// (no tracing) otherwise. shutdown flushes the spans still buffered.
func newTracerProvider(ctx context.Context, getenv func(string) string) (*sdktrace.TracerProvider, error) {
	if getenv("OTEL_EXPORTER_OTLP_ENDPOINT") == "" && getenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT") == "" {
		return nil, nil
	}
	exp, err := otlptracehttp.New(ctx)
	if err != nil {
		return nil, fmt.Errorf("OpenTelemetry-exporteur: %w", err)
	}
	res := resource.NewSchemaless(semconv.ServiceName("grondslag"), semconv.ServiceVersion(version))
	return sdktrace.NewTracerProvider(sdktrace.WithBatcher(exp), sdktrace.WithResource(res), sdktrace.WithIDGenerator(ownIDs{})), nil
}
