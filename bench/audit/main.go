// Command audit measures the audit log: durable appends per second through the group-commit
// batcher (and, for comparison, one transaction per entry as a data change would do), and the
// time `verify` needs for a log of a given size. See docs/performance.md.
//
//	go run ./bench/audit -db /tmp/a.db -appends 200000 -writers 64
//	go run ./bench/audit -db 'postgres://…' -appends 200000 -writers 64
//	go run ./bench/audit -db /tmp/v.db -verify 1000000
package main

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"golang.org/x/mod/sumdb/note"

	"github.com/grondslag/grondslag/internal/audit"
	"github.com/grondslag/grondslag/internal/store"
)

// pragmas are the -sqlite-pragma flags; extraSQL the -sql flags.
var pragmas, extraSQL []string

func main() {
	dsn := flag.String("db", "", "SQLite-bestand of postgres://-URL (leeg: een tijdelijk SQLite-bestand); de database moet leeg zijn")
	appends := flag.Int("appends", 100000, "aantal regels voor de schrijfmeting (0: overslaan)")
	writers := flag.Int("writers", 64, "gelijktijdige schrijvers")
	batch := flag.Int("batch", 2000, "maximaal aantal regels per transactie van de batcher")
	txMode := flag.Bool("tx", false, "meet ook één transactie per regel (zoals bij een gegevenswijziging), zonder batcher")
	verifyN := flag.Int("verify", 0, "bouw een log van zoveel regels en meet verify (0: overslaan)")
	full := flag.Bool("sqlite-full", false, "SQLite met synchronous=FULL (fsync bij elke commit, ook bestand tegen stroomuitval) in plaats van NORMAL")
	cpuprofile := flag.String("cpuprofile", "", "schrijf een CPU-profiel naar dit bestand")
	grondig := flag.Bool("grondig", true, "meet verify ook met --grondig (volledige decodering van elk blad)")
	flag.Func("sqlite-pragma", "extra PRAGMA op de SQLite-schrijfverbinding vóór de migraties (mag vaker), bv. page_size=16384 of temp_store=MEMORY: om instellingen gepaard te vergelijken", func(v string) error {
		pragmas = append(pragmas, v)
		return nil
	})
	flag.Func("sql", "extra SQL-opdracht na de migraties (mag vaker), om een schemawijziging gepaard te vergelijken, bv. 'DROP INDEX audit_regel_leerling'", func(v string) error {
		extraSQL = append(extraSQL, v)
		return nil
	})
	flag.Parse()
	if *cpuprofile != "" {
		f, err := os.Create(*cpuprofile)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		pprof.StartCPUProfile(f)
		defer pprof.StopCPUProfile()
	}
	if err := run(*dsn, *appends, *writers, *batch, *txMode, *verifyN, *full, *grondig); err != nil {
		pprof.StopCPUProfile()
		fmt.Fprintln(os.Stderr, "bench/audit:", err)
		os.Exit(1)
	}
}

