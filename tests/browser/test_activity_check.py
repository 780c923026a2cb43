"""The optional activity check on a phone (390x844) with JavaScript off (#15): asked on the
club page after joining, answered in two taps, or put off with "Not now" (nothing kept)."""

import pytest
from playwright.sync_api import expect

from feedback.models import ActivityAnswer, Participant
from tests.browser.conftest import assert_axe_clean, page_width
from tests.browser.test_young_people import join, make_club

pytestmark = pytest.mark.django_db(transaction=True)

QUESTION = (
    "In the last 7 days, on how many days did you do at least 60 minutes of sport or activity?"
)


def test_a_new_member_answers_the_activity_check_without_javascript(new_phone, site):
    club, _ = make_club()
    page = new_phone(javascript=False)
    join(page, site, club)
    check = page.get_by_role("group", name=QUESTION)
    expect(check).to_be_visible()
    assert page_width(page) <= 390
    assert_axe_clean(page, "club page with the activity check")
    check.get_by_label("3 days").check()
    page.get_by_role("button", name="Save my answer").click()
    page.get_by_role("heading", name=club.name, level=1).wait_for()
    expect(page.get_by_text("only totals for the whole club").first).to_be_visible()
    expect(page.get_by_role("group", name=QUESTION)).to_have_count(0)
    member = Participant.objects.get()
    assert list(ActivityAnswer.objects.values_list("participant_id", "days")) == [(member.pk, 3)]


def test_not_now_puts_it_off_and_keeps_nothing(new_phone, site):
    club, _ = make_club()
    page = new_phone(javascript=False)
    join(page, site, club)
    page.get_by_role("button", name="Not now").click()
    page.get_by_role("heading", name=club.name, level=1).wait_for()
    expect(page.get_by_role("group", name=QUESTION)).to_have_count(0)
    page.reload()
    expect(page.get_by_role("group", name=QUESTION)).to_have_count(0)
    assert not ActivityAnswer.objects.exists()
