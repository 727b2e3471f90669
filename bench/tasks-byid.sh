#!/usr/bin/env bash
# Reads by id (issue 19): GET /v1/tasks/{id} with a real token (authentication, the access check and telemetry in the
# path), all-in-one host on SQLite and on PostgreSQL, a small seed (one project, BENCH_TASKS tasks), wrk at
# BENCH_CONNECTIONS connections; req/s, p50/p99, non-2xx, host CPU ms per request, and on PostgreSQL database
# statements per request. See bench/README.md ("Reads by id").
# Usage: bench/tasks-byid.sh            BENCH_PROVIDERS=Sqlite BENCH_DURATION=5s BENCH_WARMUP=5s bench/tasks-byid.sh
#        BENCH_PERF=1 bench/tasks-byid.sh   (also a perf profile of the measured window, grouped by component)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
OUT=$ROOT/bench/.out
PROVIDERS=${BENCH_PROVIDERS:-"Sqlite Postgres"}
TASKS=${BENCH_TASKS:-3000}
DURATION=${BENCH_DURATION:-20s}
WARMUP=${BENCH_WARMUP:-15s}       # unmeasured wrk run first: tiered JIT reaches its final code, pools fill
CONNECTIONS=${BENCH_CONNECTIONS:-32}
THREADS=${BENCH_THREADS:-1}
SERVER_CPU=${BENCH_SERVER_CPU:-0}
CLIENT_CPU=${BENCH_CLIENT_CPU:-1}
PORT=${BENCH_PORT:-5993}
PERF=${BENCH_PERF:-}
export PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-5432} PGUSER=${PGUSER:-postgres} PGPASSWORD=${PGPASSWORD:-postgres}
PREFIX=bench_byid_$$
WORK=$(mktemp -d /tmp/bench-byid.XXXXXX)
REPORT=$ROOT/bench/results/latest-tasks-byid.md
for tool in wrk curl jq psql sqlite3; do command -v $tool >/dev/null || { echo "needs $tool" >&2; exit 1; }; done
mkdir -p "$OUT" "$ROOT/bench/results"

SERVER=""
stop_server() {
  if [[ -n $SERVER ]] && kill -0 "$SERVER" 2>/dev/null; then
    kill -TERM "$SERVER"
    for _ in $(seq 1 100); do kill -0 "$SERVER" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$SERVER" 2>/dev/null || true
    wait "$SERVER" 2>/dev/null || true
  fi
  SERVER=""
}
cleanup() {
  stop_server
  for db in $(psql -d postgres -Atc "SELECT datname FROM pg_database WHERE datname LIKE '${PREFIX}_%'" 2>/dev/null); do
    psql -d postgres -qc "DROP DATABASE IF EXISTS \"$db\" WITH (FORCE)" >/dev/null 2>&1 || true
  done
  [[ -n ${BENCH_KEEP_WORK:-} ]] || rm -rf "$WORK"
}
trap cleanup EXIT

if [[ -z ${BENCH_HOST_DIR:-} ]]; then
  echo "publishing src/Host (Release)" >&2
  dotnet publish src/Host -c Release -o "$OUT/host" --nologo -v quiet >&2
  BENCH_HOST_DIR=$OUT/host
fi
[[ -f $OUT/tasksbench/TasksBench.dll && -z ${BENCH_REPUBLISH_BENCH:-} ]] || dotnet publish bench/TasksBench -c Release -o "$OUT/tasksbench" --nologo -v quiet >&2

perf_env=()
[[ -n $PERF ]] && perf_env=(DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0)

start_server() {
  local log=$1; shift
  (cd "$BENCH_HOST_DIR" && exec env "${perf_env[@]}" taskset -c "$SERVER_CPU" dotnet TaskFlow.Host.dll --urls "http://127.0.0.1:$PORT" \
     --RateLimits:Enabled false --Identity:Tokens:AccessLifetime 12:00:00 --Logging:LogLevel:Default Warning "$@" ${BENCH_SERVER_ARGS:-}) >>"$log" 2>&1 &
  SERVER=$!
  for _ in $(seq 1 1200); do
    curl -sf -o /dev/null "http://127.0.0.1:$PORT/health/ready" && return 0
    kill -0 "$SERVER" 2>/dev/null || { echo "server exited; see $log" >&2; tail -20 "$log" >&2; exit 1; }
    sleep 0.1
  done
  echo "server not ready; see $log" >&2; exit 1
}

ticks() { awk '{print $14 + $15}' "/proc/$SERVER/stat"; }
TICK=$(getconf CLK_TCK)
statements() { [[ $1 == Postgres ]] && psql -d "${PREFIX}_tasks" -Atc "SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()" || echo 0; }

{
  echo "# Reads by id — $(date -u +%Y-%m-%dT%H:%MZ)"
  echo
  echo "Machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); load average at start $(cut -d' ' -f1-3 /proc/loadavg)."
  echo "All-in-one host on core $SERVER_CPU, wrk ($THREADS thread, $CONNECTIONS connections) on core $CLIENT_CPU; one project of $TASKS tasks seeded through the API;"
  echo "GET /v1/tasks/{id} over every task of the project with the owner's token, $DURATION after an unmeasured $WARMUP."
  echo
  echo "| Provider | Req/s | p50 | p99 | Non-2xx | Host CPU ms/request | DB statements/request |"
  echo "|---|---|---|---|---|---|---|"
} >"$WORK/report.md"

