"""Helpers for the young people's tests (a phone holding participant cookies), and the cookie's own tests."""

from django.conf import settings
from django.test import Client

from feedback import identity
from feedback.models import Participant


def phone_of(*participants: Participant, client: Client | None = None) -> Client:
    """A test client whose cookie says it belongs to these participants."""
    client = client or Client()
    client.cookies[settings.PARTICIPANT_COOKIE_NAME] = identity.signed_value(
        [p.key for p in participants]
    )
    return client


def cookie_keys_of(client: Client) -> list[str]:
    morsel = client.cookies.get(settings.PARTICIPANT_COOKIE_NAME)
    if morsel is None or not morsel.value:
        return []
    from django.test import RequestFactory

    request = RequestFactory().get("/")
    request.COOKIES[settings.PARTICIPANT_COOKIE_NAME] = morsel.value
    return identity.cookie_keys(request)


def test_a_tampered_cookie_holds_no_keys(rf):
    request = rf.get("/")
    value = identity.signed_value(["abc", "def"])
    request.COOKIES[settings.PARTICIPANT_COOKIE_NAME] = value.replace("abc", "xyz")
    assert identity.cookie_keys(request) == []


def test_a_signed_cookie_holds_every_club_key(rf):
    request = rf.get("/")
    request.COOKIES[settings.PARTICIPANT_COOKIE_NAME] = identity.signed_value(["k1", "k2"])
    assert identity.cookie_keys(request) == ["k1", "k2"]
