"""Own tags are sealed: entries' tag lists and the user's tag names (docs/encryption.md).

- diary_entries.tags becomes sealed JSON text; tag_index keeps the tags' keyed
  hashes (diary.search.tag_hash) and takes the GIN index ix_diary_entries_tags
  on PostgreSQL, so a tag filter stays an index scan and statistics count
  hashes. Entries' lists are sealed in place by diary.entries_seal, as their
  text is (0011).
- diary_user_tags.name is sealed here, in batches of 1,000 (a user has at most
  1,000 tags); name_hash keeps the names unique in any letter case
  (uq_diary_user_tags_user_name).
"""

from django.db import migrations, models

import accounts.keys
import diary.search

BATCH = 1000


def tags_index_drop(apps, schema_editor):
    schema_editor.execute("DROP INDEX IF EXISTS ix_diary_entries_tags")


def tags_index_create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "CREATE INDEX ix_diary_entries_tags ON diary_entries USING gin (tag_index jsonb_path_ops)"
        )
    else:
        # SQLite rebuilt the table for the altered column, losing the index made outside the model state.
        schema_editor.execute("CREATE INDEX IF NOT EXISTS ix_diary_entries_emotion_tags ON diary_entries (emotion_tags)")


def tags_index_restore(apps, schema_editor):
    schema_editor.execute("DROP INDEX IF EXISTS ix_diary_entries_tags")


def seal_tag_names(apps, schema_editor):
    """Seal each name and give it its hash; of two names one hash (only letter case apart), one stays."""
    from diary.search import tag_hashes

    UserTag = apps.get_model("diary", "UserTag")
    seen: set[tuple[int, int]] = set()
    last = 0
    while rows := list(UserTag.objects.filter(pk__gt=last).order_by("pk")[:BATCH]):
        for row in rows:
            name = str(row.name)  # in the clear until now (a sealed one opens as well)
            (name_hash,) = tag_hashes(user_id=row.user_id, names=[name])
            if (row.user_id, name_hash) in seen:
                row.delete()
                continue
            seen.add((row.user_id, name_hash))
            row.name, row.name_hash = name, name_hash
            row.save(update_fields=["name", "name_hash"])
        last = rows[-1].pk


class Migration(migrations.Migration):
    dependencies = [("diary", "0011_sealed_entries")]

    operations = [
        migrations.RunPython(tags_index_drop, migrations.RunPython.noop),
        migrations.AlterField(model_name="diaryentry", name="tags", field=accounts.keys.SealedJSONField(verbose_name="tags")),
        migrations.AddField(model_name="diaryentry", name="tag_index", field=diary.search.TagIndexField()),
        migrations.RunPython(tags_index_create, tags_index_restore),
        migrations.RemoveConstraint(model_name="usertag", name="uq_diary_user_tags_user_name"),
        migrations.AlterModelOptions(name="usertag", options={"ordering": ["id"]}),
        migrations.AlterField(model_name="usertag", name="name", field=accounts.keys.SealedTextField(verbose_name="name")),
        migrations.AddField(
            model_name="usertag", name="name_hash", field=models.BigIntegerField(null=True, editable=False),
        ),
        migrations.RunPython(seal_tag_names, migrations.RunPython.noop),
        migrations.AlterField(model_name="usertag", name="name_hash", field=diary.search.TagHashField()),
        migrations.AddConstraint(
            model_name="usertag",
            constraint=models.UniqueConstraint(fields=("user", "name_hash"), name="uq_diary_user_tags_user_name"),
        ),
    ]
