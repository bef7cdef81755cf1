package audit

import (
	"fmt"

	"github.com/grondslag/grondslag/internal/tracectx"
)

// TraceID is the 16-byte W3C trace id: the trace that groups related processing (Logboek
// Dataverwerkingen trace_id).
type TraceID = tracectx.TraceID

// OperationID is the 8-byte W3C span id: one processing operation (Logboek span_id, called
// operation_id before the standard's 0.8 drafts).
type OperationID = tracectx.SpanID

// TraceContext is the W3C trace context of one operation (package tracectx).
type TraceContext = tracectx.Context

// ErrTraceparent is wrapped by every error of ParseTraceparent.
var ErrTraceparent = tracectx.ErrTraceparent

// NewTraceID returns a random, non-zero trace id.
func NewTraceID() TraceID { return tracectx.NewTraceID() }

// NewOperationID returns a random, non-zero operation (span) id.
func NewOperationID() OperationID { return tracectx.NewSpanID() }

// ParseTraceparent parses a W3C `traceparent` header (tracectx.Parse).
func ParseTraceparent(h string) (TraceContext, error) { return tracectx.Parse(h) }

// ParseTraceID parses 32 lower-case hex digits.
func ParseTraceID(s string) (TraceID, error) {
	t, err := tracectx.ParseTraceID(s)
	if err != nil {
		return t, fmt.Errorf("trace_id: %w", err)
	}
	return t, nil
}

// ParseOperationID parses 16 lower-case hex digits.
func ParseOperationID(s string) (OperationID, error) {
	o, err := tracectx.ParseSpanID(s)
	if err != nil {
		return o, fmt.Errorf("operation_id: %w", err)
	}
	return o, nil
}
