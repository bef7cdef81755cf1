package audit

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
)

// TraceID is the 16-byte W3C trace id: the trace that groups related processing, also across
// organisations (Logboek Dataverwerkingen trace_id).
type TraceID [16]byte

// OperationID is the 8-byte W3C span id: one processing operation (Logboek operation_id).
type OperationID [8]byte

// ErrTraceparent is wrapped by every error of ParseTraceparent.
var ErrTraceparent = errors.New("ongeldige traceparent")

// IsZero reports whether the id is all zeros (invalid in W3C trace context).
func (t TraceID) IsZero() bool { return t == TraceID{} }

// IsZero reports whether the id is all zeros (invalid in W3C trace context).
func (o OperationID) IsZero() bool { return o == OperationID{} }

// String is the lower-case hex form.
func (t TraceID) String() string { return hex.EncodeToString(t[:]) }

// String is the lower-case hex form.
func (o OperationID) String() string { return hex.EncodeToString(o[:]) }

// NewTraceID returns a random, non-zero trace id.
func NewTraceID() TraceID {
	var t TraceID
	for t.IsZero() {
		rand.Read(t[:])
	}
	return t
}

// NewOperationID returns a random, non-zero operation (span) id.
func NewOperationID() OperationID {
	var o OperationID
	for o.IsZero() {
		rand.Read(o[:])
	}
	return o
}

// ParseTraceID parses 32 lower-case hex digits.
func ParseTraceID(s string) (TraceID, error) {
	var t TraceID
	if err := parseLowerHex(t[:], s); err != nil {
		return t, fmt.Errorf("trace_id: %w", err)
	}
	if t.IsZero() {
		return t, errors.New("trace_id: mag niet uit alleen nullen bestaan")
	}
	return t, nil
}

// ParseOperationID parses 16 lower-case hex digits.
func ParseOperationID(s string) (OperationID, error) {
	var o OperationID
	if err := parseLowerHex(o[:], s); err != nil {
		return o, fmt.Errorf("operation_id: %w", err)
	}
	if o.IsZero() {
		return o, errors.New("operation_id: mag niet uit alleen nullen bestaan")
	}
	return o, nil
}

func parseLowerHex(dst []byte, s string) error {
	if len(s) != 2*len(dst) {
		return fmt.Errorf("verwacht %d hexadecimale tekens, kreeg %d", 2*len(dst), len(s))
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return fmt.Errorf("teken %d is geen kleine hexadecimale letter of cijfer", i+1)
		}
	}
	_, err := hex.Decode(dst, []byte(s))
	return err
}

// TraceContext is the W3C trace context of one operation: the trace it belongs to, its own
// span id, and the flags (bit 0: sampled).
type TraceContext struct {
	TraceID TraceID
	SpanID  OperationID
	Flags   byte
}

// ParseTraceparent parses a W3C `traceparent` header (version 00 and, as the specification
// asks, later versions read as 00 when their first four fields fit):
// 00-<trace_id 32 hex>-<parent_id 16 hex>-<flags 2 hex>.
func ParseTraceparent(h string) (TraceContext, error) {
	var tc TraceContext
	h = strings.TrimSpace(h)
	parts := strings.Split(h, "-")
	if len(parts) < 4 {
		return tc, fmt.Errorf("%w: verwacht versie-traceid-parentid-vlaggen", ErrTraceparent)
	}
	ver := parts[0]
	var vb [1]byte
	if err := parseLowerHex(vb[:], ver); err != nil {
		return tc, fmt.Errorf("%w: versie: %v", ErrTraceparent, err)
	}
	if vb[0] == 0xff {
		return tc, fmt.Errorf("%w: versie ff is ongeldig", ErrTraceparent)
	}
	if vb[0] == 0 && len(parts) != 4 {
		return tc, fmt.Errorf("%w: versie 00 heeft precies vier velden", ErrTraceparent)
	}
	t, err := ParseTraceID(parts[1])
	if err != nil {
		return tc, fmt.Errorf("%w: %v", ErrTraceparent, err)
	}
	s, err := ParseOperationID(parts[2])
	if err != nil {
		return tc, fmt.Errorf("%w: parent-id: %v", ErrTraceparent, err)
	}
	var fb [1]byte
	if err := parseLowerHex(fb[:], parts[3]); err != nil {
		return tc, fmt.Errorf("%w: vlaggen: %v", ErrTraceparent, err)
	}
	return TraceContext{TraceID: t, SpanID: s, Flags: fb[0]}, nil
}

// Traceparent formats the context as a version-00 `traceparent` header value.
func (tc TraceContext) Traceparent() string {
	return fmt.Sprintf("00-%s-%s-%02x", tc.TraceID, tc.SpanID, tc.Flags)
}

// Child returns the context of a new operation in the same trace, to send on an outgoing call.
func (tc TraceContext) Child() TraceContext {
	return TraceContext{TraceID: tc.TraceID, SpanID: NewOperationID(), Flags: tc.Flags}
}
