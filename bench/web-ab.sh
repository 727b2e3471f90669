#!/usr/bin/env bash
# Two published hosts side by side (A and B), the same 500-card board on each, warm loads alternating between them so
# both see the same load on a shared machine. See bench/README.md.
#   bench/web-ab.sh HOST_DIR_A HOST_DIR_B [--warm 10] [--cards 500]
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
OUT=$ROOT/bench/.out
A=$1 B=$2; shift 2
PORT_A=${BENCH_PORT_A:-5993} PORT_B=${BENCH_PORT_B:-5994}
DATA_A=$(mktemp -d /tmp/taskflow-web-ab.XXXXXX) DATA_B=$(mktemp -d /tmp/taskflow-web-ab.XXXXXX)
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null || true; done; rm -rf "$DATA_A" "$DATA_B"; }
trap cleanup EXIT

dotnet publish bench/WebBench -c Release -o "$OUT/webbench" --nologo -v quiet >&2
start() { # dir port data log
  (cd "$1" && exec dotnet TaskFlow.Host.dll --urls "http://127.0.0.1:$2" --DataDir "$3" --RateLimits:Enabled false \
     --Logging:LogLevel:Default Warning) >"$4" 2>&1 &
  PIDS+=($!)
}
start "$A" "$PORT_A" "$DATA_A" "$OUT/web-ab-a.log"
start "$B" "$PORT_B" "$DATA_B" "$OUT/web-ab-b.log"
for port in "$PORT_A" "$PORT_B"; do
  for _ in $(seq 1 600); do curl -sf -o /dev/null "http://127.0.0.1:$port/health/ready" && break; sleep 0.2; done
done
dotnet "$OUT/webbench/WebBench.dll" --url "http://127.0.0.1:$PORT_A/" --compare "http://127.0.0.1:$PORT_B/" \
  --out "$ROOT/bench/results/web-ab-latest.md" "$@"
