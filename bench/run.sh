#!/usr/bin/env bash
# One command: start-up time, idle memory and login throughput of the all-in-one host (SQLite)
# and of the identity service alone (PostgreSQL). See bench/README.md.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$PWD
OUT=$ROOT/bench/.out
RESULTS=$ROOT/bench/results
RUNS=${BENCH_RUNS:-5}
DURATION=${BENCH_DURATION:-20s}
CONNECTIONS=${BENCH_CONNECTIONS:-16}
SERVER_CPU=${BENCH_SERVER_CPU:-0}
CLIENT_CPU=${BENCH_CLIENT_CPU:-1}
PORT=${BENCH_PORT:-5990}
export PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-5432} PGUSER=${PGUSER:-postgres} PGPASSWORD=${PGPASSWORD:-postgres}
RABBITMQ=${BENCH_RABBITMQ:-amqp://guest:guest@127.0.0.1:5672}
export BENCH_EMAIL="bench-$RANDOM$RANDOM@example.com" BENCH_PASSWORD="bench-password-$RANDOM-long"

command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 1; }
command -v curl >/dev/null || { echo "curl is missing: apt-get install -y curl" >&2; exit 1; }

SERVER_PID=""
VHOST=""
PREFIX="bench_$(date +%s)_$RANDOM"
DATADIR=$(mktemp -d /tmp/taskflow-bench.XXXXXX)

cleanup() {
  stop_server
  if [[ -n $VHOST ]]; then rabbitmqctl -q delete_vhost "$VHOST" >/dev/null 2>&1 || true; fi
  for db in $(psql -Atc "SELECT datname FROM pg_database WHERE datname LIKE '${PREFIX}_%'" 2>/dev/null); do
    psql -qc "DROP DATABASE IF EXISTS \"$db\" WITH (FORCE)" >/dev/null 2>&1 || true
  done
  rm -rf "$DATADIR"
}
trap cleanup EXIT

