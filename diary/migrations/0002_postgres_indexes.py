"""Indexes that only PostgreSQL can build.

- ix_diary_entries_emotion_tags: GIN (jsonb_path_ops) over the tag list, so
  ``emotion_tags @> '["joy"]'`` is an index scan. SQLite gets a plain index of
  the same name.
- ix_diary_entries_search: GIN over to_tsvector('simple', title || content).
  The 'simple' configuration does no stemming, which suits Polish and English
  alike. Migration 0003 replaces this expression index by one over a stored
  column; the expression is spelled out here so this migration never changes.
"""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import migrations



def _indexes():
    return [
        GinIndex(fields=["emotion_tags"], name="ix_diary_entries_emotion_tags", opclasses=["jsonb_path_ops"]),
        GinIndex(SearchVector("title", "content", config="simple"), name="ix_diary_entries_search"),
    ]


def create(apps, schema_editor):
    DiaryEntry = apps.get_model("diary", "DiaryEntry")
    if schema_editor.connection.vendor == "postgresql":
        for index in _indexes():
            schema_editor.add_index(DiaryEntry, index)
    else:
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS ix_diary_entries_emotion_tags ON diary_entries (emotion_tags)"
        )


def drop(apps, schema_editor):
    schema_editor.execute("DROP INDEX IF EXISTS ix_diary_entries_emotion_tags")
    schema_editor.execute("DROP INDEX IF EXISTS ix_diary_entries_search")


class Migration(migrations.Migration):
    dependencies = [("diary", "0001_initial")]
    operations = [migrations.RunPython(create, drop)]
