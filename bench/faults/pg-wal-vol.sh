#!/usr/bin/env bash
# A full WAL volume under Grondslag on PostgreSQL (issue 19, point 7). A PostgreSQL cluster of our
# own (never the shared server) whose pg_wal is moved to a small tmpfs (what initdb --waldir does:
# pg_wal a symlink), with a small max_wal_size. Under load the tmpfs is filled to the last byte and
# segment switches are forced (pg_switch_wal), so PostgreSQL must create a WAL segment it has no
# room for: it stops with a PANIC and restarts itself (crash recovery) as long as it can.
# Expect: clear Dutch 503s while the database is gone or cannot write, never a 500, never a page
# without its log entry; after room is made the server and PostgreSQL recover — the script notes
# whether PostgreSQL came back by itself or needed `pg_ctl start` — and the audit log verifies.
#   sudo bash bench/faults/pg-wal-vol.sh [LEERLINGEN] [VERBINDINGEN]   (defaults 300 8)
# Needs root (mount -t tmpfs, initdb as postgres), /usr/lib/postgresql/15/bin, wrk, curl, psql.
source "$(dirname "$0")/lib.sh"
N=${1:-300}; CONNS=${2:-8}
[ "$(id -u)" = 0 ] || { echo "dit script heeft root nodig (mount -t tmpfs)"; exit 2; }
build
throwaway_pg
psql "$PGBASE" -qc "ALTER SYSTEM SET min_wal_size = '32MB'" -c "ALTER SYSTEM SET max_wal_size = '64MB'"
psql "$PGBASE" -qc "SELECT pg_reload_conf()" >/dev/null
psql "$PGBASE" -qc "CREATE DATABASE fout"
DB=$(pg_url fout)
demo_region "$DB" "$N"
psql "$PGBASE" -qc "CHECKPOINT"
echo "== pg_wal naar een eigen tmpfs (${WAL_MB:-160} MB)"
eval "$PGCTL stop" >/dev/null
WAL=$PGDIR/wal; mkdir -p "$WAL"
mount -t tmpfs -o size=${WAL_MB:-160}m,mode=0700,uid=$(id -u postgres),gid=$(id -g postgres) tmpfs "$WAL"
CLEANUPS+=("umount -l $WAL")
cp -a "$PGDIR/data/pg_wal/." "$WAL/" && rm -rf "$PGDIR/data/pg_wal" && ln -s "$WAL" "$PGDIR/data/pg_wal" && chown -h postgres:postgres "$PGDIR/data/pg_wal"
eval "$PGCTL start" >/dev/null
P=$((20000 + RANDOM % 10000)); B=http://127.0.0.1:$P
S=$(start_instance "$DB" $P); PIDS+=("$S"); wait_ready $P
login $B
gereed() { curl -s -m 5 -o /dev/null -w '%{http_code}' $B/gereed; }
pg_up() { psql "$PGBASE" -Atc "SELECT 1" >/dev/null 2>&1; }
ok_total=0
track() { local l; l=$(cat); echo "$1 $l"; ok_total=$((ok_total + $(echo "$l" | grep -o 'http200=[0-9]*' | cut -d= -f2 || echo 0))); }
echo "== vooraf: pg_wal $(du -sh "$WAL" | cut -f1), /gereed $(gereed)"
probe_loop $B "$WORK/probe.txt" & PROBE=$!; PIDS+=("$PROBE")
a0=$(audit_size_pg "$DB")
track "voor:" < <(load $B 5s $CONNS)
echo "== WAL-schijf vullen tot de laatste byte, segmentwissels afdwingen"
dd if=/dev/zero of="$WAL/vulling" bs=64k status=none 2>/dev/null || true
echo "vrij: $(df -k "$WAL" | awk 'NR==2 {print $4}') kB"
t_full=$(date +%s%3N)
( for _ in $(seq 1 40); do psql "$PGBASE" -Atc "SELECT pg_switch_wal()" >/dev/null 2>&1 || true; sleep 0.25; done ) &
SW=$!
track "vol: " < <(load $B 15s $CONNS)
wait $SW 2>/dev/null || true
echo "/gereed met volle WAL-schijf: HTTP $(gereed); PostgreSQL bereikbaar: $(pg_up && echo ja || echo nee)"
echo "== ruimte maken (vulling weg)"
rm -f "$WAL/vulling"; t_room=$(date +%s%3N)
manual=nee
for i in $(seq 1 120); do
	[ "$(gereed)" = 200 ] && break
	# After 30 s without PostgreSQL: it did not come back by itself; start it (the manual step).
	if [ $i = 60 ] && ! pg_up; then manual=ja; echo "PostgreSQL is na 30 s niet vanzelf terug: pg_ctl start"; eval "$PGCTL start" >/dev/null || true; fi
	sleep 0.5
done
t_ready=$(date +%s%3N)
echo "/gereed weer 200 na $((t_ready - t_room)) ms (handmatige start nodig: $manual)"
track "na:  " < <(load $B 5s $CONNS)
kill $PROBE 2>/dev/null || true; wait $PROBE 2>/dev/null || true
echo "== wat de proef zag vanaf het vullen tot gereed (aantal, status, kop)"
awk -v a=$t_full -v b=$t_ready '$1>=a && $1<b {$1=""; print}' "$WORK/probe.txt" | sort | uniq -c
n500=$(awk '$2>=500 && $2!=503' "$WORK/probe.txt" | wc -l)
kill -TERM "$S"; while kill -0 "$S" 2>/dev/null; do sleep 0.1; done
probe_ok=$(awk '$2==200' "$WORK/probe.txt" | wc -l)
a1=$(audit_size_pg "$DB")
echo "wrk + proef: $((ok_total + probe_ok)) pagina's met 200; auditregels erbij: $((a1 - a0))"
acknowledged "$DB"
(cd "$WORK" && ./grondslag audit verify --db "$DB" --sleutels grondslag-demo-sleutels.json | head -2)
echo "RESULT pg_wal_vol proef_500_fouten=$n500 gereed_terug_ms=$((t_ready - t_room)) handmatige_start=$manual"
echo "== foutregels in de serverlog"
log_errors "$WORK/serve-$P.err"
echo "== PostgreSQL-log"
grep -E "PANIC|No space left|terminating any other|database system is ready|shut down" "$PGDIR/pg.log" | sed 's/^[0-9-]* [0-9:.]* [A-Z]* \[[0-9]*\] //' | sort | uniq -c | sort -rn | head -8 || true
