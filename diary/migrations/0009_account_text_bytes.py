"""Each account's text in bytes, counted once from its entries; every write keeps it since (docs/limits.md)."""

from django.db import migrations

POSTGRES = """
    UPDATE users SET text_bytes = totals.bytes
    FROM (SELECT user_id, SUM(octet_length(title) + octet_length(content)) AS bytes
          FROM diary_entries GROUP BY user_id) AS totals
    WHERE users.id = totals.user_id
"""
SQLITE = """
    UPDATE users SET text_bytes = COALESCE((
        SELECT SUM(length(CAST(title AS BLOB)) + length(CAST(content AS BLOB)))
        FROM diary_entries WHERE diary_entries.user_id = users.id), 0)
"""


def count(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("SET LOCAL statement_timeout = 0")
        schema_editor.execute(POSTGRES)
    else:
        schema_editor.execute(SQLITE)


class Migration(migrations.Migration):
    dependencies = [("diary", "0008_excerpt_one_ellipsis"), ("accounts", "0008_user_text_bytes")]
    operations = [migrations.RunPython(count, migrations.RunPython.noop)]
