#!/usr/bin/env bash
# One command: the reporting benchmark of issue 18 on PostgreSQL, all-in-one host.
#   1. seed: a workspace with BENCH_PROJECTS projects (6 cycles each) through the API, then BENCH_TASKS tasks' history of
#      BENCH_EVENTS_PER_TASK events each (the tasks service's own event records), BENCH_BIG of the tasks in the first
#      project, copied into reporting's event log;
#   2. rebuild: POST /v1/workspaces/{id}/reports/rebuild (replays the whole log), timed, with the server's CPU;
#   3. latency: the burndown and cycle-time reports of the big project, closed loop, BENCH_CONNECTIONS clients.
# See bench/README.md. Needs curl and psql.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$PWD
OUT=$ROOT/bench/.out
RESULTS=$ROOT/bench/results
PROJECTS=${BENCH_PROJECTS:-100}
TASKS=${BENCH_TASKS:-100000}
BIG=${BENCH_BIG:-10000}
PER_TASK=${BENCH_EVENTS_PER_TASK:-10}
DURATION=${BENCH_SECONDS:-20}
WARMUP=${BENCH_WARMUP:-10}
CONNECTIONS=${BENCH_CONNECTIONS:-4}
SERVER_CPU=${BENCH_SERVER_CPU:-0}
CLIENT_CPU=${BENCH_CLIENT_CPU:-1}
PORT=${BENCH_PORT:-5992}
REBUILDS=${BENCH_REBUILDS:-1}
export PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-5432} PGUSER=${PGUSER:-postgres} PGPASSWORD=${PGPASSWORD:-postgres}
PREFIX=bench_reports
DATAROOT=$(mktemp -d /tmp/taskflow-reports-bench.XXXXXX)
SERVER_PID=""

command -v curl >/dev/null || { echo "curl is missing: apt-get install -y curl" >&2; exit 1; }
mkdir -p "$OUT" "$RESULTS"

drop_databases() {
  for db in $(psql -Atc "SELECT datname FROM pg_database WHERE datname LIKE '${PREFIX}_%'" 2>/dev/null); do
    psql -qc "DROP DATABASE IF EXISTS \"$db\" WITH (FORCE)" >/dev/null 2>&1 || true
  done
}
cleanup() {
  if [[ -n $SERVER_PID ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM "$SERVER_PID"; for _ in $(seq 1 100); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$SERVER_PID" 2>/dev/null || true
  fi
  rm -rf "$DATAROOT"
  drop_databases
}
trap cleanup EXIT
drop_databases

echo "publishing src/Host and bench/ReportsBench (Release)" >&2
dotnet publish src/Host -c Release -o "$OUT/host" --nologo -v quiet >&2
dotnet publish bench/ReportsBench -c Release -o "$OUT/reportsbench" --nologo -v quiet >&2

log=$OUT/reports-server.log; : >"$log"
# BENCH_SERVER_ARGS: more host options, e.g. "--Reporting:HistoryCache:MaxStates 0" to read the history for every request.
# shellcheck disable=SC2206
extra=(${BENCH_SERVER_ARGS:-})
(cd "$OUT/host" && exec taskset -c "$SERVER_CPU" dotnet TaskFlow.Host.dll --urls "http://127.0.0.1:$PORT" \
   --services all --DataDir "$DATAROOT" --Data:Provider Postgres \
   --Data:Postgres "Host=$PGHOST;Port=$PGPORT;Username=$PGUSER;Password=$PGPASSWORD" --Data:DatabasePrefix "$PREFIX" \
   --RateLimits:Enabled false --Identity:Tokens:AccessLifetime 12:00:00 --Logging:LogLevel:Default Warning "${extra[@]}") >>"$log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 1200); do
  curl -sf -o /dev/null "http://127.0.0.1:$PORT/health/ready" && break
  kill -0 "$SERVER_PID" 2>/dev/null || { echo "server exited; see $log" >&2; tail -20 "$log" >&2; exit 1; }
  sleep 0.1
done

bench() { taskset -c "$CLIENT_CPU" dotnet "$OUT/reportsbench/ReportsBench.dll" "$@" --url "http://127.0.0.1:$PORT" --state "$DATAROOT/state.json"; }

REPORT=$OUT/reports-report.md
{
  echo "# Reporting benchmark — $(date -u +%Y-%m-%dT%H:%MZ)"
  echo
  echo "Machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(free -g | awk '/Mem:/ {print $2}') GiB; .NET $(dotnet --version); PostgreSQL $(psql -Atc 'SHOW server_version')."
  echo "Server (all-in-one, PostgreSQL) pinned to core $SERVER_CPU, the load generator to core $CLIENT_CPU."
  [[ -n ${BENCH_SERVER_ARGS:-} ]] && echo "Host options: $BENCH_SERVER_ARGS."
  echo "Data: $PROJECTS projects with 6 two-week cycles each, $TASKS tasks with $PER_TASK events each (created, moves, re-estimates, re-assignments; 1 in 50 deleted), $BIG of them in the measured project."
  echo
} >"$REPORT"

echo "seeding" >&2
bench seed --pg "Host=$PGHOST;Port=$PGPORT;Username=$PGUSER;Password=$PGPASSWORD;Database=${PREFIX}_reporting" \
  --projects "$PROJECTS" --tasks "$TASKS" --big "$BIG" --events-per-task "$PER_TASK"
echo "Seeded in $(jq -r .seedSeconds "$DATAROOT/state.json" | cut -d. -f1) s ($(jq -r .events "$DATAROOT/state.json") events)." >>"$REPORT"; echo >>"$REPORT"

for i in $(seq 1 "$REBUILDS"); do
  echo "rebuild $i" >&2
  if [[ $i -eq 1 ]]; then bench rebuild --server-pid "$SERVER_PID" >>"$REPORT"; else bench rebuild --server-pid "$SERVER_PID" | tail -1 >>"$REPORT"; fi
done
psql -d "${PREFIX}_reporting" -qc "VACUUM ANALYZE" >/dev/null
echo >>"$REPORT"
echo "latency" >&2
bench latency --server-pid "$SERVER_PID" --connections "$CONNECTIONS" --duration "$DURATION" --warmup "$WARMUP" >>"$REPORT"

cp "$REPORT" "$RESULTS/latest-reports.md"
cat "$REPORT"
