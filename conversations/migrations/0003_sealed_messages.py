"""Conversation messages are sealed with their owner's data key (docs/encryption.md).

Messages saved before (at most the 30 days the history keeps) are read, sealed
and saved again, by id in batches of 1,000; until then they read as they are.
"""

from django.db import migrations

import accounts.keys

BATCH = 1000


def seal_messages(apps, schema_editor):
    ConversationHistory = apps.get_model("conversations", "ConversationHistory")
    last = 0
    while rows := list(ConversationHistory.objects.filter(pk__gt=last).order_by("pk").only("user", "content")[:BATCH]):
        for row in rows:
            row.content = str(row.content)  # opened, then sealed by save()
            row.save(update_fields=["content"])
        last = rows[-1].pk


class Migration(migrations.Migration):
    dependencies = [("conversations", "0002_reply_deleted_with_its_message"), ("accounts", "0009_data_keys")]

    operations = [
        migrations.AlterField(
            model_name="conversationhistory", name="content", field=accounts.keys.SealedTextField(),
        ),
        migrations.RunPython(seal_messages, migrations.RunPython.noop),
    ]
