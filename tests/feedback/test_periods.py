"""Hostile periods on every indicator page: a clear form error, never a 500, and quick."""

import time

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.urls import reverse

from tests.feedback.test_indicators import NOW

HOSTILE = [
    ({"end": "9999-12-31"}, "Choose an end on or before"),
    ({"start": "0001-01-01", "end": "0001-01-02"}, "The club&#x27;s funding started on"),
    ({"start": "0001-01-01"}, "Choose a period of three years or less."),
    ({"start": "9999-12-31"}, "The period can&#x27;t start after today."),
    ({"start": "2025-01-01", "end": "2028-06-01"}, "Choose a period of three years or less."),
]


@pytest.mark.parametrize(("query", "message"), HOSTILE)
def test_a_hostile_period_on_club_indicators_is_a_form_error(world, client_as, query, message):
    with time_machine.travel(NOW, tick=False):
        began = time.perf_counter()
        response = client_as("coach").get(
            reverse("feedback:club-indicators", args=[world.club.slug]), query
        )
        took = time.perf_counter() - began
    assert response.status_code == 200
    assert message in response.content.decode()
    assert "From 9 Jul 2026 to 1 Oct 2026" in response.content.decode()
    assert took < 1


def test_a_club_period_must_lie_within_its_funding(world, client_as):
    with time_machine.travel(NOW, tick=False):
        body = (
            client_as("coach")
            .get(
                reverse("feedback:club-indicators", args=[world.club.slug]),
                {"start": "2025-12-01", "end": "2026-02-01"},
            )
            .content.decode()
        )
    assert "The club&#x27;s funding started on 5 Jan 2026: choose a start from then." in body


@pytest.mark.parametrize("query", [q for q, _ in HOSTILE])
@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("feedback:county-dashboard", []),
        ("feedback:partner-dashboard", ["partner"]),
    ],
)
def test_hostile_periods_on_dashboards_are_form_errors(world, client_as, query, name, args):
    url = reverse(name, args=[world.club.partner_id] if args else [])
    with time_machine.travel(NOW, tick=False):
        began = time.perf_counter()
        response = client_as("staff").get(url, query)
        took = time.perf_counter() - began
    assert response.status_code == 200
    assert "Showing the last 12 weeks instead." in response.content.decode()
    assert took < 1


@pytest.mark.parametrize("query", [q for q, _ in HOSTILE])
@pytest.mark.parametrize(
    ("name", "args"), [("feedback:county-export", []), ("feedback:partner-export", ["partner"])]
)
def test_hostile_periods_on_csv_exports_are_bad_requests(world, client_as, query, name, args):
    url = reverse(name, args=[world.club.partner_id] if args else [])
    with time_machine.travel(NOW, tick=False):
        response = client_as("staff").get(url, query)
    assert response.status_code == 400


@pytest.mark.parametrize(
    "options",
    [{"end": "9999-12-31"}, {"start": "0001-01-01"}, {"start": "0001-01-01", "end": "0001-01-02"}],
)
def test_hostile_periods_in_the_indicators_command_are_errors(db, options):
    with time_machine.travel(NOW, tick=False), pytest.raises(CommandError):
        call_command("indicators", **options)
