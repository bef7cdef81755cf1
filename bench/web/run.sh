#!/usr/bin/env bash
# Benchmark: authenticated pupil-page reads (relation check, policy per category, audit records
# through the group-committing batcher) against `grondslag demo` on SQLite.
#   bash bench/web/run.sh [DUUR] [VERBINDINGEN]     (defaults 20s, 32)
#   GRONDSLAG_BIN=/pad/grondslag bash bench/web/run.sh   (a binary built before)
# Needs wrk (apt-get install -y wrk) and curl. Prints req/s and p50/p90/p99 for the HTML page and
# the API.
set -euo pipefail
cd "$(dirname "$0")/../.."
DUR=${1:-20s}
CONNS=${2:-32}
WORK=$(mktemp -d /tmp/grondslag-bench-web.XXXXXX)
PORT=$((20000 + RANDOM % 20000))
B=http://127.0.0.1:$PORT
if [ -n "${GRONDSLAG_BIN:-}" ]; then cp "$GRONDSLAG_BIN" "$WORK/grondslag"; else go build -o "$WORK/grondslag" ./cmd/grondslag; fi
cd "$WORK"
./grondslag demo --peildatum "$(date -u +%F)" --adres 127.0.0.1:$PORT >demo.out 2>demo.err &
PID=$!
trap 'kill $PID 2>/dev/null || true; wait $PID 2>/dev/null || true' EXIT
for i in $(seq 1 120); do curl -sf $B/healthz >/dev/null 2>&1 && break; sleep 0.5; done
csrf() { grep -o 'name="csrf" value="[^"]*"' | head -1 | sed 's/.*value="//;s/"$//'; }
J=$WORK/jar
T=$(curl -s -c $J -b $J $B/inloggen | csrf)
curl -s -o /dev/null -c $J -b $J --data-urlencode "csrf=$T" -d "email=zorg1@demo.grondslag.test&wachtwoord=demo-wachtwoord-grondslag" $B/inloggen
T=$(curl -s -c $J -b $J $B/inloggen/mfa | csrf)
curl -s -o /dev/null -c $J -b $J --data-urlencode "csrf=$T" -d "code=$(./grondslag demo-code zorg1@demo.grondslag.test)" $B/inloggen/mfa
T=$(curl -s -c $J -b $J $B/start | csrf)
curl -s -o /dev/null -c $J -b $J --data-urlencode "csrf=$T" -d "doel=signalering" $B/doel
COOKIE="gs_sessie=$(awk '$6=="gs_sessie"{print $7}' $J)"
IDS=$(curl -s -b "$COOKIE" "$B/api/v1/leerlingen?doel=signalering&perPagina=100" | grep -o '"id":[0-9]*' | cut -d: -f2 | tr '\n' ' ')
N=$(echo $IDS | wc -w)
[ "$N" -gt 0 ] || { echo "geen leerlingen zichtbaar: inloggen mislukt?"; cat demo.err; exit 1; }
echo "ingelogd als zorg1 (zorgcoordinator), $N leerlingen, doel signalering; $CONNS verbindingen, $DUR"
echo "== HTML: GET /leerlingen/{id}"
IDS="$IDS" COOKIE="$COOKIE" PAD=/leerlingen/ wrk -t2 -c$CONNS -d$DUR --latency -s "$OLDPWD/bench/web/pupil.lua" $B | grep -E 'RESULT|Non-2xx|Socket'
echo "== API: GET /api/v1/leerlingen/{id}?doel=signalering"
IDS="$IDS" COOKIE="$COOKIE" PAD=/api/v1/leerlingen/ SUFFIX="?doel=signalering" wrk -t2 -c$CONNS -d$DUR --latency -s "$OLDPWD/bench/web/pupil.lua" $B | grep -E 'RESULT|Non-2xx|Socket'