stop_server() {
  if [[ -n $SERVER_PID ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM "$SERVER_PID"
    for _ in $(seq 1 100); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  SERVER_PID=""
}

# start_server LOG ARGS... : starts the host pinned to one core; READY_MS = milliseconds until /health/ready answers 200.
READY_MS=0
start_server() {
  local log=$1; shift
  local t0 t1
  t0=$(date +%s%N)
  (cd "$OUT/host" && exec taskset -c "$SERVER_CPU" dotnet TaskFlow.Host.dll --urls "http://127.0.0.1:$PORT" "$@") >>"$log" 2>&1 &
  SERVER_PID=$!
  until taskset -c "$CLIENT_CPU" curl -sf -o /dev/null "http://127.0.0.1:$PORT/health/ready"; do
    if ! kill -0 "$SERVER_PID" 2>/dev/null; then echo "server exited; see $log" >&2; tail -20 "$log" >&2; exit 1; fi
    if (( ($(date +%s%N) - t0) / 1000000 > 120000 )); then echo "server not ready in 120 s; see $log" >&2; exit 1; fi
    sleep 0.02
  done
  t1=$(date +%s%N)
  READY_MS=$(( (t1 - t0) / 1000000 ))
}

rss_mib() { awk '/^VmRSS:/ { printf "%.0f", $2 / 1024 }' "/proc/$SERVER_PID/status"; }

median() { sort -n | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : int((a[NR / 2] + a[NR / 2 + 1]) / 2) }'; }

status_of() { curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' -d "$2" "http://127.0.0.1:$PORT$1"; }

# scenario NAME LOG ARGS... : one untimed cold start (migrations, benchmark account), RUNS timed warm starts, then load on the last one.
ROWS=()
scenario() {
  local name=$1 log=$2; shift 2
  local cold starts=() rss=() ms
  : >"$log"
  echo "== $name" >&2
  start_server "$log" "$@"; cold=$READY_MS
  local registered
  registered=$(status_of /v1/auth/register "{\"email\":\"$BENCH_EMAIL\",\"password\":\"$BENCH_PASSWORD\",\"displayName\":\"Bench\"}")
  stop_server
  for i in $(seq 1 "$RUNS"); do
    start_server "$log" "$@"; ms=$READY_MS
    sleep 3 # idle: let start-up work (JIT, first health checks) settle before reading memory
    starts+=("$ms"); rss+=("$(rss_mib)")
    echo "   run $i: ready in ${ms} ms, RSS ${rss[-1]} MiB" >&2
    if (( i < RUNS )); then stop_server; fi
  done
  local rps="n/a" p50="n/a" p99="n/a" errors="n/a"
  local login
  login=$(status_of /v1/auth/login "{\"email\":\"$BENCH_EMAIL\",\"password\":\"$BENCH_PASSWORD\"}")
  if [[ $login == 200 ]]; then
    local report
    report=$(taskset -c "$CLIENT_CPU" wrk -t1 -c"$CONNECTIONS" -d"$DURATION" --latency -s "$ROOT/bench/login.lua" "http://127.0.0.1:$PORT")
    echo "$report" >&2
    rps=$(awk '/^Requests\/sec:/ { printf "%.0f", $2 }' <<<"$report")
    p50=$(awk '$1 == "50%" { print $2 }' <<<"$report")
    p99=$(awk '$1 == "99%" { print $2 }' <<<"$report")
    errors=$(awk '/Non-2xx or 3xx responses:/ { print $NF }' <<<"$report"); errors=${errors:-0}
  else
    echo "   login answered $login (register answered $registered): no load test" >&2
    rps="n/a (login $login)"
  fi
  stop_server
  ROWS+=("| $name | $cold ms | $(printf '%s\n' "${starts[@]}" | median) ms | $(printf '%s\n' "${rss[@]}" | median) MiB | $rps | $p50 | $p99 | $errors |")
}

echo "Building (Release)..." >&2
dotnet publish src/Host -c Release -o "$OUT/host" --nologo -v quiet >&2

scenario "all-in-one, SQLite" "$OUT/all.log" \
  --services all --DataDir "$DATADIR" --Data:Provider Sqlite --RateLimits:Enabled false

IDENTITY_MESSAGING=(--Messaging:Transport InProcess)
if command -v rabbitmqctl >/dev/null && rabbitmqctl -q list_vhosts >/dev/null 2>&1; then
  VHOST="bench_$RANDOM$RANDOM"
  rabbitmqctl -q add_vhost "$VHOST" >/dev/null
  rabbitmqctl -q set_permissions -p "$VHOST" guest ".*" ".*" ".*" >/dev/null
  IDENTITY_MESSAGING=(--Messaging:Transport RabbitMQ --Messaging:RabbitMQ "$RABBITMQ/$VHOST")
fi
scenario "identity, PostgreSQL" "$OUT/identity.log" \
  --services identity --DataDir "$DATADIR/identity" --Data:Provider Postgres \
  --Data:Postgres "Host=$PGHOST;Port=$PGPORT;Username=$PGUSER;Password=$PGPASSWORD" --Data:DatabasePrefix "$PREFIX" \
  "${IDENTITY_MESSAGING[@]}"

mkdir -p "$RESULTS"
{
  echo "# TaskFlow benchmark"
  echo
  echo "$(date -u +%Y-%m-%dT%H:%MZ), commit $(git rev-parse --short HEAD 2>/dev/null || echo '?'), $(nproc) cores ($(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo)), .NET $(dotnet --version)."
  echo "Server pinned to core $SERVER_CPU; wrk on core $CLIENT_CPU, $CONNECTIONS connections, $DURATION. Start-up: $RUNS warm starts (median), after one cold start."
  echo
  echo "| Scenario | Cold start to ready | Start-up to ready (median) | Idle RSS (median) | Login req/s | p50 | p99 | Non-2xx |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|"
  printf '%s\n' "${ROWS[@]}"
} | tee "$RESULTS/latest.md"