for provider in $PROVIDERS; do
  dir=$WORK/$provider; mkdir -p "$dir"; log=$WORK/server-$provider.log
  args=(--services all --DataDir "$dir" --Data:Provider "$provider")
  [[ $provider == Postgres ]] && args+=(--Data:Postgres "Host=$PGHOST;Port=$PGPORT;Username=$PGUSER;Password=$PGPASSWORD" --Data:DatabasePrefix "$PREFIX")
  echo "== $provider: starting, seeding $TASKS tasks" >&2
  start_server "$log" "${args[@]}"
  taskset -c "$CLIENT_CPU" dotnet "$OUT/tasksbench/TasksBench.dll" seed --url "http://127.0.0.1:$PORT" --state "$dir/state.json" --data-dir "$dir" \
    --projects 1 --tasks "$TASKS" --big "$TASKS" --comment-every 20 --concurrency 4 --import-concurrency 1 >&2
  # Every task of the project, and the seed's events delivered (their consumers would run on the measured core).
  if [[ $provider == Postgres ]]; then
    psql -d "${PREFIX}_tasks" -Atc 'SELECT "Id" FROM tasks' | sed 's|^|/v1/tasks/|' >"$dir/paths.txt"
    pending() { psql -d "${PREFIX}_tasks" -Atc 'SELECT count(*) FROM outbox_messages WHERE "ProcessedAt" IS NULL AND "DeadLetteredAt" IS NULL'; }
  else
    sqlite3 -cmd ".timeout 5000" "file:$dir/tasks.db?mode=ro" 'SELECT "Id" FROM tasks' | tr 'A-Z' 'a-z' | sed 's|^|/v1/tasks/|' >"$dir/paths.txt"
    pending() { sqlite3 -cmd ".timeout 5000" "file:$dir/tasks.db?mode=ro" 'SELECT count(*) FROM outbox_messages WHERE "ProcessedAt" IS NULL AND "DeadLetteredAt" IS NULL'; }
  fi
  for _ in $(seq 1 300); do [[ $(pending) -eq 0 ]] && break; sleep 1; done
  token=$(curl -sf "http://127.0.0.1:$PORT/v1/auth/login" -H 'Content-Type: application/json' \
    -d "$(jq -c '{email, password}' "$dir/state.json")" | jq -r .accessToken)
  code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $token" "http://127.0.0.1:$PORT$(head -1 "$dir/paths.txt")")
  [[ $code == 200 ]] || { echo "a read by id answered $code" >&2; exit 1; }
  export BENCH_PATHS=$dir/paths.txt BENCH_TOKEN=$token
  echo "== $provider: warm-up $WARMUP" >&2
  taskset -c "$CLIENT_CPU" wrk -t"$THREADS" -c"$CONNECTIONS" -d"$WARMUP" -s bench/tasks-byid/paths.lua "http://127.0.0.1:$PORT" >/dev/null
  perf_pid=""
  if [[ -n $PERF ]]; then
    perf record -F 999 -g -p "$SERVER" -o "$WORK/perf-$provider.data" >/dev/null 2>&1 &
    perf_pid=$!
  fi
  # Code generated during the measured run: each JIT compilation (tier 0, tier 1, OSR) and stub adds a line to the perf map.
  maplines() { [[ -n $PERF && -f /tmp/perf-$SERVER.map ]] && wc -l <"/tmp/perf-$SERVER.map" || echo 0; }
  m0=$(maplines)
  s0=$(statements "$provider"); t0=$(ticks)
  taskset -c "$CLIENT_CPU" wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency -s bench/tasks-byid/paths.lua "http://127.0.0.1:$PORT" >"$WORK/wrk.txt" 2>&1
  t1=$(ticks); s1=$(statements "$provider"); m1=$(maplines)
  if [[ -n $perf_pid ]]; then
    kill -INT "$perf_pid"; wait "$perf_pid" 2>/dev/null || true
    perf script -i "$WORK/perf-$provider.data" >"$OUT/byid-perf-$provider.script" 2>/dev/null
    cp "$WORK/perf-$provider.data" "$OUT/byid-perf-$provider.data"
  fi
  cat "$WORK/wrk.txt" >&2
  rps=$(awk '/Requests\/sec/ {print $2}' "$WORK/wrk.txt")
  p50=$(awk '$1=="50%" {print $2}' "$WORK/wrk.txt")
  p99=$(awk '$1=="99%" {print $2}' "$WORK/wrk.txt")
  errors=$(awk '/Non-2xx/ {print $NF}' "$WORK/wrk.txt"); errors=${errors:-0}
  requests=$(awk '/requests in/ {print $1}' "$WORK/wrk.txt")
  cpu=$(awk -v t="$((t1 - t0))" -v hz="$TICK" -v n="$requests" 'BEGIN { printf "%.3f", (n > 0 ? t * 1000 / hz / n : 0) }')
  stmts=$([[ $provider == Postgres ]] && awk -v s="$((s1 - s0))" -v n="$requests" 'BEGIN { printf "%.2f", (n > 0 ? s / n : 0) }' || echo "—")
  echo "| $provider | $rps | $p50 | $p99 | $errors | $cpu | $stmts |" >>"$WORK/report.md"
  if [[ -n $PERF ]]; then
    { echo; echo "Profile, $provider (perf, host samples by component; bench/tasks-byid/perf-components.py); $((m1 - m0)) methods or stubs JIT-compiled during the measured run:"; echo; echo '```'
      python3 bench/tasks-byid/perf-components.py "$OUT/byid-perf-$provider.script"; echo '```'; } >>"$WORK/profile.md"
  fi
  stop_server
done
[[ -f $WORK/profile.md ]] && cat "$WORK/profile.md" >>"$WORK/report.md"
cp "$WORK/report.md" "$REPORT"
cat "$REPORT"
