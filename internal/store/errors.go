package store

import "fmt"

// wrapErr adds what was being done to a non-nil error (kept comparable with errors.Is) and
// returns nil unchanged, for the returns that pass on a result and its error together.
func wrapErr(err error, what string) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("%s: %w", what, err)
}
