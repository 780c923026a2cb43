"""The bench's synthetic dataset is consistent, and the bench command keeps to its own db."""

import itertools
from collections import Counter

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.db.models import Count, F, Min, Q

from bench import report
from bench.pages import PAGES_BY_NAME
from bench.report import percentile
from bench.seed import Scale, recovery_phrase, seed
from clubs.models import HOME_COUNTY, AspectChange, Club, District, Partner, User
from feedback import models as feedback_models
from feedback.models import (
    CHANGE_OUTCOMES,
    Decision,
    Participant,
    Proposal,
    ProposalEvent,
    State,
    Support,
)
from feedback.words import phrase_hash

SCALE = Scale(
    "check", 14, partners=3, clubs=9, participants=180, proposals=400, supports=2_500,
    decisions=260, changes=300, rounds_per_club=3,
)  # fmt: skip


@pytest.fixture
def seeded(db):
    return seed(SCALE, prefix="check")


def test_seeding_writes_the_sizes_asked_for(seeded):
    assert Partner.objects.count() == 3
    assert Club.objects.count() == 9
    assert Participant.objects.count() == 180
    assert Proposal.objects.count() == 400
    assert Decision.objects.count() == 260
    assert AspectChange.objects.count() == 300
    # Supports aim at the total; each idea's share is random.
    assert 1_800 <= Support.objects.count() <= 3_200
    assert User.objects.filter(is_county_staff=True).count() == 1


def test_seeded_rows_pass_the_database_constraints(seeded):
    # Foreign keys are deferred: check them now, as a commit would.
    connection.check_constraints()


def test_denormalised_fields_agree_with_the_rows_behind_them(seeded):
    mismatched = Proposal.objects.annotate(n=Count("supports")).exclude(support_count=F("n"))
    assert not mismatched.exists()
    decided = Proposal.objects.filter(state__in=[State.DECIDED, State.DONE])
    assert decided.count() == Decision.objects.count()
    for proposal in decided.prefetch_related("decisions"):
        (decision,) = proposal.decisions.all()
        assert decision.outcome == proposal.outcome
        assert decision.decided_at == proposal.decided_at == proposal.first_decided_at
        assert decision.club_id == proposal.club_id
        assert decision.supports_at_decision == proposal.support_count
    assert not Proposal.objects.filter(state=State.DONE, done_at__isnull=True).exists()
    undecided = Proposal.objects.exclude(state__in=[State.DECIDED, State.DONE])
    assert not undecided.filter(first_decided_at__isnull=False).exists()
    assert not Proposal.objects.filter(
        Q(published_at__isnull=True), state__in=[State.PUBLISHED, State.ACKNOWLEDGED]
    ).exists()


def test_register_counts_agree_with_the_attendance_rows(seeded):
    """Each session's members_count and each member's first session run, as register_save
    keeps them."""
    from feedback import rules
    from feedback.models import Attendance, Session

    assert Session.objects.filter(members_count__gt=0).exists()
    counted = Session.objects.annotate(n=Count("attendances")).exclude(members_count=F("n"))
    assert not counted.exists()
    firsts = dict(
        Attendance.objects.filter(rules.session_run("session__"))
        .values("participant_id")
        .annotate(first=Min("session__date"))
        .values_list("participant_id", "first")
    )
    assert firsts
    assert dict(Participant.objects.values_list("pk", "first_session_on")) == {
        pk: firsts.get(pk) for pk in Participant.objects.values_list("pk", flat=True)
    }


def test_members_answer_the_activity_check_from_joining_every_ten_weeks(seeded):
    """Half the members answer when they join and every ACTIVITY_CHECK_WEEKS weeks after;
    paused members do not; each answer is 0-7 days or "rather not say"."""
    from datetime import timedelta

    from django.conf import settings

    from feedback.models import ActivityAnswer

    answers = list(ActivityAnswer.objects.select_related("participant"))
    assert answers
    assert any(a.days is None for a in answers)
    every = timedelta(weeks=settings.COPRODUCE_OUTCOMES["ACTIVITY_CHECK_WEEKS"])
    for answer in answers:
        member = answer.participant
        assert not member.is_blocked
        assert answer.days is None or 0 <= answer.days <= 7
        assert (answer.answered_at - member.joined_at) % every == timedelta(0)
    answered = {a.participant_id for a in answers}
    assert 0.3 < len(answered) / Participant.objects.filter(is_blocked=False).count() < 0.7


