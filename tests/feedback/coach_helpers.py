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
    """Adopted with a promised date (in two weeks unless given): a complete decision."""
    proposal = acknowledged(club, coach, title=title, **kwargs)
    promised_by = promised_by or timezone.localdate() + timedelta(days=14)
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


def fill(world, n):
    """n of everything across the coach's club: waiting, open, decided, changes, learning."""
    club, coach = world.club, world.coach
    day = aspect(club)
    round_ = services.round_create(
        club=club,
        by=coach,
        question="Which day?",
        opens_on=timezone.localdate(),
        closes_on=timezone.localdate() + timedelta(days=9),
        aspect=day,
    )
    for i in range(n):
        member = factories.make_participant(club)
        factories.make_proposal(member, title=f"Waiting {i}", text=f"call 07700 900{i:03d} now")
        p = published(club, coach, title=f"Open {i}", round_=round_)
        services.support_set(proposal=p, participant=member)
        acknowledged(club, coach, title=f"Looking {i}", aspect=day)
        adopted(club, coach, title=f"Promised {i}", promised_by=timezone.localdate())
        done = adopted(club, coach, title=f"Done {i}", aspect=day)
        services.change_record(
            aspect=day,
            by=coach,
            new_value=f"Day {i}",
            effective_date=timezone.localdate(),
            proposals=[done],
        )
        services.listened_answer_record(proposal=done, participant=done.author, answer="yes")
        deferred = published(club, coach, title=f"Deferred {i}")
        services.proposal_decide(
            proposal=deferred,
            by=coach,
            outcome="deferred",
            answer="Later.",
            deferred_until=timezone.localdate() + timedelta(days=1),
        )
        services.learning_record(club=club, by=coach, getting=f"Fun {i}", round_=round_)
        services.concern_report(participant=member, text=f"Concern {i}", proposal=p)
