#!/usr/bin/env bash
# Benchmark: what sealing content with the pupils' keys costs (issue 17: < 10 % on the web's p99
# and on the demo build). Builds grondslag twice from the same tree — normally ("sealed") and with
# the build tag grondslag_bench_plaintext ("plain": content stored in clear; never ship it) — and
# measures the two PAIRED, alternating within each round so that machine noise hits both alike:
#   1. the demo build (`grondslag demo --alleen-aanmaken`, 5,000 pupils): wall time and CPU time
#      (user + sys, which load on a shared machine disturbs less than wall time);
#   2. the web (wrk, DUUR per run), both servers running the same demo: the case page
#      GET /casussen/{id} signed in as the SWV consulent (a participant in every case: it opens the
#      sealed participants, phase notes, minutes and agreements) with CASUSVERB connections — few,
#      because every case view commits its audit entries durably and 32 connections only measure
#      that queue (and time out) —, and the pupil page GET /leerlingen/{id} signed in as zorg1 with
#      VERBINDINGEN connections (the issue-7 page; it reads no sealed content).
#   3. in process, without network or load generator: BenchmarkCasePage (internal/web: the case
#      page with 10 sealed minutes and 5 agreements) paired, with its allocations, and a CPU profile
#      of the sealed build: the share of the page's CPU spent opening content (DB.OpenBytesForPupil:
#      key from the cache or the vault, AES-GCM) — a share, so load on the machine hardly moves it.
# Prints every pair, then per measure the median of each variant, the ratio of the medians and the
# median of the per-round ratios (sealed / plain).
#   bash bench/content/run.sh [RONDES] [DUUR] [VERBINDINGEN] [CASUSVERB]     (defaults 5, 10s, 32, 4)
# Needs wrk (apt-get install -y wrk), curl, GNU time (/usr/bin/time).
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
ROUNDS=${1:-5}
DUR=${2:-10s}
CONNS=${3:-32}
CASE_CONNS=${4:-4}
W=$(mktemp -d /tmp/grondslag-bench-content.XXXXXX)
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done; rm -rf "$W"; }
trap cleanup EXIT
go build -o "$W/sealed" ./cmd/grondslag
go build -tags grondslag_bench_plaintext -o "$W/plain" ./cmd/grondslag
go test -c -o "$W/web-sealed.test" ./internal/web/
go test -c -tags grondslag_bench_plaintext -o "$W/web-plain.test" ./internal/web/
DAY=$(date -u +%F)
RES=$W/results.txt
: >"$RES"

echo "== demo build (5.000 leerlingen), alternating; wall and CPU seconds"
for i in $(seq 1 "$ROUNDS"); do
	for v in sealed plain; do
		d=$(mktemp -d "$W/demo.XXXX")
		(cd "$d" && /usr/bin/time -f "%e %U %S" -o "$d/time" "$W/$v" demo --alleen-aanmaken --peildatum "$DAY" >/dev/null 2>&1)
		read -r wall user sys <"$d/time"
		cpu=$(echo "$user + $sys" | bc)
		echo "round $i $v wall ${wall}s cpu ${cpu}s"
		echo "demo-wall $i $v $wall" >>"$RES"
		echo "demo-cpu $i $v $cpu" >>"$RES"
		rm -rf "$d"
	done
done

