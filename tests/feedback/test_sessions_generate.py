"""Sessions made from the aspects in force on each date (#15): weekly, idempotent, never over
a coach's cancellation, change or register, within the funding and sustain period."""

import itertools
import json
from datetime import date, timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from clubs import services as club_services
from clubs.models import AspectKind
from feedback import rules
from feedback.models import Session
from feedback.sessions import generate_sessions, planned_slots, register_save
from tests.factories import ClubFactory, make_coach, make_participant

pytestmark = pytest.mark.django_db

TODAY = date(2026, 3, 4)  # a Wednesday


def set_aspect(club, kind, value, effective):
    aspect = club.aspects.get(kind=kind)
    return club_services.aspect_update(
        aspect=aspect, by=None, value=value, effective_date=effective
    )


@pytest.fixture
def club():
    club = ClubFactory(funding_start=date(2026, 2, 2), funding_end=date(2026, 7, 31))
    set_aspect(club, AspectKind.DAY, "Tuesdays", date(2026, 1, 20))
    set_aspect(club, AspectKind.START_TIME, "6pm", date(2026, 1, 20))
    return club


@pytest.mark.parametrize(
    ("value", "weekday"),
    [
        ("Thursday", 3),
        ("Thursdays", 3),
        ("thurs evenings", 3),
        ("Every Monday after school", 0),
        ("Sat", 5),
        ("", None),
        ("Mondays and Thursdays", None),
        ("Weekdays", None),
        ("Someday", None),
    ],
)
def test_a_day_value_names_one_weekday_or_none(value, weekday):
    assert rules.weekday_of(value) == weekday


def test_an_aspects_value_on_a_date_comes_from_its_history(club):
    aspect = club.aspects.get(kind=AspectKind.DAY)
    set_aspect(club, AspectKind.DAY, "Thursdays", date(2026, 3, 2))
    history = list(aspect.changes.all())
    value_on = lambda day: rules.aspect_value_on(history, day, aspect.value)  # noqa: E731
    assert value_on(date(2026, 1, 1)) == "Tuesdays"  # first set later: stands for before
    assert value_on(date(2026, 3, 1)) == "Tuesdays"
    assert value_on(date(2026, 3, 2)) == "Thursdays"
    assert value_on(date(2026, 9, 1)) == "Thursdays"


@time_machine.travel(TODAY, tick=False)
def test_weekly_sessions_from_funding_start_to_eight_weeks_ahead(club):
    generated = generate_sessions(club)
    days = list(Session.objects.filter(club=club).values_list("date", flat=True))
    assert generated.created == len(days)
    assert days[0] == date(2026, 2, 3)  # the first Tuesday from the funding start
    assert all(d.weekday() == 1 for d in days)
    assert all(b - a == timedelta(weeks=1) for a, b in itertools.pairwise(days))
    assert days[-1] <= TODAY + timedelta(weeks=8) < days[-1] + timedelta(weeks=1)
    session = Session.objects.filter(club=club).first()
    assert (session.starts_at, session.location, session.activity) == (
        "6pm",
        "Sports hall",
        "Football",
    )


@time_machine.travel(TODAY, tick=False)
def test_running_it_again_changes_nothing(club):
    generate_sessions(club)
    before = list(Session.objects.filter(club=club).values())
    again = generate_sessions(club)
    assert (again.created, again.updated) == (0, 0)
    assert list(Session.objects.filter(club=club).values()) == before


@time_machine.travel(TODAY, tick=False)
def test_a_day_change_moves_the_sessions_from_its_effective_date(club):
    generate_sessions(club)
    set_aspect(club, AspectKind.DAY, "Thursdays", date(2026, 3, 12))
    set_aspect(club, AspectKind.LOCATION, "Main field", date(2026, 3, 20))
    generate_sessions(club)
    sessions = {s.date: s for s in Session.objects.filter(club=club)}
    assert date(2026, 3, 10) in sessions  # Tuesday, before the change
    assert date(2026, 3, 12) not in sessions  # that week had its session on the Tuesday
    assert date(2026, 3, 17) not in sessions
    assert date(2026, 3, 19) in sessions
    assert sessions[date(2026, 3, 19)].location == "Sports hall"
    assert sessions[date(2026, 3, 26)].location == "Main field"
    weeks = [(d - timedelta(days=d.weekday())) for d in sessions]
    assert len(weeks) == len(set(weeks))  # never two in a week


