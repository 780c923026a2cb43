"""Builders for the outcome tests (#15): sessions and registers made as rows.

Helper A adds SessionFactory and AttendanceFactory with the register's services; until
those are on main, these make the same rows directly (the models are on main).
"""

from datetime import date, datetime, time

from django.utils import timezone

from feedback.models import Attendance, Session
from feedback.sessions import first_sessions_refresh, members_counts_refresh

RUN, CANCELLED, NO_REGISTER = "run", "cancelled", "no register"


def session(club, day: date, members=(), drop_ins: int = 0, how: str = RUN, one_off=False):
    """A session on `day` whose register (when `how` is RUN) ticked `members` and counted
    `drop_ins`. CANCELLED and NO_REGISTER sessions can still carry ticks: the outcomes must
    not count them."""
    taken = timezone.make_aware(datetime.combine(day, time(18, 0)))
    row = Session.objects.create(
        club=club,
        scheduled_for=day,
        date=day,
        is_one_off=one_off,
        status=Session.Status.CANCELLED if how == CANCELLED else Session.Status.PLANNED,
        drop_ins=drop_ins,
        register_taken_at=None if how == NO_REGISTER else taken,
    )
    tick(row, members, taken)
    return row


def tick(row, members, marked_at=None):
    """Adds ticks to a session's register as rows, then sets the counts the register's
    services keep (the session's members, each member's first session)."""
    Attendance.objects.bulk_create(
        [
            Attendance(session=row, participant=m, marked_at=marked_at or timezone.now())
            for m in members
        ]
    )
    members_counts_refresh(Session.objects.filter(pk=row.pk))
    first_sessions_refresh(participant_ids=[m.pk for m in members])
