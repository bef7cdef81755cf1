//go:build !grondslag_bench_plaintext

package store

// sealingEnabled is true in every real build. The build tag grondslag_bench_plaintext (benchmarks
// only: bench/content/run.sh) turns content sealing off, to measure its cost against the same code.
const sealingEnabled = true
