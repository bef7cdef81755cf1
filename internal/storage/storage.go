// Package storage is the port between the domain and its storage: the errors every repository
// returns, as errors.Is targets, and the region a context's statements are limited to. It
// imports nothing of the module and no driver, so a web handler or a domain service can check a
// repository's answer without importing internal/store, and a fake can give the same answers.
//
// internal/store returns these sentinels (its ErrNotFound is ErrNotFound) and maps its drivers'
// errors to ErrFull and ErrUnavailable (store.Classify).
package storage

import (
	"context"
	"errors"
	"strconv"
)

var (
	// ErrNotFound: the row does not exist in the caller's region.
	ErrNotFound = errors.New("niet gevonden")
	// ErrInvalidInput marks input the storage refuses; the error's text says why, in Dutch.
	ErrInvalidInput = errors.New("ongeldige invoer")
	// ErrContentDestroyed: the pupil's data key was destroyed (crypto-shredding), so the sealed
	// content can no longer be read.
	ErrContentDestroyed = errors.New("de inhoud is vernietigd: de sleutel van deze leerling bestaat niet meer")
	// ErrFull: the database's disk is full. The write it belonged to was rolled back: nothing
	// was stored.
	ErrFull = errors.New("de schijf van de database is vol")
	// ErrUnavailable: the database cannot be reached or refuses work for a while (a restart, a
	// failover, a dropped connection, a read-only file). The statement did not commit; trying
	// again later is the remedy.
	ErrUnavailable = errors.New("de database is even niet bereikbaar")
)

// AllRegions is the scope of a context that may see every region (WithAllRegions).
const AllRegions = "*"

type regionKey struct{}

// WithRegion returns a context whose statements run limited to one region (on PostgreSQL by
// row-level security); the web server sets it once it knows whose request it serves.
func WithRegion(ctx context.Context, regionID int64) context.Context {
	return context.WithValue(ctx, regionKey{}, strconv.FormatInt(regionID, 10))
}

// WithAllRegions returns a context whose statements may see every region: for the few paths
// that must look across regions before they know which one (a login by e-mail address).
func WithAllRegions(ctx context.Context) context.Context {
	return context.WithValue(ctx, regionKey{}, AllRegions)
}

// Scope returns the region scope ctx carries: a region id in decimal, AllRegions, or ok false
// when the context names none.
func Scope(ctx context.Context) (scope string, ok bool) {
	scope, ok = ctx.Value(regionKey{}).(string)
	return scope, ok
}
