"""'My clubs' and the club page run a fixed number of SQL queries, however much data."""

import copy
from datetime import date

import pytest

from clubs import services
from clubs.models import AspectKind
from tests import factories


def add_club(partner, lead, coaches, n):
    """A club with a session (day, time, place), extra aspects, changes and coaches."""
    club = factories.ClubFactory(partner=partner, name=f"Club {n}")
    for aspect in club.aspects.all():
        services.aspect_update(aspect=aspect, by=lead, value=f"{aspect.kind} {n}")
        services.aspect_update(
            aspect=aspect,
            by=coaches[0],
            value=f"{aspect.kind} {n}b",
            effective_date=date(2026, 3, 2),
        )
    services.aspect_update(aspect=club.aspects.get(kind=AspectKind.DAY), by=lead, value="Tuesdays")
    for kind in (AspectKind.COST, AspectKind.KIT, AspectKind.MUSIC):
        services.aspect_create(
            club=club, kind=kind, value="x", status="fixed", reason="Because.", by=lead
        )
    for coach in coaches:
        services.coach_assign(club=club, user=coach)
    return club


@pytest.fixture
def partner_with_clubs(db):
    partner = factories.PartnerFactory()
    lead = factories.make_lead(partner, email="lead@example.org")
    coaches = [factories.UserFactory() for _ in range(3)]
    for coach in coaches:
        factories.PartnerRole.objects.create(user=coach, partner=partner, role="coach")

    def grow(count):
        start = partner.clubs.count()
        return [add_club(partner, lead, coaches, start + i) for i in range(count)]

    return lead, grow


# session, user, clubs (+ partner, district), session aspects, led partners, the menu's count
# of what needs you
MY_CLUBS_QUERIES = 6
# The club page's own queries: session, user, club (+ partner, district), aspects,
# changes (+ recorded_by), coaches (+ user), led partners (permissions), the menu's count of
# what needs you.
CLUB_PAGE_QUERIES = 8


@pytest.fixture
def without_feedback_panels(settings):
    """The club page with the feedback app's panels left empty, to count the page's own queries.

    Those panels have their own query-count tests; the full page is checked for
    not growing with the data below.
    """
    stubs = {
        "feedback/coach/_club_links.html": "",
        "feedback/dashboards/_club_indicators.html": "",
    }
    templates = copy.deepcopy(settings.TEMPLATES)
    templates[0].pop("APP_DIRS", None)
    templates[0]["OPTIONS"]["loaders"] = [
        (
            "template_partials.loader.Loader",
            [
                ("django.template.loaders.locmem.Loader", stubs),
                "django.template.loaders.filesystem.Loader",
                "django.template.loaders.app_directories.Loader",
            ],
        )
    ]
    settings.TEMPLATES = templates


@pytest.mark.parametrize("clubs", [3, 6])
def test_my_clubs_runs_a_fixed_number_of_queries(
    client, partner_with_clubs, django_assert_num_queries, clubs
):
    lead, grow = partner_with_clubs
    grow(clubs)
    client.force_login(lead)
    with django_assert_num_queries(MY_CLUBS_QUERIES):
        response = client.get("/clubs/")
    assert len(response.context["clubs"]) == clubs
    assert all(club.next_session.startswith("Tuesday") for club in response.context["clubs"])


def grow_club(club, lead, more):
    """More aspects, changes and coaches on the same club."""
    for n in range(more):
        services.aspect_create(club=club, kind=AspectKind.OTHER, label=f"Extra {n}", by=lead)
        services.aspect_update(aspect=club.aspects.get(kind="day"), by=lead, value=f"Day {n}")
        coach = factories.UserFactory()
        factories.PartnerRole.objects.create(user=coach, partner=club.partner, role="coach")
        services.coach_assign(club=club, user=coach)


@pytest.mark.parametrize("more", [0, 3])
def test_the_club_page_runs_a_fixed_number_of_queries(
    client, partner_with_clubs, without_feedback_panels, django_assert_num_queries, more
):
    lead, grow = partner_with_clubs
    club = grow(3)[0]
    grow_club(club, lead, more)
    client.force_login(lead)
    with django_assert_num_queries(CLUB_PAGE_QUERIES):
        response = client.get(club.get_absolute_url())
    assert len(response.context["club"].aspect_list) == 8 + more
    assert len(response.context["club"].coach_list) == 3 + more
    history = {a.kind: len(a.history) for a in response.context["club"].aspect_list}
    assert history["day"] == 3 + more
    assert sum(history.values()) >= 14


def test_the_whole_club_page_does_not_grow_with_the_data(client, partner_with_clubs):
    """With the feedback panels included, the count is the same for a small and a big club."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    lead, grow = partner_with_clubs
    small, big = grow(2)
    grow_club(big, lead, 4)
    client.force_login(lead)
    counts = []
    for club in (small, big):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(club.get_absolute_url()).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
