"""Two coaches deciding the same idea at the same moment, on PostgreSQL (row locks).

One decision is stored and one "decided" event written; the other coach is told
plainly that the idea was already decided, with no server error.
"""

import threading
from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from feedback import services
from feedback.models import Decision, ProposalEvent
from feedback.states import InvalidTransition
from tests.feedback import coach_helpers as h

SOON = timezone.localdate() + timedelta(days=14)

pytestmark = [
    pytest.mark.postgres,
    # Real transactions (each thread commits); tests/conftest.py puts the districts back after.
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks"),
]


def _at_once(*jobs):
    """Runs the jobs in threads released together; returns each one's result or error."""
    barrier = threading.Barrier(len(jobs))
    results = [None] * len(jobs)

    def run(i, job):
        try:
            barrier.wait()
            results[i] = job()
        except Exception as error:
            results[i] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return results


@pytest.mark.parametrize("attempt", range(3))
def test_two_coaches_deciding_at_once_store_one_decision(world, attempt):
    p = h.acknowledged(world.club, world.coach)

    def decide(user, outcome):
        return lambda: services.proposal_decide(
            proposal=p,
            by=user,
            outcome=outcome,
            answer="Yes, we will do it." if outcome == "adopted" else "Let's try it.",
            promised_by=SOON,
        )

    results = _at_once(decide(world.coach, "adopted"), decide(world.lead, "trial"))
    decisions = [r for r in results if isinstance(r, Decision)]
    refused = [r for r in results if isinstance(r, InvalidTransition)]
    assert len(decisions) == 1, results
    assert len(refused) == 1, results
    assert Decision.objects.filter(proposal=p).count() == 1
    assert ProposalEvent.objects.filter(proposal=p, kind="decided").count() == 1
    p.refresh_from_db()
    assert p.outcome == decisions[0].outcome


def test_the_second_coach_through_the_page_gets_a_clear_message(world):
    p = h.acknowledged(world.club, world.coach)
    url = reverse("feedback:coach-proposal-decide", kwargs={"slug": world.club.slug, "pk": p.pk})
    clients = []
    for user in (world.coach, world.lead):
        client = Client()
        client.force_login(user)
        clients.append(client)

    def post(client, outcome):
        data = {"outcome": outcome, "answer": "Our answer to you.", "promised_by": SOON.isoformat()}
        return lambda: client.post(url, data)

    responses = _at_once(post(clients[0], "adopted"), post(clients[1], "trial"))
    assert all(not isinstance(r, Exception) for r in responses), responses
    assert [r.status_code for r in responses] == [302, 302]
    texts = [[str(m) for m in get_messages(r.wsgi_request)] for r in responses]
    winners = [t for t in texts if any(m.startswith("Decided") for m in t)]
    losers = [t for t in texts if any("someone may have just acted" in m for m in t)]
    assert len(winners) == 1, texts
    assert len(losers) == 1, texts
    assert "It is now: decided." in losers[0][0]
    assert Decision.objects.filter(proposal=p).count() == 1
    assert ProposalEvent.objects.filter(proposal=p, kind="decided").count() == 1
