"""Time an import of N entries through the background path (what the "diary.import_entries" task runs).

    manage.py bench_import --entries 100000 [--format journal|dayone] [--keep]

Builds a file as large as the import limit allows, imports it for a
throwaway user, imports it again (everything is skipped), prints the
timings and deletes the user unless --keep is given.
"""

import json
import random
import time
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from accounts.models import User
from diary.emotions import EMOTION_CODES
from diary.models import DiaryEntry, ImportJob
from portability.imports import import_job_run, import_start

WORDS = [
    "today", "walked", "river", "calm", "tired", "work", "friend", "coffee", "rain", "sun", "dinner", "call",
    "mother", "book", "music", "quiet", "dzisiaj", "spacer", "rzeka", "spokój", "praca", "przyjaciel",
    "kawa", "deszcz", "słońce", "kolacja", "telefon", "książka", "cisza",
]


def _file(count: int, file_format: str, seed: int = 1) -> bytes:
    rng = random.Random(seed)  # noqa: S311 - sample text, not secrets  # nosec B311
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


class Command(BaseCommand):
    help = "Time an import of many entries (the background path)."

    def add_arguments(self, parser):
        parser.add_argument("--entries", type=int, default=100_000)
        parser.add_argument("--format", choices=["journal", "dayone"], default="journal")
        parser.add_argument("--keep", action="store_true", help="keep the benchmark user and entries")

    def handle(self, *args, entries: int, format: str, keep: bool, **options):
        data = _file(entries, format)
        size_mb = len(data) / 2**20
        if len(data) > settings.IMPORT_MAX_BYTES:
            raise CommandError(f"the file is {size_mb:.1f} MB, over IMPORT_MAX_BYTES")
        username = f"bench-import-{int(time.time())}"
        user = User.objects.create_user(username, f"{username}@example.com", None)
        self.stdout.write(f"{connection.vendor}: {entries:,} entries, {size_mb:.1f} MB ({format})")
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
                    raise CommandError(f"{run}: {job.status} {job.error}")
                self.stdout.write(
                    f"{run}: {elapsed:.1f} s, created {job.created_count:,}, skipped {job.skipped_count:,} "
                    f"({entries / elapsed:,.0f} entries/s)"
                )
            stored = DiaryEntry.objects.filter(user=user).count()
            if stored != entries:
                raise CommandError(f"expected {entries:,} entries, found {stored:,}")
        finally:
            if not keep:
                DiaryEntry.objects.filter(user=user).delete()
                user.delete()
