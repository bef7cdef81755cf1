#!/usr/bin/env bash
# API stage (issue 20): the OpenAPI document the server really serves, linted with both official
# Spectral rulesets at 0 errors: the Dutch API Design Rules (shared/conformance) and the OWASP API
# Security Top 10 2023 ruleset (npm @stoplight/spectral-owasp-ruleset). Installs what it needs
# itself (npm into a temporary folder); fails, never skips, when a tool cannot be had.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
NL_RULESET="${NL_RULESET:-$ROOT/../shared/conformance/nl-api-design-rules.spectral.yml}"
[ -f "$NL_RULESET" ] || { echo "ruleset ontbreekt: $NL_RULESET"; exit 1; }

if ! command -v npm >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null
  fi
fi
command -v npm >/dev/null 2>&1 || { echo "npm is niet beschikbaar"; exit 1; }

WORK=$(mktemp -d /tmp/grondslag-ci-api.XXXXXX)
PID=""
cleanup() { [ -n "$PID" ] && kill "$PID" 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT

echo "-- tools: @stoplight/spectral-cli 6.16.3, @stoplight/spectral-owasp-ruleset 2.0.1"
(cd "$WORK" && npm init -y >/dev/null && npm install --no-audit --no-fund --silent \
  @stoplight/spectral-cli@6.16.3 @stoplight/spectral-owasp-ruleset@2.0.1 >/dev/null)
printf 'extends:\n  - "@stoplight/spectral-owasp-ruleset"\n' > "$WORK/owasp.spectral.yml"

echo "-- the served document (demo region, public URL https://grondslag.example)"
go build -o "$WORK/grondslag" ./cmd/grondslag
PORT=$((20000 + RANDOM % 20000))
(cd "$WORK" && GRONDSLAG_URL=https://grondslag.example ./grondslag demo --leerlingen 50 --peildatum "$(date -u +%F)" \
  --adres 127.0.0.1:$PORT >demo.out 2>demo.err) &
PID=$!
for i in $(seq 1 120); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break; sleep 0.5; done
curl -sf "http://127.0.0.1:$PORT/api/v1/openapi.json" -o "$WORK/openapi.json" || { echo "openapi.json niet opgehaald"; cat "$WORK/demo.err"; exit 1; }
kill "$PID"; wait "$PID" 2>/dev/null || true; PID=""

SPECTRAL="$WORK/node_modules/.bin/spectral"
echo "-- NL API Design Rules"
(cd "$WORK" && "$SPECTRAL" lint --fail-severity error -r "$NL_RULESET" openapi.json)
echo "-- OWASP API Security Top 10 2023"
(cd "$WORK" && "$SPECTRAL" lint --fail-severity error -r owasp.spectral.yml openapi.json)
echo "API-stage: beide rulesets 0 fouten"
