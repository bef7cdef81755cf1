#!/usr/bin/env bash
# Web stage (issue 7): lint the served OpenAPI document with the Dutch API Design Rules ruleset
# (Spectral), then the browser tests (playwright-core + axe-core in Debian's headless Chromium).
# Fails, never skips, when a tool cannot be had.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
RULESET="$ROOT/../shared/conformance/nl-api-design-rules.spectral.yml"
[ -f "$RULESET" ] || { echo "ruleset ontbreekt: $RULESET"; exit 1; }

# Install only what is missing: the machine's Node.js may come with its own npm (nodesource),
# which conflicts with Debian's npm package.
missing=""
command -v chromium >/dev/null 2>&1 || missing="$missing chromium"
command -v node >/dev/null 2>&1 || missing="$missing nodejs"
command -v npm >/dev/null 2>&1 || missing="$missing npm"
if [ -n "$missing" ]; then
  echo "installeren (apt-get):$missing"
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null
  fi
fi
command -v chromium >/dev/null 2>&1 || { echo "chromium is niet beschikbaar"; exit 1; }
command -v npm >/dev/null 2>&1 || { echo "npm is niet beschikbaar"; exit 1; }

WORK=$(mktemp -d /tmp/grondslag-ci-web.XXXXXX)
PID=""
cleanup() { [ -n "$PID" ] && kill "$PID" 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT
go build -o "$WORK/grondslag" ./cmd/grondslag

echo "-- OpenAPI: served document, Spectral with the NL API Design Rules"
PORT=$((20000 + RANDOM % 20000))
(cd "$WORK" && ./grondslag demo --leerlingen 50 --peildatum "$(date -u +%F)" --adres 127.0.0.1:$PORT >demo.out 2>demo.err) &
PID=$!
for i in $(seq 1 120); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break; sleep 0.5; done
curl -sf "http://127.0.0.1:$PORT/api/v1/openapi.json" -o "$WORK/openapi.json" || { echo "openapi.json niet opgehaald"; cat "$WORK/demo.err"; exit 1; }
kill "$PID"; wait "$PID" 2>/dev/null || true; PID=""
npx --yes @stoplight/spectral-cli@6.16.3 lint --fail-severity error -r "$RULESET" "$WORK/openapi.json"

echo "-- browser tests (playwright-core, axe-core, /usr/bin/chromium)"
cd "$ROOT/tests/browser"
npm ci --no-audit --no-fund
SCHERMAFDRUKKEN="$WORK/schermafdrukken" GRONDSLAG_BIN="$WORK/grondslag" npm test
echo "schermafdrukken: $(ls "$WORK/schermafdrukken" | wc -l)"