def test_every_proposal_has_an_event_for_each_step_ending_in_its_state(seeded):
    for proposal in Proposal.objects.prefetch_related("events"):
        events = list(proposal.events.all())
        assert events[0].kind == ProposalEvent.Kind.SUBMITTED
        steps = [e for e in events if e.from_state != e.to_state or e.from_state == ""]
        for before, after in itertools.pairwise(steps):
            assert before.to_state == after.from_state, proposal.pk
            assert before.at <= after.at, proposal.pk
        assert steps[-1].to_state == proposal.state, proposal.pk


def test_done_proposals_are_linked_to_the_change_they_caused(seeded):
    done = Proposal.objects.filter(state=State.DONE)
    assert done.exists()
    assert done.filter(outcome__in=CHANGE_OUTCOMES).count() == done.count()
    assert not done.filter(changes__isnull=True).exists()
    for change in AspectChange.objects.filter(proposals__isnull=False).distinct()[:50]:
        assert change.old_value != change.new_value


def test_aspects_hold_the_value_of_their_latest_change(seeded):
    for club in Club.objects.prefetch_related("aspects__changes")[:3]:
        for aspect in club.aspects.all():
            latest = max(aspect.changes.all(), key=lambda c: (c.recorded_at, c.pk))
            assert (aspect.value, aspect.status) == (latest.new_value, latest.new_status)


def test_recovery_phrases_find_their_participant(seeded):
    participant = Participant.objects.order_by("pk")[5]
    assert participant.recovery_hash == phrase_hash(
        recovery_phrase(participant.pk), club_id=participant.club_id
    )
    phrases = {recovery_phrase(pk) for pk in range(1, 5_000)}
    assert len(phrases) == 4_999


def test_seeding_twice_adds_a_second_independent_dataset(seeded):
    seed(SCALE, prefix="again")
    assert Club.objects.count() == 18
    assert Club.objects.filter(slug__startswith="again-club-").count() == 9


@pytest.mark.parametrize(
    "name",
    [
        "coproduce",
        "postgres",
        "coproduce_ci_1",
        "coproduce_bench_x; drop table",
        "Coproduce_bench_a",
    ],
)
def test_the_bench_refuses_any_database_not_named_coproduce_bench(name):
    with pytest.raises(CommandError, match="only touches databases named coproduce_bench_"):
        call_command("bench", "--scale", "tiny", "--db-name", name)


def test_percentiles_are_nearest_rank():
    times = [float(n) for n in range(1, 101)]
    assert percentile(times, 50) == 50
    assert percentile(times, 95) == 95
    assert percentile(times, 99) == 99
    assert percentile([7.0], 99) == 7
    assert percentile([], 50) is None


def test_targets_say_which_are_met_and_by_how_much_they_are_missed():
    pages = {
        "floor": {"p50_ms": 2},
        "young_club_page": {"p95_ms": 50, "ratio_to_floor_median": 4.5},
        "county_dashboard": {"p95_ms": 420, "ratio_to_floor_median": 25},
        "coach_club_page": {"queries_per_request": 14},
        "national_dashboard": {"p95_ms": 650},
    }
    checks = {c["target"]: c for c in report.targets("county", pages, None)}
    national = {c["target"]: c for c in report.targets("national", pages, None)}
    assert checks["young_club_page p95"]["met"] is True
    assert checks["young_club_page median / floor median"]["met"] is False
    assert checks["young_club_page median / floor median"]["over_by"] == 1.5
    assert checks["county_dashboard p95"]["over_by"] == 320
    assert checks["county_dashboard median / floor median"]["over_by"] == 15
    assert checks["coach_club_page queries per request"]["over_by"] == 2
    # All counties' dashboard: a target at national scale only.
    assert "national_dashboard p95" not in checks
    assert national["national_dashboard p95"]["over_by"] == 150
    assert checks["propose p95"]["met"] is None  # not measured


