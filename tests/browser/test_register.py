"""A coach takes a register at the side of the pitch (#15): a 390x844 phone with JavaScript
off; after opening the session, two ticks and Save are the only taps (3), and the saved
attendance shows. The page is small: no script, no image."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from clubs.services import aspect_update
from feedback.models import Attendance, Session
from feedback.sessions import generate_sessions
from tests import factories
from tests.browser.conftest import PHONE, assert_axe_clean, login, page_width, screenshot

pytestmark = pytest.mark.browser


def test_a_coach_takes_the_register_in_three_taps_on_a_phone_without_javascript(
    new_phone, site, tmp_path
):
    club = factories.ClubFactory(name="Riverside Football")
    coach = factories.make_coach(club, email="coach@example.org")
    members = sorted(
        (factories.make_participant(club) for _ in range(4)), key=lambda m: m.pseudonym
    )
    today = timezone.localdate()
    # The club meets on today's weekday: today's session is made from its Day.
    aspect_update(
        aspect=club.aspects.get(kind="day"),
        by=coach,
        value=f"{today:%A}s",
        effective_date=club.funding_start,
    )
    generate_sessions(club)
    session = Session.objects.get(club=club, date=today)
    page = new_phone(javascript=False)
    login(page, site, coach.email, factories.PASSWORD)
    page.goto(f"{site}/clubs/{club.slug}/sessions/")
    page.get_by_role("link", name="Take the register").first.click()  # opening the session
    assert page.url.endswith(f"/sessions/{session.pk}/register/")
    assert page.evaluate("document.scripts.length") == 0
    assert page.evaluate("document.images.length") == 0
    assert page_width(page) <= PHONE["width"]

    taps = 0

    def tap(locator):
        nonlocal taps
        locator.tap()
        taps += 1

    tap(page.get_by_label(members[0].pseudonym))
    tap(page.get_by_label(members[2].pseudonym))
    tap(page.get_by_role("button", name="Save the register"))
    assert taps == 3

    expect(page.get_by_text("Saved: 2 members and 0 drop-ins.")).to_be_visible()
    assert page.get_by_label(members[0].pseudonym).is_checked()
    assert page.get_by_label(members[2].pseudonym).is_checked()
    assert not page.get_by_label(members[1].pseudonym).is_checked()
    assert set(
        Attendance.objects.filter(session=session).values_list("participant", flat=True)
    ) == {
        members[0].pk,
        members[2].pk,
    }
    # Each row is a big tap target: the whole width, at least 44px high.
    box = page.locator("label.register-row").first.bounding_box()
    assert box["height"] >= 44
    assert box["width"] >= PHONE["width"] * 0.8
    screenshot(page, tmp_path, "register-390x844")
    assert_axe_clean(page, "register")
