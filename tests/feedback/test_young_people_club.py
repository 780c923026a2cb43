"""A young person's club page: what can change, ideas, "you said, we did", what's new."""

from datetime import date, datetime, time, timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from clubs.models import AspectKind, AspectStatus
from clubs.services import aspect_update
from feedback import services
from feedback.models import Outcome
from feedback.selectors_young_people import IdeaUrls
from tests import factories
from tests.feedback.test_yp_support import phone_of

pytestmark = pytest.mark.django_db


def aspect(club, kind):
    return club.aspects.get(kind=kind)


@pytest.fixture
def club_with_aspects(world):
    club = world.club
    aspect_update(
        aspect=aspect(club, AspectKind.DAY),
        by=world.coach,
        value="Tuesday",
        room="Any weekday after 3.30pm",
    )
    aspect_update(aspect=aspect(club, AspectKind.START_TIME), by=world.coach, value="4pm")
    aspect_update(aspect=aspect(club, AspectKind.DURATION), by=world.coach, value="1 hour")
    aspect_update(
        aspect=aspect(club, AspectKind.LOCATION),
        by=world.coach,
        value="Riverside School sports hall",
        status=AspectStatus.FIXED,
        reason="The school lends us the hall for free; nowhere else nearby is free.",
    )
    aspect_update(
        aspect=aspect(club, AspectKind.ACTIVITY),
        by=world.coach,
        value="Football",
        status=AspectStatus.FIXED,
        reason="The club is funded as a football club.",
    )
    return club


def home(client, club):
    return client.get(reverse("feedback:member-home", args=[club.slug]))


def test_the_club_page_shows_the_session_and_both_aspect_lists(world, club_with_aspects):
    me = factories.make_participant(world.club)
    html = home(phone_of(me), world.club).content.decode()
    assert "Tuesday, 4pm (1 hour) at Riverside School sports hall" in html
    assert "What you can change" in html
    assert "Any weekday after 3.30pm" in html
    assert "What we can" in html
    assert "The school lends us the hall for free" in html
    assert "Report a concern" in html
    assert reverse("feedback:needs-you") not in html, "no staff links for young people"


def test_published_ideas_show_with_their_counts_and_unpublished_ones_only_to_their_author(world):
    author, reader, fan = (factories.make_participant(world.club) for _ in range(3))
    shown = factories.make_published(author, world.coach, title="Music in the warm-up")
    services.support_set(proposal=shown, participant=fan)
    factories.make_proposal(author, title="Waiting one")
    html = home(phone_of(reader), world.club).content.decode()
    assert "Music in the warm-up" in html
    assert "1 support<" in html
    assert "Waiting one" not in html
    mine = home(phone_of(author), world.club).content.decode()
    assert "Waiting one" in mine
    assert "Waiting for your coach" in mine


def test_you_said_we_did_shows_the_answer_and_the_recorded_change(world, club_with_aspects):
    author, reader = factories.make_participant(world.club), factories.make_participant(world.club)
    proposal = factories.make_published(author, world.coach, title="Thursdays please")
    services.proposal_decide(
        proposal=proposal,
        by=world.coach,
        outcome=Outcome.ADOPTED,
        answer="Good idea: the hall is free on Thursdays too.",
        promised_by=timezone.localdate() + timedelta(days=14),
    )
    services.change_record(
        aspect=aspect(world.club, AspectKind.DAY),
        by=world.coach,
        new_value="Thursday",
        effective_date=date(2026, 3, 3),
        proposals=[proposal],
    )
    html = home(phone_of(reader), world.club).content.decode()
    section = html.split("You said, we did")[1]
    assert "Thursdays please" in section
    assert "Good idea: the hall is free on Thursdays too." in section
    assert "From 3 March: day is Thursday, because you asked." in section
    assert "Done" in section


