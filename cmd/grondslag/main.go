// Command grondslag is the single binary of Grondslag: the server, the demo region and the
// command-line tools of a region's privacy convenant. Every subcommand lives in its own file;
// this file only dispatches.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

// env is what a subcommand gets from the outside world: its arguments, standard streams and the
// process environment. Configuration is read from it once, in the subcommand, and passed down.
type env struct {
	args   []string
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	getenv func(string) string
}

// command is one subcommand: its name, a one-line Dutch summary for `grondslag help`, and run.
type command struct {
	name    string
	summary string
	run     func(ctx context.Context, e env) error
}

// exitError carries an explicit exit code (for example 2 for a malformed request) out of run.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

// withExit wraps err so that the process exits with code.
func withExit(code int, err error) error { return &exitError{code: code, err: err} }

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, env{args: os.Args[1:], stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr, getenv: os.Getenv})
	stop()
	os.Exit(code)
}

// run dispatches to the subcommand and turns its error into an exit code.
func run(ctx context.Context, e env) int {
	if len(e.args) == 0 {
		printHelp(e.stdout)
		return 2
	}
	name := e.args[0]
	for _, c := range commands() {
		if c.name != name {
			continue
		}
		sub := e
		sub.args = e.args[1:]
		err := c.run(ctx, sub)
		if err == nil {
			return 0
		}
		var ee *exitError
		if errors.As(err, &ee) {
			if ee.err != nil && ee.err.Error() != "" {
				fmt.Fprintln(e.stderr, "grondslag "+name+": "+ee.err.Error())
			}
			return ee.code
		}
		fmt.Fprintln(e.stderr, "grondslag "+name+": "+err.Error())
		return 1
	}
	fmt.Fprintf(e.stderr, "grondslag: onbekende opdracht %q; zie 'grondslag help'\n", name)
	return 2
}

func printHelp(w io.Writer) {
	fmt.Fprintln(w, "Grondslag: samenwerken rond thuiszitters, binnen het privacyconvenant van de regio.")
	fmt.Fprintln(w, "\nGebruik: grondslag <opdracht> [opties]\n\nOpdrachten:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-12s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nGebruik 'grondslag <opdracht> -h' voor de opties van een opdracht.")
}

// wrap adds what was being done to *err, kept for errors.Is and errors.As: one deferred line per
// function, `defer wrap(&err, "…")`, instead of a wrap at every return. nil stays nil, and an
// exit error (usage, flags: its message is for the user as it is) passes unchanged.
func wrap(err *error, what string) {
	if *err == nil {
		return
	}
	var ee *exitError
	if errors.As(*err, &ee) {
		return
	}
	*err = fmt.Errorf("%s: %w", what, *err)
}
