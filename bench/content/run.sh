#!/usr/bin/env bash
# Benchmark: what sealing content with the pupils' keys costs (issue 17). Builds grondslag twice
# from the same tree — normally and with the build tag grondslag_bench_plaintext (content stored in
# clear; never ship it) — and, alternating the two so that machine noise hits both alike:
#   1. times `grondslag demo --alleen-aanmaken` (the demo build, 5,000 pupils) ROUNDS times each;
#   2. runs the store benchmark BenchmarkCaseContent (write minutes; read a case's 20 minutes);
#   3. runs bench/web/run.sh (pupil page and API, wrk) with each binary.
#   bash bench/content/run.sh [ROUNDS] [WRK-DUUR]     (defaults 3, 10s)
set -euo pipefail
cd "$(dirname "$0")/../.."
ROUNDS=${1:-3}
DUR=${2:-10s}
W=$(mktemp -d /tmp/grondslag-bench-content.XXXXXX)
go build -o "$W/sealed" ./cmd/grondslag
go build -tags grondslag_bench_plaintext -o "$W/plain" ./cmd/grondslag
echo "== demo build (seconds), alternating"
for i in $(seq 1 "$ROUNDS"); do
	for v in sealed plain; do
		d=$(mktemp -d "$W/demo.XXXX")
		s=$(date +%s.%N)
		(cd "$d" && "$W/$v" demo --alleen-aanmaken >/dev/null 2>&1)
		e=$(date +%s.%N)
		echo "$v $(echo "$e - $s" | bc)"
		rm -rf "$d"
	done
done
echo "== store: BenchmarkCaseContent, alternating"
for i in $(seq 1 "$ROUNDS"); do
	for v in sealed plain; do
		tag=""; [ $v = plain ] && tag="-tags grondslag_bench_plaintext"
		go test $tag -run '^$' -bench BenchmarkCaseContent -benchtime 1s -count 1 ./internal/store/ | grep ^Benchmark | sed "s/^/$v /"
	done
done
echo "== web (wrk): pupil page and API"
for v in sealed plain; do
	echo "-- $v"
	GRONDSLAG_BIN="$W/$v" bash bench/web/run.sh "$DUR" 32
done
