"""Time an import of N entries through the background path (what the "portability.import_entries" task runs).

    .venv/bin/python bench/bench_import.py --entries 100000 [--format journal|dayone] [--keep]

Builds a file as large as the import limit allows, imports it for a
throwaway user, imports it again (everything is skipped), prints the
timings and deletes the user unless --keep is given. It uses the journal's
settings (DATABASE_URL and the rest, as manage.py does).
"""

import argparse
import json
import os
import random
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TextIO

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.corpus import WORDS  # noqa: E402


def _file(count: int, file_format: str, seed: int = 1) -> bytes:
    from diary.emotions import EMOTION_CODES

    rng = random.Random(seed)  # sample text, not secrets
    codes = sorted(EMOTION_CODES)
    start = datetime(2015, 1, 1, tzinfo=UTC)
    entries = []
    for number in range(count):
        moment = start + timedelta(minutes=number * 53 + rng.randint(0, 50))
        text = " ".join(rng.choice(WORDS) for _ in range(rng.randint(4, 24)))
        tags = rng.sample(codes, rng.randint(0, 3))
        if file_format == "dayone":
            entries.append({"uuid": f"{number:032X}", "creationDate": moment.strftime("%Y-%m-%dT%H:%M:%SZ"),
                            "text": f"# Day {number}\n\n{text}", "tags": tags})
        else:
            entries.append({"uid": f"journal:bench-{number}", "created_at": moment.isoformat(),
                            "title": f"Day {number}", "content": text, "mood": rng.choice([None, 1, 2, 3, 4, 5]),
                            "emotion_tags": tags})
    document = {"metadata": {"version": "1.0"}, "entries": entries} if file_format == "dayone" else {
        "format": "journal-export", "version": 1, "entries": entries}
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()


def parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description="Time an import of many entries (the background path).")
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--format", choices=["journal", "dayone"], default="journal")
    parser.add_argument("--keep", action="store_true", help="keep the benchmark user and entries")
    return parser


def main(argv: list[str] | None = None, *, out: TextIO = sys.stdout) -> None:
    """Time the import with the command line's options (Django must be set up)."""
    from django.conf import settings
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import connection, transaction

    from accounts.models import User
    from diary.models import DiaryEntry, ImportJob
    from portability.imports import import_job_run, import_start

    args = parser().parse_args(argv)
    entries, file_format = args.entries, args.format
    data = _file(entries, file_format)
    size_mb = len(data) / 2**20
    if len(data) > settings.IMPORT_MAX_BYTES:
        raise SystemExit(f"the file is {size_mb:.1f} MB, over IMPORT_MAX_BYTES")
    username = f"bench-import-{int(time.time())}"
    user = User.objects.create_user(username, f"{username}@example.com", None)
    out.write(f"{connection.vendor}: {entries:,} entries, {size_mb:.1f} MB ({file_format})\n")
    try:
        for run in ("first import", "same file again"):
            upload = SimpleUploadedFile("bench.json", data, content_type="application/json")
            with transaction.atomic():
                job = import_start(user=user, upload=upload)  # large: stored for the task
            started = time.perf_counter()
            import_job_run(job_id=job.pk)
            elapsed = time.perf_counter() - started
            job = ImportJob.objects.get(pk=job.pk)
            if job.status != ImportJob.Status.DONE:
                raise SystemExit(f"{run}: {job.status} {job.error}")
            out.write(
                f"{run}: {elapsed:.1f} s, created {job.created_count:,}, skipped {job.skipped_count:,} "
                f"({entries / elapsed:,.0f} entries/s)\n"
            )
        stored = DiaryEntry.objects.filter(user=user).count()
        if stored != entries:
            raise SystemExit(f"expected {entries:,} entries, found {stored:,}")
    finally:
        if not args.keep:
            DiaryEntry.objects.filter(user=user).delete()
            user.delete()


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "journal_site.settings")
    import django

    django.setup()
    main()
