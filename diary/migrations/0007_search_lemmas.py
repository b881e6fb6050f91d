"""Search finds every form of a word: "lekarzem" and "lekarza", "pieniądze" and "pieniądzach" (docs/reading.md).

- search_lemmas holds the dictionary forms of the title's and text's words
  (journal_site.lemmas.search_terms), filled here for existing rows in
  batches of 1,000 by id, and set by every write from now on.
- PostgreSQL: search_document, the generated column the GIN index
  ix_diary_entries_search covers, gains those forms (journal_simple).

Like 0006, this rewrites the table once, and the filling reads and updates
every entry: the forms cost about 0.1 ms for an entry of 100-150 words once
its vocabulary has been seen (measured on the demo corpus), so the database's
updates set the pace. Run it in a quiet hour on a large deployment.
"""

from importlib import import_module

from django.db import migrations, models

previous = import_module("diary.migrations.0006_search_unaccent")

BATCH = 1000
DOCUMENT = f"{previous.DOCUMENT} || to_tsvector('journal_simple'::regconfig, COALESCE(search_lemmas, ''))"


def fill(apps, schema_editor):
    from journal_site.lemmas import search_terms

    DiaryEntry = apps.get_model("diary", "DiaryEntry")
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("SET LOCAL statement_timeout = 0")
    last = 0
    while True:
        rows = list(DiaryEntry.objects.filter(pk__gt=last).order_by("pk").only("pk", "title", "content")[:BATCH])
        if not rows:
            return
        for row in rows:
            row.search_lemmas = search_terms(row.title, row.content)
        DiaryEntry.objects.bulk_update([row for row in rows if row.search_lemmas], ["search_lemmas"], batch_size=BATCH)
        last = rows[-1].pk


def document_forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        previous._replace_column(schema_editor, DOCUMENT)


def document_backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        previous._replace_column(schema_editor, previous.DOCUMENT)


class Migration(migrations.Migration):
    dependencies = [("diary", "0006_search_unaccent")]
    operations = [
        # Unapplied, the column's removal rebuilds the table again: the index comes back after it.
        migrations.RunPython(migrations.RunPython.noop, previous.sqlite_tag_index),
        migrations.AddField(
            model_name="diaryentry",
            name="search_lemmas",
            field=models.TextField(blank=True, default="", editable=False),
        ),
        # SQLite rebuilds the table for a new column, losing the index 0002 made outside the model state.
        migrations.RunPython(previous.sqlite_tag_index, migrations.RunPython.noop),
        # The column first, then the rows: each filled row's document is computed once, by the update.
        migrations.RunPython(document_forwards, document_backwards),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
