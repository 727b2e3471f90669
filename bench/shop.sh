#!/usr/bin/env bash
# The catalog targets of issue 20: seed products in categories with stock on PostgreSQL, then wrk at 32 connections for
# a list by category, a product by id and a search, each over many distinct requests (uncached) and over one (cached).
# Usage: bench/shop.sh    (BENCH_PRODUCTS=2000 BENCH_DURATION=5s bench/shop.sh for a quick check)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
PRODUCTS=${BENCH_PRODUCTS:-100000}
CATEGORIES=${BENCH_CATEGORIES:-200}
DURATION=${BENCH_DURATION:-20s}
CONNECTIONS=${BENCH_CONNECTIONS:-32}
THREADS=${BENCH_THREADS:-2}
PORT=${BENCH_PORT:-5991}
CACHE=${BENCH_CACHE:-true}
export PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-5432} PGUSER=${PGUSER:-postgres} PGPASSWORD=${PGPASSWORD:-postgres}
PREFIX=bench_shop_$$
WORK=$(mktemp -d /tmp/bench-shop.XXXXXX)
OUT="$ROOT/bench/results/latest-shop.md"
command -v wrk >/dev/null || { echo "needs wrk (apt-get install -y wrk)" >&2; exit 1; }

if [[ -z "${BENCH_HOST_DLL:-}" ]]; then
  echo "publishing src/Host (Release)..." >&2
  dotnet publish "$ROOT/src/Host" -c Release -o "$ROOT/bench/.out/host" >&2
  BENCH_HOST_DLL="$ROOT/bench/.out/host/TaskFlow.Host.dll"
fi

SERVER=""
cleanup() {
  [[ -n "$SERVER" ]] && kill "$SERVER" 2>/dev/null && wait "$SERVER" 2>/dev/null || true
  for db in $(psql -d postgres -Atc "SELECT datname FROM pg_database WHERE datname LIKE '${PREFIX}_%'"); do psql -d postgres -qc "DROP DATABASE \"$db\" WITH (FORCE)" >/dev/null; done
  rm -rf "$WORK"
}
trap cleanup EXIT

# The shop all-in-one on PostgreSQL, with the gateway's checks (JWT validation, limits off) in the path of every request.
(cd "$(dirname "$BENCH_HOST_DLL")" && exec dotnet "$BENCH_HOST_DLL" --app shop --services all --urls "http://127.0.0.1:$PORT" \
  --DataDir "$WORK/data" --Data:Provider Postgres --Data:Postgres "Host=$PGHOST;Port=$PGPORT;Username=$PGUSER;Password=$PGPASSWORD" \
  --Data:DatabasePrefix "$PREFIX" --Catalog:DemoData false --Catalog:Cache:Enabled "$CACHE" --RateLimits:Enabled false --Logging:LogLevel:Default Warning) > "$WORK/server.log" 2>&1 &
SERVER=$!
for _ in $(seq 1 600); do curl -fs "http://127.0.0.1:$PORT/health/ready" >/dev/null && break; sleep 0.2; done
curl -fs "http://127.0.0.1:$PORT/health/ready" >/dev/null || { cat "$WORK/server.log" >&2; exit 1; }

echo "seeding $PRODUCTS products in $CATEGORIES categories..." >&2
# Straight into the catalog's tables (the API would take far longer for 100,000 rows): categories, products, the stock copy.
psql -d "${PREFIX}_catalog" -v ON_ERROR_STOP=1 -q <<SQL
INSERT INTO categories (id, name, normalized_name, slug, parent_id, created_at, updated_at)
SELECT gen_random_uuid(), 'Category ' || c, 'category ' || c, 'category-' || c, NULL, now(), now() FROM generate_series(1, $CATEGORIES) c;
WITH cats AS (SELECT id, row_number() OVER (ORDER BY slug) AS n FROM categories)
INSERT INTO products (id, name, description, price, currency, category_id, created_at, updated_at)
SELECT gen_random_uuid(),
       (ARRAY['Smartphone','Laptop','Headphones','Camera','Kettle','Desk','Novel','Tent','Jacket','Sneakers'])[1 + i % 10] || ' ' || i,
       'Model ' || i || ': ' || (ARRAY['light and sturdy','made to last','our best seller','great value','for every day'])[1 + i % 5],
       ((i * 37) % 100000) / 100.0 + 1, 'USD', cats.id, now() - (i || ' seconds')::interval, now()
FROM generate_series(1, $PRODUCTS) i JOIN cats ON cats.n = 1 + i % $CATEGORIES;
INSERT INTO product_stock (product_id, available, version, updated_at) SELECT id, (hashtext(id::text) & 255), 1, now() FROM products;
UPDATE catalog_state SET version = version + 1 WHERE id = 1;
ANALYZE;
SQL

