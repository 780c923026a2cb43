"""A young person's journey on a phone (390x844), with and without JavaScript, and page weight.

Join by code, see what can and can't change, propose about a fixed aspect (its
reason shown before sending), wait for the coach; the coach publishes; a second
young person supports it; both phones show the right count.
"""

import os
import shutil
from pathlib import Path
from urllib.parse import urlparse

import pytest
from playwright.sync_api import expect

from clubs.models import AspectKind, AspectStatus, District
from clubs.services import aspect_update
from feedback import identity
from feedback.models import Proposal
from feedback.services import proposal_publish
from tests import factories
from tests.browser.conftest import assert_axe_clean, page_width, screenshot

FIXED_REASON = "The school lends us its hall for free, and nowhere else nearby is free."


def make_club():
    # Browser tests flush the database between tests, taking the migrated districts too.
    District.objects.get_or_create(ons_code="E07000084", defaults={"name": "Basingstoke and Deane"})
    club = factories.ClubFactory(name="Riverside Football", venue_name="Riverside School")
    coach = factories.make_coach(club, email="coach@example.org")
    aspects = {a.kind: a for a in club.aspects.all()}
    aspect_update(
        aspect=aspects[AspectKind.DAY], by=coach, value="Tuesday", room="Any weekday after 3.30pm"
    )
    aspect_update(aspect=aspects[AspectKind.START_TIME], by=coach, value="4pm")
    aspect_update(
        aspect=aspects[AspectKind.LOCATION],
        by=coach,
        value="Riverside School hall",
        status=AspectStatus.FIXED,
        reason=FIXED_REASON,
    )
    return club, coach


class Shots:
    """Screenshots of each page; also copied to $YP_SHOTS to look at them."""

    def __init__(self, tmp_path: Path, prefix: str):
        self.tmp_path, self.prefix = tmp_path, prefix
        self.keep = os.environ.get("YP_SHOTS")

    def __call__(self, page, name):
        path = screenshot(page, self.tmp_path, f"{self.prefix}-{name}")
        assert path.stat().st_size > 0
        if self.keep:
            Path(self.keep).mkdir(parents=True, exist_ok=True)
            shutil.copy(path, Path(self.keep) / path.name)


def check(page, shots, name, checker=None):
    """No sideways scrolling, axe-clean, and a screenshot.

    axe-core runs in the page, so for a phone without JavaScript it runs on a copy
    of the very same HTML in `checker`, a JavaScript-enabled page on the same site.
    """
    shots(page, name)
    target = page
    if checker is not None:
        origin = "/".join(page.url.split("/")[:3])
        checker.goto(origin + "/privacy/")
        checker.set_content(page.content())
        target = checker
    assert page_width(target) <= 390, f"{name} scrolls"
    assert_axe_clean(target, name)


