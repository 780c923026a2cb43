"""Reads shared by the club pages: which clubs a user sees, and when a club next meets."""

from datetime import date

import pytest

from clubs import selectors, services


@pytest.mark.parametrize(
    ("role", "clubs"),
    [
        ("coach", ["Riverside Football"]),
        ("other_coach", ["Riverside Netball"]),
        ("far_coach", ["Harbour Basketball"]),
        ("lead", ["Riverside Football", "Riverside Netball"]),
        ("far_lead", ["Harbour Basketball"]),
        ("staff", ["Harbour Basketball", "Riverside Football", "Riverside Netball"]),
        ("superuser", ["Harbour Basketball", "Riverside Football", "Riverside Netball"]),
    ],
)
def test_clubs_for_user_are_the_clubs_they_may_see(world, role, clubs):
    shown = selectors.clubs_for_user(user=world.role(role))
    assert sorted(club.name for club in shown) == clubs


def set_session(club, by, day, start="4pm", place="Sports hall"):
    for kind, value in (("day", day), ("start_time", start), ("location", place)):
        services.aspect_update(aspect=club.aspects.get(kind=kind), by=by, value=value)
    return selectors.clubs_for_user(user=by).get(pk=club.pk)


@pytest.mark.parametrize(
    ("day", "today", "expected"),
    [
        ("Tuesdays", date(2026, 11, 26), "Tuesday 1 December, 4pm, Sports hall"),  # a Thursday
        ("thursday", date(2026, 11, 26), "Thursday 26 November, 4pm, Sports hall"),
        ("Every Sat", date(2026, 11, 26), "Saturday 28 November, 4pm, Sports hall"),
        (
            "Fortnightly, ask the coach",
            date(2026, 11, 26),
            "Fortnightly, ask the coach, 4pm, Sports hall",
        ),
    ],
)
def test_next_session_reads_the_day_time_and_place(world, day, today, expected):
    club = set_session(world.club, world.lead, day)
    assert selectors.next_session(club, today=today) == expected


def test_next_session_says_when_the_day_is_not_set_or_the_club_has_stopped(world):
    club = selectors.clubs_for_user(user=world.lead).get(pk=world.club.pk)
    assert selectors.next_session(club) == "Day not set yet"
    services.club_update(club=world.club, is_active=False)
    club = selectors.clubs_for_user(user=world.lead).get(pk=world.club.pk)
    assert selectors.next_session(club) == "Not running"
