"""Numbers that reconcile: for any period and filter, the page's totals = the sum of its
trend rows = the CSV's columns = `manage.py indicators`, over random club histories
(reopen, merge, withdraw and delete-my-data included)."""

import csv
import io
import json
from dataclasses import dataclass
from datetime import timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clubs.models import Club, District
from feedback import indicators
from feedback import services as fs
from feedback.indicators import dashboards as dash
from feedback.indicators.core import TOTALS
from feedback.models import Outcome, Proposal, State
from tests import factories
from tests.feedback.test_indicators import NOW

FATES = [
    "unpublished",
    "published",
    "acknowledged",
    "adopted",
    "not_adopted",
    "deferred",
    "reopened",
    "decided_again",
    "withdrawn",
    "merged",
    "escalated",
]
REASON = "We asked the venue and the hall is booked by another group that evening."


@dataclass
class Idea:
    club: int
    author: int
    day: int  # days before NOW it was made
    fate: str
    delay: int  # days from one step to the next


ideas = st.lists(
    st.builds(
        Idea,
        club=st.integers(0, 1),
        author=st.integers(0, 3),
        day=st.integers(2, 330),
        fate=st.sampled_from(FATES),
        delay=st.integers(0, 40),
    ),
    max_size=14,
)
periods = st.tuples(st.integers(0, 360), st.integers(0, 400))  # (end days ago, length)


def at(days_ago: float):
    return time_machine.travel(NOW - timedelta(days=days_ago), tick=False)


def _history(clubs, stories: list[Idea], deleted: set[int]) -> None:
    coaches = [factories.make_coach(club) for club in clubs]
    with at(340):
        members = [[factories.make_participant(club) for _ in range(4)] for club in clubs]
    made: list[Proposal] = []
    for n, idea in enumerate(stories):
        coach, author = coaches[idea.club], members[idea.club][idea.author]
        day, step = idea.day + n / 100, max(idea.delay, 1) / 4
        with at(day):
            proposal = fs.proposal_submit(participant=author, title=f"Idea {n}")
        made.append(proposal)
        if idea.fate == "unpublished":
            continue
        if idea.fate == "escalated":
            with at(day - step):
                fs.proposal_escalate(proposal=proposal, by=coach)
            continue
        with at(day - step):
            proposal = fs.proposal_publish(proposal=proposal, by=coach)
        when = day - 2 * step
        if idea.fate == "published":
            continue
        if idea.fate == "withdrawn":
            with at(when):
                fs.proposal_withdraw(proposal=proposal, participant=author)
            continue
        if idea.fate == "acknowledged":
            with at(when):
                fs.proposal_acknowledge(
                    proposal=proposal,
                    by=coach,
                    decider="coach",
                    decide_by=(NOW - timedelta(days=when)).date() + timedelta(days=7),
                )
            continue
        target = next(
            (
                p
                for p in reversed(made[:-1])
                if p.club_id == proposal.club_id
                and Proposal.objects.filter(pk=p.pk, published_at__isnull=False)
                .exclude(state=State.ESCALATED)
                .exists()
            ),
            None,
        )
        outcome = {
            "not_adopted": Outcome.NOT_ADOPTED,
            "deferred": Outcome.DEFERRED,
            "merged": Outcome.DUPLICATE if target else Outcome.ADOPTED,
        }.get(idea.fate, Outcome.ADOPTED)
        with at(when):
            today = (NOW - timedelta(days=when)).date()
            fs.proposal_decide(
                proposal=proposal,
                by=coach,
                outcome=outcome,
                answer="Thanks, we talked it through.",
                reason=REASON if outcome == Outcome.NOT_ADOPTED else "",
                deferred_until=today + timedelta(days=30) if outcome == Outcome.DEFERRED else None,
                duplicate_of=target if outcome == Outcome.DUPLICATE else None,
                promised_by=today + timedelta(days=10) if outcome == Outcome.ADOPTED else None,
            )
        if idea.fate in ("reopened", "decided_again"):
            with at(when - step):
                proposal = fs.proposal_reopen(proposal=proposal, by=coach)
        if idea.fate == "decided_again":
            with at(when - 2 * step):
                fs.proposal_decide(
                    proposal=proposal,
                    by=coach,
                    outcome=Outcome.NOT_ADOPTED,
                    answer="Thanks, we talked it through.",
                    reason=REASON,
                )
    with at(1):
        for i in deleted:
            fs.participant_delete(participant=members[0][i])


def _check(staff, clubs, period: tuple[int, int], one_district: bool) -> None:
    end = (NOW - timedelta(days=period[0])).date()
    start = end - timedelta(days=period[1])
    query = {"start": start.isoformat(), "end": end.isoformat()}
    chosen = list(clubs)
    if one_district:
        query["district"] = clubs[0].district_id
        chosen = [clubs[0]]
    with time_machine.travel(NOW, tick=False):
        window = indicators.Window.make(start, end)
        results = indicators.compute(Club.objects.filter(pk__in=[c.pk for c in chosen]), window)
        totals = dash.totals(results)
        months = dash.monthly_trends([c.pk for c in chosen], window)
        client = Client()
        client.force_login(staff)
        response = client.get(reverse("feedback:county-export"), query)
        out = io.StringIO()
        call_command("indicators", start=start.isoformat(), end=end.isoformat(), stdout=out)
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert sorted(r["slug"] for r in rows) == sorted(c.slug for c in chosen)
    command = [c for c in json.loads(out.getvalue()) if c["club"] in {x.slug for x in chosen}]
    for key in TOTALS:
        from_csv = sum(int(r[key]) for r in rows)
        from_command = sum(c["totals"][key] for c in command)
        assert totals[key] == from_csv == from_command, key
        if key != "members":
            assert totals[key] == sum(getattr(m, key) for m in months), key
    # And one figure counted by hand: proposals made in the period, escalated left out.
    made = [
        p
        for p in Proposal.objects.filter(club__in=chosen)
        if start <= p.submitted_at.date() <= end and p.state != State.ESCALATED
    ]
    assert totals["proposals"] == len(made)


def _property(db, stories, period, deleted, one_district):
    districts = list(District.objects.order_by("ons_code")[:2])
    with transaction.atomic():
        clubs = [
            factories.ClubFactory(
                district=districts[i],
                funding_start=(NOW - timedelta(days=700)).date(),
            )
            for i in range(2)
        ]
        staff = factories.UserFactory(is_county_staff=True)
        _history(clubs, stories, deleted)
        _check(staff, clubs, period, one_district)
        transaction.set_rollback(True)


COMMON = {
    "deadline": None,
    "suppress_health_check": [HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    "derandomize": True,
}


@settings(max_examples=12, **COMMON)
@given(
    stories=ideas,
    period=periods,
    deleted=st.sets(st.integers(0, 3)),
    one_district=st.booleans(),
)
def test_totals_trend_csv_and_command_reconcile(db, stories, period, deleted, one_district):
    _property(db, stories, period, deleted, one_district)


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="the CI's PostgreSQL run")
@settings(max_examples=60, **COMMON)
@given(
    stories=ideas,
    period=periods,
    deleted=st.sets(st.integers(0, 3)),
    one_district=st.booleans(),
)
def test_totals_trend_csv_and_command_reconcile_on_postgresql(
    db, stories, period, deleted, one_district
):
    _property(db, stories, period, deleted, one_district)
