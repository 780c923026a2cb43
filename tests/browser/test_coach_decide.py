"""A coach decides on a phone (390x844), with JavaScript off and on: the outcome first, then
only its fields and a preview that is what the young person then reads. Axe-clean."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from feedback import identity
from feedback.models import State
from tests import factories
from tests.browser.conftest import assert_axe_clean, login
from tests.browser.test_coach_journey import make_club

ANSWER = "Thanks: we asked the school and Thursdays are free from next month."


@pytest.mark.parametrize("javascript", [False, True], ids=["no-js", "js"])
def test_a_coach_decides_on_a_phone_and_the_preview_is_what_the_author_reads(
    new_phone, site, javascript
):
    club, coach, day = make_club()
    author = factories.make_participant(club)
    proposal = factories.make_published(author, coach, title="Thursdays please", aspect=day)
    page = new_phone(javascript=javascript)
    login(page, site, "coach@example.org", factories.PASSWORD)
    page.goto(f"{site}/clubs/{club.slug}/proposals/{proposal.pk}/")
    expect(page.get_by_label("Your answer")).to_have_count(0)  # the outcome comes first
    page.get_by_label("Adopted", exact=True).check()
    if not javascript:
        page.get_by_role("button", name="Next: the details").click()
    expect(page.get_by_label("Promised by (date)")).to_be_visible()
    expect(page.get_by_label("Look at it again on (date)")).to_have_count(0)
    expect(page.get_by_label("The idea it duplicates")).to_have_count(0)
    promised = timezone.localdate() + timedelta(days=21)
    page.get_by_label("Your answer").fill(ANSWER)
    page.get_by_label("Promised by (date)").fill(promised.isoformat())
    page.get_by_role("button", name="Update what they will read").click()
    preview = page.get_by_test_id("decide-preview")
    expect(preview).to_contain_text(ANSWER)
    expect(preview).to_contain_text(f"Promised by {promised:%-d %B %Y}.")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert_axe_clean(page, f"coach-decide-{'js' if javascript else 'no-js'}")
    preview_text = " ".join(preview.inner_text().split("\n")[1:])
    page.get_by_role("button", name="Decide", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("Decided")
    proposal.refresh_from_db()
    assert proposal.state == State.DECIDED

    # The author reads exactly what the coach previewed.
    young = new_phone(javascript=javascript)
    young.context.add_cookies(
        [{"name": "coproduce_member", "value": identity.signed_value([author.key]), "url": site}]
    )
    young.goto(f"{site}/club/{club.slug}/ideas/{proposal.pk}/")
    answer = young.locator("section.said-did")
    assert " ".join(answer.inner_text().split("\n")[1:]) == preview_text
    assert_axe_clean(young, "young-answer")