def test_a_change_not_yet_in_effect_shows_the_old_day_and_when_it_changes(world, club_with_aspects):
    author = factories.make_participant(world.club)
    proposal = factories.make_published(author, world.coach)
    services.proposal_decide(
        proposal=proposal,
        by=world.coach,
        outcome=Outcome.ADOPTED,
        answer="Yes from next month.",
        promised_by=timezone.localdate() + timedelta(days=14),
    )
    later = timezone.localdate() + timedelta(days=20)
    services.change_record(
        aspect=aspect(world.club, AspectKind.DAY),
        by=world.coach,
        new_value="Thursday",
        effective_date=later,
        proposals=[proposal],
    )
    html = home(phone_of(author), world.club).content.decode()
    assert "Tuesday, 4pm" in html
    assert '<strong>Day</strong>: Tuesday <span class="small">(Thursday from' in html
    assert "day will be Thursday, because you asked." in html
    assert f"From {later.day} {later:%B}:</strong> Day changes to Thursday." in html


def test_a_returned_idea_shows_the_reason_and_an_edit_link_to_its_author(world):
    author = factories.make_participant(world.club)
    proposal = factories.make_proposal(author, title="Later start")
    services.proposal_return(proposal=proposal, by=world.coach, reason="Say what time you mean.")
    html = home(phone_of(author), world.club).content.decode()
    assert "Sent back to you" in html
    assert "Say what time you mean." in html
    assert reverse("feedback:proposal-edit", args=[world.club.slug, proposal.pk]) in html


def build_club(world, n):
    """n members, each with a published idea about a different aspect, each supported n-1 times."""
    club = world.club
    members = [factories.make_participant(club) for _ in range(n)]
    aspects = list(club.aspects.all())
    for i, member in enumerate(members):
        p = factories.make_published(
            member, world.coach, title=f"Idea {i}", aspect=aspects[i % len(aspects)]
        )
        for other in members:
            if other != member:
                services.support_set(proposal=p, participant=other)
    decided = factories.make_published(members[0], world.coach, title="Decided one")
    services.proposal_decide(
        proposal=decided,
        by=world.coach,
        outcome=Outcome.ADOPTED,
        answer="Yes",
        promised_by=timezone.localdate() + timedelta(days=14),
    )
    services.change_record(
        aspect=aspects[0],
        by=world.coach,
        new_value=f"Value {n}",
        effective_date=timezone.localdate() + timedelta(days=3),
        proposals=[decided],
    )
    factories.make_proposal(members[0], title="Waiting")
    # Sessions and registers (#15): n sessions ahead, one cancelled with its reason.
    today = timezone.localdate()
    for k in range(n):
        factories.SessionFactory(
            club=world.club,
            date=today + timedelta(days=k),
            status="cancelled" if k == 1 else "planned",
            change_note="The hall is flooded." if k == 1 else "",
        )
    return members


@pytest.mark.parametrize("n", [3, 6])
def test_the_club_page_runs_a_fixed_number_of_queries(world, n, django_assert_num_queries):
    # At noon: two hours after a late evening would be tomorrow, one session fewer ahead.
    noon = timezone.make_aware(datetime.combine(timezone.localdate(), time(12)))
    with time_machine.travel(noon, tick=False):
        members = build_club(world, n)
    client = phone_of(members[0])
    later = noon + timedelta(hours=2)
    with time_machine.travel(later, tick=False):
        home(client, world.club)  # records this visit: the one before it is now known
    # participant, aspects, upcoming changes, rounds, open ideas, answered ideas,
    # their changes, the sessions run (attendance since each change, #15), my ideas, the
    # answer notice, the next sessions (#15), the member's last activity check answer (#15)
    with (
        time_machine.travel(later + timedelta(minutes=5), tick=False),
        django_assert_num_queries(12),
    ):
        response = home(client, world.club)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('class="idea-card"') == n
    assert f"{n - 1} supports" in html
    assert html.count('class="session-line mb-1"') == 3
    assert "Why: The hall is flooded." in html


@pytest.mark.parametrize(
    "slug", ["riverside-football", "club-987654321987654321", "987654321987654321"]
)
def test_idea_links_made_once_per_page_are_the_ones_reverse_gives(slug):
    urls = IdeaUrls(slug)
    for name, pattern in [
        ("feedback:proposal-detail", urls.detail),
        ("feedback:proposal-support", urls.support),
        ("feedback:proposal-edit", urls.edit),
    ]:
        for pk in (1, 42, 987654321987654321):
            expected = reverse(name, kwargs={"slug": slug, "pk": pk})
            assert pattern(pk) == expected
