#!/usr/bin/env bash
# The test command of the README: builds and runs every test project (SQLite, PostgreSQL, RabbitMQ, processes), then
# publishes the host (trimmed, compressed: what a browser gets in production) and runs the web journeys
# (Category=Journey) against it. PostgreSQL, Redis and RabbitMQ must be running on 127.0.0.1 (.ci/run starts them).
set -uo pipefail
cd "$(dirname "$0")"
log=$(mktemp)
journeys_log=$(mktemp)
published=${TASKFLOW_PUBLISHED_HOST_DIR:-$PWD/.out/published-host}
# One test module at a time: the browser tests start a WebAssembly app in chromium and must not compete for the
# two cores with the PostgreSQL/RabbitMQ suites (a stalled start is a false failure).
dotnet test TaskFlow.slnx -c Release --max-parallel-test-modules 1 "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}

# The same journeys on the published build (docs/adr/0022-markdown-menus-journeys.md).
rm -rf "$published"
if dotnet publish src/Host -c Release -o "$published" 2>&1 | tail -3; then
  TASKFLOW_TEST_HOST="$published/TaskFlow.Host.dll" dotnet test --project tests/Web.Tests -c Release --no-build \
    --filter-trait 'Category=Journey' 2>&1 | tee "$journeys_log"
  journeys_status=${PIPESTATUS[0]}
else
  echo "publishing the host failed"
  journeys_status=1
fi

num() { grep -E "^\s+$1: [0-9]+" "$2" | tail -1 | grep -Eo '[0-9]+' || echo 0; }
passed=$(( $(num succeeded "$log") + $(num succeeded "$journeys_log") ))
failed_main=$(num failed "$log"); failed_journeys=$(num failed "$journeys_log")
skipped=$(( $(num skipped "$log") + $(num skipped "$journeys_log") ))
if [ "$status" -ne 0 ] && [ "$failed_main" = 0 ]; then failed_main=1; fi                 # a build failure counts as a failure
if [ "$journeys_status" -ne 0 ] && [ "$failed_journeys" = 0 ]; then failed_journeys=1; fi
failed=$(( failed_main + failed_journeys ))
echo "published build: $(num succeeded "$journeys_log") journeys passed, $failed_journeys failed"
echo "$passed passed, $failed failed, $skipped skipped"
rm -f "$log" "$journeys_log"
[ "$status" -eq 0 ] && [ "$journeys_status" -eq 0 ]
