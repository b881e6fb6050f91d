"""Check-ins, the user's own tags, entry templates, and word counts of what a reader sees.

- content may be empty: a check-in is a mood alone (diary.services decides when).
- tags: names of the user's own tags; GIN (jsonb_path_ops) on PostgreSQL, like
  emotion_tags, so a filter by tag stays on an index.
- word_count is recounted with diary.words (visible words, not Markdown syntax).
  On a large deployment this reads every entry once: run it in a quiet hour.
"""

import django.db.models.deletion
import django.db.models.functions.text
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


WORD_BATCH = 2000


def tags_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS ix_diary_entries_tags ON diary_entries USING gin (tags jsonb_path_ops)"
        )


def sqlite_tag_index(apps, schema_editor):
    """SQLite rebuilds the table to alter a column, losing indexes made outside the model state (0002)."""
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute("CREATE INDEX IF NOT EXISTS ix_diary_entries_emotion_tags ON diary_entries (emotion_tags)")


def tags_index_drop(apps, schema_editor):
    schema_editor.execute("DROP INDEX IF EXISTS ix_diary_entries_tags")


def recount_words(apps, schema_editor):
    from diary.words import word_count

    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("SET LOCAL statement_timeout = 0")
    DiaryEntry = apps.get_model("diary", "DiaryEntry")
    changed = []
    rows = DiaryEntry.objects.order_by("pk").values_list("pk", "content", "word_count")
    for pk, content, old in rows.iterator(chunk_size=WORD_BATCH):
        new = word_count(content)
        if new != old:
            changed.append(DiaryEntry(pk=pk, word_count=new))
        if len(changed) >= WORD_BATCH:
            DiaryEntry.objects.bulk_update(changed, ["word_count"])
            changed = []
    if changed:
        DiaryEntry.objects.bulk_update(changed, ["word_count"])


class Migration(migrations.Migration):

    dependencies = [
        ('diary', '0003_search_document'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='diaryentry',
            name='tags',
            field=models.JSONField(blank=True, default=list, verbose_name='tags'),
        ),
        migrations.AlterField(
            model_name='diaryentry',
            name='content',
            field=models.TextField(blank=True, default='', verbose_name='content'),
        ),
        migrations.CreateModel(
            name='EntryTemplate',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=80, verbose_name='name')),
                ('content', models.TextField(verbose_name='text')),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='entry_templates', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'db_table': 'diary_entry_templates',
                'ordering': ['name', 'id'],
                'indexes': [models.Index(fields=['user', 'name'], name='ix_diary_entry_templates_user')],
            },
        ),
        migrations.CreateModel(
            name='UserTag',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=40, verbose_name='name')),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='diary_tags', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'db_table': 'diary_user_tags',
                'ordering': ['name'],
                'constraints': [models.UniqueConstraint(models.F('user'), django.db.models.functions.text.Lower('name'), name='uq_diary_user_tags_user_name')],
            },
        ),
        migrations.RunPython(tags_index, tags_index_drop),
        migrations.RunPython(sqlite_tag_index, migrations.RunPython.noop),
        migrations.RunPython(recount_words, migrations.RunPython.noop),
    ]