psql -d "${PREFIX}_catalog" -Atc "SELECT '/v1/products?category=' || slug || '&limit=20&offset=' || (o * 20) FROM categories, generate_series(0, 9) o" > "$WORK/list.txt"
psql -d "${PREFIX}_catalog" -Atc "SELECT '/v1/products/' || id FROM products ORDER BY random() LIMIT 20000" > "$WORK/id.txt"
psql -d "${PREFIX}_catalog" -Atc "SELECT '/v1/products?search=' || w || '%20' || n FROM unnest(ARRAY['smart','lap','head','cam','ket','desk','nov','tent','jack','sneak']) w, generate_series(1, 200) n" > "$WORK/search.txt"
head -1 "$WORK/list.txt" > "$WORK/list1.txt"; head -1 "$WORK/id.txt" > "$WORK/id1.txt"; head -1 "$WORK/search.txt" > "$WORK/search1.txt"

echo "query plans of the catalog's list page, its counts and search, as EF Core writes them (each should use an index at full size):" >&2
CAT=$(psql -d "${PREFIX}_catalog" -Atc "SELECT id FROM categories LIMIT 1")
# The page: products sorted and cut in a subquery, then their stock (ListProducts.Run); the category's name comes from memory.
psql -d "${PREFIX}_catalog" -Atc "EXPLAIN ANALYZE SELECT p1.id, p1.name, p1.price, p1.category_id, CASE WHEN p0.product_id IS NULL THEN 0 ELSE p0.available END
  FROM (SELECT p.id, p.category_id, p.created_at, p.currency, p.description, p.image_url, p.name, p.price, p.updated_at FROM products AS p
        WHERE p.deleted_at IS NULL AND p.category_id = '$CAT' ORDER BY p.created_at DESC, p.id DESC LIMIT 20 OFFSET 180) AS p1
  LEFT JOIN product_stock AS p0 ON p1.id = p0.product_id ORDER BY p1.created_at DESC, p1.id DESC" >&2
# The total and the facets: one grouped count per filter (cached per filter and catalog version).
psql -d "${PREFIX}_catalog" -Atc "EXPLAIN ANALYZE SELECT p.category_id, count(*)::int FROM products AS p WHERE p.deleted_at IS NULL AND p.category_id = '$CAT' GROUP BY p.category_id" >&2
psql -d "${PREFIX}_catalog" -Atc "EXPLAIN ANALYZE SELECT id FROM products WHERE search_vector @@ to_tsquery('simple', 'smart:* & 12:*')" >&2

# CPU time (user + system, in clock ticks) of the host process: the server's own cost per request (PostgreSQL's backends not included).
ticks() { awk '{print $14 + $15}' "/proc/$SERVER/stat"; }
TICK=$(getconf CLK_TCK)

row() {
  local name=$1 file=$2
  local before after
  # BENCH_WARM_PASS (e.g. 5s): run the row's paths once for that long, unmeasured, so the row measures the steady state
  # (every page or product already read once) instead of including each path's first, uncached read.
  if [[ -n ${BENCH_WARM_PASS:-} ]]; then
    BENCH_PATHS="$file" wrk -t"$THREADS" -c"$CONNECTIONS" -d"$BENCH_WARM_PASS" -s "$ROOT/bench/shop/paths.lua" "http://127.0.0.1:$PORT" >/dev/null 2>&1
  fi
  before=$(ticks)
  BENCH_PATHS="$file" wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency -s "$ROOT/bench/shop/paths.lua" "http://127.0.0.1:$PORT" > "$WORK/wrk.txt" 2>&1
  after=$(ticks)
  cat "$WORK/wrk.txt" >&2
  local rps p50 p99 errors requests cpu
  rps=$(awk '/Requests\/sec/ {print $2}' "$WORK/wrk.txt")
  p50=$(awk '$1=="50%" {print $2}' "$WORK/wrk.txt")
  p99=$(awk '$1=="99%" {print $2}' "$WORK/wrk.txt")
  errors=$(awk '/Non-2xx/ {print $NF}' "$WORK/wrk.txt"); errors=${errors:-0}
  requests=$(awk '/requests in/ {print $1}' "$WORK/wrk.txt")
  cpu=$(awk -v t="$((after - before))" -v hz="$TICK" -v n="$requests" 'BEGIN { printf "%.3f", (n > 0 ? t * 1000 / hz / n : 0) }')
  echo "| $name | $(wc -l < "$file") | $rps | $p50 | $p99 | $errors | $cpu |"
}

{
  echo "Shop catalog, PostgreSQL, $PRODUCTS products in $CATEGORIES categories, cache $CACHE, $CONNECTIONS connections, $DURATION each${BENCH_WARM_PASS:+ after an unmeasured $BENCH_WARM_PASS pass over the same paths} ($(date -u +%F), $(nproc) cores)"
  echo
  echo "| Scenario | Distinct paths | Req/s | p50 | p99 | Non-2xx | Server CPU ms/request |"
  echo "|---|---|---|---|---|---|---|"
  row "list by category (target ≥ 3,600/s, p99 ≤ 30 ms)" "$WORK/list.txt"
  row "by id (target ≥ 5,000/s, p99 ≤ 20 ms)" "$WORK/id.txt"
  row "search (target ≥ 1,500/s, p99 ≤ 50 ms)" "$WORK/search.txt"
  row "list, one cached page (target ≥ 20,000/s)" "$WORK/list1.txt"
  row "by id, one cached product" "$WORK/id1.txt"
  row "search, one cached page" "$WORK/search1.txt"
} | tee "$OUT"
