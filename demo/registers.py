"""Demo registers (#15): every showcase club gets a register history that hangs together.

Its weekly sessions are made as the app makes them (from the aspects in force on each date,
from its funding start, never before), then each past session gets a register: a share of
the members that varies from week to week and rises after each adopted change's effective
date, a few drop-ins, and one session cancelled with a reason. Written directly, dated as
they happened (as an import of older registers would be: the register page itself only
takes a register in its 7-day window). Deterministic and idempotent: a club that has a
register already is left alone.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time

from django.db import transaction
from django.utils import timezone

from clubs.models import AspectChange, Club
from feedback.models import Attendance, Session
from feedback.sessions import first_sessions_refresh, generate_sessions, members_counts_refresh

# The share of members who come before any change, and the rise after each adopted change.
BASE_SHARE = 0.45
RISE_PER_CHANGE = 0.12
MAX_SHARE = 0.9
CANCEL_REASON = "The hall was needed for exams, so we called this one off. Back next week!"


def _evening(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(18, 30)))


def share_on(day: date, change_days: list[date]) -> float:
    """The share of members expected on `day`: higher after each adopted change."""
    changes_before = sum(1 for d in change_days if d <= day)
    return min(MAX_SHARE, BASE_SHARE + RISE_PER_CHANGE * changes_before)


@transaction.atomic
def build_club(club: Club, today: date) -> int:
    """Makes the club's sessions up to today and their registers; returns how many."""
    if Session.objects.filter(club=club, register_taken_at__isnull=False).exists():
        return 0
    generate_sessions(club, until=today, today=today)
    sessions = list(
        Session.objects.filter(
            club=club, date__lte=today, status=Session.Status.PLANNED, is_one_off=False
        ).order_by("date")
    )
    if not sessions:
        return 0
    change_days = sorted(
        set(
            AspectChange.objects.filter(club=club, proposals__isnull=False).values_list(
                "effective_date", flat=True
            )
        )
    )
    members = list(club.participants.filter(is_blocked=False).order_by("pk"))
    coach = club.coaches.order_by("pk").first()
    rng = random.Random(f"registers:{club.name}")
    # One session cancelled with a reason: about a third of the way through the history.
    cancelled = sessions[len(sessions) // 3] if len(sessions) >= 3 else None
    attendances = []
    for session in sessions:
        if session is cancelled:
            session.status = Session.Status.CANCELLED
            session.change_note = CANCEL_REASON
            session.changed_by = coach
            session.changed_at = _evening(session.date).replace(hour=9)
            continue
        joined = [m for m in members if timezone.localdate(m.joined_at) <= session.date]
        share = share_on(session.date, change_days) + rng.uniform(-0.12, 0.12)
        count = max(0, min(len(joined), round(share * len(joined))))
        for member in rng.sample(joined, count):
            attendances.append(
                Attendance(session=session, participant=member, marked_at=_evening(session.date))
            )
        session.drop_ins = rng.choice((0, 0, 1, 1, 2, 3))
        session.register_taken_at = _evening(session.date)
        session.register_taken_by = coach
    Session.objects.bulk_update(
        sessions,
        [
            "status",
            "change_note",
            "changed_by",
            "changed_at",
            "drop_ins",
            "register_taken_at",
            "register_taken_by",
        ],
    )
    Attendance.objects.bulk_create(attendances)
    # The counts register_save keeps, set from the rows written here.
    members_counts_refresh(Session.objects.filter(club=club))
    first_sessions_refresh(participants=club.participants.all())
    return len(sessions)


def build(clubs: list[Club], today: date | None = None) -> None:
    """Registers for the showcase clubs (idempotent)."""
    today = today or timezone.localdate()
    for club in clubs:
        build_club(club, today)
