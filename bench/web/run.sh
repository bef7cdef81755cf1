#!/usr/bin/env bash
# Benchmark: authenticated pupil-page reads (relation check, policy per category, audit records
# through the group-committing batcher), HTML page measured, API probed.
#   bash bench/web/run.sh [DUUR] [VERBINDINGEN]     (defaults 20s, 32): `grondslag demo` on SQLite
#   PG=postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable bash bench/web/run.sh [DUUR] [VERB.]
#       PostgreSQL: a throwaway database made by the owner (demo --alleen-aanmaken), `migrate
#       --app-rol` for a throwaway application role, and two `grondslag serve` instances that
#       connect as that role (row-level security per region on) behind bench/multi/proxy; measured
#       with one instance and with two behind the one port.
#   GRONDSLAG_BIN=/pad/grondslag bash bench/web/run.sh   (a binary built before)
# Needs wrk (apt-get install -y wrk), curl, and psql for PostgreSQL. Prints RESULT lines with req/s
# and p50/p90/p99. Pupils are addressed by their public ids (22 characters), read from the API.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
DUR=${1:-20s}
CONNS=${2:-32}
WORK=$(mktemp -d /tmp/grondslag-bench-web.XXXXXX)
P1=$((20000 + RANDOM % 20000)); P2=$((P1 + 1)); LB=$((P1 + 2))
if [ -n "${GRONDSLAG_BIN:-}" ]; then cp "$GRONDSLAG_BIN" "$WORK/grondslag"; else go build -o "$WORK/grondslag" ./cmd/grondslag; fi
if [ -n "${PG:-}" ]; then go build -o "$WORK/proxy" ./bench/multi/proxy; fi
PIDS=()
DBNAME=""
ROLE=""
cleanup() {
	for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
	for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
	if [ -n "$DBNAME" ]; then
		psql "$PG" -qc "DROP DATABASE IF EXISTS $DBNAME WITH (FORCE)" >/dev/null 2>&1 || true
		psql "$PG" -qc "DROP ROLE IF EXISTS $ROLE" >/dev/null 2>&1 || true
	fi
}
trap cleanup EXIT
wait_up() { for i in $(seq 1 240); do curl -sf "http://127.0.0.1:$1/gereed" >/dev/null 2>&1 && return 0; sleep 0.5; done; echo "instantie $1 start niet"; cat "$WORK"/*.err; exit 1; }
cd "$WORK"
if [ -z "${PG:-}" ]; then
	./grondslag demo --peildatum "$(date -u +%F)" --adres 127.0.0.1:$P1 >demo.out 2>demo.err &
	PIDS+=("$!")
	wait_up $P1
	B=http://127.0.0.1:$P1
else
	DBNAME=grondslag_web_$$
	ROLE=grondslag_app_web_$$
	DB=$(echo "$PG" | sed "s#/postgres?#/$DBNAME?#")
	APPDB=$(echo "$DB" | sed "s#://[^@]*@#://$ROLE@#")
	psql "$PG" -qc "CREATE DATABASE $DBNAME"
	./grondslag demo --db "$DB" --leerlingen "${LEERLINGEN:-2000}" --peildatum "$(date -u +%F)" --alleen-aanmaken >demo.out
	./grondslag migrate --db "$DB" --app-rol "$ROLE" >migrate.out
	start() { GRONDSLAG_DEMO=1 ./grondslag serve --db "$APPDB" --sleutels grondslag-demo-sleutels.json --adres 127.0.0.1:$1 >"serve-$1.out" 2>"serve-$1.err" & PIDS+=("$!"); }
	start $P1; wait_up $P1
	start $P2; wait_up $P2
	./proxy -adres 127.0.0.1:$LB -doelen http://127.0.0.1:$P1 & PROXY=$!; PIDS+=("$PROXY"); sleep 0.5
	B=http://127.0.0.1:$LB
fi
csrf() { grep -o 'name="csrf" value="[^"]*"' | head -1 | sed 's/.*value="//;s/"$//'; }
J=$WORK/jar
T=$(curl -s -c $J -b $J $B/inloggen | csrf)
curl -s -o /dev/null -c $J -b $J --data-urlencode "csrf=$T" -d "email=zorg1@demo.grondslag.test&wachtwoord=demo-wachtwoord-grondslag" $B/inloggen
T=$(curl -s -c $J -b $J $B/inloggen/mfa | csrf)
curl -s -o /dev/null -c $J -b $J --data-urlencode "csrf=$T" -d "code=$(./grondslag demo-code zorg1@demo.grondslag.test)" $B/inloggen/mfa
T=$(curl -s -c $J -b $J $B/start | csrf)
curl -s -o /dev/null -c $J -b $J --data-urlencode "csrf=$T" -d "doel=signalering" $B/doel
COOKIE="gs_sessie=$(awk '$6=="gs_sessie"{print $7}' $J)"
# Pupils are addressed by their public ids (22 characters), in the HTML pages and the API alike.
IDS=$(curl -s -b "$COOKIE" "$B/leerlingen" | grep -o 'href="/leerlingen/[A-Za-z0-9_-]\{22\}"' | cut -d/ -f3 | tr -d '"' | sort -u | tr '\n' ' ')
APIIDS=$(curl -s -b "$COOKIE" "$B/api/v1/leerlingen?doel=signalering&perPagina=100" | grep -o '"id":"[A-Za-z0-9_-]\{22\}"' | cut -d'"' -f4 | tr '\n' ' ')
N=$(echo $IDS | wc -w)
[ "$N" -gt 0 ] && [ -n "$APIIDS" ] || { echo "geen leerlingen zichtbaar: inloggen mislukt?"; cat "$WORK"/*.err; exit 1; }
echo "ingelogd als zorg1 (zorgcoordinator), $N leerlingen, doel signalering; $CONNS verbindingen, $DUR"
# The API allows 600 requests a minute per caller (internal/web/ratelimit.go): with one session
# it cannot be loaded, so it is probed (public ids answer 200), not measured.
api_probe() { # $1 base URL
	ok=0; n=0
	for id in $(echo $APIIDS | cut -d' ' -f1-10); do
		n=$((n + 1))
		[ "$(curl -s -o /dev/null -w "%{http_code}" -b "$COOKIE" "$1/api/v1/leerlingen/$id?doel=signalering")" = 200 ] && ok=$((ok + 1))
	done
	echo "API: GET /api/v1/leerlingen/{publiek id}: $ok van $n antwoorden 200"
	[ "$ok" = "$n" ] || exit 1
}
bench() { # $1 label, $2 base URL
	echo "== $1 HTML: GET /leerlingen/{id}"
	IDS="$IDS" COOKIE="$COOKIE" PAD=/leerlingen/ wrk -t2 -c$CONNS -d$DUR --latency -s "$ROOT/bench/web/pupil.lua" $2 | grep -E 'RESULT|Non-2xx|Socket'
}
api_probe $B
if [ -z "${PG:-}" ]; then
	bench sqlite $B
	exit 0
fi
# The session made on the balancer (instance 1) must work on instance 2 (sessions in the database).
code=$(curl -s -o /dev/null -w "%{http_code}" -b "$COOKIE" "http://127.0.0.1:$P2/leerlingen/$(echo $IDS | cut -d' ' -f1)")
echo "zelfde sessie op instantie 2: HTTP $code"
[ "$code" = 200 ] || { echo "instantie 2 kent de sessie niet"; exit 1; }
bench "één instantie (als $ROLE)" $B
kill $PROXY; wait $PROXY 2>/dev/null || true; sleep 0.3
./proxy -adres 127.0.0.1:$LB -doelen http://127.0.0.1:$P1,http://127.0.0.1:$P2 & PIDS+=("$!"); sleep 0.5
bench "twee instanties (als $ROLE)" $B
echo "== audit verify"
./grondslag audit verify --db "$DB" --sleutels grondslag-demo-sleutels.json >verify.out; sed -n 1,3p verify.out
