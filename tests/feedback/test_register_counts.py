"""The counts the register's services keep (#15): each session's members ticked
(`Session.members_count`) and each member's first session run
(`Participant.first_session_on`), which the outcomes read instead of every attendance."""

import importlib
from datetime import date, timedelta

import pytest
import time_machine
from django.apps import apps

from feedback import outcomes, services
from feedback.models import Participant, Session
from feedback.sessions import register_save, session_cancel
from tests.factories import SessionFactory, make_participant

pytestmark = pytest.mark.django_db

TODAY = date(2026, 3, 4)


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def members(world):
    return [make_participant(world.club) for _ in range(3)]


def _save(world, session, ticked, drop_ins=0):
    return register_save(
        session=session, by=world.coach, participant_ids=[m.pk for m in ticked], drop_ins=drop_ins
    )


def _firsts(members):
    by_pk = dict(Participant.objects.values_list("pk", "first_session_on"))
    return [by_pk[m.pk] for m in members]


def _count(session):
    session.refresh_from_db()
    return session.members_count


def test_saving_a_register_counts_the_ticked_and_sets_first_sessions(world, members):
    session = SessionFactory(club=world.club, date=TODAY - timedelta(days=1))
    _save(world, session, members[:2], drop_ins=3)
    assert _count(session) == 2
    assert _firsts(members) == [session.date, session.date, None]


def test_a_correction_within_seven_days_moves_both(world, members):
    """Ticking someone on an earlier session makes it their first; unticking someone from
    their only session clears it; the count follows the ticks."""
    later = SessionFactory(club=world.club, date=TODAY - timedelta(days=1))
    earlier = SessionFactory(club=world.club, date=TODAY - timedelta(days=6))
    _save(world, later, members)
    _save(world, earlier, members[:1])
    assert _firsts(members) == [earlier.date, later.date, later.date]
    # Corrections: the earlier register also had members[1]; members[2] was not at the later.
    _save(world, earlier, members[:2])
    _save(world, later, members[:2])
    assert (_count(earlier), _count(later)) == (2, 2)
    assert _firsts(members) == [earlier.date, earlier.date, None]
    # Unticked from the earlier one: their first is the later one again.
    _save(world, earlier, [])
    assert _count(earlier) == 0
    assert _firsts(members) == [later.date, later.date, None]


def test_the_same_register_saved_twice_counts_once(world, members):
    session = SessionFactory(club=world.club, date=TODAY)
    _save(world, session, members)
    _save(world, session, members)
    assert _count(session) == 3


def test_a_cancelled_session_counts_no_one_and_is_no_ones_first(world, members):
    session = SessionFactory(club=world.club, date=TODAY)
    _save(world, session, members[:2])
    session_cancel(session=session, by=world.coach, reason="The hall flooded")
    assert _count(session) == 0
    assert _firsts(members) == [None, None, None]


def test_a_member_blocked_since_keeps_their_tick_and_the_count(world, members):
    session = SessionFactory(club=world.club, date=TODAY - timedelta(days=1))
    _save(world, session, members[:2])
    services.participant_block(participant=members[1], by=world.coach)
    _save(world, session, [members[0], members[2]])
    assert _count(session) == 3
    assert _firsts(members) == [session.date] * 3


def test_a_member_who_deletes_their_data_stays_in_the_sessions_count(world, members):
    """Decided: the count is an anonymous tally of who came. Deleting one's data removes
    every attendance row (and with it their first session) but not the number: the club's
    attendance figures do not change when someone leaves, even after a correction."""
    session = SessionFactory(club=world.club, date=TODAY - timedelta(days=1))
    _save(world, session, members, drop_ins=1)
    services.participant_delete(participant=members[0])
    assert _count(session) == 3
    (run,) = outcomes.for_club(world.club, as_of=TODAY).sessions
    assert (run.members, run.attendance) == (3, 4)
    # A correction within the week moves the count by what it changes only.
    _save(world, session, members[1:2], drop_ins=1)
    assert _count(session) == 2
    result = outcomes.for_club(world.club, as_of=TODAY)
    assert result.sessions[0].members == 2
    assert result.members_seen == 1  # the deleted member is no longer anyone to count


def test_the_migration_fills_both_from_the_attendance_rows(world, members):
    run = SessionFactory(club=world.club, date=TODAY - timedelta(days=2))
    _save(world, run, members[:2])
    not_taken = SessionFactory(club=world.club, date=TODAY - timedelta(days=9))
    Session.objects.update(members_count=0)
    Participant.objects.update(first_session_on=None)
    migration = importlib.import_module("feedback.migrations.0017_register_counts")
    migration.fill(apps, None)
    assert (_count(run), _count(not_taken)) == (2, 0)
    assert _firsts(members) == [run.date, run.date, None]
