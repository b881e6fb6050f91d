import sys

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from accounts.keys import data_key_check


class Command(BaseCommand):
    help = (
        "Check that the configured ENCRYPTION_KEYS open the data keys of a backup before it is restored. "
        "Reads the account_data_keys rows as `pg_restore --data-only --table=account_data_keys --file=- ARCHIVE` "
        "prints them (from a file, or - for standard input). Exits 1 when a key-encryption key is missing or wrong."
    )

    def add_arguments(self, parser):
        parser.add_argument("dump", help="the COPY output of pg_restore, or - for standard input")

    def handle(self, *args, dump: str, **options):
        stream = sys.stdin if dump == "-" else open(dump, encoding="utf-8")  # noqa: SIM115
        try:
            rows = list(_copy_rows(stream, table="account_data_keys"))
        finally:
            if stream is not sys.stdin:
                stream.close()
        problems = data_key_check(rows)
        if problems:
            raise CommandError("; ".join(problems))
        versions = sorted({row["kek_version"] for row in rows})
        self.stdout.write(
            f"{len(rows)} data keys open with ENCRYPTION_KEYS (key-encryption keys {versions or 'none needed'}; "
            f"current {settings.ENCRYPTION_KEYS.current})"
        )


def _copy_rows(stream, *, table: str):
    """The rows of `table` in pg_restore's plain output: a COPY header naming the columns, tab-separated lines."""
    columns = None
    for line in stream:
        line = line.rstrip("\n")
        if columns is None:
            if line.startswith("COPY ") and line.split()[1].split(".")[-1] == table:
                columns = [name.strip() for name in line[line.index("(") + 1:line.index(")")].split(",")]
            continue
        if line == "\\.":
            return
        values = dict(zip(columns, line.split("\t"), strict=True))
        yield {
            "user_id": int(values["user_id"]),
            "version": int(values["version"]),
            "kek_version": int(values["kek_version"]),
            # bytea in COPY text: "\\x" and hex digits
            "wrapped": bytes.fromhex(values["wrapped"].lstrip("\\").removeprefix("x")),
        }
