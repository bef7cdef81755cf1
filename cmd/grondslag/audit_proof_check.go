package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/grondslag/grondslag/internal/audit"
)

// runAuditCheckProof: grondslag audit controleer-bewijs BESTAND [--sleutel SLEUTEL|BESTAND].
// Checks a downloaded proof file without a database (docs/audit.md §13): the checkpoint's
// signature with the region's key, the leaf hash from the leaf's bytes, and each inclusion proof.
func runAuditCheckProof(_ context.Context, e env) error {
	fs := newFlagSet(e, "audit controleer-bewijs", "audit controleer-bewijs BESTAND [--sleutel SLEUTEL|BESTAND]")
	vkey := fs.String("sleutel", "", "openbare verificatiesleutel van de regio (of een bestand ermee), via een betrouwbare weg verkregen; zonder: de sleutel uit het bestand zelf")
	if err := parseFlags(fs, e.args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return withExit(2, errors.New("noem één bewijsbestand"))
	}
	data, err := os.ReadFile(fs.Arg(0))
	if err != nil {
		return withExit(2, err)
	}
	key := strings.TrimSpace(*vkey)
	if key != "" && !strings.Contains(key, "+") {
		b, err := os.ReadFile(key)
		if err != nil {
			return withExit(2, fmt.Errorf("--sleutel: geen sleutel en geen leesbaar bestand: %v", err))
		}
		key = strings.TrimSpace(string(b))
	}
	res, err := audit.CheckProofFile(data, key)
	if err != nil {
		return withExit(1, err)
	}
	fmt.Fprintf(e.stdout, "Het bewijs klopt: %d regel(s) zitten in het logboek dat %s ondertekende bij grootte %d (root %s, %s).\n",
		len(res.Entries), res.Checkpoint.Origin, res.Checkpoint.Size, audit.RootString(res.Checkpoint.Root), res.Checkpoint.Time.UTC().Format("2006-01-02 15:04:05 UTC"))
	if res.WithLeaf {
		r := res.Leaf.Entry.Record()
		fmt.Fprintf(e.stdout, "Regel %d: %s, actie %s, gegevens %s, doel %s, grondslag %s, uitkomst %s.\n", res.Leaf.Index,
			r.Time.UTC().Format("2006-01-02 15:04:05 UTC"), r.Action, strings.Join(r.Categories, ", "), r.Purpose, r.LegalGround, r.Outcome)
	}
	if res.KeyInFile {
		fmt.Fprintln(e.stdout, "Let op: de sleutel kwam uit het bestand zelf. Vergelijk hem met de sleutel die de regio publiceert (grondslag audit sleutel), of geef die op met --sleutel.")
	}
	return nil
}
