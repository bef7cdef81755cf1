#!/usr/bin/env bash
# Rolling restart of two instances on one PostgreSQL database under load (issue 19): each instance
# in turn gets SIGTERM (graceful: it stops accepting, finishes what it started, flushes the audit
# batcher), is started again and waits for /gereed, while the balancer (bench/multi/proxy: round
# robin, a GET whose instance does not answer goes to the other one) keeps sending pupil pages.
# Expect: no failed request, every acknowledged page with its audit entries, the log verifies.
#   bash bench/faults/rollende-herstart.sh [DUUR_S] [VERBINDINGEN] [LEERLINGEN]   (defaults 40 16 500)
#   EIGEN_PG=0 uses the server in PG (default postgres://postgres@127.0.0.1:5432/postgres) instead
#   of a throwaway cluster.
source "$(dirname "$0")/lib.sh"
DUR=${1:-40}; CONNS=${2:-16}; N=${3:-500}
build
if [ "${EIGEN_PG:-1}" = 1 ]; then
	throwaway_pg; psql "$PGBASE" -qc "CREATE DATABASE fout"; DB=$(pg_url fout)
else
	PG=${PG:-postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable}
	NAME=grondslag_rollend_$$; psql "$PG" -qc "CREATE DATABASE $NAME"
	CLEANUPS+=("psql '$PG' -qc 'DROP DATABASE IF EXISTS $NAME WITH (FORCE)'")
	DB=$(echo "$PG" | sed "s#/postgres?#/$NAME?#")
fi
demo_region "$DB" "$N"
P1=$((20000 + RANDOM % 10000)); P2=$((P1 + 1)); LB=$((P1 + 2))
declare -A PID
PID[$P1]=$(start_instance "$DB" $P1); PIDS+=("${PID[$P1]}")
PID[$P2]=$(start_instance "$DB" $P2); PIDS+=("${PID[$P2]}")
wait_ready $P1; wait_ready $P2
(cd "$WORK" && exec ./proxy -adres 127.0.0.1:$LB -doelen http://127.0.0.1:$P1,http://127.0.0.1:$P2) & PIDS+=("$!"); sleep 0.5
B=http://127.0.0.1:$LB
login $B
before=$(audit_size_pg "$DB")
echo "$CONNS verbindingen, ${DUR}s; instantie $P1 herstart na $((DUR / 4))s, $P2 na $((DUR / 2))s"
(
	for p in $P1 $P2; do
		sleep $((DUR / 4))
		t0=$(date +%s%3N)
		kill -TERM "${PID[$p]}"
		while kill -0 "${PID[$p]}" 2>/dev/null; do sleep 0.05; done
		t1=$(date +%s%3N)
		PID[$p]=$(start_instance "$DB" $p); echo "${PID[$p]}" >>"$WORK/pids"
		wait_ready $p; t2=$(date +%s%3N)
		echo "instantie $p: stoppen $((t1 - t0)) ms, weer gereed na $((t2 - t1)) ms" >>"$WORK/restarts.txt"
	done
) &
ROLLER=$!
OUT=$(load $B ${DUR}s $CONNS); echo "$OUT"
wait $ROLLER
while read -r p; do PIDS+=("$p"); done <"$WORK/pids"
cat "$WORK/restarts.txt"
after=$(audit_size_pg "$DB")
reqs=$(echo "$OUT" | sed 's/.*requests=\([0-9]*\).*/\1/'); errs=$(echo "$OUT" | sed 's/.*non2xx_or_errors=\([0-9]*\).*/\1/')
echo "RESULT rollend verzoeken=$reqs fouten=$errs auditregels_erbij=$((after - before))"
acknowledged "$DB"
echo "== audit verify"
(cd "$WORK" && ./grondslag audit verify --db "$DB" --sleutels grondslag-demo-sleutels.json | head -2)
echo "== foutregels in de serverlogs"
log_errors <(cat "$WORK"/serve-*.err)