@time_machine.travel(TODAY, tick=False)
def test_a_cancelled_changed_or_registered_session_is_never_overwritten(club):
    coach = make_coach(club)
    member = make_participant(club)
    generate_sessions(club)
    cancelled = Session.objects.get(club=club, date=date(2026, 3, 10))
    Session.objects.filter(pk=cancelled.pk).update(status="cancelled", change_note="Snow")
    moved = Session.objects.get(club=club, date=date(2026, 3, 17))
    Session.objects.filter(pk=moved.pk).update(location="Park", changed_at=timezone.now())
    taken = Session.objects.get(club=club, date=date(2026, 3, 3))
    register_save(session=taken, by=coach, participant_ids=[member.pk], drop_ins=2)
    set_aspect(club, AspectKind.DAY, "Fridays", date(2026, 2, 1))
    generate_sessions(club)
    assert Session.objects.get(pk=cancelled.pk).status == "cancelled"
    assert Session.objects.get(pk=cancelled.pk).date == date(2026, 3, 10)
    assert Session.objects.get(pk=moved.pk).location == "Park"
    assert Session.objects.get(pk=taken.pk).date == date(2026, 3, 3)
    assert taken.attendances.count() == 1
    # untouched sessions follow the new day
    assert Session.objects.filter(club=club, date=date(2026, 3, 27)).exists()


@time_machine.travel(TODAY, tick=False)
def test_an_unreadable_day_makes_no_sessions_and_says_why(club):
    set_aspect(club, AspectKind.DAY, "Mondays and Thursdays", date(2026, 1, 20))
    generated = generate_sessions(club)
    assert generated.created == 0
    assert not Session.objects.filter(club=club).exists()
    assert "does not name one day" in generated.problem


@time_machine.travel(TODAY, tick=False)
def test_never_before_funding_start_nor_after_the_sustain_period():
    club = ClubFactory(funding_start=date(2025, 1, 6), funding_end=date(2025, 2, 28))
    set_aspect(club, AspectKind.DAY, "Tuesdays", date(2024, 12, 1))
    with pytest.MonkeyPatch.context() as mp:
        from django.conf import settings

        mp.setitem(settings.COPRODUCE, "SUSTAIN_PERIOD_DAYS", 30)
        generate_sessions(club)
    days = list(Session.objects.filter(club=club).values_list("date", flat=True))
    assert days[0] == date(2025, 1, 7)
    assert days[-1] <= date(2025, 3, 30)


@time_machine.travel(TODAY, tick=False)
def test_a_club_still_taking_registers_after_its_sustain_period_keeps_its_sessions(settings):
    settings.COPRODUCE = {**settings.COPRODUCE, "SUSTAIN_PERIOD_DAYS": 30}
    club = ClubFactory(funding_start=date(2025, 1, 6), funding_end=date(2025, 2, 28))
    set_aspect(club, AspectKind.DAY, "Tuesdays", date(2024, 12, 1))
    coach = make_coach(club)
    Session.objects.create(club=club, scheduled_for=TODAY, date=TODAY, is_one_off=True)
    register_save(
        session=Session.objects.get(club=club, date=TODAY), by=coach, participant_ids=[], drop_ins=4
    )
    generate_sessions(club)
    assert Session.objects.filter(club=club, date__gt=TODAY).count() == 8


def test_the_slots_use_the_day_in_force_on_each_date(club):
    set_aspect(club, AspectKind.DAY, "Mondays", date(2026, 3, 11))  # a Wednesday
    slots, problem = planned_slots(club, start=date(2026, 3, 9), end=date(2026, 3, 22))
    # week of 9 March: Tuesday 10th (Monday 9th was still a Tuesday week); then Monday 16th
    assert [s["date"] for s in slots] == [date(2026, 3, 10), date(2026, 3, 16)]
    assert problem == ""


