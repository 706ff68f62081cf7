#!/usr/bin/env bash
# The project's test command (README.md; .ci/run calls exactly this).
# On a fresh Debian machine it installs and starts what the tests need -- Debian's chromium and prometheus
# (scripts/install-test-packages.sh) and a throwaway PostgreSQL server on 127.0.0.1:55432 -- then builds and runs every test project of the solution, and ends with the totals line
# "N passed, N failed, N skipped". PostgreSQL tests are required here: they fail, never skip, if the server is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-test-packages.sh
OPS_TEST_POSTGRES="$(scripts/start-test-postgres.sh)"
export OPS_TEST_POSTGRES
export OPS_REQUIRE_POSTGRES=1
# Browser and Prometheus tests are required here too: they fail, never skip, when chromium or promtool is missing.
export OPS_REQUIRE_TOOLS=1
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

log="$(mktemp)"
trap 'rm -f "$log"' EXIT
set +e
dotnet test Ops.Orleans.sln --nologo "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e

# Sum the per-assembly summaries ("Passed!  - Failed: 0, Passed: 12, Skipped: 0, Total: 12, ...").
read -r passed failed skipped < <(
  grep -E '(Passed|Failed)!  - Failed:' "$log" | sed -E 's/.*Failed: *([0-9]+), Passed: *([0-9]+), Skipped: *([0-9]+).*/\2 \1 \3/' |
    awk '{p+=$1; f+=$2; s+=$3} END {printf "%d %d %d\n", p, f, s}'
)
assemblies=$(grep -cE '(Passed|Failed)!  - Failed:' "$log" || true)
expected=$(find tests -name '*.Tests.csproj' | wc -l)
if [ "$assemblies" -lt "$expected" ] && [ "$status" -eq 0 ]; then
  echo "only $assemblies of $expected test assemblies reported results" >&2
  status=1
fi

echo "${passed} passed, ${failed} failed, ${skipped} skipped"
exit "$status"
