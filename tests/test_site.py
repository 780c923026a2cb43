"""Site-wide behaviour: home page, headers, sign-in, settings from the environment."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core import mail
from django.urls import reverse

from tests.factories import PASSWORD, UserFactory

ROOT = Path(__file__).resolve().parent.parent


def test_home_page_says_what_coproduce_is_with_a_join_box_and_sign_in(client):
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'lang="en-GB"' in html
    assert "Join your club" in html
    assert 'name="code"' in html
    assert reverse("login") in html
    assert 'href="#main"' in html, "skip link"
    assert reverse("privacy") in html


def test_home_page_has_a_strict_csp_and_no_other_host(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    directives = {part.split()[0]: part.split()[1:] for part in csp.split(";") if part.strip()}
    assert "'unsafe-inline'" not in directives["script-src"]
    assert "'unsafe-inline'" not in directives["style-src"]
    assert directives["frame-ancestors"] == ["'none'"]
    html = response.content.decode()
    urls = re.findall(r'(?:src|href|action)="([^"]+)"', html)
    assert urls
    assert not [u for u in urls if re.match(r"^(https?:)?//", u)], "no absolute URLs to other hosts"
    assert "<script>" not in html
    assert " style=" not in html


def test_security_headers_on_the_home_page(client):
    response = client.get("/")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert "camera=()" in response.headers["Permissions-Policy"]
    assert response.headers["X-Frame-Options"] == "DENY"


def test_privacy_page_is_plain_language(client):
    response = client.get(reverse("privacy"))
    assert response.status_code == 200
    assert "We never ask for your name" in response.content.decode()


@pytest.mark.django_db
def test_sign_in_with_email_and_sign_out(client):
    user = UserFactory(email="coach@example.org")
    response = client.post(
        reverse("login"), {"username": "coach@example.org", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_wrong_password_gets_a_message_and_no_session(client):
    UserFactory(email="coach@example.org")
    response = client.post(reverse("login"), {"username": "coach@example.org", "password": "no"})
    assert response.status_code == 200
    assert "correct email address and password" in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_repeated_failed_sign_ins_are_throttled_with_a_friendly_429(client, settings):
    UserFactory(email="coach@example.org")
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "login_account": "3/10m"}
    for _ in range(3):
        client.post(reverse("login"), {"username": "coach@example.org", "password": "wrong"})
    response = client.post(
        reverse("login"), {"username": "coach@example.org", "password": PASSWORD}
    )
    assert response.status_code == 429
    assert "Slow down a little" in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_password_reset_sends_a_link(client):
    UserFactory(email="coach@example.org")
    response = client.post(reverse("password_reset"), {"email": "coach@example.org"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert "/accounts/reset/" in mail.outbox[0].body


@pytest.mark.django_db
def test_password_change_needs_sign_in_then_works(client):
    user = UserFactory()
    assert client.get(reverse("password_change")).status_code == 302
    client.force_login(user)
    response = client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "a-much-longer-new-pass-2026",
            "new_password2": "a-much-longer-new-pass-2026",
        },
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("a-much-longer-new-pass-2026")


def _manage(*args, **env):
    base = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    base.pop("PYTEST_CURRENT_TEST", None)
    return subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_secret_key_is_required_when_debug_is_off():
    result = _manage("check")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_check_deploy_is_clean_with_production_settings():
    result = _manage(
        "check",
        "--deploy",
        DJANGO_SECRET_KEY="x" * 20 + "production-secret-key-with-enough-entropy-0123456789",
        DJANGO_ALLOWED_HOSTS="example.org",
    )
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_pages_are_served_compressed_to_browsers_that_accept_it(client):
    response = client.get("/", HTTP_ACCEPT_ENCODING="gzip, br")
    assert response.headers["Content-Encoding"] == "gzip"


def test_the_wsgi_module_freezes_what_it_loaded_out_of_the_garbage_collector():
    """docs/performance.md: full collections no longer walk Django's start-up objects."""
    import gc
    import importlib

    import coproduce.wsgi

    gc.unfreeze()
    try:
        importlib.reload(coproduce.wsgi)
        assert gc.get_freeze_count() > 10_000
        assert callable(coproduce.wsgi.application)
    finally:
        gc.unfreeze()
