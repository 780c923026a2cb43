"""A young person's menu never shows "My club" and "My clubs" side by side."""

from django.urls import reverse

from tests import factories
from tests.feedback.test_yp_support import phone_of


def _menu(html: str) -> str:
    return html.split('aria-label="Site"')[1].split("</nav>")[0]


def test_a_phone_in_no_club_sees_neither_link(client, world):
    menu = _menu(client.get(reverse("feedback:join")).content.decode())
    assert "My club" not in menu


def test_a_phone_in_one_club_sees_my_club_only(world):
    member = factories.make_participant(world.club)
    client = phone_of(member)
    home = reverse("feedback:member-home", args=[world.club.slug])
    for url in (home, reverse("feedback:join")):
        assert "My clubs" not in _menu(client.get(url).content.decode())
    assert "My club<" in _menu(client.get(home).content.decode())


def test_a_phone_in_two_clubs_sees_my_clubs_only(world):
    client = phone_of(
        factories.make_participant(world.club), factories.make_participant(world.far_club)
    )
    menu = _menu(
        client.get(reverse("feedback:member-home", args=[world.club.slug])).content.decode()
    )
    assert "My clubs" in menu
    assert "My club<" not in menu
