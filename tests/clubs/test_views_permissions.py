"""Who may open and post to every staff club page: a role x page table of status codes.

404 for a club the user may not see (its existence is not revealed), 403 for a
club they may see but not change, Energise Me staff read-only (every POST 403).
"""

import pytest
from django.urls import reverse

from tests.clubs.test_views_club_form import declared_aspects
from tests.conftest import ROLES

R, OK, FORBIDDEN, MISSING, NOT_ALLOWED = 302, 200, 403, 404, 405


def row(anonymous, coach, other_coach, far_coach, lead, far_lead, staff, superuser):
    return dict(
        zip(
            ROLES,
            (anonymous, coach, other_coach, far_coach, lead, far_lead, staff, superuser),
            strict=True,
        )
    )


def club_fields(world, **extra):
    data = {
        "name": "Riverside Football",
        "activity": "Football",
        "venue_name": "Sports hall",
        "venue_address": "",
        "district": world.club.district_id,
        "min_age": 14,
        "max_age": 19,
        "funding_start": "2026-01-05",
        "funding_end": "2027-07-31",
        "stage": "planning",
        "is_active": "on",
        **declared_aspects(),
    }
    data.update(extra)
    return data


def aspect_fields(**extra):
    data = {
        "value": "Thursdays",
        "status": "negotiable",
        "room": "Any weekday after 3.30pm",
        "reason": "",
        "effective_date": "2026-03-02",
        "note": "",
    }
    data.update(extra)
    return data


# page -> (url from world, POST data from world)
PAGES = {
    "my-clubs": (lambda w: reverse("clubs:my-clubs"), lambda w: {}),
    "club-detail": (lambda w: reverse("clubs:club-detail", args=[w.club.slug]), lambda w: {}),
    "club-create": (
        lambda w: reverse("clubs:club-create"),
        lambda w: club_fields(w, partner=w.club.partner_id, name="Riverside Tennis"),
    ),
    "club-edit": (
        lambda w: reverse("clubs:club-edit", args=[w.club.slug]),
        lambda w: club_fields(w, name="Riverside Football Club"),
    ),
    "club-coaches": (
        lambda w: reverse("clubs:club-coaches", args=[w.club.slug]),
        lambda w: {"action": "assign", "email": w.other_coach.email},
    ),
    "join-code-rotate": (
        lambda w: reverse("clubs:join-code-rotate", args=[w.club.slug]),
        lambda w: {},
    ),
    "aspect-create": (
        lambda w: reverse("clubs:aspect-create", args=[w.club.slug]),
        lambda w: aspect_fields(kind="cost", label=""),
    ),
    "aspect-edit": (
        lambda w: reverse(
            "clubs:aspect-edit", args=[w.club.slug, w.club.aspects.get(kind="day").pk]
        ),
        lambda w: aspect_fields(),
    ),
    "poster": (lambda w: reverse("clubs:poster", args=[w.club.slug]), lambda w: {}),
}

#                          anon coach other far_c lead far_l staff super
GET = {
    "my-clubs": row(R, OK, OK, OK, OK, OK, OK, OK),
    "club-detail": row(R, OK, MISSING, MISSING, OK, MISSING, OK, OK),
    "club-create": row(R, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK, OK, FORBIDDEN, OK),
    "club-edit": row(R, FORBIDDEN, MISSING, MISSING, OK, MISSING, FORBIDDEN, OK),
    "club-coaches": row(R, FORBIDDEN, MISSING, MISSING, OK, MISSING, FORBIDDEN, OK),
    "join-code-rotate": row(R, *[NOT_ALLOWED] * 7),
    "aspect-create": row(R, OK, MISSING, MISSING, OK, MISSING, FORBIDDEN, OK),
    "aspect-edit": row(R, OK, MISSING, MISSING, OK, MISSING, FORBIDDEN, OK),
    "poster": row(R, OK, MISSING, MISSING, OK, MISSING, OK, OK),
}

# A POST the role may make succeeds and redirects (302 after login too, for anonymous:
# to the sign-in page). far_lead's club-create names partner A, not theirs: the form
# refuses the choice (200, nothing made).
POST = {
    "my-clubs": row(
        R, NOT_ALLOWED, NOT_ALLOWED, NOT_ALLOWED, NOT_ALLOWED, NOT_ALLOWED, FORBIDDEN, NOT_ALLOWED
    ),
    "club-detail": row(
        R, NOT_ALLOWED, NOT_ALLOWED, NOT_ALLOWED, NOT_ALLOWED, NOT_ALLOWED, FORBIDDEN, NOT_ALLOWED
    ),
    "club-create": row(R, FORBIDDEN, FORBIDDEN, FORBIDDEN, R, OK, FORBIDDEN, R),
    "club-edit": row(R, FORBIDDEN, MISSING, MISSING, R, MISSING, FORBIDDEN, R),
    "club-coaches": row(R, FORBIDDEN, MISSING, MISSING, R, MISSING, FORBIDDEN, R),
    "join-code-rotate": row(R, FORBIDDEN, MISSING, MISSING, R, MISSING, FORBIDDEN, R),
    "aspect-create": row(R, R, MISSING, MISSING, R, MISSING, FORBIDDEN, R),
    "aspect-edit": row(R, R, MISSING, MISSING, R, MISSING, FORBIDDEN, R),
    "poster": row(
        R, NOT_ALLOWED, NOT_ALLOWED, NOT_ALLOWED, NOT_ALLOWED, NOT_ALLOWED, FORBIDDEN, NOT_ALLOWED
    ),
}


def cells(table):
    return [
        (page, role, status) for page, by_role in table.items() for role, status in by_role.items()
    ]


def test_the_tables_cover_every_page_and_role():
    assert set(GET) == set(POST) == set(PAGES)
    for table in (GET, POST):
        for by_role in table.values():
            assert list(by_role) == ROLES


@pytest.mark.parametrize(("page", "role", "expected"), cells(GET))
def test_get_status_by_role(world, client_as, page, role, expected):
    url, _data = PAGES[page]
    response = client_as(role).get(url(world))
    assert response.status_code == expected
    if expected == R:
        assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(("page", "role", "expected"), cells(POST))
def test_post_status_by_role(world, client_as, page, role, expected):
    url, data = PAGES[page]
    response = client_as(role).post(url(world), data(world))
    assert response.status_code == expected
    if expected == R and role == "anonymous":
        assert response["Location"].startswith(reverse("login"))
    if expected == R and role != "anonymous":
        assert not response["Location"].startswith(reverse("login"))
