"""Security headers in production: HSTS, nosniff, referrer, permissions, framing."""

import pytest
from django.conf import settings
from django.test import override_settings

PRODUCTION = {
    "SECURE_HSTS_SECONDS": 31536000,
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
    "SECURE_HSTS_PRELOAD": True,
    "SESSION_COOKIE_SECURE": True,
    "CSRF_COOKIE_SECURE": True,
}


def _assert_security_headers(response):
    assert response.headers["Strict-Transport-Security"] == (
        "max-age=31536000; includeSubDomains; preload"
    )
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert "geolocation=()" in response.headers["Permissions-Policy"]
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Frame-Options"] == "DENY"


@override_settings(**PRODUCTION)
def test_home_page_has_the_security_headers_over_https(client):
    _assert_security_headers(client.get("/", secure=True))


@override_settings(**PRODUCTION)
@pytest.mark.django_db
def test_session_cookie_is_secure_and_http_only_in_production(client):
    from tests.factories import PASSWORD, UserFactory

    UserFactory(email="coach@example.org")
    response = client.post(
        "/accounts/login/", {"username": "coach@example.org", "password": PASSWORD}, secure=True
    )
    cookie = response.cookies["sessionid"]
    assert cookie["secure"]
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"


@override_settings(**PRODUCTION, PARTICIPANT_COOKIE_SECURE=True)
@pytest.mark.django_db
def test_a_young_persons_page_has_the_headers_and_a_secure_http_only_cookie(client, world):
    response = client.get(f"/join/{world.club.join_code}/", secure=True)
    _assert_security_headers(response)
    page = response.content.decode()
    pseudonym = page.split('name="pseudonym" value="')[1].split('"')[0]
    response = client.post(
        f"/join/{world.club.join_code}/",
        {"pseudonym": pseudonym, "age_band": "16_17"},
        secure=True,
    )
    cookie = response.cookies[settings.PARTICIPANT_COOKIE_NAME]
    assert cookie["secure"]
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"
    club_page = client.get(f"/club/{world.club.slug}/", secure=True)
    assert club_page.status_code == 200
    _assert_security_headers(club_page)
