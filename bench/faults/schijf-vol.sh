#!/usr/bin/env bash
# A full disk under Grondslag (issue 19), on SQLite: the database lives on a small tmpfs of its
# own; under load the file system is filled to the last byte. Expect: pages whose reading must be
# logged are refused with a clear Dutch 503 (never a 500, never the page without its log entry),
# /gereed says not ready, nothing is lost or corrupted; after room is made the server recovers by
# itself (no restart), the database passes integrity_check and the audit log verifies.
#   sudo bash bench/faults/schijf-vol.sh [LEERLINGEN] [VERBINDINGEN]   (defaults 300 8)
# Needs root (mount -t tmpfs), wrk, curl, python3 (sqlite3 module, for the counts).
source "$(dirname "$0")/lib.sh"
N=${1:-300}; CONNS=${2:-8}
[ "$(id -u)" = 0 ] || { echo "dit script heeft root nodig (mount -t tmpfs)"; exit 2; }
build
demo_region "$WORK/g.db" "$N"
VOL=$WORK/vol; mkdir -p "$VOL"
size_kb=$(du -sk "$WORK/g.db" "$WORK/g-sleutelkluis.db" | awk '{s+=$1} END {print s}')
mount -t tmpfs -o size=$((size_kb + 12 * 1024))k,mode=0700 tmpfs "$VOL"
CLEANUPS=("umount -l $VOL" "${CLEANUPS[@]}")
cp "$WORK/g.db" "$WORK/g-sleutelkluis.db" "$VOL/"
DB=$VOL/g.db
P=$((20000 + RANDOM % 10000)); B=http://127.0.0.1:$P
S=$(start_instance "$DB" $P); PIDS+=("$S"); wait_ready $P
login $B
count() { python3 - "$DB" <<'PY'
import sqlite3, sys
c = sqlite3.connect("file:" + sys.argv[1] + "?mode=ro", uri=True)
print(" ".join(f"{t}={c.execute(f'SELECT count(*) FROM {t}').fetchone()[0]}" for t in ["leerling", "toestemming", "audit_regel"]))
PY
}
gereed() { curl -s -o /dev/null -w '%{http_code}' $B/gereed; }
echo "== vooraf: $(count); schijf: $(df -h "$VOL" | awk 'NR==2 {print $2" groot, "$4" vrij"}'); /gereed $(gereed)"
disk_full_trial "$B" "$VOL" "$S" schijf
acknowledged "$DB"
echo "integrity_check: $(python3 -c "import sqlite3,sys; print(sqlite3.connect('file:$DB?mode=ro', uri=True).execute('PRAGMA integrity_check').fetchone()[0])")"
(cd "$WORK" && ./grondslag audit verify --db "$DB" --sleutels grondslag-demo-sleutels.json | head -2)
echo "RESULT schijf_vol proef_500_fouten=$n500 gereed_terug_ms=$((t_ready - t_room))"
echo "== foutregels in de serverlog"
log_errors "$WORK/serve-$P.err"
