"""A coach on a laptop acts on an idea; the young person who sent it sees it on their phone.

The coach moderates (publishes), acknowledges, and decides "adopted" with the change
of day recorded from the decision form; the author then sees the answer, the new
day and the "Did you feel listened to?" question. Each page is axe-clean.
"""

import os
import shutil
from datetime import timedelta
from pathlib import Path

from django.utils import timezone
from playwright.sync_api import expect

from clubs.models import AspectKind, AspectStatus, District
from clubs.services import aspect_update
from feedback import identity
from feedback.models import Proposal, State
from tests import factories
from tests.browser.conftest import PHONE, _context, assert_axe_clean, login, page_width, screenshot

ANSWER = "Yes! Most of you asked for Thursdays, so that's the new day."


def make_club():
    # Browser tests flush the database between tests, taking the migrated districts too.
    District.objects.get_or_create(ons_code="E07000084", defaults={"name": "Basingstoke and Deane"})
    club = factories.ClubFactory(name="Riverside Football", venue_name="Riverside School")
    coach = factories.make_coach(club, email="coach@example.org", name="Cara Coach")
    aspects = {a.kind: a for a in club.aspects.all()}
    aspect_update(aspect=aspects[AspectKind.DAY], by=coach, value="Tuesday", room="Any weekday")
    aspect_update(
        aspect=aspects[AspectKind.LOCATION],
        by=coach,
        value="Riverside School hall",
        status=AspectStatus.FIXED,
        reason="The school lends us its hall for free.",
    )
    return club, coach, aspects[AspectKind.DAY]


def look(page, tmp_path, name, width):
    assert page_width(page) <= width, f"{name} scrolls"
    assert_axe_clean(page, name)
    path = screenshot(page, tmp_path, name)
    keep = os.environ.get("COACH_SHOTS")
    if keep:
        Path(keep).mkdir(parents=True, exist_ok=True)
        shutil.copy(path, Path(keep) / path.name)


def test_coach_acts_on_an_idea_and_its_author_sees_the_new_day(desktop, browser, site, tmp_path):
    club, coach, day = make_club()
    author = factories.make_participant(club)
    proposal = factories.make_proposal(
        author,
        title="Can we move to Thursdays?",
        text="Half of us have homework club on Tuesdays.",
        aspect=day,
    )
    page = desktop

    # The coach sees it waiting, and publishes it from the moderation queue.
    login(page, site, "coach@example.org", factories.PASSWORD)
    page.goto(f"{site}/coach/needs-you/")
    expect(page.get_by_role("heading", name="To moderate")).to_be_visible()
    expect(page.get_by_role("link", name="Can we move to Thursdays?")).to_be_visible()
    look(page, tmp_path, "coach-needs-you", 1280)
    page.get_by_role("link", name="Open the moderation queue").click()
    page.wait_for_url("**/coach/moderation/")
    look(page, tmp_path, "coach-moderation", 1280)
    page.get_by_role("button", name="Publish \u201cCan we move to Thursdays?\u201d").click()
    expect(page.get_by_role("status")).to_contain_text("Published")
    assert "Nothing is waiting for moderation." in page.content()

    # Acknowledge: who decides and by when.
    page.goto(f"{site}/clubs/{club.slug}/proposals/{proposal.pk}/")
    look(page, tmp_path, "coach-proposal-open", 1280)
    decide_by = timezone.localdate() + timedelta(days=7)
    page.get_by_label("Who decides?").select_option("coach")
    page.get_by_label("Decide by (date)").fill(decide_by.isoformat())
    page.get_by_role("button", name="Acknowledge").click()
    expect(page.get_by_role("status")).to_contain_text("Acknowledged")

    # Decide "adopted" and record the change of day in the same form.
    effective = timezone.localdate() + timedelta(days=3)
    page.get_by_label("Adopted", exact=True).check()  # htmx swaps in adopted's fields
    page.get_by_label("Your answer").fill(ANSWER)
    page.get_by_label("Aspect that changes").select_option(label="Day")
    page.get_by_label("New value").fill("Thursday")
    page.get_by_label("Changes from (date)").fill(effective.isoformat())
    expect(page.get_by_label("The idea it duplicates")).to_have_count(0)
    look(page, tmp_path, "coach-proposal-deciding", 1280)
    page.get_by_role("button", name="Decide", exact=True).click()
    status = page.get_by_role("status")
    expect(status).to_contain_text("Decided")
    expect(status).to_contain_text("The change is recorded and the idea is done.")
    look(page, tmp_path, "coach-proposal-done", 1280)
    proposal.refresh_from_db()
    day.refresh_from_db()
    assert (proposal.state, proposal.outcome, day.value) == (State.DONE, "adopted", "Thursday")

    # The club record tells the story.
    page.goto(f"{site}/clubs/{club.slug}/record/")
    assert ANSWER in page.content()
    look(page, tmp_path, "coach-club-record", 1280)

    # The author, on their phone, sees the answer, the new day and the listened-to question.
    context = _context(browser, PHONE, is_mobile=True, has_touch=True)
    context.add_cookies(
        [{"name": "coproduce_member", "value": identity.signed_value([author.key]), "url": site}]
    )
    phone = context.new_page()
    phone.set_default_timeout(10_000)
    try:
        phone.goto(f"{site}/club/{club.slug}/")
        said = phone.locator("section", has=phone.get_by_role("heading", name="You said, we did"))
        assert ANSWER in said.inner_text()
        assert "Thursday" in said.inner_text()
        look(phone, tmp_path, "young-club", 390)
        phone.goto(f"{site}/club/{club.slug}/ideas/{proposal.pk}/")
        assert ANSWER in phone.content()
        assert "Thursday" in phone.content()
        expect(phone.get_by_role("heading", name="Did you feel listened to?")).to_be_visible()
        look(phone, tmp_path, "young-idea", 390)
        phone.locator("label", has_text="Yes").first.click()
        phone.get_by_role("button", name="Send").click()
        expect(phone.get_by_text("Thank you for telling us.")).to_be_visible()
        look(phone, tmp_path, "young-idea-answered", 390)
        assert Proposal.objects.get(pk=proposal.pk).listened.answer == "yes"
    finally:
        context.close()
