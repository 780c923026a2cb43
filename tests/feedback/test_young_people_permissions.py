"""Who may open each young person's page and do each action: a table of visitors and statuses."""

import uuid

import pytest
from django.test import Client
from django.urls import reverse

from feedback import services
from feedback.models import Concern, Proposal, Support
from tests import factories
from tests.feedback.test_yp_support import phone_of

pytestmark = pytest.mark.django_db

JOIN = "/join/"


@pytest.fixture
def setup(world):
    member = factories.make_participant(world.club)
    author = factories.make_participant(world.club)
    idea = factories.make_published(author, world.coach, title="Music in the warm-up")
    blocked = factories.make_participant(world.club)
    services.participant_block(participant=blocked, by=world.coach)
    deleted = factories.make_participant(world.club)
    deleted_key = deleted.key
    services.participant_delete(participant=deleted)
    deleted.key = deleted_key
    outsider = factories.make_participant(world.far_club)

    def visitor(name) -> Client:
        client = Client()
        if name in ("coach", "far_coach", "staff", "lead"):
            client.force_login(getattr(world, name))
            return client
        people = {
            "member": member,
            "blocked": blocked,
            "deleted": deleted,
            "other_club": outsider,
            "author": author,
        }
        return phone_of(people[name]) if name in people else client

    return world, idea, visitor


PAGES = [
    "feedback:member-home",
    "feedback:member-propose",
    "feedback:proposal-detail",
    "feedback:member-concern",
    "feedback:member-my-data",
    "feedback:member-my-data-download",
    "feedback:member-my-data-delete",
]

# visitor -> status of every page above
PAGE_MATRIX = {
    "stranger": 302,
    "deleted": 302,
    "coach": 302,
    "staff": 302,
    "other_club": 404,
    "member": 200,
    "blocked": 200,
}


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize(("who", "status"), PAGE_MATRIX.items())
def test_page_matrix(setup, page, who, status):
    world, idea, visitor = setup
    args = [world.club.slug, idea.pk] if page == "feedback:proposal-detail" else [world.club.slug]
    response = visitor(who).get(reverse(page, args=args))
    assert response.status_code == status
    if status == 302:
        assert response.url == JOIN


def test_an_unknown_club_is_404_for_a_member(setup):
    _world, _idea, visitor = setup
    response = visitor("member").get(reverse("feedback:member-home", args=["no-such-club"]))
    assert response.status_code == 404


def _actions(world, idea):
    slug = world.club.slug
    return {
        "propose": (
            reverse("feedback:member-propose", args=[slug]),
            {"title": "New idea", "client_token": str(uuid.uuid4())},
        ),
        "support": (reverse("feedback:proposal-support", args=[slug, idea.pk]), {}),
        "concern": (reverse("feedback:member-concern", args=[slug]), {"text": "Something"}),
    }


def _state():
    return (Proposal.objects.count(), Support.objects.count(), Concern.objects.count())


# visitor -> (status, what changes: proposals, supports, concerns) per action
ACTION_MATRIX = {
    ("stranger", "propose"): (302, (0, 0, 0)),
    ("stranger", "support"): (302, (0, 0, 0)),
    ("stranger", "concern"): (302, (0, 0, 0)),
    ("deleted", "propose"): (302, (0, 0, 0)),
    ("deleted", "support"): (302, (0, 0, 0)),
    ("deleted", "concern"): (302, (0, 0, 0)),
    ("coach", "propose"): (302, (0, 0, 0)),
    ("coach", "support"): (302, (0, 0, 0)),
    ("staff", "support"): (302, (0, 0, 0)),
    ("other_club", "propose"): (404, (0, 0, 0)),
    ("other_club", "support"): (404, (0, 0, 0)),
    ("other_club", "concern"): (404, (0, 0, 0)),
    ("blocked", "propose"): (200, (0, 0, 0)),
    ("blocked", "support"): (302, (0, 0, 0)),
    # A blocked young person can still report a concern: safety comes first.
    ("blocked", "concern"): (200, (0, 0, 1)),
    ("member", "propose"): (302, (1, 0, 0)),
    ("member", "support"): (302, (0, 1, 0)),
    ("member", "concern"): (200, (0, 0, 1)),
    ("author", "support"): (302, (0, 0, 0)),
}


@pytest.mark.parametrize(("who", "action"), ACTION_MATRIX.keys())
def test_action_matrix(setup, who, action):
    world, idea, visitor = setup
    status, change = ACTION_MATRIX[(who, action)]
    url, data = _actions(world, idea)[action]
    before = _state()
    response = visitor(who).post(url, data)
    assert response.status_code == status
    assert tuple(a - b for a, b in zip(_state(), before, strict=True)) == change


@pytest.mark.parametrize("name", ["proposal-edit", "proposal-withdraw", "proposal-listened"])
@pytest.mark.parametrize(
    ("who", "status"), [("member", 404), ("other_club", 404), ("stranger", 302), ("coach", 302)]
)
def test_only_the_author_may_edit_withdraw_or_answer(setup, name, who, status):
    world, idea, visitor = setup
    url = reverse(f"feedback:{name}", args=[world.club.slug, idea.pk])
    response = visitor(who).post(url, {"title": "Changed", "answer": "yes"})
    assert response.status_code == status
    idea.refresh_from_db()
    assert idea.title == "Music in the warm-up"
    assert idea.state == "published"


def test_young_people_see_no_staff_links(setup):
    world, _idea, visitor = setup
    html = visitor("member").get(reverse("feedback:member-home", args=[world.club.slug]))
    html = html.content.decode()
    assert reverse("feedback:needs-you") not in html
    assert reverse("clubs:my-clubs") not in html
    assert reverse("feedback:member-concern", args=[world.club.slug]) in html
