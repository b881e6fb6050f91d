"""users.username_key: the name as sign-in and sign-up compare it (accounts/usernames.py), unique.

Existing rows get their key in batches. Should two existing names share a key
(`Admin` and fullwidth `ＡＤＭＩＮ`), the older account keeps it and the
younger gets `<key>:<id>`, which no typed name can equal (":" is not allowed
in a name): that account signs in by its email.
"""

from django.db import migrations, models

BATCH = 1000


def fill_keys(apps, schema_editor):
    from accounts.usernames import key

    User = apps.get_model("accounts", "User")
    seen: set[str] = set()
    batch = []
    for user in User.objects.order_by("created_at", "pk").only("pk", "username").iterator(chunk_size=BATCH):
        value = key(user.username)
        if value in seen:
            value = f"{value}:{user.pk}"
        seen.add(value)
        user.username_key = value
        batch.append(user)
        if len(batch) >= BATCH:
            User.objects.bulk_update(batch, ["username_key"])
            batch = []
    if batch:
        User.objects.bulk_update(batch, ["username_key"])


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_email_changes"),
    ]

    operations = [
        migrations.AddField(
            model_name="user",
            name="username_key",
            field=models.CharField(default="", editable=False, max_length=450),
            preserve_default=False,
        ),
        migrations.RunPython(fill_keys, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="user",
            constraint=models.UniqueConstraint(fields=("username_key",), name="uq_users_username_key"),
        ),
    ]