func run(dsn string, appends, writers, batch int, txMode bool, verifyN int, full, grondig bool) error {
	ctx := context.Background()
	if dsn == "" {
		dir, err := os.MkdirTemp("", "bench-audit-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		dsn = filepath.Join(dir, "audit.db")
	}
	db, err := store.Open(ctx, dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	for _, p := range pragmas {
		if _, err := db.Exec(ctx, "PRAGMA "+p); err != nil {
			return fmt.Errorf("PRAGMA %s: %w", p, err)
		}
	}
	if _, err := db.Migrate(ctx, time.Now().UnixMilli()); err != nil {
		return err
	}
	for _, q := range extraSQL {
		if _, err := db.Exec(ctx, q); err != nil {
			return fmt.Errorf("%s: %w", q, err)
		}
	}
	var batches, appended atomic.Int64
	db.SetAuditObserver(func(_ int64, es []audit.Entry) { batches.Add(1); appended.Add(int64(len(es))) })
	sync := "standaard"
	if db.Dialect() == store.SQLite {
		if full {
			// The writer is a single connection kept open, so the pragma holds for every write.
			// (The store opens SQLite with synchronous=FULL already; the flag stays for older runs.)
			if _, err := db.Exec(ctx, "PRAGMA synchronous=FULL"); err != nil {
				return err
			}
		}
		// Report what the writer connection actually uses (0 OFF, 1 NORMAL, 2 FULL, 3 EXTRA).
		var level int
		if err := db.WithTx(ctx, func(tx *store.Tx) error { return tx.QueryRow(ctx, "PRAGMA synchronous").Scan(&level) }); err != nil {
			return err
		}
		sync = map[int]string{0: "OFF", 1: "NORMAL", 2: "FULL", 3: "EXTRA"}[level] + " (WAL)"
	}
	// A log of the wanted size from an earlier run is reused (building 1M entries takes a while).
	var regionID int64
	var have int64
	err = db.QueryRow(ctx, "SELECT regio_id, grootte FROM audit_kop ORDER BY grootte DESC LIMIT 1").Scan(&regionID, &have)
	if err != nil || appends > 0 || have < int64(verifyN) {
		if regionID, err = newRegion(ctx, db); err != nil {
			return err
		}
	}
	pool, err := entryPool(4096)
	if err != nil {
		return err
	}
	as := store.NewAuditStore(db)
	fmt.Printf("engine %s, synchronous %s, GOMAXPROCS %d\n", db.Dialect(), sync, runtime.GOMAXPROCS(0))

	if appends > 0 {
		b := store.NewAuditBatcher(as, batch)
		batches.Store(0)
		appended.Store(0)
		cpu0, srv0 := processCPU(), serverCPU(ctx, db)
		rate, lat := load(writers, appends, func(i int) error { return b.Append(ctx, regionID, pool[i%len(pool)]) })
		cpu, srv := processCPU()-cpu0, serverCPU(ctx, db).minus(srv0)
		b.Close()
		fmt.Printf("batcher: %d regels, %d schrijvers: %.0f duurzame regels/s; latentie p50 %s p99 %s; %d transacties, gemiddeld %.1f regels; CPU per regel: proces %.1f µs",
			appends, writers, rate, lat[0], lat[1], batches.Load(), float64(appended.Load())/float64(max(1, batches.Load())),
			float64(cpu.Microseconds())/float64(appends))
		if db.Dialect() == store.Postgres {
			fmt.Printf(", PostgreSQL-server %.1f µs", float64(srv.total().Microseconds())/float64(appends))
		}
		fmt.Println()
		if txMode {
			n := min(appends, 20000)
			rate, lat := load(writers, n, func(i int) error {
				return db.WithTx(ctx, func(tx *store.Tx) error { return as.Append(ctx, tx, regionID, pool[i%len(pool)]) })
			})
			fmt.Printf("tx per regel: %d regels, %d schrijvers: %.0f regels/s; latentie p50 %s p99 %s\n", n, writers, rate, lat[0], lat[1])
		}
	}
	if verifyN > 0 {
		size, _, err := as.Head(ctx, regionID)
		if err != nil {
			return err
		}
		t0 := time.Now()
		for size < uint64(verifyN) {
			n := min(uint64(verifyN)-size, 10000)
			es := make([]audit.Entry, n)
			for i := range es {
				es[i] = pool[(int(size)+i)%len(pool)]
			}
			if err := db.WithTx(ctx, func(tx *store.Tx) error { return as.Append(ctx, tx, regionID, es...) }); err != nil {
				return err
			}
			size += n
		}
		fmt.Printf("log opgebouwd tot %d regels in %s\n", size, time.Since(t0).Round(time.Millisecond))
		// A fixed benchmark key, so that a log reused from an earlier run still verifies.
		seed := sha256.Sum256([]byte("grondslag bench/audit"))
		key := ed25519.NewKeyFromSeed(seed[:])
		s, err := audit.NewSigner(audit.Origin("bench"), key)
		if err != nil {
			return err
		}
		if _, err := as.MakeCheckpoint(ctx, regionID, s, time.Now()); err != nil {
			return err
		}
		v, _ := audit.ParseVerifierKey(s.VerifierKey())
		for _, thorough := range []bool{false, true} {
			if thorough && !grondig {
				continue
			}
			var times []time.Duration
			for r := 0; r < 3; r++ {
				t1 := time.Now()
				res, err := as.Verify(ctx, regionID, store.VerifyOptions{Verifiers: []note.Verifier{v}, Thorough: thorough})
				if err != nil {
					return err
				}
				times = append(times, time.Since(t1))
				if r == 0 {
					fmt.Printf("verify: %d regels, root %s\n", res.Size, audit.RootString(res.Root))
				}
			}
			slices.Sort(times)
			fmt.Printf("verify (grondig=%v) van %d regels: mediaan %s (min %s, max %s, 3 keer)\n", thorough, size, times[1].Round(time.Millisecond), times[0].Round(time.Millisecond), times[2].Round(time.Millisecond))
		}
	}
	return nil
}

// load runs n calls of fn over writers goroutines and returns calls/s and p50/p99 latency.
func load(writers, n int, fn func(i int) error) (float64, [2]time.Duration) {
	var next atomic.Int64
	lats := make([]time.Duration, n)
	var wg sync.WaitGroup
	var failed atomic.Value
	t0 := time.Now()
	for range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				t := time.Now()
				if err := fn(i); err != nil {
					failed.Store(err)
					return
				}
				lats[i] = time.Since(t)
			}
		}()
	}
	wg.Wait()
	el := time.Since(t0)
	if err, _ := failed.Load().(error); err != nil {
		fmt.Fprintln(os.Stderr, "fout:", err)
		os.Exit(1)
	}
	slices.Sort(lats)
	return float64(n) / el.Seconds(), [2]time.Duration{lats[n/2].Round(time.Microsecond), lats[n*99/100].Round(time.Microsecond)}
}

