#!/usr/bin/env bash
# One command: seed 100 projects / 100,000 tasks through the API, then measure board page, filtered list, search,
# move and create at 16 concurrent clients, on SQLite (all-in-one) and PostgreSQL. See bench/README.md.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$PWD
OUT=$ROOT/bench/.out
RESULTS=$ROOT/bench/results
PROVIDERS=${BENCH_PROVIDERS:-"Sqlite Postgres"}
TASKS=${BENCH_TASKS:-100000}
PROJECTS=${BENCH_PROJECTS:-100}
BIG=${BENCH_BIG:-10000}
DURATION=${BENCH_SECONDS:-20}
WARMUP=${BENCH_WARMUP:-15}     # seconds per scenario before measuring; short warm-ups measure tier-0 JIT code
CONNECTIONS=${BENCH_CONNECTIONS:-16}
SERVER_CPU=${BENCH_SERVER_CPU:-0}
CLIENT_CPU=${BENCH_CLIENT_CPU:-1}
PORT=${BENCH_PORT:-5991}
KEEP=${BENCH_KEEP:-}          # a folder: keep (and reuse) the seeded data there instead of a temporary one
SEED_ONLY=${BENCH_SEED_ONLY:-} # set to 1: seed (into BENCH_KEEP), wait for the event backlog to drain, stop
SCENARIOS=${BENCH_SCENARIOS:-} # e.g. search: only these closed-loop scenarios (default: all eight)
MIXED=${BENCH_MIXED:-}         # set to 1: the mixed open-loop load (issue 19) with delivery lag, instead of the scenarios
DRAINED=${BENCH_DRAINED:-}     # set to 1: N moves then N creates (BENCH_REQUESTS), each followed by a full drain; CPU and statements per write
REQUESTS=${BENCH_REQUESTS:-500}
PGLOG=${BENCH_PGLOG:-/var/log/postgresql/postgresql-15-main.log}
MOVES=${BENCH_MOVES:-100} CREATES=${BENCH_CREATES:-50} READS=${BENCH_READS:-600}   # arrivals per second, mixed load
export PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-5432} PGUSER=${PGUSER:-postgres} PGPASSWORD=${PGPASSWORD:-postgres}

command -v curl >/dev/null || { echo "curl is missing: apt-get install -y curl" >&2; exit 1; }
mkdir -p "$OUT" "$RESULTS"
DATAROOT=${KEEP:-$(mktemp -d /tmp/taskflow-tasks-bench.XXXXXX)}
mkdir -p "$DATAROOT"
PREFIX=${BENCH_PG_PREFIX:-bench_tasks}
SERVER_PID=""

