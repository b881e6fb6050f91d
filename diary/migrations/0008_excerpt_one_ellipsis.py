"""Excerpts cut at their first line ended in two ellipses ("……"); those are computed again (docs/reading.md).

Only rows whose excerpt holds "……" are read, by id in batches of 1,000.
"""

from django.db import migrations

BATCH = 1000


def fill(apps, schema_editor):
    from diary.excerpts import excerpt_from_markdown

    DiaryEntry = apps.get_model("diary", "DiaryEntry")
    last = 0
    while True:
        rows = list(
            DiaryEntry.objects.filter(pk__gt=last, excerpt__contains="\u2026\u2026")
            .order_by("pk").only("pk", "content")[:BATCH]
        )
        if not rows:
            return
        for row in rows:
            row.excerpt = excerpt_from_markdown(row.content)
        DiaryEntry.objects.bulk_update(rows, ["excerpt"], batch_size=BATCH)
        last = rows[-1].pk


class Migration(migrations.Migration):
    dependencies = [("diary", "0007_search_lemmas")]
    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
