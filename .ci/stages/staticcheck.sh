#!/usr/bin/env bash
# staticcheck, pinned, at zero findings (issue 12).
set -euo pipefail
cd "$(dirname "$0")/../.."
go run honnef.co/go/tools/cmd/staticcheck@v0.8.2 ./...
echo "staticcheck: 0 findings"
