"""A club's sessions and registers travel with its record (#15): export then import."""

from datetime import timedelta

import pytest
from django.utils import timezone

from clubs.models import Club
from feedback.models import Attendance, Session
from feedback.portability import export_club, import_club
from feedback.sessions import register_save, session_cancel
from tests import factories

pytestmark = pytest.mark.django_db


def test_sessions_and_registers_survive_export_and_import():
    club = factories.ClubFactory(name="Register Club")
    coach = factories.make_coach(club)
    members = [factories.make_participant(club) for _ in range(3)]
    today = timezone.localdate()
    taken = factories.SessionFactory(club=club, date=today)
    register_save(session=taken, by=coach, participant_ids=[m.pk for m in members[:2]], drop_ins=3)
    cancelled = factories.SessionFactory(club=club, date=today + timedelta(days=7))
    session_cancel(session=cancelled, by=coach, reason="The hall is flooded.")
    before = export_club(club)
    assert len(before["sessions"]) == 2
    assert len(before["attendances"]) == 2
    assert all(s["register_taken_by_id"] is None for s in before["sessions"])  # no staff links
    Club.objects.filter(pk=club.pk).delete()
    assert not Attendance.objects.exists()

    again = import_club(before)
    assert export_club(again) == before
    session = Session.objects.get(club=again, date=today)
    assert (session.drop_ins, session.attendances.count()) == (3, 2)
    assert Session.objects.get(club=again, status="cancelled").change_note == "The hall is flooded."


def test_importing_a_copy_keeps_both_registers():
    club = factories.ClubFactory(name="Register Club")
    coach = factories.make_coach(club)
    member = factories.make_participant(club)
    session = factories.SessionFactory(club=club, date=timezone.localdate())
    register_save(session=session, by=coach, participant_ids=[member.pk], drop_ins=0)
    copy = import_club(export_club(club), slug="register-club-copy")
    copied = Attendance.objects.get(session__club=copy)
    assert copied.participant.club == copy
    assert Attendance.objects.filter(session__club=club).count() == 1


def test_a_record_from_before_the_register_counts_gets_them_from_its_rows():
    """A record exported before members_count and first_session_on existed: the import sets
    them from the attendances, so the outcomes read the same figures."""
    from feedback import outcomes

    club = factories.ClubFactory(name="Register Club")
    coach = factories.make_coach(club)
    members = [factories.make_participant(club) for _ in range(3)]
    today = timezone.localdate()
    for days, ticked in ((6, members), (3, members[1:]), (0, members[2:])):
        session = factories.SessionFactory(club=club, date=today - timedelta(days=days))
        register_save(session=session, by=coach, participant_ids=[m.pk for m in ticked], drop_ins=1)
    expected = outcomes.for_club(club, as_of=today)
    old = export_club(club)
    for row in old["sessions"]:
        del row["members_count"]
    for row in old["participants"]:
        del row["first_session_on"]
    copy = import_club(old, slug="register-club-copy")
    result = outcomes.for_club(copy, as_of=today)
    assert (
        [s.members for s in result.sessions] == [s.members for s in expected.sessions] == [3, 2, 1]
    )
    assert result.members_seen == expected.members_seen == 3
    assert (
        sorted(copy.participants.values_list("first_session_on", flat=True))
        == [today - timedelta(days=6)] * 3
    )
