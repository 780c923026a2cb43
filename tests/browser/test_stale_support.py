"""A stale Support (a second tab, Back, a slow double tap) never withdraws a support.

Support and withdraw are two idempotent actions: the htmx card and the no-JavaScript
form both post to the support URL, so pressing Support on an older page leaves the
support in place.
"""

import re

import pytest
from playwright.sync_api import expect

from feedback.models import Support
from tests import factories
from tests.browser.test_young_people import join, make_club

# The buttons are named with the idea: "Support Play in the park", "Supported ...".
SUPPORT = re.compile(r"^Support ")
SUPPORTED = re.compile(r"^Supported")


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_a_stale_support_from_a_second_tab_leaves_the_support_in_place(new_phone, site, javascript):
    club, coach = make_club()
    author = factories.make_participant(club)
    proposal = factories.make_published(author, coach, title="Play in the park")

    first_tab = new_phone(javascript=javascript)
    join(first_tab, site, club)
    second_tab = first_tab.context.new_page()
    second_tab.goto(first_tab.url)
    for tab in (first_tab, second_tab):
        # Both tabs show the idea not yet supported.
        card = tab.locator(f"#idea-{proposal.pk}")
        expect(card.get_by_role("button", name=SUPPORT)).to_be_visible()

    first_tab.locator(f"#idea-{proposal.pk}").get_by_role("button", name=SUPPORT).click()
    first_tab.locator(f"#idea-{proposal.pk}").get_by_role("button", name=SUPPORTED).wait_for()

    # The second tab's page is older: its button still says Support. Pressing it keeps it.
    second_tab.wait_for_load_state("load")
    second_tab.locator(f"#idea-{proposal.pk}").get_by_role("button", name=SUPPORT).click()
    card = second_tab.locator(f"#idea-{proposal.pk}")
    card.get_by_role("button", name=SUPPORTED).wait_for()
    assert card.get_by_test_id("support-count").inner_text() == "1 support"
    expect(second_tab.get_by_text("You no longer support")).to_have_count(0)

    proposal.refresh_from_db()
    assert proposal.support_count == 1
    assert Support.objects.filter(proposal=proposal).count() == 1
