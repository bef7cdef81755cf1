#!/usr/bin/env bash
# A full disk under Grondslag on PostgreSQL (issue 19). A PostgreSQL cluster of our own (never the
# shared server); the database lives in a tablespace on a small tmpfs of its own, the cluster's
# WAL on the ordinary disk: the case of a full data volume, where PostgreSQL refuses to extend a
# table with disk_full (53100) and stays up. Under load the tmpfs is filled to the last byte.
# Expect: pages whose reading must be logged are refused with a clear Dutch 503 (never a 500,
# never the page without its log entry), /gereed says not ready, nothing committed is lost; after
# room is made the server recovers by itself (no restart) and the audit log verifies.
# (A full WAL volume is another fault: PostgreSQL stops with a PANIC and comes back after room is
# made and it is restarted — what pg-herstart.sh covers from Grondslag's side.)
#   sudo bash bench/faults/pg-schijf-vol.sh [LEERLINGEN] [VERBINDINGEN]   (defaults 300 8)
# Needs root (mount -t tmpfs, initdb as postgres), /usr/lib/postgresql/15/bin, wrk, curl, psql.
source "$(dirname "$0")/lib.sh"
N=${1:-300}; CONNS=${2:-8}
[ "$(id -u)" = 0 ] || { echo "dit script heeft root nodig (mount -t tmpfs)"; exit 2; }
build
throwaway_pg
VOL=$PGDIR/vol; mkdir -p "$VOL" # under the cluster directory: postgres must reach it
mount -t tmpfs -o size=${VOL_MB:-600}m,mode=0700,uid=$(id -u postgres),gid=$(id -g postgres) tmpfs "$VOL"
CLEANUPS=("umount -l $VOL" "${CLEANUPS[@]}")
psql "$PGBASE" -qc "CREATE TABLESPACE vol LOCATION '$VOL'"
psql "$PGBASE" -qc "CREATE DATABASE fout TABLESPACE vol"
DB=$(pg_url fout)
demo_region "$DB" "$N"
P=$((20000 + RANDOM % 10000)); B=http://127.0.0.1:$P
S=$(start_instance "$DB" $P); PIDS+=("$S"); wait_ready $P
login $B || { df -h "$VOL"; curl -s -b "$COOKIE" $B/leerlingen | grep -o '<h1[^>]*>[^<]*' | head -3; exit 1; }
count() { psql "$DB" -Atc "SELECT 'leerling=' || (SELECT count(*) FROM leerling) || ' toestemming=' || (SELECT count(*) FROM toestemming) || ' audit_regel=' || (SELECT count(*) FROM audit_regel)"; }
gereed() { curl -s -o /dev/null -w '%{http_code}' $B/gereed; }
ok_total=0
track() { local l; l=$(cat); echo "$1 $l"; ok_total=$((ok_total + $(echo "$l" | grep -o 'http200=[0-9]*' | cut -d= -f2 || echo 0))); }
echo "== vooraf: $(count); tablespace: $(df -h "$VOL" | awk 'NR==2 {print $2" groot, "$4" vrij"}'); database $(psql "$DB" -Atc "SELECT pg_size_pretty(pg_database_size('fout'))"); /gereed $(gereed)"
probe_loop $B "$WORK/probe.txt" & PROBE=$!; PIDS+=("$PROBE")
a0=$(count | grep -o 'audit_regel=[0-9]*' | cut -d= -f2)
track "voor:" < <(load $B 5s $CONNS)
echo "== tablespace vullen tot de laatste byte"
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
acknowledged "$DB"
(cd "$WORK" && ./grondslag audit verify --db "$DB" --sleutels grondslag-demo-sleutels.json | head -2)
echo "RESULT pg_schijf_vol proef_500_fouten=$n500 gereed_terug_ms=$((t_ready - t_room))"
echo "== foutregels in de serverlog"
log_errors "$WORK/serve-$P.err"
echo "== PostgreSQL-log (schijf vol)"
grep -c "No space left on device\|could not extend" "$PGDIR/pg.log" | sed 's/^/regels met "No space left on device": /' || true
