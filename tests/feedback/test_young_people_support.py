"""Supporting ideas: a plain form POST or htmx, one each, never your own, never after a decision."""

import threading
from datetime import timedelta

import pytest
from django.conf import settings
from django.db import connection, connections
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from feedback import services
from feedback.models import Outcome, Proposal, Support
from tests import factories
from tests.feedback.test_yp_support import phone_of


def support_url(proposal):
    return reverse("feedback:proposal-support", args=[proposal.club.slug, proposal.pk])


def unsupport_url(proposal):
    return reverse("feedback:proposal-unsupport", args=[proposal.club.slug, proposal.pk])


@pytest.fixture
def idea(world):
    author = factories.make_participant(world.club)
    return factories.make_published(author, world.coach, title="Music in the warm-up")


@pytest.mark.django_db
def test_a_plain_post_supports_or_withdraws_idempotently_and_redirects_back(world, idea):
    fan = factories.make_participant(world.club)
    client = phone_of(fan)
    response = client.post(support_url(idea))
    assert response.status_code == 302
    assert response.url == reverse("feedback:member-home", args=[world.club.slug])
    idea.refresh_from_db()
    assert idea.support_count == 1
    page = client.get(response.url).content.decode()
    assert "You support" in page
    assert 'aria-pressed="true"' in page
    client.post(support_url(idea))  # again: still supporting
    idea.refresh_from_db()
    assert idea.support_count == 1
    withdraw = client.post(unsupport_url(idea))
    assert withdraw.status_code == 302
    assert "You no longer support" in client.get(withdraw.url).content.decode()
    client.post(unsupport_url(idea))  # again: still not supporting
    idea.refresh_from_db()
    assert idea.support_count == 0
    assert not Support.objects.exists()


@pytest.mark.django_db
def test_support_goes_back_to_a_safe_next_page_only(world, idea):
    client = phone_of(factories.make_participant(world.club))
    detail = reverse("feedback:proposal-detail", args=[world.club.slug, idea.pk])
    assert client.post(support_url(idea), {"next": detail}).url == detail
    evil = client.post(support_url(idea), {"next": "https://evil.example/"})
    assert evil.url == reverse("feedback:member-home", args=[world.club.slug])


@pytest.mark.django_db
def test_htmx_gets_the_card_back_without_a_page(world, idea):
    client = phone_of(factories.make_participant(world.club))
    response = client.post(support_url(idea), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith(f'<article class="idea-card" id="idea-{idea.pk}"')
    assert "<html" not in html
    assert "1 support<" in html
    assert 'aria-pressed="true"' in html
    assert f'hx-target="#idea-{idea.pk}"' in html


@pytest.mark.django_db
def test_an_author_cannot_support_their_own_idea(world, idea):
    client = phone_of(idea.author)
    response = client.post(support_url(idea), HTTP_HX_REQUEST="true")
    assert "your idea" in response.content.decode()
    response = client.post(support_url(idea))
    assert response.status_code == 302
    idea.refresh_from_db()
    assert idea.support_count == 0
    assert not Support.objects.exists()


@pytest.mark.django_db
def test_a_decided_idea_cannot_be_supported(world, idea):
    services.proposal_decide(
        proposal=idea,
        by=world.coach,
        outcome=Outcome.TRIAL,
        answer="We'll try it.",
        promised_by=timezone.localdate() + timedelta(days=14),
    )
    client = phone_of(factories.make_participant(world.club))
    response = client.post(support_url(idea), HTTP_HX_REQUEST="true")
    assert "supports are closed" in response.content.decode()
    idea.refresh_from_db()
    assert idea.support_count == 0


@pytest.mark.django_db
def test_a_waiting_idea_cannot_be_supported_and_is_hidden(world):
    waiting = factories.make_proposal(factories.make_participant(world.club))
    client = phone_of(factories.make_participant(world.club))
    assert client.post(support_url(waiting)).status_code == 404
    assert not Support.objects.exists()


@pytest.mark.django_db
def test_a_blocked_participant_can_read_but_not_support(world, idea):
    fan = factories.make_participant(world.club)
    services.participant_block(participant=fan, by=world.coach)
    client = phone_of(fan)
    page = client.get(reverse("feedback:member-home", args=[world.club.slug])).content.decode()
    assert "Music in the warm-up" in page
    assert support_url(idea) not in page
    client.post(support_url(idea))
    assert not Support.objects.exists()


@pytest.mark.django_db
def test_a_member_of_another_club_gets_404(world, idea):
    stranger = factories.make_participant(world.far_club)
    assert phone_of(stranger).post(support_url(idea)).status_code == 404
    assert not Support.objects.exists()


@pytest.mark.django_db
@override_settings(RATE_LIMITS={**settings.RATE_LIMITS, "support": "4/h"})
def test_supporting_is_rate_limited(world, idea):
    client = phone_of(factories.make_participant(world.club))
    statuses = [client.post(support_url(idea)).status_code for _ in range(6)]
    assert statuses[:4] == [302] * 4
    assert statuses[-1] == 429


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks")
def test_twenty_people_supporting_and_withdrawing_at_once_leave_an_exact_count(
    transactional_db, world
):
    author = factories.make_participant(world.club)
    idea = factories.make_published(author, world.coach)
    fans = [factories.make_participant(world.club) for _ in range(20)]
    # Half of them already support it: they withdraw while the others add.
    for fan in fans[:10]:
        services.support_set(proposal=idea, participant=fan)
    barrier = threading.Barrier(20)
    errors = []

    def toggle(fan):
        try:
            barrier.wait()
            services.support_set(
                proposal=Proposal.objects.get(pk=idea.pk),
                participant=fan,
                supporting=fan not in fans[:10],
            )
        except Exception as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=toggle, args=(fan,)) for fan in fans]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    idea.refresh_from_db()
    assert idea.support_count == 10
    assert Support.objects.filter(proposal=idea).count() == 10
    assert set(Support.objects.values_list("participant_id", flat=True)) == {
        f.pk for f in fans[10:]
    }


