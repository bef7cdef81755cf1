package tracectx_test

import (
	"errors"
	"testing"

	"github.com/grondslag/grondslag/internal/tracectx"
)

func TestTraceparent(t *testing.T) {
	const h = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
	tc, err := tracectx.Parse(h)
	if err != nil {
		t.Fatal(err)
	}
	if tc.TraceID.String() != "4bf92f3577b34da6a3ce929d0e0e4736" || tc.SpanID.String() != "00f067aa0ba902b7" || tc.Flags != 1 {
		t.Errorf("parsed %+v", tc)
	}
	if tc.Traceparent() != h {
		t.Errorf("format = %s", tc.Traceparent())
	}
	child := tc.Child()
	if child.TraceID != tc.TraceID || child.SpanID == tc.SpanID || child.SpanID.IsZero() {
		t.Errorf("child %+v", child)
	}
	// A future version with extra fields is read as version 00.
	if _, err := tracectx.Parse("01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra"); err != nil {
		t.Errorf("future version: %v", err)
	}
	for _, bad := range []string{
		"",
		"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7",
		"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra",
		"ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
		"00-00000000000000000000000000000000-00f067aa0ba902b7-01",
		"00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",
		"00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",
		"00-4bf92f3577b34da6a3ce929d0e0e473-00f067aa0ba902b7-01",
		"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-1",
		"0g-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
	} {
		if _, err := tracectx.Parse(bad); !errors.Is(err, tracectx.ErrTraceparent) {
			t.Errorf("%q: err = %v", bad, err)
		}
	}
}
