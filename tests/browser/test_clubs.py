"""Coaches and leads in the browser: editing an aspect on a phone, and the printed poster."""

import importlib
import re

from playwright.sync_api import expect

from clubs import services
from clubs.models import District
from tests import factories
from tests.browser.conftest import assert_axe_clean, login, page_width, screenshot
from tests.browser.test_young_people import join


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
    assert page_width(phone) <= 390
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


LOCATION_REASON = "The school lends us its courts for free."


def test_a_lead_starts_a_club_with_its_venue_and_young_people_see_location_fixed(
    phone, new_phone, site, tmp_path
):
    ensure_districts()
    partner = factories.PartnerFactory(name="Riverside Sports")
    lead = factories.make_lead(partner, email="lead@example.org", name="Lee Lead")
    login(phone, site, lead.email, factories.PASSWORD)

    phone.goto(f"{site}/clubs/new/")
    expect(phone.get_by_role("heading", name="Start a club", level=1)).to_be_visible()
    assert_axe_clean(phone, "start a club")
    assert page_width(phone) <= 390
    screenshot(phone, tmp_path, "club-create-phone")
    phone.get_by_label("Club name").fill("Riverside Tennis")
    phone.locator("#id_activity").fill("Tennis")
    phone.locator("#id_venue_name").fill("Riverside Courts")
    phone.get_by_label("Funding starts").fill("2026-09-01")
    phone.get_by_label("Funding ends").fill("2027-08-31")
    phone.get_by_label("Stage").select_option("planning")
    phone.locator("#id_day_value").fill("Tuesdays")
    for kind in ("day", "start_time", "duration", "activity"):
        phone.locator(f"#id_{kind}_status_0").check()
    phone.locator("#id_location_status_1").check()
    phone.get_by_role("button", name="Save club").click()
    # A fixed location needs its reason: refused with a clear message, nothing made.
    expect(
        phone.get_by_text("Say why this can't change: young people will read the reason.")
    ).to_be_visible()
    assert_axe_clean(phone, "start a club with an error")
    assert not partner.clubs.exists()
    phone.locator("#id_location_reason").fill(LOCATION_REASON)
    phone.get_by_role("button", name="Save club").click()
    expect(phone.get_by_role("heading", name="Riverside Tennis", level=1)).to_be_visible()
    club = partner.clubs.get()
    assert club.stage == "planning"
    assert not club.aspects.undeclared().exists()

    young = new_phone()
    join(young, site, club)
    fixed = young.locator("section", has=young.get_by_role("heading", name="What we can't change"))
    expect(fixed.get_by_text("Location: Riverside Courts")).to_be_visible()
    expect(fixed.get_by_text(f"Why: {LOCATION_REASON}")).to_be_visible()
    assert young.get_by_role("heading", name="Not decided yet").count() == 0
    assert_axe_clean(young, "young person's club page")
    screenshot(young, tmp_path, "club-created-young-phone")
