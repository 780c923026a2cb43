"""The answer notice: news about a member's ideas and the ideas they support, shown first
on the club page until they say they have seen it, whenever they next come."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from feedback import services
from feedback.models import Outcome
from tests import factories
from tests.feedback.test_yp_support import phone_of

pytestmark = pytest.mark.django_db


def home_html(client, club) -> str:
    response = client.get(reverse("feedback:member-home", args=[club.slug]))
    assert response.status_code == 200
    return response.content.decode()


def notice(html: str) -> str:
    """The answer notice's text, or '' when the page has none."""
    if 'data-testid="answer-notice"' not in html:
        return ""
    return html.split('data-testid="answer-notice"')[1].split("</section>")[0]


def seen(client, club, upto):
    return client.post(reverse("feedback:member-notices-seen", args=[club.slug]), {"upto": upto})


def upto_in(html: str) -> int:
    return int(notice(html).split('name="upto" value="')[1].split('"')[0])


@pytest.fixture
def ideas(world):
    author, fan, bystander = (factories.make_participant(world.club) for _ in range(3))
    mine = factories.make_published(author, world.coach, title="My idea")
    backed = factories.make_published(bystander, world.coach, title="Backed idea")
    other = factories.make_published(bystander, world.coach, title="Other idea")
    services.support_set(proposal=backed, participant=author)
    services.support_set(proposal=mine, participant=fan)
    return author, fan, mine, backed, other


def decide_all(world, *proposals):
    for p in proposals:
        services.proposal_decide(
            proposal=p,
            by=world.coach,
            outcome=Outcome.TRIAL,
            answer="We'll try it for a month.",
            promised_by=timezone.localdate() + timedelta(days=14),
        )


def test_answers_to_my_ideas_and_ideas_i_support_show_minutes_later_with_a_count(world, ideas):
    author, _fan, mine, backed, other = ideas
    client = phone_of(author)
    first = home_html(client, world.club)
    assert "My idea" in notice(first)  # the coach published it: news to its author
    seen(client, world.club, upto_in(first))
    assert notice(home_html(client, world.club)) == ""
    later = timezone.now() + timedelta(minutes=3)
    with time_machine.travel(later, tick=False):
        decide_all(world, mine, backed, other)
    with time_machine.travel(later + timedelta(minutes=2), tick=False):
        html = home_html(client, world.club)
    news = notice(html)
    assert "My idea" in news
    assert "Backed idea" in news
    assert "Other idea" not in news
    assert "We&#x27;re trying it out" in news
    assert "We&#x27;ll try it for a month." in news
    assert "(you supported it)" in news.split("Backed idea")[1]
    # Shown first: before the next session and everything else.
    assert html.index('data-testid="answer-notice"') < html.index("Next session")
    assert 'data-testid="notice-count">2<' in html


def test_the_notice_stays_on_every_visit_until_seen_then_goes_and_new_news_comes_back(world, ideas):
    author, _fan, mine, backed, _other = ideas
    client = phone_of(author)
    seen(client, world.club, upto_in(home_html(client, world.club)))
    decide_all(world, mine)
    for days in (0, 3, 40):  # however soon or late they come back
        with time_machine.travel(timezone.now() + timedelta(days=days), tick=False):
            html = home_html(client, world.club)
        assert "My idea" in notice(html)
    response = seen(client, world.club, upto_in(html))
    assert response.status_code == 302
    assert response.url == reverse("feedback:member-home", args=[world.club.slug])
    html = home_html(client, world.club)
    assert notice(html) == ""
    assert 'data-testid="notice-count"' not in html
    decide_all(world, backed)
    news = notice(home_html(client, world.club))
    assert "Backed idea" in news
    assert "My idea" not in news


def test_seeing_the_notice_covers_only_what_it_showed(world, ideas):
    """News that comes while the page is open is still shown next time."""
    author, _fan, mine, backed, _other = ideas
    client = phone_of(author)
    seen(client, world.club, upto_in(home_html(client, world.club)))
    decide_all(world, mine)
    upto = upto_in(home_html(client, world.club))
    decide_all(world, backed)  # after the page was shown, before "Got it"
    seen(client, world.club, upto)
    news = notice(home_html(client, world.club))
    assert "Backed idea" in news
    assert "My idea" not in news


def test_a_forged_or_junk_upto_neither_hides_future_news_nor_brings_back_old(world, ideas):
    author, _fan, mine, backed, _other = ideas
    client = phone_of(author)
    seen(client, world.club, 10**15)
    author.refresh_from_db()
    assert author.notices_seen_upto < 10**15
    decide_all(world, mine)
    assert "My idea" in notice(home_html(client, world.club))
    seen(client, world.club, 10**15)
    for junk in ("", "-5", "abc", "0"):
        assert seen(client, world.club, junk).status_code == 302
        assert notice(home_html(client, world.club)) == ""
    decide_all(world, backed)
    assert "Backed idea" in notice(home_html(client, world.club))


def test_news_from_before_joining_and_my_own_steps_are_not_news(world, ideas):
    _author, _fan, mine, backed, other = ideas
    decide_all(world, other)
    newcomer = factories.make_participant(world.club)
    assert notice(home_html(phone_of(newcomer), world.club)) == ""
    waiting = factories.make_proposal(newcomer, title="Waiting idea")
    services.proposal_withdraw(proposal=waiting, participant=newcomer)
    assert notice(home_html(phone_of(newcomer), world.club)) == ""


def test_the_author_hears_a_returned_idea_and_its_reason(world):
    author = factories.make_participant(world.club)
    proposal = factories.make_proposal(author, title="Later start")
    services.proposal_return(proposal=proposal, by=world.coach, reason="Say what time you mean.")
    news = notice(home_html(phone_of(author), world.club))
    assert "Later start" in news
    assert "Say what time you mean." in news


def test_supporters_hear_nothing_of_an_idea_taken_off_the_board(world, ideas):
    _author, fan, mine, _backed, _other = ideas
    client = phone_of(fan)
    assert notice(home_html(client, world.club)) == ""
    services.proposal_escalate(proposal=mine, by=world.coach)
    assert notice(home_html(client, world.club)) == ""


@pytest.mark.parametrize(
    ("who", "status"),
    [("stranger", 302), ("member", 302), ("member of another club", 404)],
)
def test_who_can_mark_a_clubs_notice_seen(world, ideas, who, status):
    author, _fan, mine, _backed, _other = ideas
    decide_all(world, mine)
    outsider = factories.make_participant(world.far_club)
    client = {
        "stranger": phone_of(),
        "member": phone_of(author),
        "member of another club": phone_of(outsider),
    }[who]
    response = seen(client, world.club, 10**6)
    assert response.status_code == status
    if who == "stranger":
        assert response.url == reverse("feedback:join")
    author.refresh_from_db()
    outsider.refresh_from_db()
    assert ("My idea" in notice(home_html(phone_of(author), world.club))) == (who != "member")
    assert outsider.notices_seen_upto < 10**6


def test_marking_seen_takes_a_post(world, ideas):
    author, *_ = ideas
    url = reverse("feedback:member-notices-seen", args=[world.club.slug])
    assert phone_of(author).get(url).status_code == 405
