//go:build grondslag_bench_plaintext

package store

// sealingEnabled is false only in the benchmark build (tag grondslag_bench_plaintext): content is
// stored in clear, to measure what sealing costs. Never ship this build.
const sealingEnabled = false
