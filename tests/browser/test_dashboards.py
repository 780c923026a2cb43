"""The county dashboard at desktop width and a club's indicators on a phone: accessible, explained."""

from django.urls import reverse
from playwright.sync_api import expect

from demo import showcase as demo_indicators
from tests import factories
from tests.browser.conftest import assert_axe_clean, login, page_width, screenshot


def _staff():
    return factories.UserFactory(email="county@example.org", is_county_staff=True)


def test_county_dashboard_at_desktop_width_is_axe_clean_with_chart_alternatives(
    desktop, site, tmp_path
):
    demo_indicators.build()
    staff = _staff()
    login(desktop, site, staff.email, factories.PASSWORD)
    desktop.goto(site + reverse("feedback:county-dashboard"))
    expect(
        desktop.get_by_role("heading", name="County dashboard: is involvement real?")
    ).to_be_visible()
    chart = desktop.get_by_role("img", name="Proposals per month across the county")
    assert chart.count() == 1
    assert "proposals" in chart.locator("desc").text_content()
    expect(
        desktop.get_by_role("table", name="Proposals per month across the county: the numbers")
    ).to_be_visible()
    # Every colour of every indicator is on the page, in words as well as colour.
    for label in ("Red", "Amber", "Green", "Not enough data"):
        assert desktop.locator(".club-indicator-table .status-badge", has_text=label).count() > 0
    assert_axe_clean(desktop, "county dashboard")
    screenshot(desktop, tmp_path, "county-desktop")
    # Sorting by an indicator puts a red club first.
    desktop.get_by_role("link", name="Unexplained no").click()
    first = desktop.locator(".club-indicator-table tbody tr").first
    assert first.locator(".status-badge").nth(3).text_content() == "Red"
    # Drill down to a club's indicators.
    desktop.get_by_role("link", name="Andover Netball").click()
    expect(
        desktop.get_by_role("heading", name="Is involvement real at Andover Netball?")
    ).to_be_visible()


def test_club_indicators_at_phone_width_are_axe_clean_and_show_the_records(phone, site, tmp_path):
    demo_indicators.build()
    staff = _staff()
    login(phone, site, staff.email, factories.PASSWORD)
    phone.goto(site + reverse("feedback:club-indicators", args=["harbour-street-dance"]))
    expect(phone.get_by_role("heading", name="What to do next")).to_be_visible()
    card = phone.locator("#indicator-silent_consultation")
    assert card.locator(".status-badge").text_content() == "Red"
    summary = card.locator("summary")
    assert summary.text_content() == "8 records behind it"
    summary.click()
    links = card.locator("details a")
    assert links.count() == 8
    assert "/clubs/harbour-street-dance/proposals/" in links.first.get_attribute("href")
    assert page_width(phone) <= 390
    assert_axe_clean(phone, "club indicators")
    screenshot(phone, tmp_path, "club-indicators-phone")
