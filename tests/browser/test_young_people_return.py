"""Young people coming back, on a phone (390x844): the answer notice waits for them, and
a new phone gets back in with the recovery phrase from the QR code's page."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from feedback import services
from feedback.models import Outcome, Participant
from tests.browser.conftest import assert_axe_clean, page_width
from tests.browser.test_young_people import join, make_club

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_answered_idea_greets_its_author_on_the_next_visit_until_seen(new_phone, site):
    club, coach = make_club()
    page = new_phone()
    join(page, site, club)
    me = Participant.objects.get()
    idea = services.proposal_submit(participant=me, title="Play basketball on Fridays")
    services.proposal_publish(proposal=idea, by=coach)
    page.reload()
    page.get_by_role("button", name="Got it").click()
    page.get_by_role("heading", name=club.name, level=1).wait_for()
    expect(page.get_by_test_id("answer-notice")).to_have_count(0)

    # The coach answers while the young person is away; they come back soon after
    # (the old "new since your last visit" box ignored visits less than an hour apart).
    services.proposal_decide(
        proposal=idea,
        by=coach,
        outcome=Outcome.TRIAL,
        answer="Let's try it for four weeks.",
        promised_by=timezone.localdate() + timedelta(days=14),
    )
    page.goto(f"{site}/")
    page.goto(f"{site}/club/{club.slug}/")
    notice = page.get_by_test_id("answer-notice")
    expect(notice).to_be_visible()
    assert "Play basketball on Fridays" in notice.inner_text()
    assert "Let's try it for four weeks." in notice.inner_text()
    # First on the page, and counted in the header.
    top = page.evaluate(
        "[...document.querySelectorAll('main h2')].map(h => h.textContent.trim())[0]"
    )
    assert top == "News about an idea"
    expect(page.get_by_test_id("notice-count")).to_have_text("1 idea has news")
    assert page_width(page) <= 390
    assert_axe_clean(page, "club page with the answer notice")

    # Still there on a reload: a glance is not "seen".
    page.reload()
    expect(page.get_by_test_id("answer-notice")).to_be_visible()
    page.get_by_role("button", name="Got it").click()
    page.get_by_role("heading", name=club.name, level=1).wait_for()
    expect(page.get_by_test_id("answer-notice")).to_have_count(0)
    expect(page.get_by_test_id("notice-count")).to_have_count(0)
    page.reload()
    expect(page.get_by_test_id("answer-notice")).to_have_count(0)
    # The answer itself stays where it always was.
    expect(page.get_by_role("region", name="You said, we did")).to_contain_text(
        "Let's try it for four weeks."
    )


def test_a_member_on_a_new_phone_scans_the_qr_code_and_gets_back_in_with_the_phrase(
    new_phone, site
):
    club, coach = make_club()
    old_phone = new_phone()
    phrase = join(old_phone, site, club)
    me = Participant.objects.get()
    services.proposal_submit(participant=me, title="Netball on Thursdays")

    # The new phone opens the poster's QR code: the club's join page.
    phone = new_phone()
    phone.goto(f"{site}/join/{club.join_code}/")
    phone.get_by_role("heading", name=f"Join {club.name}").wait_for()
    assert page_width(phone) <= 390
    assert_axe_clean(phone, "QR join page")
    phone.get_by_role("link", name="Get back in with your recovery phrase").click()
    phone.get_by_role("heading", name="Get back in with your recovery phrase").wait_for()
    # The code came along from the QR code; only the phrase is left to type.
    expect(phone.get_by_label("Your club's code")).to_have_value(club.join_code)
    assert_axe_clean(phone, "recovery page")
    phone.get_by_label("Your recovery phrase").fill(phrase.upper())
    phone.get_by_role("button", name="Get back in").click()
    phone.get_by_role("heading", name=club.name, level=1).wait_for()
    expect(phone.get_by_text(f"Welcome back, {me.pseudonym}!")).to_be_visible()
    expect(phone.get_by_role("region", name="Your ideas")).to_contain_text("Netball on Thursdays")
    assert Participant.objects.count() == 1  # back in as themselves, not a stranger

    # From the club page, a new phrase; the old one no longer works on a third phone.
    phone.get_by_role("link", name="Get a new phrase").click()
    phone.get_by_role("button", name="Give me a new phrase").click()
    new_phrase = phone.get_by_test_id("recovery-phrase").inner_text()
    assert len(new_phrase.split()) == 6
    assert new_phrase != phrase
    assert_axe_clean(phone, "new phrase page")
    third = new_phone()
    third.goto(f"{site}/join/recover/?code={club.join_code}")
    third.get_by_label("Your recovery phrase").fill(phrase)
    third.get_by_role("button", name="Get back in").click()
    expect(third.get_by_text("don't go together")).to_be_visible()
    third.get_by_label("Your recovery phrase").fill(new_phrase)
    third.get_by_role("button", name="Get back in").click()
    third.get_by_role("heading", name=club.name, level=1).wait_for()
