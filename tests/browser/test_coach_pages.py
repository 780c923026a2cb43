"""Every coach page, full of data, is axe-clean and fits a phone; the goalposts warning shows.

Coaches use laptops and phones, so each page is checked at 390 px and 1280 px wide.
"""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone
from playwright.sync_api import expect

from clubs.services import aspect_update
from tests import factories
from tests.browser.conftest import PHONE, _context, assert_axe_clean, login
from tests.browser.test_coach_journey import look, make_club
from tests.feedback import coach_helpers as h


class World:
    """Just what `coach_helpers.fill` needs."""

    def __init__(self, club, coach):
        self.club, self.coach = club, coach


@pytest.fixture
def full_club(transactional_db):
    club, coach, _day = make_club()
    with time_machine.travel(timezone.now() - timedelta(days=10)):
        h.fill(World(club, coach), 2)
    return club, coach


PAGES = [
    ("needs-you", "/coach/needs-you/"),
    ("moderation", "/coach/moderation/"),
    ("rounds", "/clubs/{slug}/rounds/"),
    ("participants", "/clubs/{slug}/participants/"),
    ("learning", "/clubs/{slug}/learning/new/"),
    ("record", "/clubs/{slug}/record/"),
    ("record-filtered", "/clubs/{slug}/record/?start=2000-01-01&aspect={day}"),
    ("proposal-waiting", "/clubs/{slug}/proposals/{waiting}/"),
    ("proposal-looking", "/clubs/{slug}/proposals/{looking}/"),
    ("proposal-promised", "/clubs/{slug}/proposals/{promised}/"),
]


def test_every_coach_page_is_axe_clean_on_a_phone_and_a_laptop(browser, site, full_club, tmp_path):
    club, coach = full_club
    ids = {
        "slug": club.slug,
        "day": h.aspect(club).pk,
        "waiting": club.proposals.filter(state="submitted").first().pk,
        "looking": club.proposals.filter(state="acknowledged").first().pk,
        "promised": club.proposals.filter(state="decided", outcome="adopted").first().pk,
    }
    for viewport, width in ((PHONE, 390), ({"width": 1280, "height": 900}, 1280)):
        context = _context(browser, viewport)
        page = context.new_page()
        page.set_default_timeout(10_000)
        try:
            login(page, site, "coach@example.org", factories.PASSWORD)
            for name, path in PAGES:
                page.goto(site + path.format(**ids))
                assert page.locator("h1").count() == 1, name
                look(page, tmp_path, f"coach-{name}-{width}", width)
        finally:
            context.close()


def test_not_possible_on_a_then_negotiable_aspect_warns_the_coach(desktop, site, transactional_db):
    club, coach, day = make_club()
    with time_machine.travel(timezone.now() - timedelta(days=3)):
        proposal = h.acknowledged(club, coach, title="Fridays instead", aspect=day)
    aspect_update(aspect=day, by=coach, status="fixed", reason="The hall is booked other days.")
    page = desktop
    login(page, site, "coach@example.org", factories.PASSWORD)
    page.goto(f"{site}/clubs/{club.slug}/proposals/{proposal.pk}/")
    page.get_by_label("Not possible (fixed)").check()
    page.get_by_label("Your answer").fill("Sorry, the day can't change now.")
    page.get_by_label("The fixed aspect that stops it").select_option(label="Day")
    page.get_by_role("button", name="Decide", exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text("This was negotiable when it was proposed.")
    assert_axe_clean(page, "goalposts warning")
    page.get_by_role("button", name="Decide anyway").click()
    expect(page.get_by_role("status")).to_contain_text("recorded as moving the goalposts")
    assert proposal.decisions.get().moving_goalposts
