"""Twenty identical Join submits at the same moment make one member, and every answer
is that member with its one phrase (PostgreSQL, threads)."""

import uuid

import pytest
from django.db import connection

from feedback import services
from feedback.models import AgeBand, Participant
from feedback.words import phrase_hash, pseudonym_suggestions
from tests.feedback.test_services_concurrency import _at_once

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL"),
]


@pytest.mark.parametrize("attempt", range(3))
def test_twenty_identical_join_submits_at_once_make_one_member(world, attempt):
    token = str(uuid.uuid4())
    name = pseudonym_suggestions(1)[0]

    def submit():
        return services.participant_join(
            club=world.club, pseudonym=name, age_band=AgeBand.B16_17, client_token=token
        )

    results = _at_once(*[submit] * 20)
    assert all(isinstance(r, tuple) for r in results), results
    participant = Participant.objects.get(club=world.club)
    assert {r[0].pk for r in results} == {participant.pk}
    assert {r[1] for r in results} == {results[0][1]}
    assert phrase_hash(results[0][1], club_id=world.club.pk) == participant.recovery_hash


def test_twenty_different_people_picking_the_same_name_at_once_make_one_member(world):
    """No 500: everyone but one is told the name is taken."""
    name = pseudonym_suggestions(1)[0]

    def submit():
        return services.participant_join(
            club=world.club,
            pseudonym=name,
            age_band=AgeBand.B16_17,
            client_token=str(uuid.uuid4()),
        )

    results = _at_once(*[submit] * 20)
    joined = [r for r in results if isinstance(r, tuple)]
    refused = [r for r in results if not isinstance(r, tuple)]
    assert len(joined) == 1
    assert {getattr(r, "code", repr(r)) for r in refused} == {"pseudonym_taken"}
    assert Participant.objects.filter(club=world.club).count() == 1
