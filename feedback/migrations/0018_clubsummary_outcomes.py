"""A club's outcomes and its activity check's figures kept with its summary
(outcomes.for_club, outcomes.district_activity): the outcomes page reads a row instead of
seven queries, and a district's clubs' figures instead of its members' answers. Nothing to
fill: each club's are computed on their first read."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("feedback", "0017_register_counts"),
    ]

    operations = [
        migrations.AddField(
            model_name="clubsummary",
            name="activity",
            field=models.CharField(blank=True, max_length=100),
        ),
        migrations.AddField(
            model_name="clubsummary",
            name="activity_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="clubsummary",
            name="activity_version",
            field=models.BigIntegerField(default=-1),
        ),
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
