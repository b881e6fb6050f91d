"""The stored plain-text excerpt of each entry (see docs/reading.md).

Existing rows are filled in batches of 1,000 by id (one bulk UPDATE per
batch); content is read a batch at a time, so memory stays flat on a large
table.
"""

from django.db import migrations, models

BATCH = 1000


def fill(apps, schema_editor):
    from diary.excerpts import excerpt_from_markdown

    DiaryEntry = apps.get_model("diary", "DiaryEntry")
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("SET LOCAL statement_timeout = 0")
    last = 0
    while True:
        rows = list(
            DiaryEntry.objects.filter(pk__gt=last).order_by("pk").only("pk", "content")[:BATCH]
        )
        if not rows:
            return
        for row in rows:
            row.excerpt = excerpt_from_markdown(row.content)
        DiaryEntry.objects.bulk_update(rows, ["excerpt"], batch_size=BATCH)
        last = rows[-1].pk


class Migration(migrations.Migration):
    dependencies = [("diary", "0004_checkins_tags_templates")]
    operations = [
        migrations.AddField(
            model_name="diaryentry",
            name="excerpt",
            field=models.TextField(blank=True, default="", editable=False),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