def test_a_ratio_target_is_judged_by_the_floor_measured_beside_the_page():
    """The run's floor (measured first) and the floor beside the page (just before and
    after it) both reported; the target judged by the one beside; its failures count."""
    plan_pages = [
        {**PAGES_BY_NAME[name].as_dict(), "available": True, "paths": ["/"]}
        for name in ("floor", "register", "needs_you")
    ]
    assert [p["floor_beside"] for p in plan_pages] == [False, True, False]
    beside = {"requests": 900, "failures": 1, "p50_ms": 4.0}
    load = {
        "phases": {
            "floor": {"p50_ms": 2.0, "failures": 0},
            "register": {"p50_ms": 18.0, "failures": 0, "floor_beside": beside},
            "needs_you": {"p50_ms": 9.0, "failures": 0},
        }
    }
    pages = report.pages_report(plan_pages, load)
    assert pages["register"]["ratio_to_floor_median"] == 9.0
    assert pages["register"]["ratio_to_floor_beside"] == 4.5
    assert pages["register"]["failures"] == 1  # a failed floor request beside it fails the run
    assert "ratio_to_floor_beside" not in pages["needs_you"]
    checks = {c["target"]: c for c in report.targets("county", pages, None)}
    assert checks["register median / floor median"]["measured"] == 4.5
    assert checks["register median / floor median"]["met"] is True
    assert "| 4.0 | 4.5x |" in report.markdown(
        {
            "scale": "county",
            "machine": {"cores": 2, "memory_mb": 1, "cpu": "x"},
            "software": {},
            "run": {"users_per_page": 2, "seconds_per_page": 15, "gunicorn_workers": 5},
            "pages": pages,
            "targets": list(checks.values()),
        }
    )


def test_after_seeding_the_app_creates_rows_with_fresh_ids(seeded):
    # Seeding gives explicit ids; the sequences must have moved past them.
    club = Club.objects.order_by("pk").first()
    new = Club.objects.create(
        partner=club.partner,
        name="After the seed",
        slug="after-the-seed",
        activity="Football",
        venue_name="Hall",
        district=club.district,
        funding_start=club.funding_start,
        funding_end=club.funding_end,
    )
    assert new.pk > Club.objects.exclude(pk=new.pk).order_by("-pk").first().pk
    event = ProposalEvent.objects.create(
        proposal=Proposal.objects.first(), kind="listened", to_state="decided"
    )
    assert event.pk > 0


def test_the_bulk_writer_keeps_awkward_text_and_empty_values_apart_from_null(seeded):
    from datetime import UTC, datetime

    from bench.seed import Writer
    from feedback.models import Learning

    club = Club.objects.order_by("pk").first()
    awkward = "tab\there\nnew line\\back slash \\N and \u2019quotes\u2019"
    Writer(datetime.now(UTC)).write(
        Learning,
        ["id", "club_id", "getting", "learning", "recorded_at"],
        [(900_001, club.pk, awkward, "", datetime(2026, 1, 2, 3, 4, tzinfo=UTC))],
    )
    note = Learning.objects.get(pk=900_001)
    assert note.getting == awkward
    assert note.learning == ""
    assert note.acting == ""  # a default
    assert note.round_id is None


def test_districts_beyond_the_county_form_counties_of_fourteen(db):
    seed(
        Scale("counties", 30, partners=2, clubs=6, participants=30, proposals=20, supports=20,
              decisions=5, changes=10, rounds_per_club=1, days=60),
        prefix="counties",
    )  # fmt: skip
    counties = Counter(District.objects.values_list("county", flat=True))
    assert counties == {HOME_COUNTY: 14, "Synthetic county 1": 14, "Synthetic county 2": 2}


def test_members_have_seen_the_news_before_their_last_visit(seeded):
    members = list(Participant.objects.order_by("pk")[:20])
    assert any(m.notices_seen_upto for m in members)
    for participant in members:
        before = feedback_models.ProposalEvent.objects.filter(
            proposal__club_id=participant.club_id, at__lte=participant.last_seen_at
        ).order_by("-pk")
        expected = before.first().pk if before.exists() else 0
        assert participant.notices_seen_upto == expected
