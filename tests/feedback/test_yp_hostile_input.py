"""Hostile input on the forms not covered elsewhere: never a server error, always a message or escaped."""

import pytest
from django.urls import reverse

from feedback import services
from feedback.models import Participant, Proposal, State
from tests import factories
from tests.feedback.test_yp_support import phone_of

pytestmark = pytest.mark.django_db

HOSTILE = [
    "",
    "   \t ",
    "x" * 10_000,
    "<script>alert(1)</script>",
    "😀🔥 Футбол كرة 足球",
    "bell\x07esc\x1b",
    "null\x00byte",
]


@pytest.mark.parametrize("value", HOSTILE)
def test_the_join_code_in_the_address_never_breaks(client, world, value):
    response = client.get(reverse("feedback:join-code", args=[value.replace("/", "") or "x"]))
    assert response.status_code == 404
    html = response.content.decode()
    assert "That code doesn" in html
    assert "<script>alert(1)" not in html


@pytest.mark.parametrize("value", HOSTILE)
def test_the_join_code_box_never_breaks(client, world, value):
    response = client.get(reverse("feedback:join"), {"code": value})
    assert response.status_code == 200
    assert "<script>alert(1)" not in response.content.decode()
    assert 'class="invalid-feedback' in response.content.decode()


@pytest.mark.parametrize("value", HOSTILE)
def test_the_join_form_never_breaks_and_keeps_nothing(client, world, value):
    response = client.post(
        reverse("feedback:join-code", args=[world.club.join_code]),
        {"pseudonym": value, "age_band": value},
    )
    assert response.status_code == 200
    assert "<script>alert(1)" not in response.content.decode()
    assert not Participant.objects.exists()


@pytest.mark.parametrize("value", HOSTILE)
def test_editing_a_returned_idea_never_breaks(world, value):
    author = factories.make_participant(world.club)
    proposal = factories.make_proposal(author, title="Later")
    services.proposal_return(proposal=proposal, by=world.coach, reason="Which time?")
    client = phone_of(author)
    url = reverse("feedback:proposal-edit", args=[world.club.slug, proposal.pk])
    response = client.post(url, {"title": value, "text": value})
    proposal.refresh_from_db()
    if response.status_code == 302:
        assert proposal.state == State.SUBMITTED
        page = client.get(response.url).content.decode()
        assert "<script>alert(1)" not in page
    else:
        assert response.status_code == 200
        assert 'class="invalid-feedback' in response.content.decode()
        assert proposal.title == "Later"
        assert proposal.state == State.RETURNED


@pytest.mark.parametrize("value", ["abc", "-1", "99999999", "<b>", "1.5"])
def test_odd_choices_for_aspect_and_round_get_a_message(world, value):
    client = phone_of(factories.make_participant(world.club))
    response = client.post(
        reverse("feedback:member-propose", args=[world.club.slug]),
        {"title": "Fine", "aspect": value, "round": value, "client_token": value},
    )
    assert response.status_code == 200
    assert not Proposal.objects.exists()


@pytest.mark.parametrize("token", ["", "garbled", "x" * 500, "\x00"])
def test_a_garbled_client_token_does_not_stop_the_idea(world, token):
    client = phone_of(factories.make_participant(world.club))
    response = client.post(
        reverse("feedback:member-propose", args=[world.club.slug]),
        {"title": "Fine", "client_token": token},
    )
    assert response.status_code == 302
    assert Proposal.objects.get().client_token == ""
