"""Every step of issue 13's flows, submitted twice through the pages (a double tap, a slow
connection's retry), answers without a server error and leaves what one submit leaves.

Each flow posts the same form twice as the browser would send it: the same form token,
the same session or phone cookie (for Join, the second tap leaves before the first's
answer, so without its cookie). The test client re-raises a view's exception, so an
error fails the test with its traceback, and a 500 fails it on the status codes.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from clubs.models import Club
from feedback.models import (
    AgeBand,
    Concern,
    Decision,
    Participant,
    Proposal,
    ProposalEvent,
    Support,
)
from tests import factories
from tests.clubs.test_views_club_form import club_data
from tests.feedback.test_yp_support import phone_of

pytestmark = pytest.mark.django_db


def token_on(html: str) -> str:
    return re.search(r'name="client_token" value="([^"]+)"', html).group(1)


def _main(response) -> str:
    """The page's main content, without the per-response CSRF token."""
    html = response.content.decode()
    main = html[html.index("<main") : html.index("</main>")]
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", main)


@dataclass
class Flow:
    """Posts twice; `count` is what one submit should change by `change`; `statuses` are
    the two answers (a page, or a redirect to where the person goes next)."""

    submit_twice: Callable
    count: Callable
    change: int
    statuses: tuple[int, int] = (302, 302)
    same_answer: bool = False  # both answers say the same (Join: the one phrase)


def _member(world):
    return factories.make_participant(world.club)


def join(world, client_as):
    url = reverse("feedback:join-code", args=[world.club.join_code])
    html = Client().get(url).content.decode()
    name = re.findall(r'name="pseudonym" value="([^"]+)"', html)[0]
    data = {"pseudonym": name, "age_band": AgeBand.B16_17, "client_token": token_on(html)}
    return [Client().post(url, data), Client().post(url, data)]


def start_a_club(world, client_as):
    client = client_as("lead")
    token = token_on(client.get(reverse("clubs:club-create")).content.decode())
    data = club_data(world, client_token=token)
    return [client.post(reverse("clubs:club-create"), data) for _ in range(2)]


def propose(world, client_as):
    phone = phone_of(_member(world))
    url = reverse("feedback:member-propose", args=[world.club.slug])
    data = {
        "title": "Play on Thursdays",
        "text": "",
        "client_token": token_on(phone.get(url).content.decode()),
    }
    return [phone.post(url, data) for _ in range(2)]


def concern(world, client_as):
    phone = phone_of(_member(world))
    url = reverse("feedback:member-concern", args=[world.club.slug])
    token = token_on(phone.get(url).content.decode())
    data = {"text": "Someone was unkind at the session.", "client_token": token}
    return [phone.post(url, data) for _ in range(2)]


def _published(world):
    return factories.make_published(_member(world), world.coach, title="Play on Thursdays")


def support(world, client_as):
    proposal = _published(world)
    phone = phone_of(_member(world))
    url = reverse("feedback:proposal-support", args=[world.club.slug, proposal.pk])
    return [phone.post(url) for _ in range(2)]


def withdraw_support(world, client_as):
    proposal = _published(world)
    phone = phone_of(_member(world))
    phone.post(reverse("feedback:proposal-support", args=[world.club.slug, proposal.pk]))
    url = reverse("feedback:proposal-unsupport", args=[world.club.slug, proposal.pk])
    return [phone.post(url) for _ in range(2)]


def _coach_url(world, name, proposal):
    return reverse(f"feedback:{name}", kwargs={"slug": world.club.slug, "pk": proposal.pk})


def publish(world, client_as):
    proposal = factories.make_proposal(_member(world))
    client = client_as("coach")
    return [client.post(_coach_url(world, "coach-proposal-publish", proposal)) for _ in range(2)]


def decide(world, client_as):
    proposal = _published(world)
    client = client_as("coach")
    promised = (timezone.localdate() + timedelta(days=14)).isoformat()
    data = {"outcome": "adopted", "answer": "Yes: from next month.", "promised_by": promised}
    url = _coach_url(world, "coach-proposal-decide", proposal)
    return [client.post(url, data) for _ in range(2)]


def delete_my_data(world, client_as):
    me = _member(world)
    factories.make_proposal(me)
    phone = phone_of(me)
    url = reverse("feedback:member-my-data-delete", args=[world.club.slug])
    return [phone.post(url, {"confirm": "on"}) for _ in range(2)]


FLOWS = {
    # Both answers show the one member's recovery phrase.
    "join": Flow(join, lambda: Participant.objects.count(), 1, (200, 200), same_answer=True),
    "start a club": Flow(start_a_club, lambda: Club.objects.count(), 1),
    "propose": Flow(propose, lambda: Proposal.objects.count(), 1),
    "report a concern": Flow(concern, lambda: Concern.objects.count(), 1, (200, 200)),
    "support": Flow(support, lambda: Support.objects.count(), 1),
    "withdraw a support": Flow(withdraw_support, lambda: Support.objects.count(), 0),
    "publish": Flow(publish, lambda: ProposalEvent.objects.filter(kind="published").count(), 1),
    "decide": Flow(decide, lambda: Decision.objects.count(), 1),
    # The member (made in the flow) and their idea's authorship go; one member fewer
    # than after the flow's set-up, so the count ends where it started.
    # The second finds a stranger's phone: off to join.
    "delete my data": Flow(delete_my_data, lambda: Participant.objects.count(), 0, (200, 302)),
}


@pytest.mark.parametrize("name", list(FLOWS))
def test_a_double_submit_never_errors_and_leaves_what_one_submit_leaves(world, client_as, name):
    flow = FLOWS[name]
    before = flow.count()
    responses = flow.submit_twice(world, client_as)
    statuses = [r.status_code for r in responses]
    assert tuple(statuses) == flow.statuses
    if flow.same_answer:
        first, second = (_main(r) for r in responses)
        assert first == second
    assert flow.count() - before == flow.change, (name, statuses)