def committed_club(capture):
    """A club set up in a transaction that committed (its sessions made then)."""
    with capture(execute=True) as callbacks:
        club = ClubFactory(funding_start=date(2026, 2, 2), funding_end=date(2026, 7, 31))
        set_aspect(club, AspectKind.DAY, "Tuesdays", date(2026, 1, 20))
        set_aspect(club, AspectKind.START_TIME, "6pm", date(2026, 1, 20))
    assert len(callbacks) == 1  # once for the club, not once per change
    return club


@time_machine.travel(TODAY, tick=False)
def test_an_aspect_change_remakes_the_sessions_once_committed(django_capture_on_commit_callbacks):
    club = committed_club(django_capture_on_commit_callbacks)
    assert Session.objects.filter(club=club).count() == 13
    with django_capture_on_commit_callbacks(execute=True):
        set_aspect(club, AspectKind.START_TIME, "7pm", date(2026, 3, 20))
    assert Session.objects.get(club=club, date=date(2026, 3, 17)).starts_at == "6pm"
    assert Session.objects.get(club=club, date=date(2026, 3, 24)).starts_at == "7pm"


@time_machine.travel(TODAY, tick=False)
def test_the_command_makes_every_active_clubs_sessions(club):
    other = ClubFactory(is_active=False)
    set_aspect(other, AspectKind.DAY, "Fridays", date(2026, 1, 1))
    call_command("generate_sessions", verbosity=0)
    assert Session.objects.filter(club=club).count() == 13
    assert not Session.objects.filter(club=other).exists()
    call_command("generate_sessions", verbosity=0)
    assert Session.objects.filter(club=club).count() == 13


@time_machine.travel(TODAY, tick=False)
def test_many_aspect_changes_in_one_transaction_remake_the_sessions_once(
    django_capture_on_commit_callbacks,
):
    club = committed_club(django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        set_aspect(club, AspectKind.START_TIME, "7pm", date(2026, 3, 20))
        set_aspect(club, AspectKind.LOCATION, "Main field", date(2026, 3, 20))
        set_aspect(club, AspectKind.DAY, "Thursdays", date(2026, 3, 20))
    assert len(callbacks) == 1
    assert Session.objects.get(club=club, date=date(2026, 3, 26)).location == "Main field"


@time_machine.travel(TODAY, tick=False)
def test_the_command_reports_as_json_and_names_clubs_with_no_single_day(club, capsys):
    unreadable = ClubFactory()
    set_aspect(unreadable, AspectKind.DAY, "Weekends", date(2026, 1, 1))
    call_command("generate_sessions", json=True)
    report = json.loads(capsys.readouterr().out)
    assert report["created"] == 13
    assert report["no_day"] == [unreadable.slug]
    assert report["clubs"] == 2


@time_machine.travel(TODAY, tick=False)
def test_coming_sessions_the_aspects_no_longer_make_go_unless_touched(club):
    coach = make_coach(club)
    generate_sessions(club)
    kept = Session.objects.get(club=club, date=date(2026, 3, 17))
    Session.objects.filter(pk=kept.pk).update(location="Park", changed_at=timezone.now())
    one_off = Session.objects.create(
        club=club, scheduled_for=date(2026, 3, 21), date=date(2026, 3, 21), is_one_off=True
    )
    taken = Session.objects.get(club=club, date=date(2026, 3, 3))
    register_save(session=taken, by=coach, participant_ids=[], drop_ins=1)
    set_aspect(club, AspectKind.DAY, "Weekends", date(2026, 3, 1))
    generated = generate_sessions(club)
    assert generated.problem
    coming = set(Session.objects.filter(club=club, date__gte=TODAY).values_list("pk", flat=True))
    assert coming == {kept.pk, one_off.pk}
    assert generated.removed == 7  # 10, 24, 31 March, 7 to 28 April, less the changed one
    # the past stays as it was: it happened (or was planned) then
    assert Session.objects.filter(club=club, date__lt=TODAY).count() == 5
    assert Session.objects.filter(pk=taken.pk).exists()
