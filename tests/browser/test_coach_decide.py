"""A coach decides on a phone (390x844), JavaScript on and off: the outcome first, then
only that outcome's fields, and a preview that is exactly what the young person reads.

Without JavaScript the first step ("Next: the details") picks the outcome; with it,
htmx swaps the fields in as the outcome changes. (An earlier version hung: axe-core
never finishes in a page without JavaScript, and Playwright's evaluate has no timeout;
`assert_axe_clean` now checks such a page as a copy in a JavaScript page.)
"""

from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import expect

from feedback import identity
from feedback.models import Outcome, State
from tests import factories
from tests.browser.conftest import assert_axe_clean, login, page_width
from tests.browser.test_coach_journey import make_club

ANSWER = "Thanks: we asked the school and Thursdays are free from next month."
PROMISED = "Promised by (date)"
LOOK_AGAIN = "Look at it again on (date)"


def looks_right(page, name):
    """No sideways scrolling on the phone, and axe-clean."""
    assert page_width(page) <= 390, f"{name} scrolls"
    assert_axe_clean(page, name)


def pick(page, outcome_label, javascript, *, first=True):
    """Chooses an outcome; without JavaScript a button sends the choice: "Next: the
    details" on the first step, "Preview their answer" once the fields show."""
    page.get_by_label(outcome_label, exact=True).check()
    if not javascript:
        button = "Next: the details" if first else "Preview their answer"
        page.get_by_role("button", name=button).click()


def answer_lines(section) -> list[str]:
    """The answer as read: its lines after the section's heading."""
    lines = [line.strip() for line in section.inner_text().split("\n") if line.strip()]
    return lines[1:]


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_a_coach_decides_on_a_phone_and_the_preview_is_what_the_author_reads(
    new_phone, site, javascript
):
    club, coach, day = make_club()
    author = factories.make_participant(club)
    proposal = factories.make_published(author, coach, title="Thursdays please", aspect=day)
    page = new_phone(javascript=javascript)
    login(page, site, "coach@example.org", factories.PASSWORD)
    page.goto(f"{site}/clubs/{club.slug}/proposals/{proposal.pk}/")

    # The outcome comes first: no answer box, no dates, until one is chosen.
    expect(page.get_by_role("heading", name="Decide")).to_be_visible()
    expect(page.get_by_label("Your answer")).to_have_count(0)
    expect(page.get_by_label(PROMISED)).to_have_count(0)

    # Deferred shows its date only...
    pick(page, "Deferred", javascript)
    expect(page.get_by_label(LOOK_AGAIN)).to_be_visible()
    expect(page.get_by_label(PROMISED)).to_have_count(0)
    expect(page.get_by_label("The idea it duplicates")).to_have_count(0)

    # ...and Adopted shows its promise or change, and no longer the deferral's date.
    pick(page, "Adopted", javascript, first=False)
    expect(page.get_by_label(PROMISED)).to_be_visible()
    expect(page.get_by_label("Aspect that changes")).to_be_visible()
    expect(page.get_by_label(LOOK_AGAIN)).to_have_count(0)
    expect(page.get_by_label("The idea it duplicates")).to_have_count(0)
    expect(page.get_by_label("The fixed aspect that stops it")).to_have_count(0)

    promised = timezone.localdate() + timedelta(days=21)
    page.get_by_label("Your answer").fill(ANSWER)
    page.get_by_label(PROMISED).fill(promised.isoformat())
    page.get_by_role("button", name="Preview their answer").click()
    preview = page.get_by_test_id("decide-preview")
    expect(preview).to_contain_text(ANSWER)
    expect(preview).to_contain_text(f"Promised by {promised:%-d %B %Y}.")
    expect(preview).to_contain_text("Yes, we're doing it.")
    looks_right(page, f"coach-decide-{'js' if javascript else 'no-js'}")
    previewed = answer_lines(preview)

    page.get_by_role("button", name="Decide", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("Decided")
    proposal.refresh_from_db()
    assert (proposal.state, proposal.outcome) == (State.DECIDED, Outcome.ADOPTED)
    assert proposal.promised_by == promised

    # The author reads exactly what the coach previewed.
    young = new_phone(javascript=javascript)
    young.context.add_cookies(
        [
            {
                "name": settings.PARTICIPANT_COOKIE_NAME,
                "value": identity.signed_value([author.key]),
                "url": site,
            }
        ]
    )
    young.goto(f"{site}/club/{club.slug}/ideas/{proposal.pk}/")
    answer = young.get_by_role("region", name="The answer")
    expect(answer).to_contain_text(ANSWER)
    assert answer_lines(answer) == previewed
    looks_right(young, f"young-answer-{'js' if javascript else 'no-js'}")
