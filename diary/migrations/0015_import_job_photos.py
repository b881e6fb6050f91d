from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("diary", "0014_attachments"),
    ]

    operations = [
        migrations.AddField(
            model_name="importjob",
            name="photos_added",
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.AddField(
            model_name="importjob",
            name="photos_skipped",
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.AddField(
            model_name="importjob",
            name="photos_over_quota",
            field=models.PositiveIntegerField(default=0),
        ),
    ]
