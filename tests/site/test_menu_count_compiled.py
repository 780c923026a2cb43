"""The menu's "Needs you" count runs SQL the ORM built once per user and day
(`coproduce.compiled`). Only the SQL is kept, never a number: after every change to the
records, a new role or a new day, the count is still what "Needs you" lists."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from clubs.models import District, PartnerRole
from coproduce.compiled import CompiledQueries
from feedback import selectors_coaches, services
from tests import factories
from tests.feedback import coach_helpers as h


@pytest.fixture
def builds(monkeypatch):
    """Counts how many times the count's queryset is built; starts from an empty memo."""
    made = []
    real = selectors_coaches._needs_you_query

    def counted(user, today):
        made.append((user.pk, today))
        return real(user, today)

    monkeypatch.setattr(selectors_coaches, "_needs_you_query", counted)
    selectors_coaches._NEEDS_YOU_SQL.clear()
    yield made
    selectors_coaches._NEEDS_YOU_SQL.clear()


def reconciles(user) -> int:
    count = selectors_coaches.needs_you_count(user=user)
    assert count == selectors_coaches.needs_you(user=user).total
    return count


def test_the_kept_sql_counts_every_change_to_the_records(world, builds):
    assert reconciles(world.coach) == 0
    member = factories.make_participant(world.club)
    waiting = factories.make_proposal(member, title="Basketball on Fridays")
    assert reconciles(world.coach) == 1
    h.published(world.club, world.coach, title="Longer sessions")
    assert reconciles(world.coach) == 2
    services.concern_report(participant=member, text="Someone was unkind", proposal=None)
    assert reconciles(world.coach) == 3
    services.participant_block(participant=member, by=world.coach)  # hides their unsent idea
    assert reconciles(world.coach) == 2
    services.participant_block(participant=member, by=world.coach, blocked=False)
    services.proposal_publish(proposal=waiting, by=world.coach)
    assert reconciles(world.coach) == 3
    # Built once for the coach and the day, run every time.
    assert builds == [(world.coach.pk, timezone.localdate())]


def test_a_new_role_or_a_new_day_builds_the_sql_again(world, builds):
    promised = timezone.localdate() + timedelta(days=40)
    h.adopted(world.club, world.coach, promised_by=promised)
    assert reconciles(world.coach) == 0  # promised far off: not yet due
    with time_machine.travel(timezone.now() + timedelta(days=30)):
        assert reconciles(world.coach) == 1
    assert len(builds) == 2
    # The far coach becomes a lead of the first partner: they now count its clubs.
    h.published(world.club, world.coach, title="Open to support")
    far = world.far_coach
    assert reconciles(far) == 0
    role = PartnerRole.objects.create(
        user=far, partner=world.club.partner, role=PartnerRole.Role.LEAD
    )
    far = type(far).objects.get(pk=far.pk)  # a new request: a fresh user
    assert reconciles(far) == 1
    role.delete()
    far = type(far).objects.get(pk=far.pk)
    assert reconciles(far) == 0


def test_an_inactive_user_counts_nothing(world, builds):
    h.published(world.club, world.coach)
    world.coach.is_active = False
    assert selectors_coaches.needs_you_count(user=world.coach) == 0


def test_the_memo_keeps_the_latest_keys_only():
    memo = CompiledQueries(maxsize=2)
    for key in ("a", "b", "a", "c"):
        assert memo.count(key, lambda: District.objects.all()) == District.objects.count()
    assert list(memo._sql) == ["a", "c"]


pytestmark = pytest.mark.django_db


def test_every_idea_that_waits_is_one_that_may_wait(world, settings):
    """The count reads ideas through MAY_WAIT's partial index: whatever "Needs you" lists,
    in every state, outcome and date, is among them."""
    from itertools import product

    from feedback.models import MAY_WAIT, Outcome, Proposal, State

    settings.COPRODUCE = {**settings.COPRODUCE, "PROPOSALS_PER_DAY": 1000}
    today = timezone.localdate()
    member = factories.make_participant(world.club)
    dates = [None, today - timedelta(days=30), today, today + timedelta(days=60)]
    for state, outcome, day in product(State.values, ["", *Outcome.values], dates):
        proposal = factories.make_proposal(member, title=f"{state} {outcome} {day}")
        Proposal.objects.filter(pk=proposal.pk).update(
            state=state, outcome=outcome, promised_by=day, deferred_until=day
        )
    waiting = Proposal.objects.filter(selectors_coaches._waiting(today))
    assert waiting.exists()
    assert not waiting.exclude(MAY_WAIT).exists()
    assert reconciles(world.coach) == waiting.count()
