"""Caching of private pages, HEAD requests and the friendly form-expired page."""

import pytest
from django.test import Client
from django.urls import reverse

from tests import factories
from tests.feedback.test_yp_support import phone_of


def _no_store(response) -> bool:
    value = response.headers.get("Cache-Control", "")
    return "no-store" in value and "private" in value


@pytest.mark.parametrize(
    "url",
    [
        lambda w: reverse("clubs:my-clubs"),
        lambda w: reverse("feedback:needs-you"),
        lambda w: w.club.get_absolute_url(),
        lambda w: reverse("feedback:club-record", args=[w.club.slug]),
        lambda w: reverse("home"),
    ],
)
def test_signed_in_pages_are_private_and_never_stored(client_as, world, url):
    response = client_as("coach").get(url(world))
    assert response.status_code == 200
    assert _no_store(response)


def test_young_peoples_pages_are_private_and_never_stored(world):
    member = factories.make_participant(world.club)
    client = phone_of(member)
    for url in (
        reverse("feedback:member-home", args=[world.club.slug]),
        reverse("feedback:member-my-data", args=[world.club.slug]),
        reverse("feedback:my-clubs-member"),
    ):
        response = client.get(url)
        assert response.status_code == 200
        assert _no_store(response), url


def test_public_pages_for_strangers_are_left_cacheable(client, db):
    assert "no-store" not in client.get(reverse("privacy")).headers.get("Cache-Control", "")


@pytest.mark.parametrize(
    "url",
    [
        lambda w: "/",
        lambda w: reverse("privacy"),
        lambda w: reverse("feedback:join"),
        lambda w: reverse("login"),
    ],
)
def test_head_is_answered_wherever_get_is(client, world, url):
    response = client.head(url(world))
    assert response.status_code == 200
    assert response.content == b""


def test_head_on_a_signed_in_page(client_as, world):
    assert client_as("coach").head(reverse("feedback:needs-you")).status_code == 200
    assert client_as("coach").head(world.club.get_absolute_url()).status_code == 200


def test_a_form_sent_without_its_token_gets_a_friendly_page(world):
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("login"), {"username": "x@example.org", "password": "x"})
    assert response.status_code == 403
    page = response.content.decode()
    assert "Please try that again" in page
    assert "nothing was saved" in page
    assert "CSRF" not in page


def test_every_page_has_a_meta_description(client, client_as, world):
    for response in (client.get("/"), client.get(reverse("feedback:join"))):
        assert '<meta name="description" content="Coproduce: young people' in (
            response.content.decode()
        )


def test_scrolling_tables_can_be_reached_with_the_keyboard(client_as, world):
    page = client_as("staff").get(reverse("feedback:county-dashboard")).content.decode()
    wrappers = page.count('class="table-responsive"')
    assert wrappers >= 3
    assert (
        page.count('class="table-responsive" tabindex="0" role="region" aria-label="') == wrappers
    )
