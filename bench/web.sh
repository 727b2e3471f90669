#!/usr/bin/env bash
# One command: publish the host and bench/WebBench, start the all-in-one host (fresh SQLite folder, Production), then
# measure the web app in headless Chromium. See bench/README.md.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
OUT=$ROOT/bench/.out
PORT=${BENCH_PORT:-5992}
DATA=$(mktemp -d /tmp/taskflow-web-bench.XXXXXX)
mkdir -p "$OUT" "$ROOT/bench/results"
SERVER_PID=""
cleanup() { [[ -n $SERVER_PID ]] && kill "$SERVER_PID" 2>/dev/null; wait "$SERVER_PID" 2>/dev/null || true; rm -rf "$DATA"; }
trap cleanup EXIT

echo "publishing src/Host and bench/WebBench (Release)" >&2
dotnet publish src/Host -c Release -o "$OUT/host" --nologo -v quiet >&2
dotnet publish bench/WebBench -c Release -o "$OUT/webbench" --nologo -v quiet >&2

(cd "$OUT/host" && exec dotnet TaskFlow.Host.dll --urls "http://127.0.0.1:$PORT" --DataDir "$DATA" --RateLimits:Enabled false \
   --Logging:LogLevel:Default Warning) >"$OUT/web-host.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 600); do curl -sf -o /dev/null "http://127.0.0.1:$PORT/health/ready" && break; sleep 0.2; done

dotnet "$OUT/webbench/WebBench.dll" --url "http://127.0.0.1:$PORT/" --out "$ROOT/bench/results/web-latest.md" "$@"
