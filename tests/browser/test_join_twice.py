"""A double tap on Join, on a phone (390x844) with JavaScript on and off: one member, and
the page the phone ends on shows that member's recovery phrase, and the phone is them.

The server is made slow to answer the first Join (after storing the member), so the
second tap really leaves the phone while the first is still on its way, as on a weak
mobile connection.
"""

import threading
import time

import pytest
from django.conf import settings
from django.test import RequestFactory
from playwright.sync_api import expect

from feedback import identity, services
from feedback.models import Participant
from feedback.words import phrase_hash
from tests.browser.test_young_people import make_club


def keys_on(page) -> list[str]:
    """The participant keys in the phone's cookie."""
    name = settings.PARTICIPANT_COOKIE_NAME
    values = [c["value"] for c in page.context.cookies() if c["name"] == name]
    request = RequestFactory().get("/")
    request.COOKIES[name] = values[0] if values else ""
    return identity.cookie_keys(request)


@pytest.fixture
def slow_first_join(monkeypatch):
    """Answers the first join 2 seconds late; keeps what each join the server ran returned."""
    calls, threads = [], []
    real_join = services.participant_join

    def join(**kwargs):
        result = real_join(**kwargs)
        calls.append(result)
        threads.append(threading.current_thread())
        if len(calls) == 1:
            time.sleep(2)
        return result

    monkeypatch.setattr(services, "participant_join", join)
    yield calls
    # The browser dropped the first answer; let its request end before the database is
    # emptied for the next test.
    for thread in threads:
        thread.join(timeout=10)


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_a_double_tapped_join_shows_one_identity_and_its_phrase(
    new_phone, site, slow_first_join, javascript
):
    club, _coach = make_club()
    page = new_phone(javascript=javascript)
    page.goto(f"{site}/join/{club.join_code}/")
    expect(page.get_by_role("heading", name=f"Join {club.name}")).to_be_visible()
    page.locator("input[name=pseudonym]").first.check()
    name = page.locator("input[name=pseudonym]").first.get_attribute("value")
    page.get_by_label("16 or 17").check()

    posts = []
    page.on("request", lambda r: posts.append(r.url) if r.method == "POST" else None)
    join_button = page.get_by_role("button", name=f"Join {club.name}")
    join_button.scroll_into_view_if_needed()
    box = join_button.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    # Taps at the screen (a locator would wait for the navigation the first tap began).
    with page.expect_request(lambda r: r.method == "POST"):
        page.touchscreen.tap(x, y)
    # The first answer is still on its way: tap again.
    with page.expect_request(lambda r: r.method == "POST"):
        page.touchscreen.tap(x, y)

    expect(page.get_by_role("heading", name=f"You're in, {name}!")).to_be_visible()
    phrase = page.get_by_test_id("recovery-phrase").inner_text()
    assert len(posts) == 2, posts
    assert len(slow_first_join) == 2
    participant = Participant.objects.get(club=club)
    assert participant.pseudonym == name
    # One phrase: the one shown is the member's, and both answers carried it.
    assert phrase_hash(phrase, club_id=club.pk) == participant.recovery_hash
    assert {p for _, p in slow_first_join} == {phrase}
    # The phone is that member, and only that member.
    assert keys_on(page) == [participant.key]

    page.get_by_role("link", name="Go to my club").click()
    expect(page.get_by_role("heading", name=club.name, level=1)).to_be_visible()
    expect(page.get_by_text(name).first).to_be_visible()
    assert Participant.objects.filter(club=club).count() == 1