func newRegion(ctx context.Context, db *store.DB) (int64, error) {
	var id int64
	err := db.WithTx(ctx, func(tx *store.Tx) error {
		var err error
		id, err = tx.InsertID(ctx, "INSERT INTO regio (code, naam, vakantieregio, aangemaakt_op) VALUES (?, ?, ?, ?)",
			fmt.Sprintf("bench-%d", time.Now().UnixNano()), "Benchmark", "midden", time.Now().UnixMilli())
		return err
	})
	return id, err
}

// entryPool builds realistic entries: AES-GCM encrypted subject, a few categories, trace ids.
func entryPool(n int) ([]audit.Entry, error) {
	key := make([]byte, 32)
	rand.Read(key)
	blk, _ := aes.NewCipher(key)
	gcm, _ := cipher.NewGCM(blk)
	enc := audit.EncryptFunc(func(p, ad []byte) ([]byte, error) {
		nonce := make([]byte, gcm.NonceSize())
		rand.Read(nonce)
		return gcm.Seal(nonce, nonce, p, ad), nil
	})
	out := make([]audit.Entry, n)
	now := time.Now()
	for i := range out {
		e, err := audit.NewEntry(audit.Record{
			Time:  now.Add(time.Duration(i) * time.Millisecond),
			Actor: audit.Actor{UserID: int64(1 + i%50), OrganisationID: int64(1 + i%7), Role: "zorgcoordinator"},
			Pupil: fmt.Sprintf("%x", sha256.Sum256([]byte{byte(i), byte(i >> 8)}))[:32], Categories: []string{"verzuim", "identificatie", "schoolgegevens"},
			Action: audit.ActionRead, Purpose: "verzuimaanpak", LegalGround: "avg-6-1-e", Article: "art. 5 lid 2",
			ConvenantVersion: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
			Outcome:          audit.Allowed, AccessPoint: audit.AccessAPI, RequestID: fmt.Sprintf("req-%d", i),
			TraceID: audit.NewTraceID(), OperationID: audit.NewOperationID(), ParentOperationID: audit.NewOperationID(),
			Name: "leerling-lezen", ProcessingActivity: "https://register.example.nl/verwerkingen/verzuimaanpak",
		}, enc)
		if err != nil {
			return nil, err
		}
		out[i] = e
	}
	return out, nil
}

// processCPU is the CPU time (user + system) this process used so far.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// backendCPU is the CPU time per PostgreSQL server process.
type backendCPU map[int]time.Duration

func (b backendCPU) minus(before backendCPU) backendCPU {
	out := backendCPU{}
	for pid, t := range b {
		out[pid] = t - before[pid]
	}
	return out
}

func (b backendCPU) total() time.Duration {
	var t time.Duration
	for _, d := range b {
		t += d
	}
	return t
}

// serverCPU reads, for a PostgreSQL server on this machine, the CPU time of the server processes
// connected to the bench's database and of the WAL writer (from /proc); nil for SQLite or when
// the processes cannot be read. The load of other sessions on the same machine does not count.
func serverCPU(ctx context.Context, db *store.DB) backendCPU {
	if db.Dialect() != store.Postgres {
		return nil
	}
	rows, err := db.Query(ctx, "SELECT pid FROM pg_stat_activity WHERE datname = current_database() OR backend_type IN ('walwriter', 'checkpointer', 'background writer')")
	if err != nil {
		return nil
	}
	defer rows.Close()
	tick := 100 // USER_HZ on Linux
	out := backendCPU{}
	for rows.Next() {
		var pid int
		if rows.Scan(&pid) != nil {
			continue
		}
		b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
		if err != nil {
			continue
		}
		// Fields after the command (which is in parentheses): utime and stime are fields 14 and 15.
		i := strings.LastIndexByte(string(b), ')')
		f := strings.Fields(string(b[i+1:]))
		if len(f) < 13 {
			continue
		}
		u, _ := strconv.Atoi(f[11])
		st, _ := strconv.Atoi(f[12])
		out[pid] = time.Duration(u+st) * time.Second / time.Duration(tick)
	}
	return out
}
