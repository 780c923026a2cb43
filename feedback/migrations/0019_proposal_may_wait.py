"""A partial index over the ideas that may wait for a coach (feedback.models.MAY_WAIT): the
menu's "Needs you" count on every coach's page reads a club's few waiting ideas."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("clubs", "0012_coach_change_history"),
        ("feedback", "0018_clubsummary_outcomes"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="proposal",
            index=models.Index(
                condition=models.Q(
                    ("state__in", ["submitted", "published", "acknowledged"]),
                    models.Q(
                        ("outcome__in", ["adopted", "adapted", "trial", "deferred"]),
                        ("state", "decided"),
                    ),
                    _connector="OR",
                ),
                fields=["club"],
                name="proposal_may_wait",
            ),
        ),
    ]
