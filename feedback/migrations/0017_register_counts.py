"""Each session's count of members ticked and each member's first session run, kept by the
register's services from now on (#15: the outcomes read them instead of scanning every
attendance); filled here from the attendance rows."""

from django.db import migrations, models
from django.db.models import Count, Min, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce


def fill(apps, schema_editor):
    Session = apps.get_model("feedback", "Session")
    Participant = apps.get_model("feedback", "Participant")
    Attendance = apps.get_model("feedback", "Attendance")
    ticked = (
        Attendance.objects.filter(session=OuterRef("pk"))
        .order_by()
        .values("session")
        .annotate(n=Count("pk"))
        .values("n")
    )
    Session.objects.update(members_count=Coalesce(Subquery(ticked), 0))
    # A session run: not cancelled, its register taken (feedback.rules.session_run).
    first = (
        Attendance.objects.filter(
            ~Q(session__status="cancelled"),
            session__register_taken_at__isnull=False,
            participant=OuterRef("pk"),
        )
        .order_by()
        .values("participant")
        .annotate(first=Min("session__date"))
        .values("first")
    )
    Participant.objects.filter(pk__in=Attendance.objects.values("participant_id")).update(
        first_session_on=Subquery(first)
    )


class Migration(migrations.Migration):
    dependencies = [
        ("feedback", "0016_clubsummary_brief_months"),
    ]

    operations = [
        migrations.AddField(
            model_name="participant",
            name="first_session_on",
            field=models.DateField(
                blank=True,
                help_text="The date of the first session run (`rules.session_run`) this member "
                "was ticked on; kept by the register's services, so the outcomes need not scan "
                "every attendance for it.",
                null=True,
            ),
        ),
        migrations.AddField(
            model_name="session",
            name="members_count",
            field=models.PositiveIntegerField(
                default=0,
                help_text="Members ticked present on the register, kept by the register's "
                "services. A member who deletes their data stays counted here (a number, "
                "nothing about them).",
            ),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
