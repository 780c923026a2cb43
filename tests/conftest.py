"""Shared fixtures: one small world with every role, built through the services."""

from dataclasses import dataclass

import pytest
from django.core.cache import caches

from clubs.models import Club, User
from tests import factories


@pytest.fixture(autouse=True)
def _clear_cache():
    """Rate-limit counters live in the cache, rendered figures in "fragments": each test
    starts with none (a test's rolled-back rows may come back with the same ids and, under
    a frozen clock, the same times)."""
    for alias in ("default", "fragments"):
        caches[alias].clear()
    yield
    for alias in ("default", "fragments"):
        caches[alias].clear()


@dataclass
class World:
    """Partner A runs club (coach) and sibling (other_coach); partner B runs far_club."""

    club: Club
    sibling: Club
    far_club: Club
    coach: User
    other_coach: User
    far_coach: User
    lead: User
    far_lead: User
    staff: User
    superuser: User

    def role(self, name: str) -> User | None:
        return None if name == "anonymous" else getattr(self, name)


@pytest.fixture
def world(db) -> World:
    club = factories.ClubFactory(name="Riverside Football")
    sibling = factories.ClubFactory(name="Riverside Netball", partner=club.partner)
    far_club = factories.ClubFactory(name="Harbour Basketball")
    return World(
        club=club,
        sibling=sibling,
        far_club=far_club,
        coach=factories.make_coach(club, email="coach@example.org"),
        other_coach=factories.make_coach(sibling, email="other-coach@example.org"),
        far_coach=factories.make_coach(far_club, email="far-coach@example.org"),
        lead=factories.make_lead(club.partner, email="lead@example.org"),
        far_lead=factories.make_lead(far_club.partner, email="far-lead@example.org"),
        staff=factories.UserFactory(email="staff@example.org", is_county_staff=True),
        superuser=factories.UserFactory(
            email="admin@example.org", is_superuser=True, is_staff=True
        ),
    )


ROLES = [
    "anonymous",
    "coach",
    "other_coach",
    "far_coach",
    "lead",
    "far_lead",
    "staff",
    "superuser",
]


@pytest.fixture
def client_as(client, world):
    """`client_as("coach")` gives the test client signed in as that role of the world."""

    def _as(role: str):
        client.logout()
        user = world.role(role)
        if user is not None:
            client.force_login(user)
        return client

    return _as
