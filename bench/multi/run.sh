#!/usr/bin/env bash
# Several instances on one PostgreSQL database (issue 19): authenticated pupil pages (HTML: the API
# has a per-client rate limit) through one port with
# one instance and with two, then kill -9 of one instance under load (no acknowledged request lost,
# the audit log verifies).
#   bash bench/multi/run.sh [DUUR] [VERBINDINGEN]      (defaults 15s, 32)
#   PG=postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable (server to make a throwaway db on)
# Needs wrk, curl, psql. Prints RESULT lines; figures go in docs/performance.md.
set -euo pipefail
cd "$(dirname "$0")/../.."
DUR=${1:-15s}
CONNS=${2:-32}
PG=${PG:-postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable}
ROOT=$PWD
WORK=$(mktemp -d /tmp/grondslag-multi.XXXXXX)
DBNAME=grondslag_multi_$$
DB=$(echo "$PG" | sed "s#/postgres?#/$DBNAME?#")
go build -o "$WORK/grondslag" ./cmd/grondslag
go build -o "$WORK/proxy" ./bench/multi/proxy
psql "$PG" -qc "CREATE DATABASE $DBNAME"
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill -9 "$p" 2>/dev/null || true; done; psql "$PG" -qc "DROP DATABASE IF EXISTS $DBNAME WITH (FORCE)" >/dev/null 2>&1 || true; }
trap cleanup EXIT
cd "$WORK"
./grondslag demo --db "$DB" --leerlingen 2000 --peildatum "$(date -u +%F)" --alleen-aanmaken >demo.out
P1=$((20000 + RANDOM % 10000)); P2=$((P1 + 1)); LB=$((P1 + 2))
start() { GRONDSLAG_DEMO=1 ./grondslag serve --db "$DB" --sleutels grondslag-demo-sleutels.json --adres 127.0.0.1:$1 >"serve-$1.out" 2>"serve-$1.err" & echo $!; }
wait_up() { for i in $(seq 1 120); do curl -sf "http://127.0.0.1:$1/gereed" >/dev/null 2>&1 && return 0; sleep 0.5; done; echo "instantie $1 start niet"; cat "serve-$1.err"; exit 1; }
S1=$(start $P1); PIDS+=("$S1"); wait_up $P1
S2=$(start $P2); PIDS+=("$S2"); wait_up $P2
B=http://127.0.0.1:$P1
csrf() { grep -o 'name="csrf" value="[^"]*"' | head -1 | sed 's/.*value="//;s/"$//'; }
J=$WORK/jar
T=$(curl -s -c $J -b $J $B/inloggen | csrf)
curl -s -o /dev/null -c $J -b $J --data-urlencode "csrf=$T" -d "email=zorg1@demo.grondslag.test&wachtwoord=demo-wachtwoord-grondslag" $B/inloggen
T=$(curl -s -c $J -b $J $B/inloggen/mfa | csrf)
curl -s -o /dev/null -c $J -b $J --data-urlencode "csrf=$T" -d "code=$(./grondslag demo-code zorg1@demo.grondslag.test)" $B/inloggen/mfa
T=$(curl -s -c $J -b $J $B/start | csrf)
curl -s -o /dev/null -c $J -b $J --data-urlencode "csrf=$T" -d "doel=signalering" $B/doel
COOKIE="gs_sessie=$(awk '$6=="gs_sessie"{print $7}' $J)"
IDS=$(curl -s -b "$COOKIE" "http://127.0.0.1:$P2/leerlingen" | grep -o 'href="/leerlingen/[A-Za-z0-9_-]\{22\}"' | cut -d/ -f3 | tr -d '"' | sort -u | tr '\n' ' ')
N=$(echo $IDS | wc -w)
[ "$N" -gt 0 ] || { echo "geen leerlingen zichtbaar via instantie 2: gedeelde sessie of inloggen mislukt"; exit 1; }
echo "sessie van instantie 1 werkt op instantie 2 (gedeelde sessies); $N leerlingen; $CONNS verbindingen, $DUR"
probe() { curl -s -o /dev/null -w "%{http_code}" -b "$COOKIE" "http://127.0.0.1:$LB/leerlingen/$(echo $IDS | cut -d" " -f1)"; }
load() { IDS="$IDS" COOKIE="$COOKIE" PAD=/leerlingen/ wrk -t2 -c$CONNS -d$1 --latency -s "$ROOT/bench/web/pupil.lua" http://127.0.0.1:$LB | grep RESULT; }
audit_size() { psql "$DB" -Atc "SELECT coalesce(sum(grootte),0) FROM audit_kop"; }

./proxy -adres 127.0.0.1:$LB -doelen http://127.0.0.1:$P1 & PIDS+=("$!"); sleep 0.5
echo "proef via de balancer: HTTP $(probe)"
echo "== één instantie achter de balancer"; load $DUR
kill "${PIDS[-1]}"; sleep 0.3
./proxy -adres 127.0.0.1:$LB -doelen http://127.0.0.1:$P1,http://127.0.0.1:$P2 & PIDS+=("$!"); sleep 0.5
echo "== twee instanties achter de balancer"; load $DUR

echo "== kill -9 van instantie 2 halverwege de belasting"
before=$(audit_size)
( sleep 5; kill -9 "$S2"; echo "instantie 2 (pid $S2) gedood met kill -9" ) &
OUT=$(load $DUR); echo "$OUT"
after=$(audit_size)
ok=$(echo "$OUT" | sed 's/.*requests=\([0-9]*\) non2xx_or_errors=\([0-9]*\).*/\1 \2/')
set -- $ok
echo "RESULT kill9 antwoorden=$1 fouten=$2 auditregels_erbij=$((after - before))"
echo "== audit verify na kill -9"
./grondslag audit verify --db "$DB" --sleutels grondslag-demo-sleutels.json | head -3
