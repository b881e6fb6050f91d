"""Scale run: do the queries behind the list, search and statistics stay flat as the table grows?

    .venv/bin/python bench/scale.py measure --label small --json /tmp/small.json
    .venv/bin/python bench/seed_demo.py --users 1000 --entries-per-user 1000
    .venv/bin/python bench/scale.py measure --label large --json /tmp/large.json
    .venv/bin/python bench/scale.py compare /tmp/small.json /tmp/large.json

`measure` times, in this process, the queries a diary page runs for the
bench users (bench/seed_demo.py --prefix bench): the newest page of entries with its
count, a full-text search, a tag filter and 30 days of statistics. Each
signed-in user's data stays the same size while the table grows around it,
so a flat latency shows the indexes doing their work. `make bench` runs the
whole sequence, and the HTTP scenarios of bench/load.py at both sizes.
"""

import argparse
import json
import os
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "journal_site.settings")


def queries(user_id: int) -> dict:
    """The reads of the list, search, tag and statistics pages, as the diary selectors make them."""
    from django.db.models import Avg, Count
    from django.db.models.functions import TruncDate
    from django.utils import timezone

    from accounts.keys import search_key
    from diary.models import DiaryEntry
    from diary.search import search_filter

    mine = DiaryEntry.objects.filter(user_id=user_id)
    since = timezone.now() - timedelta(days=30)

    def page():
        rows = list(mine.defer("content").order_by("-created_at", "-id")[:20])
        return len(rows) + mine.count()

    def search():
        found = mine.filter(search_filter(key=search_key(user_id=user_id), q="river"))
        return len(list(found.defer("content").order_by("-created_at", "-id")[:20]))

    def tag():
        return len(list(mine.filter(emotion_tags__contains=["calm"]).defer("content")[:20]))

    def stats():
        by_day = (
            mine.filter(created_at__gte=since)
            .annotate(day=TruncDate("created_at"))
            .values("day")
            .annotate(n=Count("id"), mood=Avg("mood"))
            .order_by("day")
        )
        return len(list(by_day))

    return {"list": page, "search": search, "tag": tag, "stats": stats}


def measure(args) -> int:
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import connection

    from diary.models import DiaryEntry

    users = list(
        get_user_model()
        .objects.filter(username__startswith=args.user_prefix)
        .order_by("id")
        .values_list("id", flat=True)[: args.users]
    )
    if not users:
        raise SystemExit(
            f"no users named {args.user_prefix}*: run bench/seed_demo.py --prefix {args.user_prefix} first"
        )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE diary_entries")  # fresh statistics after seeding
    table_rows = DiaryEntry.objects.count()
    results = {}
    for name in ("list", "search", "tag", "stats"):
        timings = []
        for rep in range(args.repeat + 2):
            for user_id in users:
                fn = queries(user_id)[name]
                started = time.perf_counter()
                fn()
                if rep >= 2:  # the first rounds warm the caches
                    timings.append((time.perf_counter() - started) * 1000)
        timings.sort()
        results[name] = {
            # The minimum is the least disturbed by other work on a shared machine.
            "min_ms": timings[0],
            "median_ms": statistics.median(timings),
            "p95_ms": timings[int(0.95 * (len(timings) - 1))],
            "samples": len(timings),
        }
        row = results[name]
        print(f"{name:<8} min {row['min_ms']:7.2f} ms  median {row['median_ms']:7.2f} ms  p95 {row['p95_ms']:7.2f} ms")
    per_user = DiaryEntry.objects.filter(user_id=users[0]).count()
    print(f"table: {table_rows} entries; each measured user has {per_user}")
    if args.json:
        Path(args.json).write_text(
            json.dumps({"label": args.label, "table_rows": table_rows, "per_user": per_user, "queries": results})
        )
    return 0


def compare(args) -> int:
    small = json.loads(Path(args.small).read_text())
    large = json.loads(Path(args.large).read_text())
    print(f"median (min) ms at {small['table_rows']:,} and {large['table_rows']:,} entries; ratio of medians (of mins)")
    worst = 0.0
    for name, row in small["queries"].items():
        other = large["queries"][name]
        ratio = other["median_ms"] / row["median_ms"]
        ratio_min = other.get("min_ms", 0) / row["min_ms"] if row.get("min_ms") else float("nan")
        worst = max(worst, ratio)
        print(
            f"{name:<8}{row['median_ms']:>9.2f} ({row.get('min_ms', float('nan')):.2f})"
            f"{other['median_ms']:>9.2f} ({other.get('min_ms', float('nan')):.2f})"
            f"{ratio:>8.2f} ({ratio_min:.2f})"
        )
    print(f"worst ratio {worst:.2f} (target: within 1.2)")
    return 0


def compare_http(args) -> int:
    small = {r["name"]: r for r in json.loads(Path(args.small).read_text())["results"] if "p50_ms" in r}
    large = {r["name"]: r for r in json.loads(Path(args.large).read_text())["results"] if "p50_ms" in r}
    print(f"{'scenario':<14}{'p50 small':>11}{'p50 large':>11}{'ratio':>8}{'req/s small':>13}{'req/s large':>13}")
    for name in small:
        if name in large:
            s, b = small[name], large[name]
            print(
                f"{name:<14}{s['p50_ms']:>9.1f}ms{b['p50_ms']:>9.1f}ms{b['p50_ms'] / s['p50_ms']:>8.2f}"
                f"{s['rps']:>13.0f}{b['rps']:>13.0f}"
            )
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    m = sub.add_parser("measure")
    m.add_argument("--label", default="run")
    m.add_argument("--json")
    m.add_argument("--users", type=int, default=8)
    m.add_argument("--user-prefix", default="bench")
    m.add_argument("--repeat", type=int, default=20)
    c = sub.add_parser("compare")
    c.add_argument("small")
    c.add_argument("large")
    h = sub.add_parser("compare-http")
    h.add_argument("small")
    h.add_argument("large")
    args = parser.parse_args()
    return {"measure": measure, "compare": compare, "compare-http": compare_http}[args.command](args)


if __name__ == "__main__":
    sys.exit(main())
