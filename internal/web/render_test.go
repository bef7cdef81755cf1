package web

import "testing"

func TestDutchDate(t *testing.T) {
	for in, want := range map[string]string{"2025-09-08": "08-09-2025", "": "", "nu": "nu", "2025-9-08x": "2025-9-08x", "20a5-09-08": "20a5-09-08"} {
		if got := dutchDate(in); got != want {
			t.Errorf("dutchDate(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestTemplatesFromDisk(t *testing.T) {
	tm, err := parseTemplates(osDirFS("templates"))
	if err != nil || tm.Lookup("leerling.html") == nil || tm.Lookup("top") == nil {
		t.Fatalf("templates from disk: %v", err)
	}
	emb, err := parseTemplates(templateFS)
	if err != nil || len(emb.Templates()) != len(tm.Templates()) {
		t.Fatalf("embedded and disk templates differ: %v", err)
	}
}
