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
echo "== vooraf: $(count); tablespace: $(df -h "$VOL" | awk 'NR==2 {print $2" groot, "$4" vrij"}'); database $(psql "$DB" -Atc "SELECT pg_size_pretty(pg_database_size('fout'))"); /gereed $(gereed)"
disk_full_trial "$B" "$VOL" "$S" tablespace
acknowledged "$DB"
(cd "$WORK" && ./grondslag audit verify --db "$DB" --sleutels grondslag-demo-sleutels.json | head -2)
echo "RESULT pg_schijf_vol proef_500_fouten=$n500 gereed_terug_ms=$((t_ready - t_room))"
echo "== foutregels in de serverlog"
log_errors "$WORK/serve-$P.err"
echo "== PostgreSQL-log (schijf vol)"
grep -c "No space left on device\|could not extend" "$PGDIR/pg.log" | sed 's/^/regels met "No space left on device": /' || true
