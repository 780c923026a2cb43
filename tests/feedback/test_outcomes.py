"""Outcome measures from the registers (#15): hand-computed tables at the period edges."""

from datetime import date, timedelta

import pytest

from feedback import outcomes, services
from tests import factories
from tests.feedback import coach_helpers
from tests.feedback.outcome_helpers import CANCELLED, NO_REGISTER, RUN, session

pytestmark = pytest.mark.django_db

# A club whose members asked to move from Monday to Thursday; the change took effect on
# Thursday 5 March 2026. (day, members ticked, drop-ins, how)
HISTORY = [
    (date(2026, 1, 5), 2, 0, RUN),  # 7th run before the change: outside the six
    (date(2026, 1, 12), 9, 9, CANCELLED),  # ticks on a cancelled session never count
    (date(2026, 1, 19), 4, 2, RUN),  # 6
    (date(2026, 1, 26), 6, 2, RUN),  # 8
    (date(2026, 2, 2), 8, 0, NO_REGISTER),  # no register taken: not run
    (date(2026, 2, 9), 7, 3, RUN),  # 10
    (date(2026, 2, 16), 5, 4, RUN),  # 9
    (date(2026, 2, 23), 8, 1, RUN),  # 9
    (date(2026, 3, 2), 9, 3, RUN),  # 12: the last Monday, before the change
    (date(2026, 3, 5), 10, 2, RUN),  # 12: the change's own day counts as after
    (date(2026, 3, 12), 12, 2, RUN),  # 14
    (date(2026, 3, 19), 14, 0, CANCELLED),
    (date(2026, 3, 26), 11, 4, RUN),  # 15
    (date(2026, 4, 2), 13, 1, RUN),  # 14
    (date(2026, 4, 9), 12, 3, RUN),  # 15
    (date(2026, 4, 16), 10, 4, RUN),  # 14: the sixth after
    (date(2026, 4, 23), 15, 5, RUN),  # 20: seventh after, outside the six
]
# Worked by hand from the table above:
#   before = 6, 8, 10, 9, 9, 12 -> 54 / 6 = 9
#   after  = 12, 14, 15, 14, 15, 14 -> 84 / 6 = 14
BEFORE = [6, 8, 10, 9, 9, 12]
AFTER = [12, 14, 15, 14, 15, 14]


@pytest.fixture
def moved(world):
    club, coach = world.club, world.coach
    members = [factories.make_participant(club) for _ in range(15)]
    for day, ticked, drop_ins, how in HISTORY:
        session(club, day, members[:ticked], drop_ins, how)
    idea = coach_helpers.adopted(club, coach, title="Thursdays please")
    day = coach_helpers.aspect(club, "day")
    services.change_record(
        aspect=day,
        by=coach,
        new_value="Thursday",
        effective_date=date(2026, 3, 5),
        proposals=[idea],
    )
    # A change the coach made on their own is not a change "because you asked".
    club_services_update(club, coach)
    return club, idea


def club_services_update(club, coach):
    from clubs import services as club_services

    club_services.aspect_update(
        aspect=coach_helpers.aspect(club, "duration"),
        by=coach,
        value="90 minutes",
        effective_date=date(2026, 2, 1),
    )


def test_before_and_after_equal_the_hand_computed_table(moved):
    club, idea = moved
    result = outcomes.for_club(club, as_of=date(2026, 5, 1))
    (effect,) = result.changes
    assert effect.before == BEFORE
    assert effect.after == AFTER
    assert (effect.before_average, effect.after_average, effect.difference) == (9.0, 14.0, 5.0)
    assert effect.proposals == [(idea.pk, "Thursdays please")]
    assert effect.sentence == "Since we moved to Thursday, 14 come on average, up from 9."


