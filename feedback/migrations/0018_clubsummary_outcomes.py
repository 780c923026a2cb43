"""A club's outcomes kept with its summary (outcomes.for_club): the outcomes page reads one
row instead of seven queries. Nothing to fill: each club's figures are computed on their
first read."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("feedback", "0017_register_counts"),
    ]

    operations = [
        migrations.AddField(
            model_name="clubsummary",
            name="outcomes",
            field=models.TextField(blank=True),
        ),
        migrations.AddField(
            model_name="clubsummary",
            name="outcomes_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="clubsummary",
            name="outcomes_version",
            field=models.BigIntegerField(default=-1),
        ),
    ]
