#!/usr/bin/env bash
# Published hosts side by side (A, B, …), the same 500-card board on each, warm loads taken in turn so every build sees
# the same load on a shared machine. See bench/README.md.
#   bench/web-ab.sh HOST_DIR_A HOST_DIR_B [HOST_DIR_C …] -- [--warm 10] [--cards 500]
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
OUT=$ROOT/bench/.out
DIRS=()
while [[ $# -gt 0 && $1 != "--" ]]; do DIRS+=("$1"); shift; done
[[ ${1:-} == "--" ]] && shift
PORT=${BENCH_PORT:-5993}
PIDS=() DATAS=() URLS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null || true; done; rm -rf "${DATAS[@]}"; }
trap cleanup EXIT

dotnet publish bench/WebBench -c Release -o "$OUT/webbench" --nologo -v quiet >&2
for i in "${!DIRS[@]}"; do
  port=$((PORT + i)) data=$(mktemp -d /tmp/taskflow-web-ab.XXXXXX)
  DATAS+=("$data") URLS+=("http://127.0.0.1:$port/")
  (cd "${DIRS[$i]}" && exec dotnet TaskFlow.Host.dll --urls "http://127.0.0.1:$port" --DataDir "$data" --RateLimits:Enabled false \
     --Logging:LogLevel:Default Warning) >"$OUT/web-ab-$i.log" 2>&1 &
  PIDS+=($!)
done
for url in "${URLS[@]}"; do
  for _ in $(seq 1 600); do curl -sf -o /dev/null "${url}health/ready" && break; sleep 0.2; done
done
OTHERS=$(IFS=,; echo "${URLS[*]:1}")
dotnet "$OUT/webbench/WebBench.dll" --url "${URLS[0]}" --compare "$OTHERS" --out "$ROOT/bench/results/web-ab-latest.md" "$@"
