"""Each role lands where their work is after signing in, and the menu leads there."""

import pytest
from django.urls import reverse

from feedback import selectors_coaches
from tests import factories
from tests.factories import PASSWORD
from tests.feedback import coach_helpers as h


def _sign_in(client, user, **extra):
    return client.post(reverse("login"), {"username": user.email, "password": PASSWORD, **extra})


@pytest.mark.parametrize(
    ("role", "landing"),
    [
        ("coach", lambda w: reverse("feedback:needs-you")),
        ("other_coach", lambda w: reverse("feedback:needs-you")),
        ("lead", lambda w: reverse("feedback:partner-dashboard", args=[w.club.partner_id])),
        ("far_lead", lambda w: reverse("feedback:partner-dashboard", args=[w.far_club.partner_id])),
        ("staff", lambda w: reverse("feedback:county-dashboard")),
        ("superuser", lambda w: reverse("feedback:county-dashboard")),
    ],
)
def test_each_role_lands_on_its_own_page_after_signing_in(client, world, role, landing):
    response = _sign_in(client, world.role(role))
    assert response.status_code == 302
    assert response.url == landing(world)
    assert client.get(response.url).status_code == 200


def test_a_next_address_still_wins_over_the_landing_page(client, world):
    response = _sign_in(client, world.coach, next=world.club.get_absolute_url())
    assert response.url == world.club.get_absolute_url()


def test_a_signed_in_person_opening_the_sign_in_page_goes_to_their_landing_page(client_as, world):
    response = client_as("staff").get(reverse("login"))
    assert response.status_code == 302
    assert response.url == reverse("feedback:county-dashboard")


def _menu(html: str) -> str:
    return html.split('aria-label="Site"')[1].split("</nav>")[0]


@pytest.mark.parametrize(
    ("role", "shown", "hidden"),
    [
        ("coach", ["Needs you", "My clubs"], ["County dashboard", "Partner dashboard"]),
        ("lead", ["Needs you", "Partner dashboard", "My clubs"], ["County dashboard"]),
        ("staff", ["County dashboard", "All clubs"], ["Needs you", "Partner dashboard"]),
        ("superuser", ["County dashboard", "Needs you", "All clubs"], ["Partner dashboard"]),
    ],
)
def test_the_menu_offers_each_role_its_own_pages(client_as, world, role, shown, hidden):
    menu = _menu(client_as(role).get(reverse("clubs:my-clubs")).content.decode())
    for label in shown:
        assert label in menu
    for label in hidden:
        assert label not in menu


def test_the_lead_menu_links_to_their_partners_dashboard(client_as, world):
    menu = _menu(client_as("lead").get(reverse("clubs:my-clubs")).content.decode())
    assert reverse("feedback:partner-dashboard", args=[world.club.partner_id]) in menu


def test_the_menu_counts_what_needs_the_coach_as_needs_you_lists_it(client_as, world):
    for i in range(2):
        factories.make_proposal(factories.make_participant(world.club), title=f"Waiting {i}")
    h.published(world.club, world.coach, title="Published")
    h.acknowledged(world.club, world.coach, title="To decide")
    blocked = factories.make_participant(world.club)
    factories.make_proposal(blocked, title="Hidden while paused")
    blocked.is_blocked = True
    blocked.save()
    h.published(world.far_club, world.far_coach, title="Another partner's")
    data = selectors_coaches.needs_you(user=world.coach)
    assert data.total == 4
    assert selectors_coaches.needs_you_count(user=world.coach) == 4
    menu = _menu(client_as("coach").get(reverse("clubs:my-clubs")).content.decode())
    assert "Needs you" in menu
    assert ">4<span" in menu
    assert selectors_coaches.needs_you_count(user=world.other_coach) == 0
    # A lead and a superuser are counted through managed_clubs, a coach through their
    # assignments: the same as their lists.
    for user in (world.lead, world.far_lead, world.superuser):
        total = selectors_coaches.needs_you(user=user).total
        assert selectors_coaches.needs_you_count(user=user) == total
    assert selectors_coaches.needs_you_count(user=world.lead) == 4


def _waiting(world, n):
    for i in range(n):
        factories.make_proposal(factories.make_participant(world.club), title=f"Idea number {i}")


def test_needs_you_lists_ten_of_each_kind_and_offers_to_show_all(client_as, world):
    _waiting(world, 12)
    client = client_as("coach")
    html = client.get(reverse("feedback:needs-you")).content.decode()
    assert html.count("Idea number") == 10
    assert "Show all 12" in html
    assert '?show=to_moderate"' in html
    everything = client.get(reverse("feedback:needs-you"), {"show": "to_moderate"})
    assert everything.content.decode().count("Idea number") == 12
    assert "Show all" not in everything.content.decode()


def test_show_all_pages_through_fifty_at_a_time(client_as, world, django_assert_num_queries):
    _waiting(world, 53)
    client = client_as("coach")
    url = reverse("feedback:needs-you")
    # session, user, clubs, proposals, concerns, the menu's lead roles and count
    with django_assert_num_queries(6):
        first = client.get(url, {"show": "to_moderate"}).content.decode()
    assert first.count("Idea number") == 50
    assert "Page 1 of 2" in first
    second = client.get(url, {"show": "to_moderate", "page": 2}).content.decode()
    assert second.count("Idea number") == 3
    # A page past the end shows the last; a made-up section shows the capped overview.
    assert "Page 2 of 2" in client.get(url, {"show": "to_moderate", "page": 99}).content.decode()
    assert client.get(url, {"show": "nonsense"}).content.decode().count("Idea number") == 10


def test_needs_you_stays_small_however_much_waits(client_as, world):
    _waiting(world, 10)
    client = client_as("coach")
    small = len(client.get(reverse("feedback:needs-you")).content)
    _waiting(world, 40)
    assert len(client.get(reverse("feedback:needs-you")).content) < small + 500


def test_the_partner_dashboard_offers_no_sort_by_partner_and_counts_its_clubs(client_as, world):
    url = reverse("feedback:partner-dashboard", args=[world.club.partner_id])
    page = client_as("lead").get(url).content.decode()
    assert '<option value="partner"' not in page
    assert f"2 clubs of {world.club.partner.name}" in page
