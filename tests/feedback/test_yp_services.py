"""Fixes to the shared services found while building the young people's pages."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from feedback import services
from feedback.models import ListenedAnswer, Outcome, Proposal
from tests import factories

pytestmark = pytest.mark.django_db


def test_an_over_long_client_token_still_makes_one_proposal_on_a_double_tap(world):
    me = factories.make_participant(world.club)
    token = "t" * 100
    first = services.proposal_submit(participant=me, title="Music", client_token=token)
    second = services.proposal_submit(participant=me, title="Music", client_token=token)
    assert first.pk == second.pk
    assert Proposal.objects.count() == 1


def test_a_blocked_author_cannot_answer_the_listened_question(world):
    me = factories.make_participant(world.club)
    proposal = factories.make_published(me, world.coach)
    services.proposal_decide(
        proposal=proposal,
        by=world.coach,
        outcome=Outcome.TRIAL,
        answer="We'll try it.",
        promised_by=timezone.localdate() + timedelta(days=14),
    )
    services.participant_block(participant=me, by=world.coach)
    with pytest.raises(ValidationError) as caught:
        services.listened_answer_record(proposal=proposal, participant=me, answer="no")
    assert caught.value.code == "blocked"
    assert not ListenedAnswer.objects.exists()
