"""Reminder emails to coaches: two days before an acknowledgement, a decision or a
promised change falls due, and a Monday digest they can turn off."""

from datetime import date, datetime, timedelta

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from feedback import indicators, services
from feedback.models import Outcome
from feedback.reminders import reminders_send
from tests import factories

pytestmark = pytest.mark.django_db

TZ = timezone.get_current_timezone()
SENT_ON = datetime(2026, 3, 4, 18, 0, tzinfo=TZ)  # a Wednesday


def at(day: date, hour: int = 7):
    return time_machine.travel(datetime(day.year, day.month, day.day, hour, tzinfo=TZ), tick=False)


def run_on(day: date) -> list:
    """Runs the daily job on `day` and returns the emails it sent."""
    before = len(mail.outbox)
    with at(day):
        call_command("send_reminders", stdout=open("/dev/null", "w"))  # noqa: SIM115
    return mail.outbox[before:]


@pytest.fixture
def published(world):
    with time_machine.travel(SENT_ON, tick=False):
        member = factories.make_participant(world.club)
        return factories.make_published(member, world.coach, title="Later start on Fridays")


def test_an_acknowledgement_reminder_comes_two_days_before_it_is_due_and_only_then(
    world, published
):
    due = SENT_ON.date() + timedelta(days=7)
    for day in (due - timedelta(days=4), due - timedelta(days=3)):
        assert [m for m in run_on(day) if "due in two days" in m.subject] == []
    [email] = [m for m in run_on(due - timedelta(days=2)) if "due in two days" in m.subject]
    assert email.to == [world.coach.email]
    assert "Acknowledge: \u201cLater start on Fridays\u201d (Riverside Football)" in email.body
    assert f"on {due:%A %-d %B}" in email.body
    assert email.body.count("http") == 1
    assert reverse("feedback:needs-you") in email.body
    assert run_on(due - timedelta(days=2)) == []  # the job run twice the same day
    assert [m for m in run_on(due - timedelta(days=1)) if "due in two days" in m.subject] == []


def test_decision_and_promised_change_reminders(world, published):
    with time_machine.travel(SENT_ON + timedelta(days=1), tick=False):
        services.proposal_acknowledge(
            proposal=published,
            by=world.coach,
            decider="coach",
            decide_by=SENT_ON.date() + timedelta(days=10),
        )
    decide_due = SENT_ON.date() + timedelta(days=10)
    [email] = [m for m in run_on(decide_due - timedelta(days=2)) if "two days" in m.subject]
    assert "Decide: \u201cLater start on Fridays\u201d" in email.body
    promised = SENT_ON.date() + timedelta(days=20)
    with time_machine.travel(SENT_ON + timedelta(days=9), tick=False):
        services.proposal_decide(
            proposal=published,
            by=world.coach,
            outcome=Outcome.ADOPTED,
            answer="Yes, from next month.",
            promised_by=promised,
        )
    [email] = [m for m in run_on(promised - timedelta(days=2)) if "two days" in m.subject]
    assert "Make the promised change: \u201cLater start on Fridays\u201d" in email.body


def test_the_monday_digest_and_turning_it_off(world, published, client):
    monday = date(2026, 3, 9)
    assert monday.weekday() == 0
    digests = [m for m in run_on(monday) if "this week" in m.subject]
    assert [m.to for m in digests] == [[world.coach.email]]
    assert "- Ideas to acknowledge: 1" in digests[0].body
    assert [m for m in run_on(monday + timedelta(days=1)) if "this week" in m.subject] == []

    client.force_login(world.coach)
    assert "Stop the Monday email" in client.get(reverse("feedback:needs-you")).content.decode()
    response = client.post(reverse("feedback:weekly-digest"), {"weekly_digest": "off"})
    assert response.status_code == 302
    world.coach.refresh_from_db()
    assert world.coach.weekly_digest is False
    assert [m for m in run_on(monday + timedelta(days=7)) if "this week" in m.subject] == []
    client.post(reverse("feedback:weekly-digest"), {"weekly_digest": "on"})
    assert [m for m in run_on(monday + timedelta(days=14)) if "this week" in m.subject]


def test_no_digest_when_nothing_waits_and_staff_have_no_weekly_email(world, client):
    assert run_on(date(2026, 3, 9)) == []
    client.force_login(world.staff)
    response = client.post(reverse("feedback:weekly-digest"), {"weekly_digest": "off"})
    assert response.status_code == 403


def test_leads_hear_on_mondays_which_clubs_show_red_and_can_turn_it_off(world, client):
    """A published idea never acknowledged for weeks turns a club's indicators red."""
    with time_machine.travel(datetime(2026, 1, 5, 18, tzinfo=TZ), tick=False):
        for i in range(6):
            member = factories.make_participant(world.club)
            factories.make_published(member, world.coach, title=f"Idea {i}")
    monday = date(2026, 3, 9)
    with at(monday):
        result = indicators.for_club(world.club, indicators.Window.make(end=monday))
    red = [i.short_name for i in result if i.status == indicators.RED]
    assert red, "the set-up should make at least one indicator red"
    summaries = [m for m in run_on(monday) if "red indicators" in m.subject]
    assert [m.to for m in summaries] == [[world.lead.email]]
    assert f"- Riverside Football ({world.club.partner.name}): {', '.join(red)}" in (
        summaries[0].body
    )
    assert reverse("feedback:partner-dashboard", args=[world.club.partner_id]) in summaries[0].body
    assert summaries[0].body.count("http") == 1
    assert [m for m in run_on(monday + timedelta(days=1)) if "red indicators" in m.subject] == []
    client.force_login(world.lead)
    client.post(reverse("feedback:weekly-digest"), {"weekly_digest": "off"})
    assert [m for m in run_on(monday + timedelta(days=7)) if "red indicators" in m.subject] == []


def test_reminders_send_counts_what_it_sent(world, published):
    with at(date(2026, 3, 9)):
        sent = reminders_send(today=date(2026, 3, 9))
    assert sent == {"due_soon": 1, "digest": 1, "red": 0}
