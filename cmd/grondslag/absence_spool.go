package main

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/grondslag/grondslag/internal/absence"
)

const spoolUsage = "verzuim spool --invoer BESTAND.csv --uit BESTAND.spool [--sla-fouten-over]"

// runVerzuimSpool writes the registration spool of a CSV file: read, validated and grouped per
// pupil once, so that 'verzuim signalen --invoer BESTAND.spool' evaluates without parsing.
func runVerzuimSpool(ctx context.Context, e env) error {
	fs := newFlagSet(e, "verzuim spool", spoolUsage)
	var input, output string
	var skip bool
	fs.StringVar(&input, "invoer", "", "verzuimregistraties (CSV met kopregel leerling,datum,uren,reden)")
	fs.StringVar(&output, "uit", "", "het spoolbestand dat geschreven wordt")
	fs.BoolVar(&skip, "sla-fouten-over", false, "schrijf de goede regels van een bestand met fouten (de foute worden gemeld)")
	if err := parseFlags(fs, e.args); err != nil {
		return err
	}
	if input == "" || output == "" || fs.NArg() > 0 {
		return withExit(2, fmt.Errorf("gebruik: grondslag %s", spoolUsage))
	}
	in, err := os.Open(input)
	if err != nil {
		return withExit(2, fmt.Errorf("invoer: %w", err))
	}
	defer in.Close()
	tmp := output + ".tmp"
	out, err := os.Create(tmp)
	if err != nil {
		return withExit(2, fmt.Errorf("uitvoer: %w", err))
	}
	res, err := absence.WriteSpool(ctx, in, out, absence.SpoolOptions{SkipErrors: skip, TempDir: e.getenv("TMPDIR")})
	if cerr := out.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("uitvoer: %w", cerr)
	}
	for _, le := range res.Errors {
		fmt.Fprintf(e.stderr, "%s: %s\n", input, le)
	}
	if res.ErrorCount > len(res.Errors) {
		fmt.Fprintf(e.stderr, "%s: en nog %d foute regels\n", input, res.ErrorCount-len(res.Errors))
	}
	if err != nil {
		os.Remove(tmp)
		if errors.Is(err, absence.ErrBadLines) {
			return withExit(1, fmt.Errorf("%s: %d foute regel(s); geen spool geschreven (gebruik --sla-fouten-over om de goede regels te schrijven)", input, res.ErrorCount))
		}
		if errors.Is(err, absence.ErrHeader) {
			return withExit(1, fmt.Errorf("%s: %w", input, err))
		}
		return err
	}
	if err := os.Rename(tmp, output); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("uitvoer: %w", err)
	}
	fmt.Fprintf(e.stdout, "%d registraties van %d leerlingen geschreven naar %s (%.1f MiB)\n", res.Rows, res.Pupils, output, float64(res.Bytes)/(1<<20))
	return nil
}
