package store_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	osexec "os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/grondslag/grondslag/internal/audit"
	"github.com/grondslag/grondslag/internal/store"
	"github.com/grondslag/grondslag/internal/store/storetest"
)

// The crash test kills a writer process with SIGKILL at a random moment of a write load, then
// checks on restart that the log verifies and that every change the writer had acknowledged has
// its entry (and every logged change its row: change and entry commit together).
//
// GRONDSLAG_AUDIT_CRASH=50 runs 50 kills per engine; by default a few run.
const (
	envCrashHelper = "GRONDSLAG_AUDIT_CRASH_HELPER" // set in the re-executed test binary: the DSN
	envCrashRuns   = "GRONDSLAG_AUDIT_CRASH"
)

// crashTable is the stand-in for a domain table that the helper changes together with its
// audit entry. It is created by the test, not by a migration.
const crashTable = `CREATE TABLE IF NOT EXISTS crash_wijziging (regio_id BIGINT NOT NULL, sleutel TEXT NOT NULL PRIMARY KEY)`

func TestAuditCrash(t *testing.T) {
	if os.Getenv(envCrashHelper) != "" {
		t.Skip("helper process")
	}
	runs := 3
	if v := os.Getenv(envCrashRuns); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			t.Fatalf("%s=%q", envCrashRuns, v)
		}
		runs = n
	}
	t.Run("sqlite", func(t *testing.T) {
		crashRuns(t, filepath.Join(t.TempDir(), "crash.db"), runs)
	})
	if base := os.Getenv(storetest.EnvPostgres); base != "" {
		t.Run("postgres", func(t *testing.T) {
			dsn, cleanup := storetest.NewPostgresDatabase(t, base)
			t.Cleanup(cleanup)
			crashRuns(t, dsn, runs)
		})
	}
}

