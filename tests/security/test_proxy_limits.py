"""Abuse limits behind a reverse proxy: each person is counted at their own address."""

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse

from clubs.models import Club
from coproduce.http import client_ip
from feedback.models import Participant
from tests.factories import PASSWORD

PROXY = "10.0.0.2"


def behind_proxy(address: str) -> Client:
    """A browser at `address`, reaching the app through the one trusted proxy."""
    return Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=address)


@pytest.fixture
def one_proxy(settings):
    settings.TRUSTED_PROXIES = 1


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "198.51.100.1", PROXY),  # no trusted proxy: the header is not believed
        (1, "198.51.100.1", "198.51.100.1"),
        (1, "6.6.6.6, 198.51.100.1", "198.51.100.1"),  # the client's own claim is ignored
        (2, "6.6.6.6, 198.51.100.1, 10.0.0.1", "198.51.100.1"),
        (2, "198.51.100.1", PROXY),  # too short to have come through both proxies
        (1, "", PROXY),
    ],
)
def test_the_client_address_is_the_one_the_outermost_trusted_proxy_saw(
    settings, proxies, forwarded, expected
):
    settings.TRUSTED_PROXIES = proxies
    request = RequestFactory().get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected


def test_one_persons_wrong_codes_never_block_another_address(world, one_proxy, settings):
    limit = int(settings.RATE_LIMITS["join_client"].split("/")[0])
    guesser = behind_proxy("203.0.113.5")
    statuses = [
        guesser.get(reverse("feedback:join"), {"code": f"QQQQ{i:02d}"}).status_code
        for i in range(limit + 3)
    ]
    assert statuses[:limit] == [200] * limit
    assert statuses[limit:] == [429] * 3
    # The same proxy, another person: still gets in with the right code.
    other = behind_proxy("198.51.100.20")
    response = other.get(reverse("feedback:join"), {"code": world.club.join_code})
    assert response.status_code == 302
    assert other.get(response.url).status_code == 200


def test_a_forged_forwarded_header_does_not_escape_the_limit(world, one_proxy, settings):
    limit = int(settings.RATE_LIMITS["join_client"].split("/")[0])
    statuses = [
        Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=f"6.6.6.{i}, 203.0.113.5")
        .get(reverse("feedback:join"), {"code": "QQQQQQ"})
        .status_code
        for i in range(limit + 1)
    ]
    assert statuses[-1] == 429


def test_admin_login_returns_429_after_the_limit(world, one_proxy, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "login_account": "5/10m"}
    attacker = behind_proxy("203.0.113.9")
    statuses = [
        attacker.post(
            "/admin/login/", {"username": world.superuser.email, "password": "wrong"}
        ).status_code
        for _ in range(7)
    ]
    assert statuses[:5] == [200] * 5
    assert statuses[5:] == [429, 429]
    # The administrator, at their own address, still signs in.
    admin = behind_proxy("198.51.100.30")
    response = admin.post(
        "/admin/login/", {"username": world.superuser.email, "password": PASSWORD}
    )
    assert response.status_code == 302


def test_wrong_passwords_from_one_address_do_not_lock_the_coach_out_elsewhere(world, one_proxy):
    attacker = behind_proxy("203.0.113.9")
    for _ in range(10):
        attacker.post(reverse("login"), {"username": world.coach.email, "password": "wrong"})
    assert (
        attacker.post(
            reverse("login"), {"username": world.coach.email, "password": PASSWORD}
        ).status_code
        == 429
    )
    coach = behind_proxy("198.51.100.40")
    response = coach.post(reverse("login"), {"username": world.coach.email, "password": PASSWORD})
    assert response.status_code == 302


def test_an_account_attacked_from_many_addresses_is_paused(world, one_proxy, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "login_account_total": "8/h"}
    statuses = [
        behind_proxy(f"203.0.113.{i}")
        .post(reverse("login"), {"username": world.coach.email, "password": "wrong"})
        .status_code
        for i in range(10)
    ]
    assert statuses[:8] == [200] * 8
    assert statuses[8:] == [429, 429]


def test_password_reset_is_limited_per_address_and_per_account(world, one_proxy, settings):
    url = reverse("password_reset")
    here = behind_proxy("203.0.113.7")
    statuses = [here.post(url, {"email": f"n{i}@example.org"}).status_code for i in range(6)]
    assert statuses == [302] * 5 + [429]
    account = [
        behind_proxy(f"198.51.100.{i}").post(url, {"email": world.coach.email}).status_code
        for i in range(4)
    ]
    assert account == [302] * 3 + [429]


def _join(client, club):
    page = client.get(reverse("feedback:join-code", args=[club.join_code])).content.decode()
    pseudonym = page.split('name="pseudonym" value="')[1].split('"')[0]
    return client.post(
        reverse("feedback:join-code", args=[club.join_code]),
        {"pseudonym": pseudonym, "age_band": "16_17"},
    )


def test_a_burst_of_made_up_members_from_one_address_is_refused(world, one_proxy, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "join_member": "3/h"}
    statuses = [_join(behind_proxy("203.0.113.8"), world.club).status_code for _ in range(5)]
    assert statuses == [200] * 3 + [429] * 2
    assert world.club.participants.count() == 3
    # Someone at another address joins the same club.
    assert _join(behind_proxy("198.51.100.8"), world.club).status_code == 200


def test_a_club_pauses_joining_after_its_hourly_limit_until_its_coach_lifts_it(
    world, one_proxy, settings, client_as
):
    settings.COPRODUCE = {**settings.COPRODUCE, "JOINS_PER_CLUB_PER_HOUR": 3}
    for i in range(3):
        assert _join(behind_proxy(f"198.51.100.{i}"), world.club).status_code == 200
    paused = _join(behind_proxy("198.51.100.99"), world.club)
    assert paused.status_code == 429
    assert "ask your coach" in paused.content.decode()
    assert world.club.participants.count() == 3
    # Another club is not affected.
    assert _join(behind_proxy("198.51.100.99"), world.far_club).status_code == 200
    # The coach sees it on the club's page, and lifts it.
    coach = client_as("coach")
    page = coach.get(world.club.get_absolute_url()).content.decode()
    assert "joining is paused" in page
    response = coach.post(reverse("clubs:join-limit-lift", args=[world.club.slug]))
    assert response.status_code == 302
    assert Club.objects.get(pk=world.club.pk).joins_unlimited_until is not None
    assert "no limit until" in coach.get(world.club.get_absolute_url()).content.decode()
    assert _join(behind_proxy("198.51.100.99"), world.club).status_code == 200
    assert Participant.objects.filter(club=world.club).count() == 4


def test_staff_cannot_lift_a_clubs_join_limit(world, client_as):
    response = client_as("staff").post(reverse("clubs:join-limit-lift", args=[world.club.slug]))
    assert response.status_code == 403
    assert Club.objects.get(pk=world.club.pk).joins_unlimited_until is None