def test_too_early_to_tell_until_six_sessions_after(moved):
    club, _ = moved
    # By 2 April: 5 Mar, 12 Mar, 26 Mar, 2 Apr run since (19 Mar cancelled).
    (effect,) = outcomes.for_club(club, as_of=date(2026, 4, 2)).changes
    assert effect.after == [12, 14, 15, 14]
    assert not effect.measured
    assert effect.after_average is None
    assert effect.sentence == "Too early to tell: 4 sessions since."
    (effect,) = outcomes.for_club(club, as_of=date(2026, 3, 5)).changes
    assert effect.sentence == "Too early to tell: 1 session since."
    (effect,) = outcomes.for_club(club, as_of=date(2026, 3, 4)).changes
    assert effect.sentence == "Not made yet: from 5 March 2026."


def test_sessions_run_and_attendance_per_session(moved):
    club, _ = moved
    result = outcomes.for_club(club, as_of=date(2026, 5, 1))
    run = [(s.date, s.attendance) for s in result.sessions]
    expected = [(day, n + d) for day, n, d, how in HISTORY if how == RUN]
    assert run == expected
    assert result.sessions_run == 14
    # Drop-ins are attendance, never members: 15 members were ever ticked on a run session.
    assert result.members_seen == 15
    assert result.average_attendance == round(sum(n for _, n in expected) / 14, 1)


def test_attendance_fell_says_down(moved):
    club, _ = moved
    effect = outcomes.ChangeEffect(
        pk=1,
        club_id=club.pk,
        aspect_kind="activity",
        aspect_name="Activity",
        old_value="",
        new_value="netball",
        effective_date=date(2026, 3, 5),
        before=[10] * 6,
        after=[7] * 6,
    )
    assert effect.sentence == "Since we switched to netball, 7 come on average, down from 10."
    effect.after = [1] * 6
    assert effect.sentence == "Since we switched to netball, 1 comes on average, down from 10."
    effect.after = [10] * 6
    assert (
        effect.sentence == "Since we switched to netball, 10 come on average, the same as before."
    )
    effect.aspect_kind, effect.aspect_name = "kit", "Kit"
    assert effect.sentence.startswith("Since the kit changed to netball,")


def test_regulars_at_the_edges(world):
    """Regulars: at least 3 of the club's last 6 sessions run as of the date."""
    club = world.club
    a, b, c, d = (factories.make_participant(club) for _ in range(4))
    plan = {
        date(2026, 1, 5): ([b], RUN),
        date(2026, 1, 12): ([a, b], RUN),
        date(2026, 1, 19): ([d], RUN),
        date(2026, 1, 26): ([c, d], RUN),
        date(2026, 2, 2): ([a, d], RUN),
        date(2026, 2, 9): ([b, c, d], RUN),
        date(2026, 2, 16): ([], NO_REGISTER),
        date(2026, 2, 23): ([c], CANCELLED),
        date(2026, 3, 2): ([a], RUN),
    }
    for day, (members, how) in plan.items():
        session(club, day, members, drop_ins=5, how=how)
    # Run as of 2 March: 5, 12, 19, 26 Jan, 2, 9 Feb, 2 Mar; the last six from 12 Jan.
    # a: 12 Jan, 2 Feb, 2 Mar = exactly 3 -> regular. b: 12 Jan, 9 Feb = 2 (5 Jan is
    # seventh) -> not. c: 26 Jan, 9 Feb (+ the cancelled 23 Feb) = 2 -> not. d: 4 -> regular.
    result = outcomes.for_club(club, as_of=date(2026, 3, 2))
    assert result.regulars == 2
    assert result.members_seen == 4  # 5 drop-ins a session, none of them a member
    # As of 9 February the last six are 5 Jan to 9 Feb: b has 3, a has 2, d has 4.
    assert outcomes.for_club(club, as_of=date(2026, 2, 9)).regulars == 2
    # As of 8 February (before the 9th's session): a has 2, b 2, d 3 -> one.
    assert outcomes.for_club(club, as_of=date(2026, 2, 8)).regulars == 1


