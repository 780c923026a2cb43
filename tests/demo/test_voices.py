"""The demo's young people's voice: every state, consistent times and counts, idempotent."""

import pytest
from django.db.models import Count, F
from django.utils import timezone

from clubs.services import aspect_update
from demo import voices as demo
from feedback.models import (
    Concern,
    Learning,
    ListenedAnswer,
    Participant,
    Proposal,
    ProposalEvent,
    State,
    Support,
)
from feedback.selectors_coaches import needs_you


@pytest.fixture
def demo_clubs(world):
    clubs = [world.club, world.sibling, world.far_club]
    for club in clubs:
        club.aspects.filter(kind="day").update(value="Tuesday")
        location = club.aspects.get(kind="location")
        aspect_update(aspect=location, by=world.lead, status="fixed", reason="The school hall.")
    demo.build(clubs)
    return clubs


def test_every_demo_club_has_members_rounds_and_ideas_in_every_state(demo_clubs):
    today = timezone.localdate()
    for club in demo_clubs:
        assert 10 <= club.participants.count() <= 40
        rounds = list(club.rounds.all())
        assert any(r.is_open(today) for r in rounds)
        assert any(not r.is_open(today) for r in rounds)
        proposals = list(club.proposals.all())
        states = {p.state for p in proposals}
        assert set(State.values) - {State.LAPSED} <= states
        assert any(p.display_state() == State.LAPSED for p in proposals)
        outcomes = {p.outcome for p in proposals}
        for outcome in (
            "adopted",
            "adapted",
            "trial",
            "deferred",
            "not_possible",
            "not_adopted",
            "duplicate",
        ):
            assert outcome in outcomes, (club, outcome)
        assert any(p.flagged_contact_details for p in proposals)
        assert club.learnings.count() >= 2
        assert ListenedAnswer.objects.filter(proposal__club=club).exists()
        assert Concern.objects.filter(club=club, handled_at__isnull=True).exists()


def test_demo_support_counts_match_the_supports(demo_clubs):
    wrong = Proposal.objects.annotate(n=Count("supports")).exclude(support_count=F("n"))
    assert not wrong.exists()
    assert Support.objects.count() > 30


def test_demo_events_are_in_time_order_in_the_past(demo_clubs):
    now = timezone.now()
    for proposal in Proposal.objects.prefetch_related("events"):
        events = list(proposal.events.all())
        assert events[0].kind == ProposalEvent.Kind.SUBMITTED
        assert events[0].at == proposal.submitted_at
        assert [e.at for e in events] == sorted(e.at for e in events)
        assert events[-1].at <= now
        if proposal.decided_at:
            assert proposal.decided_at == proposal.decisions.last().decided_at


def test_demo_coach_has_things_that_need_them(demo_clubs, world):
    data = needs_you(user=world.coach)
    assert data.to_moderate
    assert data.to_acknowledge
    assert data.to_decide
    assert data.changes_due
    assert data.deferrals_due
    assert data.concerns


def test_building_the_demo_twice_adds_nothing(demo_clubs):
    counts = (Participant.objects.count(), Proposal.objects.count(), Learning.objects.count())
    demo.build(demo_clubs)
    assert (
        Participant.objects.count(),
        Proposal.objects.count(),
        Learning.objects.count(),
    ) == counts


def test_the_demo_is_the_same_every_time(world):
    demo.build([world.club])
    first = list(world.club.participants.values_list("pseudonym", flat=True))
    titles = list(world.club.proposals.order_by("submitted_at").values_list("title", flat=True))
    Proposal.objects.all().delete()
    Participant.objects.all().delete()
    world.club.rounds.all().delete()
    demo.build([world.club])
    assert list(world.club.participants.values_list("pseudonym", flat=True)) == first
    again = list(world.club.proposals.order_by("submitted_at").values_list("title", flat=True))
    assert again == titles