stop_server() {
  if [[ -n $SERVER_PID ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM "$SERVER_PID"
    for _ in $(seq 1 100); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  SERVER_PID=""
}
cleanup() {
  stop_server
  [[ -n $DRAINED ]] && log_statements none
  if [[ -z $KEEP ]]; then
    rm -rf "$DATAROOT"
    for db in $(psql -Atc "SELECT datname FROM pg_database WHERE datname LIKE '${PREFIX}_%'" 2>/dev/null); do
      psql -qc "DROP DATABASE IF EXISTS \"$db\" WITH (FORCE)" >/dev/null 2>&1 || true
    done
  fi
}
trap cleanup EXIT

HOST=${BENCH_HOST:-$OUT/host}   # a folder with a published host to measure (e.g. a copy from before a change); default: publish this checkout
if [[ -z ${BENCH_HOST:-} ]]; then
  echo "publishing src/Host (Release)" >&2
  dotnet publish src/Host -c Release -o "$OUT/host" --nologo -v quiet >&2
fi
echo "publishing bench/TasksBench (Release)" >&2
dotnet publish bench/TasksBench -c Release -o "$OUT/tasksbench" --nologo -v quiet >&2

start_server() {
  local log=$1; shift
  (cd "$HOST" && exec taskset -c "$SERVER_CPU" dotnet TaskFlow.Host.dll --urls "http://127.0.0.1:$PORT" \
     --RateLimits:Enabled false --Identity:Tokens:AccessLifetime 12:00:00 --Logging:LogLevel:Default Warning "$@") >>"$log" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 1 1200); do
    curl -sf -o /dev/null "http://127.0.0.1:$PORT/health/ready" && return 0
    kill -0 "$SERVER_PID" 2>/dev/null || { echo "server exited; see $log" >&2; tail -20 "$log" >&2; exit 1; }
    sleep 0.1
  done
  echo "server not ready; see $log" >&2; exit 1
}

bench() { taskset -c "$CLIENT_CPU" dotnet "$OUT/tasksbench/TasksBench.dll" "$@"; }

# Index use on PostgreSQL: sequential vs index scans on the task tables during the read scenarios.
scans() {
  psql -d "${PREFIX}_tasks" -Atc "SELECT relname, seq_scan, coalesce(idx_scan,0) FROM pg_stat_user_tables ORDER BY relname" 2>/dev/null || true
}

# Unix seconds with fractions of a provider's timestamp column.
epoch() { if [[ $1 == Postgres ]]; then echo "extract(epoch from \"$2\")"; else echo "(julianday(\"$2\") - 2440587.5) * 86400.0"; fi; }

# Rows of one service database: psql or sqlite3, '|'-separated.
query() {
  local provider=$1 dir=$2 service=$3 sql=$4
  if [[ $provider == Postgres ]]; then psql -d "${PREFIX}_$service" -At -c "$sql" 2>/dev/null || true
  else sqlite3 -cmd ".timeout 5000" "file:$dir/$service.db?mode=ro" "$sql" 2>/dev/null || true; fi
}

# The mixed open-loop load: moves + creates + reads at fixed arrival rates, then the delivery lag of the events written
# in the measured window (tasks outbox OccurredAt → each consumer's inbox HandledAt), once every outbox is drained.
mixed() {
  local provider=$1 dir=$2 state=$3 since
  {
    echo; echo "## $provider: mixed open-loop load"; echo
    echo "$MOVES moves/s + $CREATES creates/s + $READS reads/s (3 board columns : 1 filtered list, of the big project), ${DURATION} s after a ${WARMUP} s warm-up; latency from each request's scheduled time."; echo
    bench mixed --url "http://127.0.0.1:$PORT" --state "$state" --duration "$DURATION" --warmup "$WARMUP" --server-pid "$SERVER_PID" \
      --moves "$MOVES" --creates "$CREATES" --reads "$READS" --since-file "$OUT/mixed-since.txt"
  } >>"$REPORT"
  since=$(cat "$OUT/mixed-since.txt")
  echo "mixed: waiting for the outboxes to drain" >&2
  for _ in $(seq 1 120); do
    n=$(query "$provider" "$dir" tasks 'SELECT count(*) FROM outbox_messages WHERE "ProcessedAt" IS NULL AND "DeadLetteredAt" IS NULL')
    [[ ${n:-0} -eq 0 ]] && break
    sleep 1
  done
  query "$provider" "$dir" tasks "SELECT \"Id\", $(epoch "$provider" OccurredAt) FROM outbox_messages WHERE $(epoch "$provider" OccurredAt) >= $since" >"$OUT/mixed-outbox.txt"
  : >"$OUT/mixed-inbox.txt"
  for service in tasks notifications projects workspaces reporting integrations realtime identity; do
    query "$provider" "$dir" "$service" "SELECT \"MessageId\", '$service:' || \"Consumer\", $(epoch "$provider" HandledAt) FROM inbox_messages WHERE $(epoch "$provider" HandledAt) >= $since" >>"$OUT/mixed-inbox.txt"
  done
  {
    echo; echo "Delivery lag of the events written in the measured window (event OccurredAt → consumer applied, inbox HandledAt):"; echo
    bench lag --outbox "$OUT/mixed-outbox.txt" --inbox "$OUT/mixed-inbox.txt"
  } >>"$REPORT"
}

# Wait until every service's outbox is empty and the notifications service has sent the e-mails they queued; polls
# every $3 seconds.
drain() {
  local provider=$1 dir=$2 every=$3 pending n
  while true; do
    pending=0
    if [[ $provider == Postgres ]]; then
      for db in $(psql -Atc "SELECT datname FROM pg_database WHERE datname LIKE '${PREFIX}_%'"); do
        n=$(psql -d "$db" -Atc 'SELECT count(*) FROM outbox_messages WHERE "ProcessedAt" IS NULL AND "DeadLetteredAt" IS NULL' 2>/dev/null || echo 0)
        pending=$((pending + n))
      done
      n=$(psql -d "${PREFIX}_notifications" -Atc "SELECT count(*) FROM outgoing_emails WHERE \"Status\" = 'Pending'" 2>/dev/null || echo 0)
      pending=$((pending + n))
    else
      for db in "$dir"/*.db; do
        n=$(sqlite3 -cmd ".timeout 5000" "file:$db?mode=ro" 'SELECT count(*) FROM outbox_messages WHERE "ProcessedAt" IS NULL AND "DeadLetteredAt" IS NULL' 2>/dev/null || echo 0)
        pending=$((pending + n))
      done
      n=$(sqlite3 -cmd ".timeout 5000" "file:$dir/notifications.db?mode=ro" "SELECT count(*) FROM outgoing_emails WHERE \"Status\" = 'Pending'" 2>/dev/null || echo 0)
      pending=$((pending + n))
    fi
    [[ $pending -eq 0 ]] && break
    [[ ${every%.*} -ge 5 ]] && echo "  $pending events or e-mails not sent yet" >&2
    sleep "$every"
  done
}

# log_statement on every bench database (PostgreSQL; new sessions only, so set it before the server starts).
log_statements() {
  for db in $(psql -Atc "SELECT datname FROM pg_database WHERE datname LIKE '${PREFIX}_%'" 2>/dev/null); do
    if [[ $1 == none ]]; then psql -qc "ALTER DATABASE \"$db\" RESET log_statement" >/dev/null 2>&1 || true
    else psql -qc "ALTER DATABASE \"$db\" SET log_statement = '$1'" >/dev/null; fi
  done
}

# Server CPU (user + system) so far, in ms: utime and stime are fields 14 and 15 of /proc/PID/stat, in clock ticks.
server_cpu() { awk -v hz="$(getconf CLK_TCK)" '{ sub(/^.*\) /, ""); print ($12 + $13) * 1000 / hz }' "/proc/$SERVER_PID/stat"; }

# BENCH_DRAINED: the whole host's cost of a write, the work its events cause in every consumer included. N moves (then N
# creates) closed loop, then wait until every outbox is empty and the e-mails are sent; CPU of the host process over
# run + drain, and (PostgreSQL) the statements the host sent (log_statement = all; Npgsql's extended-protocol
# "execute" lines of the bench databases, so the script's own psql polls are not counted), each divided by N.
drained() {
  local provider=$1 dir=$2 state=$3 kind cpu0 cpu1 off0 off1 t0 t1 idle0 idle1 stmts result
  {
    echo; echo "## $provider: cost per write including the drained consumers"; echo
    echo "$REQUESTS requests per kind, $CONNECTIONS clients closed loop, then a drain (every outbox empty, e-mails sent); CPU of the host process over run + drain."; echo
    echo "| kind | requests | errors | run s | run + drain s | host CPU ms/write | statements/write | statements by database (per write) |"
    echo "|---|---:|---:|---:|---:|---:|---:|---|"
  } >>"$REPORT"
  # Warm-up (JIT, caches, pools), drained, not counted.
  bench count --url "http://127.0.0.1:$PORT" --state "$state" --scenarios move --requests 200 --connections "$CONNECTIONS" >/dev/null
  bench count --url "http://127.0.0.1:$PORT" --state "$state" --scenarios create --requests 200 --connections "$CONNECTIONS" >/dev/null
  drain "$provider" "$dir" 0.5
  # Idle cost of the pollers, for reference: 10 s with no requests.
  idle0=$(server_cpu); off0=$(stat -c %s "$PGLOG" 2>/dev/null || echo 0); sleep 10; idle1=$(server_cpu)
  stmts=$(tail -c +$((off0 + 1)) "$PGLOG" 2>/dev/null | grep -c "@${PREFIX}_[a-z]* LOG:  execute" || true)
  for kind in move create; do
    cpu0=$(server_cpu); off0=$(stat -c %s "$PGLOG" 2>/dev/null || echo 0); t0=$(date +%s.%N)
    result=$(bench count --url "http://127.0.0.1:$PORT" --state "$state" --scenarios "$kind" --requests "$REQUESTS" --connections "$CONNECTIONS")
    drain "$provider" "$dir" 0.5
    cpu1=$(server_cpu); t1=$(date +%s.%N)
    off1=$(stat -c %s "$PGLOG" 2>/dev/null || echo 0)
    tail -c +$((off0 + 1)) "$PGLOG" 2>/dev/null | head -c $((off1 - off0)) | grep "@${PREFIX}_[a-z]* LOG:  execute" >"$OUT/drained-$kind.log" || true
    read -r _ errors seconds <<<"$result"
    {
      printf '| %s | %s | %s | %s | %.1f | %.2f | %s | %s |\n' "$kind" "$REQUESTS" "$errors" "$seconds" "$(echo "$t1 - $t0" | bc)" \
        "$(echo "($cpu1 - $cpu0) / $REQUESTS" | bc -l)" \
        "$(awk -v n="$REQUESTS" 'END { if (NR) printf "%.1f", NR / n; else print "–" }' "$OUT/drained-$kind.log")" \
        "$(sed -E "s/.*@${PREFIX}_([a-z]*) LOG.*/\1/" "$OUT/drained-$kind.log" | sort | uniq -c | sort -rn | awk -v n="$REQUESTS" '{ printf "%s%s %.1f", sep, $2, $1 / n; sep = ", " }')"
    } >>"$REPORT"
  done
  {
    echo; echo "Idle, for reference (10 s, no requests): $(echo "$idle1 - $idle0" | bc) ms host CPU, $stmts statements; included in the figures above for the drain's duration."
    echo "Statements: PostgreSQL's log (log_statement = all on the bench databases), kept in bench/.out/drained-{move,create}.log."
  } >>"$REPORT"
}

