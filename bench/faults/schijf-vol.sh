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
ok_total=0
track() { local l; l=$(cat); echo "$1 $l"; ok_total=$((ok_total + $(echo "$l" | grep -o 'http200=[0-9]*' | cut -d= -f2 || echo 0))); }
echo "== vooraf: $(count); schijf: $(df -h "$VOL" | awk 'NR==2 {print $2" groot, "$4" vrij"}'); /gereed $(gereed)"
probe_loop $B "$WORK/probe.txt" & PROBE=$!; PIDS+=("$PROBE")
a0=$(count | grep -o 'audit_regel=[0-9]*' | cut -d= -f2)
track "voor:" < <(load $B 5s $CONNS)
echo "== schijf vullen tot de laatste byte"
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
echo "integrity_check: $(python3 -c "import sqlite3,sys; print(sqlite3.connect('file:$DB?mode=ro', uri=True).execute('PRAGMA integrity_check').fetchone()[0])")"
(cd "$WORK" && ./grondslag audit verify --db "$DB" --sleutels grondslag-demo-sleutels.json | head -2)
echo "RESULT schijf_vol proef_500_fouten=$n500 gereed_terug_ms=$((t_ready - t_room))"
echo "== foutregels in de serverlog"
log_errors "$WORK/serve-$P.err"
