package main

import (
	"os"
	"testing"
)

// TestDemoBuildProfile builds the demo (5,000 pupils) once, for a CPU profile of the demo build
// (docs/performance.md, issue 17: the share spent on pupil keys and sealing). Off unless asked:
//
//	GRONDSLAG_DEMO_PROFIEL=1 go test -run TestDemoBuildProfile -cpuprofile /tmp/demo.prof ./cmd/grondslag/
func TestDemoBuildProfile(t *testing.T) {
	if os.Getenv("GRONDSLAG_DEMO_PROFIEL") == "" {
		t.Skip("GRONDSLAG_DEMO_PROFIEL=1 zet deze meting aan")
	}
	t.Chdir(t.TempDir())
	if code, out, errs := runCmd(t, "", "demo", "--alleen-aanmaken", "--peildatum", "2026-12-03"); code != 0 {
		t.Fatalf("%d %s %s", code, out, errs)
	}
}