func crashRuns(t *testing.T, dsn string, runs int) {
	ctx := context.Background()
	db, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Migrate(ctx, 1); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(ctx, crashTable); err != nil {
		t.Fatal(err)
	}
	region := auditRegion(t, db, "crash")
	db.Close()

	acked := map[string]bool{} // request ids the writer acknowledged, over all runs
	for run := 0; run < runs; run++ {
		cmd := osexec.Command(os.Args[0], "-test.run=^TestAuditCrashHelper$", "-test.count=1")
		cmd.Env = append(os.Environ(), envCrashHelper+"="+dsn, "GRONDSLAG_AUDIT_CRASH_RUN="+strconv.Itoa(run), "GRONDSLAG_AUDIT_CRASH_REGION="+strconv.FormatInt(region, 10))
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		cmd.Stderr = os.Stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		lines := make(chan string, 1024)
		go func() {
			sc := bufio.NewScanner(out)
			for sc.Scan() {
				lines <- sc.Text()
			}
			close(lines)
		}()
		// Wait until the load runs, then kill at a random moment within it.
		started := false
		deadline := time.After(30 * time.Second)
		for !started {
			select {
			case l, ok := <-lines:
				if !ok {
					t.Fatalf("run %d: helper ended before it started", run)
				}
				if l == "GESTART" {
					started = true
				}
			case <-deadline:
				cmd.Process.Kill()
				t.Fatalf("run %d: helper did not start", run)
			}
		}
		time.Sleep(time.Duration(20+rand.IntN(300)) * time.Millisecond)
		if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
		n := 0
		for l := range lines {
			if id, ok := strings.CutPrefix(l, "ACK "); ok {
				acked[id] = true
				n++
			}
		}
		cmd.Wait()
		if n == 0 {
			t.Logf("run %d: killed before any acknowledgement", run)
		}

		// Restart: the log verifies, and changes and entries match.
		db, err := store.Open(ctx, dsn)
		if err != nil {
			t.Fatal(err)
		}
		if db.Dialect() == store.Postgres {
			waitQuiet(t, db)
		}
		as := store.NewAuditStore(db)
		res, err := as.Verify(ctx, region, store.VerifyOptions{})
		if err != nil {
			db.Close()
			t.Fatalf("run %d: verify after SIGKILL: %v", run, err)
		}
		logged := map[string]bool{}
		err = as.Entries(ctx, region, 0, res.Size, func(s audit.StoredEntry) error {
			var l struct {
				Verzoek string `json:"verzoek"`
			}
			if err := json.Unmarshal(s.Leaf, &l); err != nil {
				return err
			}
			logged[l.Verzoek] = true
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		rows, err := db.Query(ctx, "SELECT sleutel FROM crash_wijziging WHERE regio_id = ?", region)
		if err != nil {
			t.Fatal(err)
		}
		changed := map[string]bool{}
		for rows.Next() {
			var k string
			rows.Scan(&k)
			changed[k] = true
		}
		rows.Close()
		db.Close()
		for id := range acked {
			if !logged[id] {
				t.Fatalf("run %d: acknowledged %s has no audit entry", run, id)
			}
			if strings.HasPrefix(id, "w-") && !changed[id] {
				t.Fatalf("run %d: acknowledged change %s is missing", run, id)
			}
		}
		for id := range changed {
			if !logged[id] {
				t.Fatalf("run %d: change %s without its audit entry", run, id)
			}
		}
		for id := range logged {
			if strings.HasPrefix(id, "w-") && !changed[id] {
				t.Fatalf("run %d: audit entry %s without its change", run, id)
			}
		}
		t.Logf("run %d: %d acknowledged this run, log size %d", run, n, res.Size)
	}
}

// waitQuiet waits until PostgreSQL has finished the killed writer's sessions: a COMMIT it sent
// just before dying may still land, and the checks below compare two separate reads.
func waitQuiet(t *testing.T, db *store.DB) {
	t.Helper()
	for start := time.Now(); time.Since(start) < 20*time.Second; time.Sleep(20 * time.Millisecond) {
		var n int
		err := db.QueryRow(context.Background(), "SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND state <> 'idle'").Scan(&n)
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			return
		}
	}
	t.Fatal("the killed writer's PostgreSQL sessions did not end")
}

// TestAuditCrashHelper is the writer process of TestAuditCrash (it does nothing in a normal
// run): two goroutines change data with their entry in one transaction, four append read
// entries through the batcher; each prints "ACK <request id>" once its write is committed.
func TestAuditCrashHelper(t *testing.T) {
	dsn := os.Getenv(envCrashHelper)
	if dsn == "" {
		t.Skip("only as the helper process of TestAuditCrash")
	}
	ctx := context.Background()
	db, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	region, _ := strconv.ParseInt(os.Getenv("GRONDSLAG_AUDIT_CRASH_REGION"), 10, 64)
	run := os.Getenv("GRONDSLAG_AUDIT_CRASH_RUN")
	as := store.NewAuditStore(db)
	b := store.NewAuditBatcher(as, 500)
	var mu sync.Mutex
	ack := func(id string) {
		mu.Lock()
		fmt.Fprintln(os.Stdout, "ACK "+id)
		mu.Unlock()
	}
	fmt.Fprintln(os.Stdout, "GESTART")
	var wg sync.WaitGroup
	for g := 0; g < 2; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				id := fmt.Sprintf("w-%s-%d-%d", run, g, i)
				e := crashEntry(t, id)
				err := db.WithTx(ctx, func(tx *store.Tx) error {
					if _, err := tx.Exec(ctx, "INSERT INTO crash_wijziging (regio_id, sleutel) VALUES (?, ?)", region, id); err != nil {
						return err
					}
					return as.Append(ctx, tx, region, e)
				})
				if err != nil {
					t.Error(err)
					return
				}
				ack(id)
			}
		}()
	}
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				id := fmt.Sprintf("r-%s-%d-%d", run, g, i)
				if err := b.Append(ctx, region, crashEntry(t, id)); err != nil {
					t.Error(err)
					return
				}
				ack(id)
			}
		}()
	}
	wg.Wait() // runs until killed
}

func crashEntry(t *testing.T, requestID string) audit.Entry {
	e, err := audit.NewEntry(audit.Record{
		Time: time.Now(), Actor: audit.Actor{UserID: 1, OrganisationID: 1, Role: "zorgcoordinator"},
		Pupil: "ps-0123456789abcdef", Categories: []string{"verzuim"}, Action: audit.ActionUpdate,
		Purpose: "verzuimaanpak", LegalGround: "avg-6-1-e", Outcome: audit.Allowed, AccessPoint: audit.AccessAPI,
		RequestID: requestID, TraceID: audit.NewTraceID(), OperationID: audit.NewOperationID(), Name: "crash",
		ProcessingActivity: "https://register.example.nl/x",
	}, auditEnc)
	if err != nil {
		t.Fatal(err)
	}
	return e
}
