"""Each role signs in and lands where their work is; every page of their menu is axe-clean."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests import factories
from tests.browser.conftest import assert_axe_clean, login
from tests.feedback import coach_helpers as h


@pytest.fixture
def people(transactional_db):
    club = factories.ClubFactory(name="Riverside Football")
    coach = factories.make_coach(club, email="coach@example.org")
    for i in range(3):
        factories.make_proposal(factories.make_participant(club), title=f"Waiting idea {i}")
    h.published(club, coach, title="Published idea")
    return {
        "club": club,
        "coach": coach,
        "lead": factories.make_lead(club.partner, email="lead@example.org"),
        "staff": factories.UserFactory(email="staff@example.org", is_county_staff=True),
    }


def test_each_role_lands_on_its_page_and_its_menu_pages_are_axe_clean(phone, site, people):
    club = people["club"]
    landings = {
        "coach": (reverse("feedback:needs-you"), "Needs you"),
        "lead": (
            reverse("feedback:partner-dashboard", args=[club.partner_id]),
            club.partner.name,
        ),
        "staff": (reverse("feedback:county-dashboard"), "County dashboard"),
    }
    for role, (path, heading) in landings.items():
        phone.context.clear_cookies()
        login(phone, site, people[role].email, factories.PASSWORD)
        assert phone.url == site + path, role
        expect(phone.get_by_role("heading", level=1)).to_contain_text(heading)
        assert_axe_clean(phone, f"{role} landing page")
        menu = phone.get_by_role("navigation", name="Site")
        if role == "coach":
            # The menu counts what waits: three to moderate, one to acknowledge.
            expect(menu.get_by_role("link", name="Needs you 4 waiting")).to_be_visible()
        links = [a.get_attribute("href") for a in menu.get_by_role("link").all()]
        for href in links:
            if href and href.startswith("/") and href != "/":
                phone.goto(site + href)
                assert_axe_clean(phone, f"{role}: {href}")


def test_a_lead_invites_a_new_coach_who_sets_a_password_and_sees_needs_you(phone, site, people):
    from django.core import mail

    club = people["club"]
    login(phone, site, people["lead"].email, factories.PASSWORD)
    phone.goto(site + reverse("clubs:club-coaches", args=[club.slug]))
    phone.get_by_role("link", name="Invite a new coach or lead by email").click()
    assert_axe_clean(phone, "invite page")
    phone.get_by_label("Their email address").fill("sam@example.org")
    phone.get_by_role("button", name="Send the invitation").click()
    expect(phone.get_by_text("Invitation sent to sam@example.org")).to_be_visible()
    link = next(line for line in mail.outbox[-1].body.splitlines() if "/invitation/" in line)
    phone.context.clear_cookies()
    phone.goto(site + link[link.index("/accounts/") :])
    assert_axe_clean(phone, "invitation page")
    phone.get_by_label("Your name").fill("Sam Coach")
    phone.get_by_label("Choose a password").fill("a-long-new-passphrase-9")
    phone.get_by_label("The password again").fill("a-long-new-passphrase-9")
    phone.get_by_role("button", name="Start").click()
    phone.wait_for_url(site + reverse("feedback:needs-you"))
    expect(phone.get_by_role("heading", level=1)).to_have_text("Needs you")
    expect(phone.get_by_text("Across 1 club")).to_be_visible()
