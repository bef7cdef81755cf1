#!/usr/bin/env bash
# PostgreSQL restarts while Grondslag serves under load (issue 19): clean errors (503 with a Dutch
# message, never a 500), recovery without a manual step, no acknowledged page without its audit
# entries, and the audit log verifies afterwards. Uses a PostgreSQL cluster of its own (initdb on
# a Unix socket), so the shared server is never restarted.
#   bash bench/faults/pg-herstart.sh [DUUR_S] [VERBINDINGEN] [LEERLINGEN]   (defaults 30 16 500)
# Needs: /usr/lib/postgresql/15/bin, wrk, curl, psql. Prints RESULT lines.
source "$(dirname "$0")/lib.sh"
DUR=${1:-30}; CONNS=${2:-16}; N=${3:-500}
build
throwaway_pg
psql "$PGBASE" -qc "CREATE DATABASE fout"
DB=$(pg_url fout)
demo_region "$DB" "$N"
P=$((20000 + RANDOM % 10000))
S=$(start_instance "$DB" $P); PIDS+=("$S"); wait_ready $P
B=http://127.0.0.1:$P
login $B
id=${IDS%% *}
a0=$(audit_size_pg "$DB"); curl -s -o /dev/null -b "$COOKIE" $B/leerlingen/$id; PER=$(( $(audit_size_pg "$DB") - a0 ))
echo "auditregels per leerlingpagina: $PER; $CONNS verbindingen, ${DUR}s, herstart na $((DUR / 3))s"

before=$(audit_size_pg "$DB")
probe_loop $B "$WORK/probe.txt" & PROBE=$!; PIDS+=("$PROBE")
(
	sleep $((DUR / 3))
	t0=$(date +%s%3N); eval "$PGCTL -m fast restart" >/dev/null; t1=$(date +%s%3N)
	echo "$t0 $t1" >"$WORK/restart.txt"
) &
RESTARTER=$!
OUT=$(load $B ${DUR}s $CONNS); echo "$OUT"
wait $RESTARTER
kill $PROBE 2>/dev/null || true; wait $PROBE 2>/dev/null || true
after=$(audit_size_pg "$DB")
read t0 t1 <"$WORK/restart.txt"
reqs=$(echo "$OUT" | sed 's/.*requests=\([0-9]*\).*/\1/'); errs=$(echo "$OUT" | sed 's/.*non2xx_or_errors=\([0-9]*\).*/\1/')
probe_ok=$(awk '$2==200' "$WORK/probe.txt" | wc -l)
acked=$((reqs - errs + probe_ok))
first_ok=$(awk -v t=$t1 '$1>=t && $2==200 {print $1; exit}' "$WORK/probe.txt")
echo "== wat de proef zag (status en kop van elk niet-200-antwoord)"
awk '$2!=200 {$1=""; print}' "$WORK/probe.txt" | sort | uniq -c
n500=$(awk '$2>=500 && $2!=503' "$WORK/probe.txt" | wc -l)
echo "RESULT pg_herstart_ms=$((t1 - t0)) eerste_200_na_herstart_ms=$(( ${first_ok:-0} - t1 )) wrk_verzoeken=$reqs wrk_fouten=$errs proef_antwoorden=$(wc -l <"$WORK/probe.txt") proef_niet_503_fouten=$n500"
echo "wrk + proef: $acked pagina's met 200; auditregels erbij: $((after - before))"
acknowledged "$DB"
echo "== /gereed na de herstart: HTTP $(curl -s -o /dev/null -w '%{http_code}' $B/gereed)"
echo "== audit verify"
(cd "$WORK" && ./grondslag audit verify --db "$DB" --sleutels grondslag-demo-sleutels.json | head -2)
echo "== foutregels in de serverlog (aantal, bericht, status)"
log_errors "$WORK/serve-$P.err"
