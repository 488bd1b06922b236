# Poll intervals in seconds, so an account can be polled more often than once a minute.

from django.db import migrations, models


def minutes_to_seconds(apps, schema_editor):
    apps.get_model("accounts", "CloudAccount").objects.update(poll_interval_seconds=models.F("poll_interval_seconds") * 60)


def seconds_to_minutes(apps, schema_editor):
    apps.get_model("accounts", "CloudAccount").objects.update(
        poll_interval_seconds=models.functions.Greatest(models.F("poll_interval_seconds") / 60, 1))


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0003_poll_claim"),
    ]

    operations = [
        migrations.RenameField("cloudaccount", "poll_interval_minutes", "poll_interval_seconds"),
        migrations.RunPython(minutes_to_seconds, seconds_to_minutes),
        migrations.AlterField("cloudaccount", "poll_interval_seconds", models.PositiveIntegerField(default=900)),
    ]