def join(page, site, club, shots=None, checker=None):
    page.goto(f"{site}/join/")
    if shots:
        check(page, shots, "join", checker)
    page.get_by_label("Your club's code").fill(club.join_code.lower())
    page.get_by_role("button", name="Next").click()
    page.get_by_role("heading", name=f"Join {club.name}").wait_for()
    if shots:
        check(page, shots, "join-club", checker)
    page.locator("input[name=pseudonym]").first.check()
    page.get_by_label("16 or 17").check()
    page.get_by_role("button", name=f"Join {club.name}").click()
    page.get_by_role("heading", name="Your recovery phrase").wait_for()
    phrase = page.get_by_test_id("recovery-phrase").inner_text()
    assert len(phrase.split()) == 6
    if shots:
        check(page, shots, "joined", checker)
    page.get_by_role("link", name="Go to my club").click()
    page.get_by_role("heading", name=club.name, level=1).wait_for()
    # The heading shows before the deferred htmx has run; a tap before then is a plain
    # form post (the no-JavaScript path), which a busy CI machine once took.
    page.wait_for_load_state("load")
    return phrase


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_two_young_people_propose_and_support_on_their_phones(
    new_phone, site, tmp_path, javascript
):
    club, coach = make_club()
    shots = Shots(tmp_path, "js" if javascript else "nojs")
    checker = None if javascript else new_phone(javascript=True)
    first = new_phone(javascript=javascript)
    join(first, site, club, shots, checker)

    # The club page: the two aspect lists, the fixed one with its reason.
    can = first.get_by_role("region", name="What you can change")
    cant = first.get_by_role("region", name="What we can't change, and why")
    assert "Any weekday after 3.30pm" in can.inner_text()
    assert FIXED_REASON in cant.inner_text()
    expect(first.get_by_role("link", name="Report a concern")).to_be_visible()
    check(first, shots, "club", checker)

    # Propose about the fixed location: its reason is on screen before sending.
    first.get_by_role("link", name="Share an idea").click()
    first.get_by_label("Your idea in a few words").fill("Play in the park when it's sunny")
    first.get_by_label("Tell us more (optional)").fill("The park is next to the school.")
    first.locator("label", has_text="Location").click()
    reason = first.get_by_text(f"Can't change: {FIXED_REASON}")
    expect(reason).to_be_visible()
    assert first.get_by_label("Location").is_checked()
    check(first, shots, "propose", checker)
    first.get_by_role("button", name="Send to my coach").click()
    first.get_by_text("Waiting for your coach").first.wait_for()
    assert first.get_by_test_id("state-chip").inner_text() == "Waiting for your coach"
    check(first, shots, "waiting", checker)

    # The coach publishes it (the coach's pages are tested with them).
    proposal = Proposal.objects.get()
    proposal_publish(proposal=proposal, by=coach)

    # A second young person joins and supports it.
    second = new_phone(javascript=javascript)
    join(second, site, club)
    card = second.locator(f"#idea-{proposal.pk}")
    assert card.get_by_test_id("support-count").inner_text() == "0 supports"
    url_before = second.url
    card.get_by_role("button", name="Support").click()
    card = second.locator(f"#idea-{proposal.pk}")
    card.get_by_role("button", name="Supported").wait_for()
    assert card.get_by_test_id("support-count").inner_text() == "1 support"
    if javascript:
        assert second.url == url_before
        assert second.get_by_text("You support").count() == 0, "no page reload with htmx"
        # The swapped-in button keeps the keyboard focus.
        assert second.evaluate("document.activeElement.id") == f"support-{proposal.pk}"
    else:
        expect(second.get_by_text("You support")).to_be_visible()
    check(second, shots, "supported", checker)

    # The first phone sees the count too, and can't support its own idea.
    first.goto(f"{site}/club/{club.slug}/")
    mine = first.locator(f"#idea-{proposal.pk}")
    assert mine.get_by_test_id("support-count").inner_text() == "1 support"
    assert mine.get_by_role("button").count() == 0
    proposal.refresh_from_db()
    assert proposal.support_count == 1


def test_a_members_club_page_is_light_on_first_and_repeat_visits(browser, site, transactional_db):
    from tests.browser.conftest import PHONE, _context

    club, coach = make_club()
    members = [factories.make_participant(club) for _ in range(6)]
    for i, member in enumerate(members[1:]):
        factories.make_published(member, coach, title=f"Idea number {i} from the group")
    context = _context(browser, PHONE, is_mobile=True, has_touch=True)
    context.add_cookies(
        [
            {
                "name": "coproduce_member",
                "value": identity.signed_value([members[0].key]),
                "url": site,
            }
        ]
    )
    page = context.new_page()
    responses = []
    page.on("response", lambda response: responses.append(response))

    def visit():
        responses.clear()
        page.goto(f"{site}/club/{club.slug}/")
        page.wait_for_load_state("networkidle")
        total, lines = 0, []
        for response in responses:
            sizes = response.request.sizes()
            size = sizes["responseBodySize"] + sizes["responseHeadersSize"]
            total += size
            lines.append(
                f"{size:>7} {response.status} "
                f"{response.headers.get('content-encoding', '-'):>4} {response.url}"
            )
        return total, lines, [r.url for r in responses]

    first_total, first_lines, first_urls = visit()
    assert any(u.endswith(".js") for u in first_urls), "htmx is loaded"
    assert any(".css" in u for u in first_urls)
    assert first_total <= 60 * 1024, "\n".join(first_lines)
    repeat_total, repeat_lines, repeat_urls = visit()
    assert repeat_total <= 15 * 1024, "\n".join(repeat_lines)
    hosts = {urlparse(u).netloc for u in first_urls + repeat_urls if not u.startswith("data:")}
    assert hosts == {urlparse(site).netloc}
    print("first visit", first_total, *first_lines, "repeat", repeat_total, *repeat_lines, sep="\n")
    context.close()