@pytest.mark.django_db
def test_htmx_on_the_ideas_own_page_gets_the_compact_card(world, idea):
    client = phone_of(factories.make_participant(world.club))
    response = client.post(support_url(idea), {"compact": "1"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert 'class="idea-card compact"' in html
    assert "<h3" not in html
    assert 'name="compact" value="1"' in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    "target",
    ['"><img src=x onerror=alert(1)>', "member-home", "//evil.example/", "javascript:alert(1)"],
)
def test_an_odd_next_goes_back_to_the_club_page(world, idea, target):
    client = phone_of(factories.make_participant(world.club))
    response = client.post(support_url(idea), {"next": target})
    assert response.status_code == 302
    assert response.url == reverse("feedback:member-home", args=[world.club.slug])


@pytest.mark.django_db
def test_a_plain_support_runs_a_fixed_number_of_queries(world, idea):
    for other in [factories.make_participant(world.club) for _ in range(3)]:
        services.support_set(proposal=idea, participant=other)
    client, url = phone_of(factories.make_participant(world.club)), support_url(idea)
    with CaptureQueriesContext(connection) as captured:
        response = client.post(url)
    assert response.status_code == 302
    # The participant, the idea (visible? its title); then the idea's row locked, is
    # there a support already (no), the support, the count (no read back), the club's
    # indicator summary made stale (#12). The message goes in a cookie, not a session.
    # (SAVEPOINT and RELEASE: the test's own transaction.)
    assert [q["sql"].split()[0] for q in captured.captured_queries] == [
        "SELECT",
        "SELECT",
        "SAVEPOINT",
        "SELECT",
        "SELECT",
        "INSERT",
        "UPDATE",
        "UPDATE",
        "RELEASE",
    ]
    idea.refresh_from_db()
    assert idea.support_count == 4


@pytest.mark.django_db
@pytest.mark.parametrize("htmx", [False, True])
def test_a_stale_support_button_never_withdraws_the_support(world, idea, htmx):
    """A second tab (or Back) still shows "Support" after supporting: pressing it keeps it."""
    client = phone_of(factories.make_participant(world.club))
    stale_page = client.get(reverse("feedback:member-home", args=[world.club.slug]))
    assert f'action="{support_url(idea)}"' in stale_page.content.decode()
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    for _ in range(3):
        response = client.post(support_url(idea), **headers)
        assert response.status_code == (200 if htmx else 302)
    idea.refresh_from_db()
    assert idea.support_count == 1 == Support.objects.filter(proposal=idea).count()
    card = client.get(reverse("feedback:member-home", args=[world.club.slug])).content.decode()
    assert f'action="{unsupport_url(idea)}"' in card
    assert 'aria-pressed="true"' in card
