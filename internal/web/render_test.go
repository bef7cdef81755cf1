package web

import "testing"

func TestDutchDate(t *testing.T) {
	for in, want := range map[string]string{"2025-09-08": "08-09-2025", "": "", "nu": "nu", "2025-9-08x": "2025-9-08x", "20a5-09-08": "20a5-09-08"} {
		if got := dutchDate(in); got != want {
			t.Errorf("dutchDate(%q) = %q, want %q", in, got, want)
		}
	}
}
