"""Proposing an idea: one per double tap, a daily limit, contact details flagged, hostile input."""

import uuid

import pytest
from django.conf import settings
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from clubs.models import AspectKind, AspectStatus
from clubs.services import aspect_update
from feedback import services
from feedback.models import Proposal, ProposalEvent, Round, State
from tests import factories
from tests.feedback.test_yp_support import phone_of

pytestmark = pytest.mark.django_db


def propose_url(club):
    return reverse("feedback:member-propose", args=[club.slug])


def post_idea(client, club, **data):
    data.setdefault("client_token", str(uuid.uuid4()))
    return client.post(propose_url(club), data)


@pytest.fixture
def me(world):
    return factories.make_participant(world.club)


def test_a_fixed_aspects_reason_is_shown_next_to_its_chip_before_submitting(world, me):
    location = world.club.aspects.get(kind=AspectKind.LOCATION)
    aspect_update(
        aspect=location,
        by=world.coach,
        value="School hall",
        status=AspectStatus.FIXED,
        reason="The school lends us the hall.",
    )
    html = phone_of(me).get(propose_url(world.club)).content.decode()
    chip = html.index(f'id="aspect-{location.pk}"')
    assert "Can't change: The school lends us the hall." in html[chip : chip + 600]
    assert f'aria-describedby="reason-{location.pk}"' in html
    assert 'name="client_token"' in html


def test_proposing_about_a_fixed_aspect_is_allowed_and_waits_for_the_coach(world, me):
    location = world.club.aspects.get(kind=AspectKind.LOCATION)
    aspect_update(
        aspect=location,
        by=world.coach,
        value="School hall",
        status=AspectStatus.FIXED,
        reason="The school lends us the hall.",
    )
    client = phone_of(me)
    response = post_idea(client, world.club, title="Use the park", aspect=location.pk)
    proposal = Proposal.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("feedback:proposal-detail", args=[world.club.slug, proposal.pk])
    assert proposal.state == State.SUBMITTED
    assert proposal.aspect_status_at_submission == AspectStatus.FIXED
    page = client.get(response.url).content.decode()
    assert "Waiting for your coach" in page
    assert "You shared this idea." in page


def test_a_double_tap_makes_one_proposal(world, me):
    client = phone_of(me)
    token = str(uuid.uuid4())
    first = post_idea(client, world.club, title="Music", client_token=token)
    second = post_idea(client, world.club, title="Music", client_token=token)
    assert first.url == second.url
    assert Proposal.objects.count() == 1
    assert ProposalEvent.objects.count() == 1


def test_the_daily_limit_gets_a_friendly_message(world, me):
    client = phone_of(me)
    limit = settings.COPRODUCE["PROPOSALS_PER_DAY"]
    for i in range(limit):
        assert post_idea(client, world.club, title=f"Idea {i}").status_code == 302
    response = post_idea(client, world.club, title="One more")
    assert response.status_code == 200
    assert "Come back tomorrow" in response.content.decode()
    assert Proposal.objects.count() == limit


@override_settings(RATE_LIMITS={**settings.RATE_LIMITS, "propose": "3/h"})
def test_proposing_too_fast_is_rate_limited(world, me):
    client = phone_of(me)
    statuses = [post_idea(client, world.club, title="").status_code for _ in range(5)]
    assert statuses[:3] == [200] * 3
    assert statuses[-1] == 429


@pytest.mark.parametrize(
    "text", ["call me 07700 900123", "me@example.com", "add my snap", "www.example.com", "@someone"]
)
def test_contact_details_are_flagged_for_the_coach(world, me, text):
    post_idea(phone_of(me), world.club, title="Hello", text=text)
    assert Proposal.objects.get().flagged_contact_details is True


def test_plain_ideas_are_not_flagged(world, me):
    post_idea(phone_of(me), world.club, title="Longer sessions", text="Two hours on Fridays")
    assert Proposal.objects.get().flagged_contact_details is False


@pytest.mark.parametrize(
    ("title", "text", "message"),
    [
        ("", "", "Give your idea a short title."),
        ("   \t\n ", "", "Give your idea a short title."),
        ("x" * 10_000, "", "Keep the title to 80 characters."),
        ("Fine", "y" * 10_000, "Keep it to 500 characters."),
        ("Null\x00byte", "", "Null characters are not allowed."),
        ("Fine", "nul\x00", "Null characters are not allowed."),
    ],
)
def test_bad_input_gets_a_message_and_changes_nothing(world, me, title, text, message):
    response = post_idea(phone_of(me), world.club, title=title, text=text)
    assert response.status_code == 200
    assert message in response.content.decode().replace("&#x27;", "'")
    assert not Proposal.objects.exists()


