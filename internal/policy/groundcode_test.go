package policy_test

import (
	"testing"

	"github.com/grondslag/grondslag/internal/policy"
)

func TestGroundCode(t *testing.T) {
	cases := []struct {
		d    policy.Decision
		want string
	}{
		{policy.Decision{}, ""},
		{policy.Decision{Basis: "c"}, "avg-6-1-c"},
		{policy.Decision{Basis: "A", Exception: "9.2.a"}, "avg-6-1-a/9.2.a"},
		{policy.Decision{Basis: "e", Exception: "UAVG 33"}, "avg-6-1-e/uavg-33"},
	}
	for _, c := range cases {
		if got := c.d.GroundCode(); got != c.want {
			t.Errorf("GroundCode(%+v) = %q, want %q", c.d, got, c.want)
		}
	}
}
