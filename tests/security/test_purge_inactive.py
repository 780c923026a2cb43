"""purge_inactive removes long-inactive young people of long-ended clubs, keeping the record."""

import json
from datetime import date

import pytest
import time_machine
from django.core.management import call_command

from feedback.models import Participant, Proposal, Support
from feedback.services import support_set
from tests import factories


@pytest.fixture
def ended_club(db):
    with time_machine.travel("2024-03-01 12:00 +0000"):
        club = factories.ClubFactory(
            name="Ended", funding_start=date(2023, 1, 1), funding_end=date(2024, 7, 31)
        )
        coach = factories.make_coach(club)
        gone = factories.make_participant(club)
        other = factories.make_participant(club)
        proposal = factories.make_published(gone, coach, title="Later sessions")
        support_set(proposal=proposal, participant=other)
    return club, gone, other, proposal


def test_dry_run_counts_and_deletes_nothing(ended_club, capsys):
    club, *_ = ended_club
    with time_machine.travel("2026-11-26 12:00 +0000"):
        call_command("purge_inactive", "--dry-run", "--json")
    out = json.loads(capsys.readouterr().out)
    assert out == {"dry_run": True, "participants": 2, "by_club": {club.slug: 2}}
    assert Participant.objects.filter(club=club).count() == 2


def test_purge_keeps_proposals_as_a_former_member(ended_club):
    club, gone, other, proposal = ended_club
    with time_machine.travel("2026-11-26 12:00 +0000"):
        call_command("purge_inactive")
    assert not Participant.objects.filter(club=club).exists()
    assert not Support.objects.filter(proposal__club=club).exists()
    proposal = Proposal.objects.get(pk=proposal.pk)
    assert proposal.author is None
    assert proposal.author_name == "A former member"
    assert proposal.support_count == 0


def test_recently_active_members_and_running_clubs_are_kept(ended_club):
    club, gone, other, _ = ended_club
    running = factories.ClubFactory(funding_start=date(2025, 1, 1), funding_end=date(2027, 7, 31))
    with time_machine.travel("2024-01-01 12:00 +0000"):
        factories.make_participant(running)
    with time_machine.travel("2026-06-01 12:00 +0000"):
        Participant.objects.filter(pk=other.pk).update(last_seen_at="2026-06-01T12:00:00Z")
    with time_machine.travel("2026-11-26 12:00 +0000"):
        call_command("purge_inactive")
    assert list(Participant.objects.filter(club=club)) == [other]
    assert Participant.objects.filter(club=running).count() == 1
