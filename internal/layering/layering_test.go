package layering

import (
	"os/exec"
	"strings"
	"testing"
)

const module = "github.com/grondslag/grondslag"

// adapters are the packages allowed to speak HTTP or SQL. Everything else under internal/ is
// held to the domain rules. Add a package here only when it is an adapter by nature (a store, a
// web server, a mail or job transport) and say why in docs/architecture.md.
var adapters = []string{
	"internal/store",  // SQLite and PostgreSQL
	"internal/web",    // HTML pages and the JSON API
	"internal/demo",   // wiring: builds a demo region through the store
	"internal/tenant", // wiring: each region's convenant, engine, keys and services over the store
	"internal/notify", // transports (SMTP) for notices, when present
	"internal/jobs",   // the job runner on the database, when present
	"internal/ops",    // health, metrics, backup: process concerns, when present
}

// forbiddenForDomain are the imports (direct or indirect) a domain package may not have.
var forbiddenForDomain = []string{"net/http", "database/sql", module + "/internal/store", module + "/internal/web"}

func isAdapter(rel string) bool {
	for _, a := range adapters {
		if rel == a || strings.HasPrefix(rel, a+"/") {
			return true
		}
	}
	return false
}

func goList(t *testing.T, args ...string) []string {
	t.Helper()
	out, err := exec.Command("go", append([]string{"list"}, args...)...).Output()
	if err != nil {
		if ee, ok := err.(*exec.ExitError); ok {
			t.Fatalf("go list %v: %v\n%s", args, err, ee.Stderr)
		}
		t.Fatalf("go list %v: %v", args, err)
	}
	return strings.Fields(string(out))
}

func TestDependenciesPointInward(t *testing.T) {
	pkgs := goList(t, module+"/internal/...")
	if len(pkgs) < 10 {
		t.Fatalf("go list found only %d packages under internal/: the test cannot check anything", len(pkgs))
	}
	domains := 0
	for _, pkg := range pkgs {
		rel := strings.TrimPrefix(pkg, module+"/")
		if rel == "internal/layering" {
			continue
		}
		deps := goList(t, "-deps", pkg)
		has := make(map[string]bool, len(deps))
		for _, d := range deps {
			has[d] = true
		}
		switch {
		case rel == "internal/store" || strings.HasPrefix(rel, "internal/store/"):
			if has[module+"/internal/web"] {
				t.Errorf("%s imports internal/web: the store may not know the web", rel)
			}
			for d := range has {
				if strings.HasPrefix(d, module+"/internal/web/") {
					t.Errorf("%s imports %s: the store may not know the web", rel, d)
				}
			}
		case isAdapter(rel):
		default:
			domains++
			for _, f := range forbiddenForDomain {
				if has[f] {
					t.Errorf("domain package %s depends on %s (directly or through another package); "+
						"declare a small interface in the domain and implement it in an adapter", rel, f)
				}
			}
		}
	}
	if domains < 8 {
		t.Errorf("only %d domain packages checked; expected at least 8 (absence, consent, casework, rights, convenant, policy, audit, region, …)", domains)
	}
}
