"""The registers' two indicators (#15): Engagement after changes and Keeps coming."""

import json
from datetime import date, timedelta
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse

from feedback import indicators, services
from feedback.indicators import AMBER, GREEN, NONE, RED, Window
from tests import factories
from tests.feedback import coach_helpers
from tests.feedback.outcome_helpers import session
from tests.feedback.test_dashboards import _csv_rows

pytestmark = pytest.mark.django_db

END = date(2026, 6, 30)
ENGAGEMENT, KEEPS = "engagement_after_changes", "keeps_coming"


def judge(club):
    return indicators.for_club(club, Window.make(end=END))


def change(world, club, day, value):
    idea = coach_helpers.adopted(club, world.coach, title=f"Move to {value}")
    services.change_record(
        aspect=coach_helpers.aspect(club, "day"),
        by=world.coach,
        new_value=value,
        effective_date=day,
        proposals=[idea],
    )
    return idea


def weekly(club, start, counts):
    for week, n in enumerate(counts):
        session(club, start + timedelta(weeks=week), [], drop_ins=n)


def test_no_change_measured_is_not_enough_data(world):
    club = world.club
    weekly(club, date(2026, 5, 4), [10] * 6)
    change(world, club, date(2026, 6, 1), "Thursday")  # 5 sessions after by 30 June
    ind = judge(club).indicators[ENGAGEMENT]
    assert ind.status == NONE
    assert ind.display == ""
    assert "Too early to tell for 1 other change" in ind.explanation


def test_engagement_green_when_up_red_when_down_amber_when_one_fell(world):
    club = world.club
    # Before the first change (2 Mar): 8 a session; after it: 12; after the second (13 Apr): 10.
    weekly(club, date(2026, 1, 19), [8] * 6)
    weekly(club, date(2026, 3, 2), [12] * 6)
    weekly(club, date(2026, 4, 13), [10] * 6)
    up = change(world, club, date(2026, 3, 2), "Thursday")
    ind = judge(club).indicators[ENGAGEMENT]
    assert (ind.status, ind.value, ind.display) == (GREEN, 4.0, "+4.0 a session")
    assert ind.evidence == [up.pk]
    assert ind.more_url == reverse("feedback:club-outcomes", kwargs={"slug": club.slug})
    # A second change after which attendance fell from 12 to 10: overall still up (+1).
    down = change(world, club, date(2026, 4, 13), "Friday")
    ind = judge(club).indicators[ENGAGEMENT]
    assert (ind.status, ind.value) == (AMBER, 1.0)
    assert ind.evidence == [down.pk]


def test_engagement_red_when_attendance_fell(world):
    club = world.club
    weekly(club, date(2026, 3, 2), [12] * 6)
    weekly(club, date(2026, 4, 13), [7] * 6)
    idea = change(world, club, date(2026, 4, 13), "Friday")
    ind = judge(club).indicators[ENGAGEMENT]
    assert (ind.status, ind.value) == (RED, -5.0)
    assert ind.evidence == [idea.pk]
    assert "7.0 came on average after against 12.0 before" in ind.explanation


@pytest.mark.parametrize(
    ("still", "counted", "status"),
    [(3, 4, NONE), (3, 5, GREEN), (6, 10, GREEN), (5, 10, AMBER), (4, 10, AMBER), (3, 10, RED)],
)
def test_keeps_coming_thresholds(world, still, counted, status):
    """Amber under 60%, red under 40% (strictly); fewer than 5 members counted: no colour."""
    club = world.club
    members = [factories.make_participant(club) for _ in range(counted)]
    session(club, date(2026, 3, 2), members)
    session(club, date(2026, 4, 13), members[:still])  # 6 weeks on: still coming
    ind = judge(club).indicators[KEEPS]
    assert ind.status == status
    assert ind.records == counted
    if status != NONE:
        assert ind.display == f"{round(100 * still / counted)}% ({still} of {counted})"
    assert "Amber under 60%, red under 40%" in ind.rule


def test_both_on_every_dashboard_csv_and_command(world, client_as):
    with time_machine.travel(date(2026, 6, 30), tick=False):
        weekly(world.club, date(2026, 1, 19), [8] * 6)
        weekly(world.club, date(2026, 3, 2), [12] * 6)
        change(world, world.club, date(2026, 3, 2), "Thursday")
        pages = {
            "club": client_as("coach").get(
                reverse("feedback:club-indicators", args=[world.club.slug])
            ),
            "partner": client_as("lead").get(
                reverse("feedback:partner-dashboard", args=[world.club.partner_id])
            ),
            "county": client_as("staff").get(reverse("feedback:county-dashboard")),
            "help": client_as("staff").get(reverse("feedback:placement-help")),
        }
        rows = _csv_rows(client_as("staff").get(reverse("feedback:county-export")))
        out = StringIO()
        call_command("indicators", "--club", world.club.slug, stdout=out)
    for name, response in pages.items():
        body = response.content.decode()
        assert "Engagement after changes" in body, name
        assert "Keeps coming" in body, name
    club_page = pages["club"].content.decode()
    assert "+4.0 a session" in club_page
    assert "The registers behind it: the club's outcomes" in club_page
    assert "Neither moves a club on Hart's ladder" in pages["help"].content.decode()
    row = next(r for r in rows if r["slug"] == world.club.slug)
    assert row[f"{ENGAGEMENT}_status"] == "Green"
    assert row[f"{ENGAGEMENT}_value"] == "4.0"
    assert f"{KEEPS}_status" in row
    data = json.loads(out.getvalue())[0]["indicators"]
    assert data[ENGAGEMENT]["status"] == GREEN
    assert data[KEEPS]["status"] == NONE


def test_still_running_after_funding_on_the_dashboards_club_row(world, client_as):
    club = world.club
    club.funding_end = date(2026, 5, 1)
    club.save(update_fields=["funding_end"])
    weekly(club, date(2026, 4, 20), [6] * 8)  # to 8 June: 38 days after the funding end
    with time_machine.travel(date(2026, 6, 30), tick=False):
        page = client_as("lead").get(reverse("feedback:partner-dashboard", args=[club.partner_id]))
    assert "Still running 5 weeks after funding" in page.content.decode()
    assert judge(club).sustainability == "Still running 5 weeks after funding"
