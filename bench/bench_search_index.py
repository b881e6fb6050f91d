"""The blind index at scale: how long one user's search takes on a table of a million entries.

Builds, in a scratch database, a table shaped like diary_entries' search columns
(user_id, created_at, search_index integer[]) with the same two indexes the
search uses (ix_diary_entries_user_created and the GIN ix_diary_entries_search),
fills it with ROWS entries of TERMS hashes each, then times with EXPLAIN ANALYZE
the list query and the paginator's count for a rare word, a word of medium
frequency and a common one, as diary.selectors sends them.

Each user has a vocabulary of VOCABULARY terms used with a skewed frequency (a
few very common, most rare), so posting lists look like a diary's; a hash's
value does not matter to the index, only how often it occurs. A real entry of
150 words has about 700 terms (prefixes, forms, title terms: docs/reading.md);
TERMS defaults lower to keep the build within minutes on a small machine, which
makes every posting list shorter by the same factor, not the rare word's.

    .venv/bin/python bench/bench_search_index.py            # 1,000,000 rows
    .venv/bin/python bench/bench_search_index.py --rows 100000 --keep
"""

import argparse
import os
import statistics
import time

import psycopg

ADMIN_URL = os.environ.get("BENCH_ADMIN_URL", "postgres://postgres@127.0.0.1:5432/postgres")
DATABASE = "journal_bench_search"
USERS = 1000
VOCABULARY = 20_000
RARE = -7  # a term in one entry in 10,000
MEDIUM = -8  # in one entry in 100
RUNS = 25


def _fill(cursor, rows: int, terms: int) -> None:
    cursor.execute("DROP TABLE IF EXISTS bench_entries")
    cursor.execute(
        "CREATE TABLE bench_entries (id bigserial PRIMARY KEY, user_id integer NOT NULL,"
        " created_at timestamptz NOT NULL, search_index integer[] NOT NULL)"
    )
    per_user = rows // USERS
    started = time.monotonic()
    # A term is user * VOCABULARY + a skewed pick (random()^4: term 0 common, the tail rare).
    cursor.execute(
        """
        INSERT INTO bench_entries (user_id, created_at, search_index)
        SELECT u, now() - (n || ' hours')::interval,
               ARRAY(SELECT DISTINCT (u * %(vocabulary)s + floor(%(vocabulary)s * random() ^ 4))::integer
                     FROM generate_series(1, %(terms)s) AS t WHERE t > 0 * n)
               || CASE WHEN random() < 0.0001 THEN ARRAY[%(rare)s] ELSE '{}'::integer[] END
               || CASE WHEN random() < 0.01 THEN ARRAY[%(medium)s] ELSE '{}'::integer[] END
        FROM generate_series(1, %(users)s) AS u, generate_series(1, %(per_user)s) AS n
        """,
        {"vocabulary": VOCABULARY, "terms": terms, "rare": RARE, "medium": MEDIUM, "users": USERS,
         "per_user": per_user},
    )
    print(f"filled {rows:,} rows in {time.monotonic() - started:.0f} s")
    started = time.monotonic()
    cursor.execute("SET maintenance_work_mem = '512MB'")
    cursor.execute("CREATE INDEX ix_bench_user_created ON bench_entries (user_id, created_at DESC, id DESC)")
    cursor.execute("CREATE INDEX ix_bench_search ON bench_entries USING gin (search_index)"
                   " WITH (gin_pending_list_limit = 256)")
    cursor.execute("ANALYZE bench_entries")
    print(f"indexed in {time.monotonic() - started:.0f} s")


def _timed(cursor, sql: str, params: list) -> tuple[float, str]:
    times, plan = [], ""
    for _ in range(RUNS):
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
        lines = [row[0] for row in cursor.fetchall()]
        times.append(float(lines[-1].split()[-2]))  # "Execution Time: 0.123 ms"
        plan = "\n".join(lines)
    return statistics.median(times), plan


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--terms", type=int, default=100, help="terms drawn per entry (distinct ones kept)")
    parser.add_argument("--keep", action="store_true", help="reuse the table if it has the rows already")
    args = parser.parse_args()
    with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
        if not admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE]).fetchone():
            admin.execute(f"CREATE DATABASE {DATABASE}")
    url = ADMIN_URL.rsplit("/", 1)[0] + "/" + DATABASE
    with psycopg.connect(url, autocommit=True) as connection, connection.cursor() as cursor:
        count = 0
        if args.keep:
            cursor.execute("SELECT to_regclass('bench_entries') IS NOT NULL")
            if cursor.fetchone()[0]:
                count = cursor.execute("SELECT count(*) FROM bench_entries").fetchone()[0]
        if count != args.rows:
            _fill(cursor, args.rows, args.terms)
        size = cursor.execute("SELECT pg_size_pretty(pg_relation_size('ix_bench_search'))").fetchone()[0]
        user = cursor.execute(
            "SELECT user_id FROM bench_entries WHERE search_index && %s::integer[] ORDER BY id LIMIT 1", [[RARE]]
        ).fetchone()[0]
        print(f"GIN index: {size}; user {user}")
        page = ("SELECT id, created_at FROM bench_entries WHERE user_id = %s AND search_index && %s::integer[]"
                " ORDER BY created_at DESC, id DESC LIMIT 20")
        total = "SELECT count(*) FROM bench_entries WHERE user_id = %s AND search_index && %s::integer[]"
        common = user * VOCABULARY  # the user's most frequent term
        print(f"{'word':8} {'query':6} {'median ms':>10}  plan")
        for word, terms in (("rare", [RARE, RARE - 100, RARE - 200]), ("medium", [MEDIUM, MEDIUM - 100]),
                            ("common", [common, common + 1])):
            for name, sql in (("page", page), ("count", total)):
                median, plan = _timed(cursor, sql, [user, terms])
                used = "GIN" if "ix_bench_search" in plan else ("user index" if "ix_bench_user" in plan else "scan")
                print(f"{word:8} {name:6} {median:10.3f}  {used}")
                if word == "rare" and name == "page":
                    print("    " + plan.replace("\n", "\n    "))


if __name__ == "__main__":
    main()
