# Shared helpers of the fault scripts (bench/faults/*.sh); sourced, not run.
# Each script builds the binary, makes its own throwaway database, prints RESULT lines and
# cleans up after itself (trap).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
WORK=$(mktemp -d /tmp/grondslag-fout.XXXXXX)
PIDS=()
CLEANUPS=()
cleanup() {
	for p in "${PIDS[@]}"; do kill -9 "$p" 2>/dev/null || true; done
	for c in "${CLEANUPS[@]}"; do eval "$c" >/dev/null 2>&1 || true; done
	[ -n "${KEEP:-}" ] && echo "werkmap bewaard: $WORK" || rm -rf "$WORK"
}
trap cleanup EXIT

build() {
	(cd "$ROOT" && go build -o "$WORK/grondslag" ./cmd/grondslag && go build -o "$WORK/proxy" ./bench/multi/proxy && go build -o "$WORK/bevestigd" ./bench/faults/bevestigd)
}

# throwaway_pg: a PostgreSQL cluster of our own on a Unix socket (it will be restarted and
# filled; never the shared server). Sets PGDIR, PGSOCK, PGPORT, PGBASE (URL of db postgres).
throwaway_pg() {
	local bin=/usr/lib/postgresql/15/bin
	PGDIR=$(mktemp -d /tmp/grondslag-pg.XXXXXX); chmod 755 "$PGDIR"
	PGSOCK=$PGDIR; PGPORT=$((54000 + RANDOM % 900))
	local as=""; [ "$(id -u)" = 0 ] && { chown postgres:postgres "$PGDIR"; as="runuser -u postgres --"; }
	$as $bin/initdb -D "$PGDIR/data" -U postgres -A trust -E UTF8 --no-locale >"$WORK/initdb.log"
	PGCTL="$as $bin/pg_ctl -D $PGDIR/data -l $PGDIR/pg.log -w -o \"-c listen_addresses='' -k $PGSOCK -p $PGPORT -c max_connections=200\""
	eval "$PGCTL start" >/dev/null
	CLEANUPS+=("$as $bin/pg_ctl -D $PGDIR/data -m immediate stop; rm -rf $PGDIR")
	PGBASE="postgres://postgres@/postgres?host=$PGSOCK&port=$PGPORT"
}

pg_url() { echo "postgres://postgres@/$1?host=$PGSOCK&port=$PGPORT"; }

# demo_region DB N: a demo region of N pupils in DB (keys in $WORK/grondslag-demo-sleutels.json).
demo_region() {
	(cd "$WORK" && ./grondslag demo --db "$1" --leerlingen "$2" --peildatum "$(date -u +%F)" --alleen-aanmaken >demo.out)
}

# start_instance DB PORT: serve on 127.0.0.1:PORT; echoes the pid.
start_instance() {
	(cd "$WORK" && GRONDSLAG_DEMO=1 exec ./grondslag serve --db "$1" --sleutels grondslag-demo-sleutels.json --adres 127.0.0.1:$2 >>"serve-$2.out" 2>>"serve-$2.err") &
	echo $!
}

wait_ready() {
	for _ in $(seq 1 240); do curl -sf "http://127.0.0.1:$1/gereed" >/dev/null 2>&1 && return 0; sleep 0.25; done
	echo "instantie op poort $1 wordt niet gereed"; tail -5 "$WORK/serve-$1.err"; return 1
}

csrf() { grep -o 'name="csrf" value="[^"]*"' | head -1 | sed 's/.*value="//;s/"$//'; }

# login BASE: signs in as zorg1 (password + TOTP) and picks the purpose signalering; sets COOKIE
# and IDS (pupil ids visible to zorg1).
login() {
	local B=$1 J=$WORK/jar T
	rm -f "$J"
	T=$(curl -s -c $J -b $J $B/inloggen | csrf)
	curl -s -o /dev/null -c $J -b $J --data-urlencode "csrf=$T" -d "email=zorg1@demo.grondslag.test&wachtwoord=demo-wachtwoord-grondslag" $B/inloggen
	T=$(curl -s -c $J -b $J $B/inloggen/mfa | csrf)
	curl -s -o /dev/null -c $J -b $J --data-urlencode "csrf=$T" -d "code=$(cd "$WORK" && ./grondslag demo-code zorg1@demo.grondslag.test)" $B/inloggen/mfa
	T=$(curl -s -c $J -b $J $B/start | csrf)
	curl -s -o /dev/null -c $J -b $J --data-urlencode "csrf=$T" -d "doel=signalering" $B/doel
	COOKIE="gs_sessie=$(awk '$6=="gs_sessie"{print $7}' $J)"
	IDS=$(curl -s -b "$COOKIE" "$B/leerlingen" | grep -o 'href="/leerlingen/[A-Za-z0-9_-]\{22\}"' | cut -d/ -f3 | tr -d '"' | sort -u | tr '\n' ' ')
	[ -n "$IDS" ] || { echo "inloggen mislukt: geen leerlingen zichtbaar"; return 1; }
}

