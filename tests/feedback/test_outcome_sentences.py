"""The attendance sentence on "You said, we did" and the club record (#15)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from feedback import services
from tests import factories
from tests.feedback import coach_helpers
from tests.feedback.outcome_helpers import session
from tests.feedback.test_yp_support import phone_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def moved(world):
    """Six Mondays of 9, then a move to Thursday five weeks ago."""
    club, coach = world.club, world.coach
    members = [factories.make_participant(club) for _ in range(14)]
    change_day = timezone.localdate() - timedelta(weeks=5)
    for week in range(6):
        session(club, change_day - timedelta(days=3, weeks=week), members[:9])
    idea = coach_helpers.adopted(club, coach, title="Thursdays please")
    services.change_record(
        aspect=coach_helpers.aspect(club, "day"),
        by=coach,
        new_value="Thursday",
        effective_date=change_day,
        proposals=[idea],
    )
    return club, members, idea, change_day


def test_too_early_on_you_said_we_did_then_the_figures(moved):
    club, members, idea, change_day = moved
    for week in range(3):
        session(club, change_day + timedelta(weeks=week), members)
    phone = phone_of(members[0])
    home = reverse("feedback:member-home", args=[club.slug])
    detail = reverse("feedback:proposal-detail", args=[club.slug, idea.pk])
    for url in (home, detail):
        assert "Too early to tell: 3 sessions since." in phone.get(url).content.decode()
    for week in range(3, 6):  # the sixth is today's
        session(club, change_day + timedelta(weeks=week), members)
    for url in (home, detail):
        page = phone.get(url).content.decode()
        assert "Since we moved to Thursday, 14 come on average, up from 9." in page


def test_no_sentence_for_a_club_without_registers(world):
    club, coach = world.club, world.coach
    member = factories.make_participant(club)
    idea = coach_helpers.adopted(club, coach, title="Thursdays please", author=member)
    services.change_record(
        aspect=coach_helpers.aspect(club, "day"),
        by=coach,
        new_value="Thursday",
        effective_date=timezone.localdate(),
        proposals=[idea],
    )
    page = phone_of(member).get(reverse("feedback:member-home", args=[club.slug])).content
    assert b"Thursday, because you asked" in page
    assert b"change-outcome" not in page
    assert b"Too early" not in page


def test_the_club_record_shows_attendance_after_the_change_and_still_running(moved, client_as):
    club, members, idea, change_day = moved
    for week in range(6):
        session(club, change_day + timedelta(weeks=week), members)
    club.funding_end = change_day + timedelta(weeks=1)
    club.save(update_fields=["funding_end"])
    url = reverse("feedback:club-record", kwargs={"slug": club.slug})
    page = client_as("coach").get(url, {"start": "", "end": ""}).content.decode()
    assert "Since we moved to Thursday, 14 come on average, up from 9." in page
    # Sessions run from one week after funding ended to today: four weeks.
    assert "Still running 4 weeks after funding." in page
    assert reverse("feedback:club-outcomes", kwargs={"slug": club.slug}) in page
