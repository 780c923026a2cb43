"""Demo registers (#15): every showcase club has a coherent register history."""

import itertools
from datetime import timedelta

import time_machine
from django.core.management import call_command
from django.db.models import Count

from demo import registers as register_demo
from demo import showcase as demo_indicators
from feedback.models import Attendance, Session
from tests.feedback.test_indicators import NOW


def _built():
    with time_machine.travel(NOW, tick=False):
        clubs = demo_indicators.build()
        register_demo.build(clubs)
    return clubs


def _mean(values):
    return sum(values) / len(values) if values else 0


def test_every_showcase_club_has_weekly_registers_from_its_funding_start(db):
    clubs = _built()
    today = NOW.date()
    for club in clubs:
        sessions = list(Session.objects.filter(club=club, date__lte=today).order_by("date"))
        assert sessions, club.name
        assert sessions[0].date >= club.funding_start, club.name
        assert sessions[0].date < club.funding_start + timedelta(days=7), club.name
        weeks = {s.date - timedelta(days=s.date.weekday()) for s in sessions}
        assert len(weeks) == len(sessions), f"{club.name}: two sessions in a week"
        assert all(
            b.date - a.date == timedelta(weeks=1) for a, b in itertools.pairwise(sessions)
        ), club.name
        cancelled = [s for s in sessions if s.status == Session.Status.CANCELLED]
        if len(sessions) >= 3:
            assert len(cancelled) == 1, club.name
            assert cancelled[0].change_note
            assert not cancelled[0].attendances.exists()
        running = [s for s in sessions if s.status == Session.Status.PLANNED]
        assert all(s.register_taken_at is not None for s in running), club.name
        for session in running:
            for attendance in session.attendances.select_related("participant"):
                assert attendance.participant.club_id == club.pk
                assert attendance.participant.joined_at.date() <= session.date


def test_attendance_varies_has_drop_ins_and_rises_after_adopted_changes(db):
    clubs = _built()
    club = next(c for c in clubs if c.name == "Itchen Ferry Parkour")
    from clubs.models import AspectChange

    changes = sorted(
        AspectChange.objects.filter(club=club, proposals__isnull=False).values_list(
            "effective_date", flat=True
        )
    )
    counts = dict(
        Session.objects.filter(club=club, status="planned", date__lte=NOW.date())
        .annotate(n=Count("attendances"))
        .values_list("date", "n")
    )
    before = [n for d, n in counts.items() if d < changes[1]]
    after = [n for d, n in counts.items() if d >= changes[-1]]
    assert len(set(counts.values())) > 2  # it varies
    assert _mean(after) > _mean(before)
    assert Session.objects.filter(club__in=clubs, drop_ins__gt=0).exists()


def test_seed_demo_registers_are_idempotent(db):
    with time_machine.travel(NOW, tick=False):
        call_command("seed_demo", verbosity=0)
        counts = (Session.objects.count(), Attendance.objects.count())
        call_command("seed_demo", verbosity=0)
    assert (Session.objects.count(), Attendance.objects.count()) == counts
    assert counts[1] > 0
