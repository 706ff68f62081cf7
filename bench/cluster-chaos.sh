#!/usr/bin/env bash
# The cluster chaos loop (issue 4, T17): runs the chaos test -- kill, restart and pause silos of a 3-silo cluster
# on PostgreSQL under increments, checked against the database's write history -- N times (default 20) and prints
# one line per run and the totals. CI runs it once (scripts/test.sh); this is the long version.
#   bench/cluster-chaos.sh [runs]
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-20}"
OPS_TEST_POSTGRES="${OPS_TEST_POSTGRES:-$(scripts/start-test-postgres.sh)}"
export OPS_TEST_POSTGRES OPS_REQUIRE_POSTGRES=1
dotnet build tests/Ops.Cluster.Tests --nologo -v q >/dev/null
passed=0
failed=0
for i in $(seq 1 "$runs"); do
  log="$(mktemp)"
  if dotnet test tests/Ops.Cluster.Tests --no-build --nologo --filter "FullyQualifiedName~Under_kills_and_pauses" \
       --logger "console;verbosity=detailed" >"$log" 2>&1; then
    passed=$((passed + 1)); verdict=pass
  else
    failed=$((failed + 1)); verdict=FAIL; cp "$log" "/tmp/cluster-chaos-failure-$i.log"
  fi
  echo "run $i: $verdict; $(grep -hE '^ +[0-9]+ acknowledged' "$log" | sed 's/^ *//'); $(grep -hE '^ +history:' "$log" | sed 's/^ *//')"
  rm -f "$log"
done
echo "chaos runs: $runs, passed: $passed, failed: $failed"
[ "$failed" -eq 0 ]
