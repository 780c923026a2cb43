"""Moderation through the services: publish, return, resubmit, escalate, withdraw.

Each step writes exactly one event; a refused step writes none and changes nothing.
"""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from feedback import services
from feedback.models import ProposalEvent, State
from feedback.states import InvalidTransition
from tests import factories

Kind = ProposalEvent.Kind


def kinds(proposal):
    return list(proposal.events.values_list("kind", flat=True))


@pytest.fixture
def member(world):
    return factories.make_participant(world.club)


@pytest.fixture
def submitted(member):
    return factories.make_proposal(member, title="Basketball on Fridays")


def test_submitting_writes_one_submitted_event_by_the_author(submitted, member):
    event = submitted.events.get()
    assert (event.kind, event.from_state, event.to_state) == (Kind.SUBMITTED, "", State.SUBMITTED)
    assert event.actor_participant == member
    assert event.at == submitted.submitted_at


def test_publishing_makes_it_visible_and_writes_one_event(world, submitted):
    proposal = services.proposal_publish(proposal=submitted, by=world.coach)
    assert proposal.state == State.PUBLISHED
    assert proposal.published_at is not None
    assert kinds(proposal) == [Kind.SUBMITTED, Kind.PUBLISHED]
    event = proposal.events.last()
    assert event.actor_user == world.coach
    assert event.at == proposal.published_at


def test_publishing_twice_is_refused_and_writes_nothing(world, submitted):
    services.proposal_publish(proposal=submitted, by=world.coach)
    with pytest.raises(InvalidTransition):
        services.proposal_publish(proposal=submitted, by=world.other_coach)
    assert kinds(submitted) == [Kind.SUBMITTED, Kind.PUBLISHED]


def test_returning_keeps_the_reason_for_the_author(world, submitted):
    proposal = services.proposal_return(
        proposal=submitted, by=world.coach, reason="  Please leave out your number.  "
    )
    assert proposal.state == State.RETURNED
    assert proposal.return_reason == "Please leave out your number."
    assert proposal.events.last().details == {"reason": "Please leave out your number."}


@pytest.mark.parametrize("reason", ["", "   ", None])
def test_returning_without_a_reason_is_refused_and_changes_nothing(world, submitted, reason):
    with pytest.raises(ValidationError) as refused:
        services.proposal_return(proposal=submitted, by=world.coach, reason=reason)
    assert "reason" in refused.value.message_dict
    submitted.refresh_from_db()
    assert submitted.state == State.SUBMITTED
    assert kinds(submitted) == [Kind.SUBMITTED]


def test_a_returned_idea_can_be_edited_and_sent_again(world, submitted, member):
    services.proposal_return(proposal=submitted, by=world.coach, reason="Say a bit more.")
    proposal = services.proposal_resubmit(
        proposal=submitted, participant=member, title="Basketball on Friday evenings"
    )
    assert proposal.state == State.SUBMITTED
    assert kinds(proposal) == [Kind.SUBMITTED, Kind.RETURNED, Kind.RESUBMITTED]


def test_returning_a_published_idea_is_refused(world, submitted):
    services.proposal_publish(proposal=submitted, by=world.coach)
    with pytest.raises(InvalidTransition):
        services.proposal_return(proposal=submitted, by=world.coach, reason="Too late now.")
    assert kinds(submitted) == [Kind.SUBMITTED, Kind.PUBLISHED]


def test_escalating_is_never_published_and_keeps_only_fact_and_time(world, submitted):
    proposal = services.proposal_escalate(proposal=submitted, by=world.coach)
    assert proposal.state == State.ESCALATED
    assert proposal.escalated_at == proposal.events.last().at
    assert proposal.events.last().details == {}
    with pytest.raises(InvalidTransition):
        services.proposal_publish(proposal=proposal, by=world.coach)
    assert kinds(proposal) == [Kind.SUBMITTED, Kind.ESCALATED]


def test_escalating_a_decided_idea_is_refused(world, member):
    proposal = factories.make_published(member, world.coach)
    services.proposal_decide(
        proposal=proposal,
        by=world.coach,
        outcome="adopted",
        answer="Yes, we will.",
        promised_by=timezone.localdate() + timedelta(days=14),
    )
    with pytest.raises(InvalidTransition):
        services.proposal_escalate(proposal=proposal, by=world.coach)
    assert kinds(proposal) == [Kind.SUBMITTED, Kind.PUBLISHED, Kind.DECIDED]


def test_the_author_can_withdraw_an_open_idea_but_not_a_decided_one(world, member):
    open_one = factories.make_published(member, world.coach, title="Open one")
    services.proposal_withdraw(proposal=open_one, participant=member)
    assert kinds(open_one)[-1] == Kind.WITHDRAWN
    decided = factories.make_published(member, world.coach, title="Decided one")
    services.proposal_decide(
        proposal=decided,
        by=world.coach,
        outcome="trial",
        answer="Let's try.",
        promised_by=timezone.localdate() + timedelta(days=14),
    )
    with pytest.raises(InvalidTransition):
        services.proposal_withdraw(proposal=decided, participant=member)
    assert kinds(decided)[-1] == Kind.DECIDED


def test_supporting_a_decided_idea_is_refused(world, member):
    proposal = factories.make_published(member, world.coach)
    services.proposal_decide(
        proposal=proposal,
        by=world.coach,
        outcome="adopted",
        answer="Yes, we will.",
        promised_by=timezone.localdate() + timedelta(days=14),
    )
    other = factories.make_participant(world.club)
    with pytest.raises(ValidationError) as refused:
        services.support_set(proposal=proposal, participant=other)
    assert refused.value.code == "not_open"
    proposal.refresh_from_db()
    assert proposal.support_count == 0
