"""Builders for coaches' tests: proposals in each state, made through the services."""

from datetime import timedelta

from django.utils import timezone

from feedback import services
from feedback.models import Outcome
from tests import factories


def published(club, coach, title="Play on Thursdays", author=None, **kwargs):
    author = author or factories.make_participant(club)
    return factories.make_published(author, coach, title=title, **kwargs)


def acknowledged(club, coach, title="Longer sessions", **kwargs):
    proposal = published(club, coach, title=title, **kwargs)
    return services.proposal_acknowledge(
        proposal=proposal,
        by=coach,
        decider="coach",
        decide_by=timezone.localdate() + timedelta(days=10),
    )


def adopted(club, coach, title="Music in the warm-up", promised_by=None, **kwargs):
    proposal = acknowledged(club, coach, title=title, **kwargs)
    services.proposal_decide(
        proposal=proposal,
        by=coach,
        outcome=Outcome.ADOPTED,
        answer="Yes, we will do this from next month.",
        promised_by=promised_by,
    )
    proposal.refresh_from_db()
    return proposal


def aspect(club, kind="day"):
    return club.aspects.get(kind=kind)
