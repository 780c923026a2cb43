"""Young people acting at the same moment, on PostgreSQL: double taps and supports.

Proposing catches a racing double tap at the unique constraint (after its
transaction rolled back, not in a savepoint); supporting counts from the row it
locked rather than reading the count back.
"""

import uuid

import pytest
from django.db import connection

from feedback import services
from feedback.models import Concern, Proposal, ProposalEvent, Support
from tests import factories
from tests.feedback.test_services_concurrency import _at_once

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks"),
]


@pytest.mark.parametrize("attempt", range(3))
def test_a_double_tap_at_the_same_moment_makes_one_idea(world, attempt):
    me = factories.make_participant(world.club)
    token = str(uuid.uuid4())

    def tap():
        return services.proposal_submit(participant=me, title="Music", client_token=token)

    results = _at_once(tap, tap)
    assert all(isinstance(r, Proposal) for r in results), results
    assert results[0].pk == results[1].pk
    assert Proposal.objects.filter(author=me).count() == 1
    assert ProposalEvent.objects.filter(proposal=results[0], kind="submitted").count() == 1


def test_members_supporting_at_once_are_all_counted(world):
    author, *others = [factories.make_participant(world.club) for _ in range(5)]
    idea = factories.make_published(author, world.coach)

    def support(member):
        return lambda: services.support_set(proposal=idea, participant=member)

    results = _at_once(*(support(m) for m in others))
    assert sorted(results) == [(True, n) for n in range(1, len(others) + 1)], results
    idea.refresh_from_db()
    assert idea.support_count == len(others) == Support.objects.filter(proposal=idea).count()


def test_one_member_supporting_twice_at_once_supports_once(world):
    author, me = factories.make_participant(world.club), factories.make_participant(world.club)
    idea = factories.make_published(author, world.coach)

    def support():
        return services.support_set(proposal=idea, participant=me)

    results = _at_once(*[support] * 5)
    assert sorted(results) == [(True, 1)] * 5, results
    idea.refresh_from_db()
    assert idea.support_count == 1 == Support.objects.filter(proposal=idea).count()


def test_deleting_my_data_four_times_at_once_counts_each_support_once(world):
    """Four "delete my data" requests of one member, and of four members, at once."""
    author = factories.make_participant(world.club)
    ideas = [factories.make_published(author, world.coach, title=f"Idea {n}") for n in range(5)]
    members = [factories.make_participant(world.club) for _ in range(8)]
    for member in members:
        for idea in ideas:
            services.support_set(proposal=idea, participant=member)
    me, *others = members

    def delete(member):
        return lambda: services.participant_delete(participant=member)

    results = _at_once(*[delete(me)] * 4)
    assert results == [None] * 4, results
    results = _at_once(*(delete(m) for m in others[:4]))
    assert results == [None] * 4, results
    for idea in ideas:
        idea.refresh_from_db()
        assert idea.support_count == 3 == Support.objects.filter(proposal=idea).count()


def test_twenty_identical_idea_submits_at_once_make_one_idea(world):
    me = factories.make_participant(world.club)
    token = str(uuid.uuid4())

    def tap():
        return services.proposal_submit(participant=me, title="Music", client_token=token)

    results = _at_once(*[tap] * 20)
    assert all(isinstance(r, Proposal) for r in results), results
    assert {r.pk for r in results} == {results[0].pk}
    assert Proposal.objects.filter(author=me).count() == 1


def test_twenty_identical_concern_reports_at_once_make_one_concern(world):
    me = factories.make_participant(world.club)
    token = str(uuid.uuid4())

    def report():
        return services.concern_report(participant=me, text="Someone is mean.", client_token=token)

    results = _at_once(*[report] * 20)
    assert all(isinstance(r, Concern) for r in results), results
    assert {r.pk for r in results} == {results[0].pk}
    assert Concern.objects.filter(participant=me).count() == 1
