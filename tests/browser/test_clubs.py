"""Coaches and leads in the browser: editing an aspect on a phone, and the printed poster."""

import importlib
import re

from playwright.sync_api import expect

from clubs import services
from clubs.models import District
from tests import factories
from tests.browser.conftest import assert_axe_clean, login, screenshot


def ensure_districts():
    """Transactional tests flush the tables, districts (a data migration) included."""
    districts = importlib.import_module("clubs.migrations.0003_districts").DISTRICTS
    for name, code in districts:
        District.objects.get_or_create(ons_code=code, defaults={"name": name})


def make_club():
    ensure_districts()
    club = factories.ClubFactory(name="Riverside Football", activity="Football")
    day = club.aspects.get(kind="day")
    services.aspect_update(aspect=day, by=None, value="Tuesdays", room="Any weekday after 3.30pm")
    services.aspect_update(
        aspect=club.aspects.get(kind="location"),
        by=None,
        value="Sports hall",
        status="fixed",
        reason="The school lets us use the hall for free.",
    )
    coach = factories.make_coach(club, email="coach@example.org", name="Cara Coach")
    return club, coach


def test_a_coach_makes_an_aspect_fixed_with_a_reason_on_a_phone(phone, site, tmp_path):
    club, coach = make_club()
    login(phone, site, coach.email, factories.PASSWORD)

    phone.goto(f"{site}/clubs/")
    assert_axe_clean(phone, "my clubs")
    screenshot(phone, tmp_path, "my-clubs-phone")
    phone.get_by_role("link", name="Riverside Football").click()
    expect(phone.get_by_role("heading", name="Riverside Football", level=1)).to_be_visible()
    assert_axe_clean(phone, "club page")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(phone, tmp_path, "club-phone")

    phone.get_by_role("link", name="Edit Day").click()
    assert_axe_clean(phone, "aspect form")
    phone.get_by_label("No, it can't change").check()
    phone.get_by_role("button", name="Save").click()
    # Refused: a clear message, and nothing changed.
    expect(
        phone.get_by_text("Say why this can't change: young people will read the reason.")
    ).to_be_visible()
    expect(phone.get_by_text("Nothing was saved")).to_be_visible()
    assert_axe_clean(phone, "aspect form with an error")
    screenshot(phone, tmp_path, "aspect-error-phone")
    day = club.aspects.get(kind="day")
    assert day.status == "negotiable"

    phone.get_by_label("No, it can't change").check()
    phone.get_by_label("Why can't it change?").fill(
        "The hall is booked by other groups on other days."
    )
    phone.get_by_role("button", name="Save").click()
    phone.wait_for_url(f"{site}/clubs/{club.slug}/")
    fixed = phone.locator("section", has=phone.get_by_role("heading", name="Can't change, and why"))
    reason = "Why: The hall is booked by other groups on other days."
    expect(fixed.get_by_text(reason, exact=True)).to_be_visible()
    expect(fixed.get_by_role("heading", name=re.compile("^Day"))).to_be_visible()
    negotiable = phone.locator(
        "section", has=phone.get_by_role("heading", name="Can change", exact=True)
    )
    assert negotiable.get_by_role("heading", name=re.compile("^Day")).count() == 0
    assert_axe_clean(phone, "club page after the change")
    screenshot(phone, tmp_path, "club-after-phone")
    day.refresh_from_db()
    assert (day.status, day.changes.count()) == ("fixed", 2)


def fill_to_ten_aspects_nearly_all_fixed(club):
    """The longest poster the demo makes: ten aspects, nine fixed, each with its reason."""
    from demo.clubs import ROOM_AND_REASON

    for kind in ("format", "cost", "kit", "music", "coach"):
        services.aspect_create(club=club, kind=kind, value=f"The {kind} we have")
    for aspect in club.aspects.exclude(kind="music"):
        services.aspect_update(
            aspect=aspect,
            by=None,
            value=aspect.value or f"The {aspect.kind} we have",
            status="fixed",
            reason=ROOM_AND_REASON[aspect.kind][1],
        )
    assert club.aspects.count() == 10


def test_the_join_poster_prints_on_one_a4_page(desktop, site, tmp_path):
    club, _coach = make_club()
    fill_to_ten_aspects_nearly_all_fixed(club)
    lead = factories.make_lead(club.partner, email="lead@example.org")
    login(desktop, site, lead.email, factories.PASSWORD)
    desktop.goto(f"{site}/clubs/{club.slug}/")
    assert_axe_clean(desktop, "club page (lead, desktop)")
    screenshot(desktop, tmp_path, "club-desktop")
    desktop.goto(f"{site}/clubs/{club.slug}/poster/")
    expect(desktop.get_by_text(club.join_code, exact=True)).to_be_visible()
    expect(desktop.locator("svg.qr-code")).to_be_visible()
    assert_axe_clean(desktop, "poster")
    screenshot(desktop, tmp_path, "poster-desktop")
    pdf = desktop.pdf(prefer_css_page_size=True)
    pages = re.findall(rb"/Type\s*/Page\b(?!s)", pdf)
    assert len(pages) == 1
    # A4 is 595 x 842 points.
    box = re.search(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf)
    assert abs(float(box.group(1)) - 595) < 1
    assert abs(float(box.group(2)) - 842) < 1