# load URL DURATION CONNS: wrk on the signed-in pupil page; prints wrk's RESULT line.
load() {
	IDS="$IDS" COOKIE="$COOKIE" wrk -t2 -c$3 -d$2 --latency -s "$ROOT/bench/faults/pages.lua" "$1" | grep RESULT
}

# probe_loop URL FILE: one pupil page every 50 ms until killed; one line per answer:
# "unix_ms status first-words-of-a-non-200-body" — what a user sees during the fault.
probe_loop() {
	local id=${IDS%% *}
	while true; do
		local out code
		out=$(curl -s -m 10 -w '\n%{http_code}' -b "$COOKIE" "$1/leerlingen/$id" 2>/dev/null || echo -e "\n000")
		code=${out##*$'\n'}
		if [ "$code" = 200 ]; then echo "$(date +%s%3N) 200" >>"$2"
		else echo "$(date +%s%3N) $code $(echo "$out" | grep -o '<h1[^>]*>[^<]*' | sed 's/<h1[^>]*>//' | head -1)" >>"$2"; fi
		sleep 0.05
	done
}

# log_errors FILE: the server's error lines by message and status (JSON logs).
log_errors() {
	grep '"level":"ERROR"' "$1" | grep -o '"status":[0-9]*\|"fout":"[^"]\{0,90\}' | paste -d' ' - - | sort | uniq -c | sort -rn | head -8 || true
}

# acknowledged DB: every pupil page answered 200 in the servers' logs has its audit entries
# (matched by trace id); prints a RESULT line.
acknowledged() {
	(cd "$WORK" && ./grondslag audit export --formaat bladen --db "$1" --sleutels grondslag-demo-sleutels.json --uitvoer bladen.jsonl && ./bevestigd -bladen bladen.jsonl serve-*.err) || true
}

audit_size_pg() { psql "$1" -Atc "SELECT coalesce(sum(grootte),0) FROM audit_kop"; }

# disk_full_trial BASE VOL SERVER_PID WHAT: the trial of schijf-vol.sh and pg-schijf-vol.sh. Load
# before, with VOL (the WHAT: schijf, tablespace) filled to the last byte, and after room is made
# without a restart, while a probe records what a user sees; then the server is stopped. Needs
# count() (the counts, with audit_regel=N), gereed() (/gereed's status) and login's IDS and
# COOKIE. Sets n500 (probe answers >= 500 other than 503), t_room and t_ready (ms).
disk_full_trial() {
	local B=$1 VOL=$2 S=$3 what=$4 ok_total=0 PROBE a0 a1 t_full probe_ok
	track() { local l; l=$(cat); echo "$1 $l"; ok_total=$((ok_total + $(echo "$l" | grep -o 'http200=[0-9]*' | cut -d= -f2 || echo 0))); }
	probe_loop $B "$WORK/probe.txt" & PROBE=$!; PIDS+=("$PROBE")
	a0=$(count | grep -o 'audit_regel=[0-9]*' | cut -d= -f2)
	track "voor:" < <(load $B 5s $CONNS)
	echo "== $what vullen tot de laatste byte"
	dd if=/dev/zero of="$VOL/vulling" bs=64k status=none 2>/dev/null || true
	echo "vrij: $(df -k "$VOL" | awk 'NR==2 {print $4}') kB"
	t_full=$(date +%s%3N)
	track "vol: " < <(load $B 10s $CONNS)
	echo "/gereed met volle schijf: HTTP $(gereed)"
	echo "== ruimte maken (vulling weg), zonder herstart"
	rm -f "$VOL/vulling"; t_room=$(date +%s%3N)
	for _ in $(seq 1 80); do [ "$(gereed)" = 200 ] && break; sleep 0.5; done
	t_ready=$(date +%s%3N)
	echo "/gereed weer 200 na $((t_ready - t_room)) ms"
	track "na:  " < <(load $B 5s $CONNS)
	kill $PROBE 2>/dev/null || true; wait $PROBE 2>/dev/null || true
	echo "== wat de proef zag tijdens de volle schijf (aantal, status, kop)"
	awk -v a=$t_full -v b=$t_room '$1>=a && $1<b {$1=""; print}' "$WORK/probe.txt" | sort | uniq -c
	n500=$(awk '$2>=500 && $2!=503' "$WORK/probe.txt" | wc -l)
	kill -TERM "$S"; while kill -0 "$S" 2>/dev/null; do sleep 0.1; done
	probe_ok=$(awk '$2==200' "$WORK/probe.txt" | wc -l)
	a1=$(count | grep -o 'audit_regel=[0-9]*' | cut -d= -f2)
	echo "== achteraf: $(count)"
	echo "wrk + proef: $((ok_total + probe_ok)) pagina's met 200; auditregels erbij: $((a1 - a0))"
}
