#!/usr/bin/env bash
# Mutation testing of src/Core and the unit-testable part of src/Grains against test/PopupStore.Tests
# (Stryker.NET, a local dotnet tool pinned in .config/dotnet-tools.json). CPU heavy: one test session
# at a time; not part of CI. Usage: scripts/mutation.sh [core|grains|all]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
dotnet tool restore >/dev/null
which="${1:-all}"
cd test/PopupStore.Tests
for part in core grains; do
  if [[ "$which" == "$part" || "$which" == all ]]; then
    echo "[mutation] $part (config test/PopupStore.Tests/stryker/$part.json)"
    dotnet stryker -f "stryker/$part.json"
  fi
done
echo "[mutation] reports: test/PopupStore.Tests/StrykerOutput/<time>/reports/mutation-report.html"