def test_retention_at_the_edges(world):
    club = world.club
    d, e, f, g, h = (factories.make_participant(club) for _ in range(5))
    plan = {
        date(2026, 1, 5): ([f, g], RUN),
        date(2026, 1, 12): ([h], CANCELLED),  # h's first session is not this one
        date(2026, 1, 19): ([d, h], RUN),
        date(2026, 1, 20): ([e], RUN),  # a one-off
        date(2026, 1, 26): ([], RUN),
        date(2026, 2, 2): ([f], RUN),  # f: exactly 4 weeks on, the window's open start
        date(2026, 2, 9): ([g], RUN),  # g: 5 weeks on, inside (2 Feb, 16 Feb]
        date(2026, 2, 16): ([], RUN),
        date(2026, 2, 23): ([], RUN),
        date(2026, 3, 2): ([d, e, h], RUN),
    }
    for day, (members, how) in plan.items():
        session(club, day, members, drop_ins=3, how=how, one_off=day.weekday() != 0)
    result = outcomes.for_club(club, as_of=date(2026, 3, 2))
    # 6 weeks: d (first 19 Jan, exactly 6 weeks ago; came 2 Mar) counted and still;
    # e (first 20 Jan, 6 weeks less a day) not counted; f counted, not still (2 Feb is the
    # window's excluded start); g counted and still; h's first is 19 Jan (the cancelled
    # 12 Jan does not count) and came 2 Mar: still.
    assert result.retention[6] == (3, 4)
    assert result.retention_pct(6) == 75.0
    assert result.retention[12] == (0, 0)
    assert result.retention_pct(12) is None
    # 12 weeks, as of 30 March: f and g (first 5 Jan) counted; neither came after 16 Mar.
    assert outcomes.for_club(club, as_of=date(2026, 3, 30)).retention[12] == (0, 2)


def test_sustainability_after_funding(world):
    club = world.club
    club.funding_end = date(2026, 3, 1)
    club.save(update_fields=["funding_end"])
    session(club, date(2026, 2, 23), [], drop_ins=4)
    assert outcomes.for_club(club, as_of=date(2026, 5, 1)).sustainability == ""
    session(club, date(2026, 3, 2), [], drop_ins=4)
    assert outcomes.for_club(club, as_of=date(2026, 5, 1)).sustainability == (
        "Still running after funding: 1 session since it ended"
    )
    session(club, date(2026, 4, 13), [], drop_ins=4)
    session(club, date(2026, 4, 20), [], drop_ins=4, how=CANCELLED)
    # 1 March to 13 April: 43 days, 6 whole weeks; the cancelled 20 April is not run.
    assert outcomes.for_club(club, as_of=date(2026, 5, 1)).sustainability == (
        "Still running 6 weeks after funding"
    )


def _fill(world, n):
    for club in (world.club, world.sibling):
        members = [factories.make_participant(club) for _ in range(n)]
        for week in range(n):
            day = date(2026, 1, 5) + timedelta(weeks=week)
            session(club, day, members[: week + 1], drop_ins=week)
        idea = coach_helpers.adopted(club, world.lead, title=f"Idea {club.pk}")
        services.change_record(
            aspect=coach_helpers.aspect(club, "day"),
            by=world.lead,
            new_value="Friday",
            effective_date=date(2026, 1, 19),
            proposals=[idea],
        )


@pytest.mark.parametrize("n", [3, 8])
def test_queries_constant_with_data_size(world, n, django_assert_num_queries):
    _fill(world, n)
    # Sessions run, members' retention, regulars, changes, activity: aggregates, no row per
    # attendance.
    with django_assert_num_queries(5):
        result = outcomes.compute([world.club, world.sibling], as_of=date(2026, 6, 1))
    assert result[world.club.pk].sessions_run == n
    assert len(result[world.club.pk].changes) == 1
