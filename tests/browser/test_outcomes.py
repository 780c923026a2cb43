"""A club's outcomes page on a 390x844 phone (#15): no sideways scrolling, the
before-and-after table stacked one change a block, the latest sessions with a link to all."""

from datetime import timedelta

import pytest
from django.utils import timezone

from feedback import services
from tests import factories
from tests.browser.conftest import PHONE, assert_axe_clean, login, page_width, screenshot
from tests.feedback import coach_helpers
from tests.feedback.outcome_helpers import session

pytestmark = pytest.mark.browser


def test_the_outcomes_page_fits_a_phone(new_phone, site, tmp_path):
    club = factories.ClubFactory(name="Riverside Football")
    coach = factories.make_coach(club, email="coach@example.org")
    members = [factories.make_participant(club) for _ in range(8)]
    start = timezone.localdate() - timedelta(weeks=20)
    for week in range(18):
        session(club, start + timedelta(weeks=week), members[: 2 + week % 6], drop_ins=1)
    idea = coach_helpers.adopted(
        club, coach, title="Could we please move the sessions to a later time on Thursdays"
    )
    services.change_record(
        aspect=coach_helpers.aspect(club, "day"),
        by=coach,
        new_value="Thursday evenings at the community sports centre",
        effective_date=start + timedelta(weeks=8),
        proposals=[idea],
    )
    page = new_phone(javascript=False)
    login(page, site, coach.email, factories.PASSWORD)
    page.goto(f"{site}/clubs/{club.slug}/outcomes/")
    assert page_width(page) <= PHONE["width"]
    table = page.locator("table.outcome-changes")
    assert table.evaluate("t => t.scrollWidth <= t.clientWidth + 1")
    assert page.locator("table.outcome-sessions meter").count() == 12
    screenshot(page, tmp_path, "outcomes-390x844")
    assert_axe_clean(page, "outcomes")
    page.get_by_role("link", name="Show all 18").click()
    assert page.locator("table.outcome-sessions meter").count() == 18
    assert page_width(page) <= PHONE["width"]
