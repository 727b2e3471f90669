#!/usr/bin/env bash
# The test command of the README: builds and runs every test project (SQLite, PostgreSQL, RabbitMQ, processes).
# PostgreSQL, Redis and RabbitMQ must be running on 127.0.0.1 (.ci/run starts them).
set -uo pipefail
cd "$(dirname "$0")"
log=$(mktemp)
# One test module at a time: the browser tests start a WebAssembly app in chromium and must not compete for the
# two cores with the PostgreSQL/RabbitMQ suites (a stalled start is a false failure).
dotnet test TaskFlow.slnx -c Release --max-parallel-test-modules 1 "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
num() { grep -E "^\s+$1: [0-9]+" "$log" | tail -1 | grep -Eo '[0-9]+' || echo 0; }
passed=$(num succeeded); failed=$(num failed); skipped=$(num skipped)
if [ "$status" -ne 0 ] && [ "$failed" = 0 ]; then failed=1; fi   # a build failure counts as a failure
echo "$passed passed, $failed failed, $skipped skipped"
rm -f "$log"
exit "$status"
