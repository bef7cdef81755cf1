//go:build race

package monitor

// raceOn: the race detector slows the exact attacker tenfold; it then tries fewer regions.
const raceOn = true
