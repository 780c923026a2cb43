"""Starting a club: twenty identical submits at the same moment make one club (PostgreSQL)."""

import uuid
from datetime import date

import pytest
from django.db import connection

from clubs.models import Club
from clubs.services import club_create
from tests.feedback.test_services_concurrency import _at_once

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks"),
]


def test_twenty_identical_new_club_submits_at_once_make_one_club(world):
    token = str(uuid.uuid4())
    partner = world.club.partner

    def submit():
        return club_create(
            partner=partner,
            client_token=token,
            name="Riverside Tennis",
            activity="Tennis",
            venue_name="Riverside Courts",
            district=world.club.district,
            funding_start=date(2026, 4, 1),
            funding_end=date(2027, 3, 31),
        )

    results = _at_once(*[submit] * 20)
    assert all(isinstance(r, Club) for r in results), [
        r for r in results if not isinstance(r, Club)
    ]
    assert {r.pk for r in results} == {results[0].pk}
    assert Club.objects.filter(name="Riverside Tennis").count() == 1
    assert results[0].aspects.count() == 5
