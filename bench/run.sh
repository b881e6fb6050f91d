#!/usr/bin/env bash
# `make bench`: the data-scale and load benchmarks against PostgreSQL and Redis.
#
#   1. 10 bench users x 1,000 entries (10,000 in the table) and one writer with 2,000:
#      the throughput table against a bare Django project (bench/throughput.py),
#      query timings and the load run
#   2. 1,000 more users x 1,000 entries (1,010,000 in the table), timed: bench/seed_demo.py's rows/s
#   3. the same query timings and load run again, and the ratios of the two
#
# It fills DATABASE_URL; with BENCH_RESET=1 it empties it first (flush), which
# the first step needs unless the database holds only the bench users.
set -euo pipefail
cd "$(dirname "$0")/.."
: "${DATABASE_URL:?set DATABASE_URL to a PostgreSQL database the benchmark may fill}"
: "${REDIS_URL:?set REDIS_URL (the rate limiter, sessions and caches live there)}"
PY=${PY:-.venv/bin/python}
OUT=${BENCH_OUT:-var/bench}
LOAD_ARGS=${BENCH_LOAD_ARGS:-}
mkdir -p "$OUT"

rows() { $PY manage.py shell --no-imports -c "from diary.models import DiaryEntry; print(DiaryEntry.objects.count())" 2>/dev/null | tail -n1; }

if [ "${BENCH_RESET:-0}" = 1 ]; then
  $PY manage.py flush --noinput
fi
$PY manage.py migrate --noinput -v0
$PY manage.py collectstatic --noinput -v0

if [ "$(rows)" = 0 ]; then
  $PY bench/seed_demo.py --users 10 --entries-per-user 1000 --messages-per-user 20 --prefix bench --seed 1
fi
if [ "$(rows)" -gt 20000 ]; then
  echo "The table already holds $(rows) entries: run with BENCH_RESET=1 to start from 10,000." >&2
  exit 2
fi

echo "== throughput against a bare Django project (wrk; ratios are what count)"
$PY bench/throughput.py --json "$OUT/throughput.json"

echo "== 10,000 entries: queries"
$PY bench/scale.py measure --label small --json "$OUT/scale-small.json"
echo "== 10,000 entries: load"
# shellcheck disable=SC2086
$PY bench/load.py --json "$OUT/load-small.json" $LOAD_ARGS || true

echo "== seeding 1,000,000 entries"
$PY bench/seed_demo.py --users 1000 --entries-per-user 1000 --messages-per-user 20 --prefix demo --seed 2 | tee "$OUT/seed.txt"
$PY manage.py shell --no-imports -c "from django.db import connection; connection.cursor().execute('VACUUM ANALYZE diary_entries')"

echo "== 1,010,000 entries: queries"
$PY bench/scale.py measure --label large --json "$OUT/scale-large.json"
echo "== 1,010,000 entries: load"
# shellcheck disable=SC2086
$PY bench/load.py --json "$OUT/load-large.json" $LOAD_ARGS || true

echo "== query latency, 10,000 vs 1,010,000 entries"
$PY bench/scale.py compare "$OUT/scale-small.json" "$OUT/scale-large.json"
echo "== HTTP latency, 10,000 vs 1,010,000 entries"
$PY bench/scale.py compare-http "$OUT/load-small.json" "$OUT/load-large.json"
