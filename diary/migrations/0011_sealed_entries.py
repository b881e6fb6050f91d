"""Entries' titles, texts and excerpts are sealed; search moves to a blind index (docs/encryption.md).

- The tsvector column search_document, its GIN index and search_lemmas go:
  they held every word in the clear.
- search_index (keyed hashes of the words, diary.search) takes the GIN
  index's name, ix_diary_entries_search, on PostgreSQL.
- Rows written before are sealed and indexed in place by the resumable job
  diary.entries_seal, queued after `migrate` (diary.apps), the site serving
  meanwhile (docs/encryption.md, Upgrading): reads open both forms, and search
  finds each entry once the job has reached it, newest first. Nothing here
  reads a row, so it is quick.
"""

from django.db import migrations

import accounts.keys
import diary.search


def search_document_drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS ix_diary_entries_search")
        schema_editor.execute("ALTER TABLE diary_entries DROP COLUMN IF EXISTS search_document")


def search_document_restore(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS ix_diary_entries_search")
        from importlib import import_module

        import_module("diary.migrations.0006_search_unaccent")._replace_column(
            schema_editor, import_module("diary.migrations.0006_search_unaccent").DOCUMENT
        )


def search_index_create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        # A short pending list: every search reads all of it, and an entry adds hundreds of keys
        # (docs/reading.md, Search).
        schema_editor.execute(
            "CREATE INDEX ix_diary_entries_search ON diary_entries USING gin (search_index)"
            " WITH (gin_pending_list_limit = 256)"
        )
    else:
        # SQLite rebuilt the table for the altered columns, losing the index made outside the model state.
        schema_editor.execute("CREATE INDEX IF NOT EXISTS ix_diary_entries_emotion_tags ON diary_entries (emotion_tags)")


def search_index_drop(apps, schema_editor):
    schema_editor.execute("DROP INDEX IF EXISTS ix_diary_entries_search")


class Migration(migrations.Migration):
    dependencies = [("diary", "0010_sealed_templates"), ("accounts", "0009_data_keys")]

    operations = [
        migrations.RunPython(search_document_drop, search_document_restore),
        migrations.RemoveField(model_name="diaryentry", name="search_lemmas"),
        migrations.AlterField(
            model_name="diaryentry", name="title",
            field=accounts.keys.SealedTextField(blank=True, default="", verbose_name="title"),
        ),
        migrations.AlterField(
            model_name="diaryentry", name="content",
            field=accounts.keys.SealedTextField(blank=True, default="", verbose_name="content"),
        ),
        migrations.AlterField(
            model_name="diaryentry", name="excerpt",
            field=accounts.keys.SealedTextField(blank=True, default="", editable=False),
        ),
        migrations.AddField(model_name="diaryentry", name="search_index", field=diary.search.BlindIndexField()),
        migrations.RunPython(search_index_create, search_index_drop),
    ]