echo "== web: both servers on the same demo (peildatum $DAY)"
csrf() { grep -o 'name="csrf" value="[^"]*"' | head -1 | sed 's/.*value="//;s/"$//'; }
declare -A BASE SPID
start() { # variant
	local v=$1 port=$((20000 + RANDOM % 20000)) d="$W/web-$1"
	mkdir -p "$d"
	(cd "$d" && exec "$W/$v" demo --peildatum "$DAY" --adres 127.0.0.1:$port >demo.out 2>demo.err) &
	PIDS+=($!)
	SPID[$v]=$!
	BASE[$v]=http://127.0.0.1:$port
	for _ in $(seq 1 240); do curl -sf "${BASE[$v]}/healthz" >/dev/null 2>&1 && return 0; sleep 0.5; done
	echo "server $v start niet"; cat "$d/demo.err"; exit 1
}
login() { # variant email purpose -> cookie header
	local v=$1 email=$2 purpose=$3 B=${BASE[$1]} J="$W/jar-$1-$2" T
	T=$(curl -s -c "$J" -b "$J" "$B/inloggen" | csrf)
	curl -s -o /dev/null -c "$J" -b "$J" --data-urlencode "csrf=$T" -d "email=$email&wachtwoord=demo-wachtwoord-grondslag" "$B/inloggen"
	T=$(curl -s -c "$J" -b "$J" "$B/inloggen/mfa" | csrf)
	curl -s -o /dev/null -c "$J" -b "$J" --data-urlencode "csrf=$T" -d "code=$(cd "$W/web-$v" && "$W/$v" demo-code "$email")" "$B/inloggen/mfa"
	T=$(curl -s -c "$J" -b "$J" "$B/start" | csrf)
	curl -s -o /dev/null -c "$J" -b "$J" --data-urlencode "csrf=$T" -d "doel=$purpose" "$B/doel"
	echo "gs_sessie=$(awk '$6=="gs_sessie"{print $7}' "$J")"
}
declare -A CASE_COOKIE PUPIL_COOKIE CASES PUPILS
for v in sealed plain; do
	start "$v"
	CASE_COOKIE[$v]=$(login "$v" swv@demo.grondslag.test toeleiding)
	PUPIL_COOKIE[$v]=$(login "$v" zorg1@demo.grondslag.test signalering)
	CASES[$v]=$(curl -s -b "${CASE_COOKIE[$v]}" "${BASE[$v]}/casussen" | grep -o 'href="/casussen/[0-9A-Za-z-]*"' | grep -v nieuw | sed 's|.*/||;s|"||' | sort -u | tr '\n' ' ')
	PUPILS[$v]=$(curl -s -b "${PUPIL_COOKIE[$v]}" "${BASE[$v]}/leerlingen" | grep -o 'href="/leerlingen/[A-Za-z0-9_-]\{22\}"' | sed 's|.*/||;s|"||' | sort -u | head -100 | tr '\n' ' ')
	nc=$(echo ${CASES[$v]} | wc -w)
	np=$(echo ${PUPILS[$v]} | wc -w)
	[ "$nc" -gt 0 ] && [ "$np" -gt 0 ] || { echo "$v: geen casussen ($nc) of leerlingen ($np) zichtbaar"; exit 1; }
	echo "$v: ${BASE[$v]}, $nc casussen (swv), $np leerlingen (zorg1)"
	# The case page must show the minutes in clear (the sealed content is opened, not skipped).
	first=$(echo ${CASES[$v]} | awk '{print $1}')
	page=$(curl -s -b "${CASE_COOKIE[$v]}" "${BASE[$v]}/casussen/$first")
	case "$page" in *"De leerling wil terug naar school"*) ;; *) echo "$v: casuspagina $first toont het verslag niet"; exit 1 ;; esac
