"""Templates' names and texts are sealed with their owner's data key (docs/encryption.md).

Templates saved before are read, sealed and saved again, by id in batches of 1,000.
The index on (user, name) becomes one on user: sealed names cannot be sorted.
"""

from django.db import migrations, models

import accounts.keys

BATCH = 1000


def seal_templates(apps, schema_editor):
    EntryTemplate = apps.get_model("diary", "EntryTemplate")
    last = 0
    while rows := list(EntryTemplate.objects.filter(pk__gt=last).order_by("pk")[:BATCH]):
        for row in rows:
            row.name, row.content = str(row.name), str(row.content)  # opened, then sealed by save()
            row.save(update_fields=["name", "content"])
        last = rows[-1].pk


class Migration(migrations.Migration):
    dependencies = [("diary", "0009_account_text_bytes"), ("accounts", "0009_data_keys")]

    operations = [
        migrations.AlterModelOptions(name="entrytemplate", options={"ordering": ["id"]}),
        migrations.RemoveIndex(model_name="entrytemplate", name="ix_diary_entry_templates_user"),
        migrations.AlterField(
            model_name="entrytemplate", name="content", field=accounts.keys.SealedTextField(verbose_name="text"),
        ),
        migrations.AlterField(
            model_name="entrytemplate", name="name", field=accounts.keys.SealedTextField(verbose_name="name"),
        ),
        migrations.AddIndex(
            model_name="entrytemplate", index=models.Index(fields=["user"], name="ix_diary_entry_templates_user"),
        ),
        migrations.RunPython(seal_templates, migrations.RunPython.noop),
    ]
