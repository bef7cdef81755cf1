package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/grondslag/grondslag/internal/audit"
)

// runAuditCheckLogboek checks an export in the Logboek format (audit export --formaat logboek)
// against the standard's rules (audit.CheckLogboek), without a database.
func runAuditCheckLogboek(_ context.Context, e env) error {
	fs := newFlagSet(e, "audit controleer-logboek", "audit controleer-logboek [BESTAND] [--deel]")
	part := fs.Bool("deel", false, "het bestand is een deel van het logboek (één verwerkingsverantwoordelijke of één leerling): de verstrekking achter een ontvangst hoeft er niet in te staan")
	if err := parseFlags(fs, e.args); err != nil {
		return err
	}
	var in io.Reader = os.Stdin
	name := "standaardinvoer"
	switch fs.NArg() {
	case 0:
	case 1:
		f, err := os.Open(fs.Arg(0))
		if err != nil {
			return withExit(2, fmt.Errorf("logboek openen: %w", err))
		}
		defer f.Close()
		in, name = f, fs.Arg(0)
	default:
		return withExit(2, errors.New("geef één bestand (of niets: dan de standaardinvoer)"))
	}
	var recs []audit.LogboekRecord
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 64*1024), 4<<20)
	for line := 1; sc.Scan(); line++ {
		if len(sc.Bytes()) == 0 {
			continue
		}
		var r audit.LogboekRecord
		d := json.NewDecoder(bytes.NewReader(sc.Bytes()))
		d.DisallowUnknownFields()
		if err := d.Decode(&r); err != nil {
			return withExit(1, fmt.Errorf("%s regel %d is geen Logboek-record: %v", name, line, err))
		}
		recs = append(recs, r)
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("%s lezen: %w", name, err)
	}
	problems := audit.CheckLogboek(recs, !*part)
	for _, p := range problems {
		fmt.Fprintln(e.stdout, p)
	}
	if len(problems) > 0 {
		return withExit(1, fmt.Errorf("%d van de regels van %s voldoen niet aan %s (%d problemen)", countLines(problems), name, audit.LogboekVersion, len(problems)))
	}
	fmt.Fprintf(e.stdout, "%d records, alle conform %s\n", len(recs), audit.LogboekVersion)
	return nil
}

func countLines(ps []audit.LogboekProblem) int {
	seen := map[int]bool{}
	for _, p := range ps {
		seen[p.Line] = true
	}
	return len(seen)
}
