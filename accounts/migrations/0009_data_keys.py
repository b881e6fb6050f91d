"""Users' data keys (account_data_keys), and the two-step sign-in secrets sealed with them (docs/encryption.md).

Every user gets a first data key, and secrets saved before are read, sealed and
saved again, by id in batches of 1,000.
"""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

import accounts.keys

BATCH = 1000


def keys_for_users(apps, schema_editor):
    """Every user has a data key from here on (new users get theirs when they are made)."""
    from accounts.keys import data_key_create

    User = apps.get_model("accounts", "User")
    last = 0
    while ids := list(User.objects.filter(pk__gt=last, data_keys__isnull=True).order_by("pk")
                      .values_list("pk", flat=True)[:BATCH]):
        for user_id in ids:
            data_key_create(user_id=user_id, version=1)
        last = ids[-1]


def seal_secrets(apps, schema_editor):
    TwoFactor = apps.get_model("accounts", "TwoFactor")
    last = 0
    while rows := list(TwoFactor.objects.filter(pk__gt=last).order_by("pk")[:BATCH]):
        for row in rows:
            row.secret = str(row.secret)  # read (open) and set again, so saving seals it
            row.save(update_fields=["secret"])
        last = rows[-1].pk


class Migration(migrations.Migration):
    dependencies = [("accounts", "0008_user_text_bytes")]

    operations = [
        migrations.CreateModel(
            name="DataKey",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("version", models.PositiveSmallIntegerField()),
                ("kek_version", models.PositiveSmallIntegerField()),
                ("wrapped", models.BinaryField()),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                ("user", models.ForeignKey(
                    on_delete=django.db.models.deletion.CASCADE, related_name="data_keys", to=settings.AUTH_USER_MODEL,
                )),
            ],
            options={
                "db_table": "account_data_keys",
                "constraints": [
                    models.UniqueConstraint(fields=("user", "version"), name="uq_account_data_keys_user_version"),
                ],
            },
        ),
        migrations.AlterField(model_name="twofactor", name="secret", field=accounts.keys.SealedTextField()),
        migrations.RunPython(keys_for_users, migrations.RunPython.noop),
        migrations.RunPython(seal_secrets, migrations.RunPython.noop),
    ]
