// Package tracectx is the W3C Trace Context (https://www.w3.org/TR/trace-context/) as Grondslag
// uses it: the 16-byte trace id, the 8-byte span id, the `traceparent` header that carries them
// between systems, and the ids of new operations. It is the one traceparent parser of the
// module: the web middleware reads incoming headers with it, the audit log (Logboek
// Dataverwerkingen trace_id, span_id, foreign_operation) and any tracing exporter use its types.
//
// The package has no dependencies beyond the standard library, so every layer may import it.
package tracectx

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
)

// TraceID is the 16-byte W3C trace id: the trace that groups related operations.
type TraceID [16]byte

// SpanID is the 8-byte W3C span (parent) id: one operation.
type SpanID [8]byte

// ErrTraceparent is wrapped by every error of Parse.
var ErrTraceparent = errors.New("ongeldige traceparent")

// IsZero reports whether the id is all zeros (invalid in W3C trace context).
func (t TraceID) IsZero() bool { return t == TraceID{} }

// IsZero reports whether the id is all zeros (invalid in W3C trace context).
func (s SpanID) IsZero() bool { return s == SpanID{} }

// String is the lower-case hex form.
func (t TraceID) String() string { return hex.EncodeToString(t[:]) }

// String is the lower-case hex form.
func (s SpanID) String() string { return hex.EncodeToString(s[:]) }

// NewTraceID returns a random, non-zero trace id.
func NewTraceID() TraceID {
	var t TraceID
	for t.IsZero() {
		rand.Read(t[:])
	}
	return t
}

// NewSpanID returns a random, non-zero span id.
func NewSpanID() SpanID {
	var s SpanID
	for s.IsZero() {
		rand.Read(s[:])
	}
	return s
}

// ParseTraceID parses 32 lower-case hex digits, not all zero.
func ParseTraceID(s string) (TraceID, error) {
	var t TraceID
	if err := parseLowerHex(t[:], s); err != nil {
		return t, err
	}
	if t.IsZero() {
		return t, errors.New("mag niet uit alleen nullen bestaan")
	}
	return t, nil
}

// ParseSpanID parses 16 lower-case hex digits, not all zero.
func ParseSpanID(s string) (SpanID, error) {
	var o SpanID
	if err := parseLowerHex(o[:], s); err != nil {
		return o, err
	}
	if o.IsZero() {
		return o, errors.New("mag niet uit alleen nullen bestaan")
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

// Context is the W3C trace context of one operation: the trace it belongs to, its own span id,
// and the flags (bit 0: sampled).
type Context struct {
	TraceID TraceID
	SpanID  SpanID
	Flags   byte
}

// New returns the context of a new trace (sampled).
func New() Context { return Context{TraceID: NewTraceID(), SpanID: NewSpanID(), Flags: 1} }

// IsValid reports whether both ids are set.
func (c Context) IsValid() bool { return !c.TraceID.IsZero() && !c.SpanID.IsZero() }

// Parse parses a W3C `traceparent` header (version 00 and, as the specification asks, later
// versions read as 00 when their first four fields fit):
// 00-<trace_id 32 hex>-<parent_id 16 hex>-<flags 2 hex>.
func Parse(h string) (Context, error) {
	var tc Context
	h = strings.TrimSpace(h)
	parts := strings.Split(h, "-")
	if len(parts) < 4 {
		return tc, fmt.Errorf("%w: verwacht versie-traceid-parentid-vlaggen", ErrTraceparent)
	}
	var vb [1]byte
	if err := parseLowerHex(vb[:], parts[0]); err != nil {
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
		return tc, fmt.Errorf("%w: trace-id: %v", ErrTraceparent, err)
	}
	s, err := ParseSpanID(parts[2])
	if err != nil {
		return tc, fmt.Errorf("%w: parent-id: %v", ErrTraceparent, err)
	}
	var fb [1]byte
	if err := parseLowerHex(fb[:], parts[3]); err != nil {
		return tc, fmt.Errorf("%w: vlaggen: %v", ErrTraceparent, err)
	}
	return Context{TraceID: t, SpanID: s, Flags: fb[0]}, nil
}

// Traceparent formats the context as a version-00 `traceparent` header value.
func (c Context) Traceparent() string {
	return fmt.Sprintf("00-%s-%s-%02x", c.TraceID, c.SpanID, c.Flags)
}

// Child returns the context of a new operation in the same trace, to send on an outgoing call.
func (c Context) Child() Context {
	return Context{TraceID: c.TraceID, SpanID: NewSpanID(), Flags: c.Flags}
}