done
cputicks() { awk '{print $14 + $15}' "/proc/$1/stat"; } # utime + stime of a process, in clock ticks
TCK=$(getconf CLK_TCK)
wrkrun() { # variant path ids cookie connections -> RESULT line plus cpu_ms_per_req: the server's own
	# CPU time (user + sys, from /proc) during the run divided by the requests served — the cost per
	# request, which load from other processes on the machine moves far less than latency does.
	local c0 c1 r n
	c0=$(cputicks "${SPID[$1]}")
	r=$(IDS="$3" COOKIE="$4" PAD="$2" wrk -t2 -c"$5" -d"$DUR" --latency -s "$ROOT/bench/web/pupil.lua" "${BASE[$1]}" | grep RESULT)
	c1=$(cputicks "${SPID[$1]}")
	n=$(echo "$r" | sed 's/.*requests=\([0-9]*\).*/\1/')
	echo "$r cpu_ms_per_req=$(echo "scale=3; ($c1 - $c0) * 1000 / $TCK / ($n + 0.0001)" | bc)"
}
for i in $(seq 1 "$ROUNDS"); do
	for v in sealed plain; do
		r=$(wrkrun "$v" /casussen/ "${CASES[$v]}" "${CASE_COOKIE[$v]}" "$CASE_CONNS")
		echo "round $i $v casuspagina $r"
		echo "case-p99 $i $v $(echo "$r" | sed 's/.*p99_ms=\([0-9.]*\).*/\1/')" >>"$RES"
		echo "case-req $i $v $(echo "$r" | sed 's/.*req_s=\([0-9.]*\).*/\1/')" >>"$RES"
		echo "case-cpu $i $v $(echo "$r" | sed 's/.*cpu_ms_per_req=\([0-9.]*\).*/\1/')" >>"$RES"
		r=$(wrkrun "$v" /leerlingen/ "${PUPILS[$v]}" "${PUPIL_COOKIE[$v]}" "$CONNS")
		echo "round $i $v leerlingpagina $r"
		echo "pupil-p99 $i $v $(echo "$r" | sed 's/.*p99_ms=\([0-9.]*\).*/\1/')" >>"$RES"
		echo "pupil-cpu $i $v $(echo "$r" | sed 's/.*cpu_ms_per_req=\([0-9.]*\).*/\1/')" >>"$RES"
	done
done

echo "== in process: BenchmarkCasePage, alternating"
for i in $(seq 1 "$ROUNDS"); do
	for v in sealed plain; do
		r=$(cd internal/web && "$W/web-$v.test" -test.run '^$' -test.bench CasePage -test.benchtime 2s -test.count 1 | grep ^BenchmarkCasePage)
		echo "round $i $v $r"
		set -- $r
		echo "page-ns $i $v $3" >>"$RES"
		echo "page-bytes $i $v $5" >>"$RES"
		echo "page-allocs $i $v $7" >>"$RES"
	done
done
(cd internal/web && "$W/web-sealed.test" -test.run '^$' -test.bench CasePage -test.benchtime 4s -test.count 1 -test.cpuprofile "$W/case.prof" >/dev/null)
go tool pprof -top -cum -nodefraction=0 -unit=ms "$W/web-sealed.test" "$W/case.prof" 2>/dev/null | awk '
	/web.\(\*Server\).ServeHTTP$/ { page = $4 + 0 }
	/store.\(\*DB\).OpenBytesForPupil$/ { open = $4 + 0 }
	/store.\(\*CaseStore\).caseOpener$/ { cas = $4 + 0 }
	END { if (page == 0) page = 1; printf "RESULT profile  page CPU %d ms, opening content (OpenBytesForPupil) %d ms = %.1f %%, caseOpener in all %d ms = %.1f %%\n", page, open, 100 * open / page, cas, 100 * cas / page }'

echo "== summary (sealed / plain; medians of $ROUNDS paired rounds)"
for m in demo-wall demo-cpu case-p99 case-req case-cpu pupil-p99 pupil-cpu page-ns page-bytes page-allocs; do
	awk -v m="$m" '
		function median(a, n,   i, j, t) { for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
			return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2 }
		$1 == m { v[$2, $3] = $4; if ($2 > n) n = $2 }
		END {
			for (i = 1; i <= n; i++) { s[i] = v[i, "sealed"]; p[i] = v[i, "plain"]; r[i] = v[i, "sealed"] / v[i, "plain"] }
			ms = median(s, n); mp = median(p, n)
			printf "RESULT %-9s sealed %8.2f  plain %8.2f  ratio-of-medians %.3f  median-paired-ratio %.3f\n", m, ms, mp, ms / mp, median(r, n)
		}' "$RES"
done