REPORT=$OUT/tasks-report.md
{
  echo "# Tasks benchmark — $(date -u +%Y-%m-%dT%H:%MZ)"
  echo
  echo "Machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(free -g | awk '/Mem:/ {print $2}') GiB; .NET $(dotnet --version)."
  if [[ -n $MIXED ]]; then
    echo "Server pinned to core $SERVER_CPU, load generator to core $CLIENT_CPU; mixed open-loop load (fixed arrival rates)."
  else
    echo "Server pinned to core $SERVER_CPU, load generator to core $CLIENT_CPU; $CONNECTIONS concurrent clients (closed loop), ${DURATION} s per scenario after a ${WARMUP} s warm-up."
  fi
  echo "Data: $PROJECTS projects, $TASKS tasks ($BIG in the measured project), 6 labels per project, 0–2 assignees and 0–2 labels per task, a comment on every 5th task; seeded through the API."
} >"$REPORT"

for provider in $PROVIDERS; do
  log=$OUT/tasks-$provider.log; : >"$log"
  dir=$DATAROOT/$provider; mkdir -p "$dir"
  args=(--services all --DataDir "$dir" --Data:Provider "$provider")
  if [[ $provider == Postgres ]]; then
    args+=(--Data:Postgres "Host=$PGHOST;Port=$PGPORT;Username=$PGUSER;Password=$PGPASSWORD" --Data:DatabasePrefix "$PREFIX")
  fi
  echo "== $provider" >&2
  # BENCH_SERVER_ARGS: more host options, e.g. "--Tasks:ListCache:MaxMegabytes 0" to measure without the list cache.
  # shellcheck disable=SC2206
  extra=(${BENCH_SERVER_ARGS:-})
  start_server "$log" "${args[@]}" "${extra[@]}"
  state=$dir/state.json
  if [[ ! -f $state ]]; then
    echo "seeding $TASKS tasks ($provider)" >&2
    bench seed --url "http://127.0.0.1:$PORT" --state "$state" --data-dir "$dir" --projects "$PROJECTS" --tasks "$TASKS" --big "$BIG" --concurrency 8 --import-concurrency 1
  fi
  # The seed writes events faster than they are sent; measure only once every service's outbox is drained and the
  # notifications service has sent the e-mails they queued (a backlog of them took ~20 % of the server's core).
  echo "waiting for the outboxes to drain" >&2
  drain "$provider" "$dir" 30
  if [[ -n $SEED_ONLY ]]; then stop_server; continue; fi
  if [[ -n $DRAINED ]]; then
    if [[ $provider == Postgres ]]; then
      stop_server; log_statements all; start_server "$log" "${args[@]}" "${extra[@]}"
    fi
    drained "$provider" "$dir" "$state"
    stop_server
    [[ $provider == Postgres ]] && log_statements none
    continue
  fi
  if [[ -n $MIXED ]]; then
    mixed "$provider" "$dir" "$state"
    stop_server
    continue
  fi
  [[ $provider == Postgres ]] && psql -d "${PREFIX}_tasks" -qc "ANALYZE" && scans >"$OUT/scans-before.txt"
  {
    echo; echo "## $provider"; echo
    echo "Seeded in $(jq -r .seedSeconds "$state" 2>/dev/null || echo '?') s ($(jq -r '.tasks' "$state" 2>/dev/null) tasks, $(jq -r '.comments' "$state" 2>/dev/null) comments)."; echo
    if [[ -n $SCENARIOS ]]; then
      bench run --url "http://127.0.0.1:$PORT" --state "$state" --duration "$DURATION" --warmup "$WARMUP" --connections "$CONNECTIONS" --server-pid "$SERVER_PID" --scenarios "$SCENARIOS"
    else
      bench run --url "http://127.0.0.1:$PORT" --state "$state" --duration "$DURATION" --warmup "$WARMUP" --connections "$CONNECTIONS" --server-pid "$SERVER_PID" --scenarios board,filtered,search,search-two,search-prefix
      bench run --url "http://127.0.0.1:$PORT" --state "$state" --duration "$DURATION" --warmup "$WARMUP" --connections "$CONNECTIONS" --server-pid "$SERVER_PID" --scenarios move,create,board+move | tail -n +3
    fi
  } >>"$REPORT"
  if [[ $provider == Postgres ]]; then
    scans >"$OUT/scans-after.txt"
    {
      echo; echo "Scans on the tasks database during the run (table: sequential, index):"; echo
      join -t'|' "$OUT/scans-before.txt" "$OUT/scans-after.txt" | awk -F'|' '{ printf "- %s: %d seq, %d idx\n", $1, $4-$2, $5-$3 }'
    } >>"$REPORT"
  fi
  stop_server
done

[[ -n $SEED_ONLY ]] && { echo "seeded into $DATAROOT" >&2; exit 0; }
cp "$REPORT" "$RESULTS/latest-tasks.md"
cat "$REPORT"