@pytest.mark.parametrize(
    ("title", "text"),
    [
        ("<script>alert(1)</script>", "<img src=x onerror=alert(1)>"),
        ("Football ⚽🔥 please", "😀" * 100),
        ("Футбол по четвергам", "كرة القدم يوم الخميس 足球"),
        ("Bell\x07 and tab\tand\x1b escape", "line\r\nbreak\x0b\x0c"),
    ],
)
def test_odd_input_is_stored_and_shown_escaped(world, me, title, text):
    client = phone_of(me)
    response = post_idea(client, world.club, title=title, text=text)
    assert response.status_code == 302
    proposal = Proposal.objects.get()
    page = client.get(response.url).content.decode()
    assert "<script>alert" not in page
    assert "<img src=x" not in page
    if "<" in title:
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    else:
        assert proposal.title.split()[0] in page


def test_a_closed_round_or_another_clubs_aspect_is_refused(world, me):
    other_aspect = world.far_club.aspects.first()
    response = post_idea(phone_of(me), world.club, title="Hi", aspect=other_aspect.pk)
    assert "Choose something about your club." in response.content.decode()
    closed = Round.objects.create(
        club=world.club, question="Summer?", opens_on="2026-01-01", closes_on="2026-01-02"
    )
    response = post_idea(phone_of(me), world.club, title="Hi", round=closed.pk)
    assert "That question has closed" in response.content.decode().replace("&#x27;", "'")
    assert not Proposal.objects.exists()


def test_an_idea_can_answer_an_open_round(world, me):
    from django.utils import timezone

    today = timezone.localdate()
    round_ = services.round_create(
        club=world.club, by=world.coach, question="What in summer?", opens_on=today, closes_on=today
    )
    client = phone_of(me)
    assert "What in summer?" in client.get(propose_url(world.club)).content.decode()
    post_idea(client, world.club, title="Cricket", round=round_.pk)
    assert Proposal.objects.get().round == round_


def test_a_blocked_participant_gets_a_friendly_refusal(world, me):
    services.participant_block(participant=me, by=world.coach)
    client = phone_of(me)
    page = client.get(propose_url(world.club)).content.decode()
    assert "paused posting for you" in page
    assert 'name="title"' not in page
    response = post_idea(client, world.club, title="Sneaky")
    assert "paused posting for you" in response.content.decode()
    assert not Proposal.objects.exists()


def test_a_returned_idea_can_be_edited_and_sent_again(world, me):
    proposal = factories.make_proposal(me, title="Later")
    services.proposal_return(proposal=proposal, by=world.coach, reason="What time?")
    client = phone_of(me)
    url = reverse("feedback:proposal-edit", args=[world.club.slug, proposal.pk])
    page = client.get(url).content.decode()
    assert "What time?" in page
    assert 'value="Later"' in page
    response = client.post(url, {"title": "Start at 5pm", "text": ""})
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.state == State.SUBMITTED
    assert proposal.title == "Start at 5pm"
    # Only the author, and only while it is returned.
    other = factories.make_participant(world.club)
    assert phone_of(other).get(url).status_code == 404
    assert client.get(url).status_code == 302


def test_the_author_can_withdraw_an_idea(world, me):
    proposal = factories.make_proposal(me)
    client = phone_of(me)
    url = reverse("feedback:proposal-withdraw", args=[world.club.slug, proposal.pk])
    other = factories.make_participant(world.club)
    assert phone_of(other).post(url).status_code == 404
    assert client.post(url).status_code == 302
    proposal.refresh_from_db()
    assert proposal.state == State.WITHDRAWN


def test_proposing_runs_a_fixed_number_of_queries(world, me):
    for n in range(3):
        post_idea(phone_of(me), world.club, title=f"Idea {n}")
    client = phone_of(me)
    with CaptureQueriesContext(connection) as captured:
        response = post_idea(client, world.club, title="One more")
    assert response.status_code == 302
    # The participant; then a double tap? ideas today? (one query), the idea, the club's
    # indicator summary made stale (#12), its event, with no savepoint of its own around
    # the idea. The message goes in a cookie. (SAVEPOINT and RELEASE: the test's own
    # transaction.)
    assert [q["sql"].split()[0] for q in captured.captured_queries] == [
        "SELECT",
        "SAVEPOINT",
        "SELECT",
        "INSERT",
        "UPDATE",
        "INSERT",
        "RELEASE",
    ]
    assert Proposal.objects.filter(author=me).count() == 4
