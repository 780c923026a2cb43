"""Security headers in production: HSTS, nosniff, referrer, permissions, framing."""

import pytest
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
