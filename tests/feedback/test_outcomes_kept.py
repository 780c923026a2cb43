"""A club's outcomes page reads its figures from the club's summary (`outcomes.for_club`),
as the dashboards read the indicators: what it reads is always what `compute` says now.
Every service write makes them stale in its own transaction, and so do time and a new day."""

from datetime import timedelta

import pytest
import time_machine

from clubs.models import Club
from feedback import outcomes
from feedback import services as fs
from feedback import sessions as fsess
from feedback.models import ClubSummary
from tests.feedback.outcome_helpers import session
from tests.feedback.test_indicators import NOW
from tests.feedback.test_summaries import WRITES, _club
from tests.feedback.test_summaries import now as now  # a fixture
from tests.feedback.test_summaries import three as three  # a fixture


def as_seen(result) -> tuple:
    """Everything the outcomes page shows of a result."""
    return (
        outcomes.dump(result),
        result.sustainability,
        [c.sentence for c in result.changes],
        result.retention_rows,
        result.average_attendance,
    )


def live(club):
    return outcomes.compute([club])[club.pk]


def as_the_page_reads(club):
    """The outcomes page's way: the club read with its summary, which is given to for_club."""
    club = outcomes.with_summary(Club.objects.all()).get(pk=club.pk)
    return outcomes.for_club(club, summary=outcomes.kept_summary(club))


def district_as_seen(club) -> tuple:
    figure = outcomes.district_activity(club.district_id, as_of=outcomes.timezone.localdate())
    return (figure.answered, figure.told, figure.days_total, figure.active_every_day)


def district_live(club) -> tuple:
    ids = Club.objects.filter(district_id=club.district_id).values("pk")
    day = outcomes.timezone.localdate()
    figure = outcomes._added_up(outcomes.activity_summaries(ids, as_of=day).values())
    return (figure.answered, figure.told, figure.days_total, figure.active_every_day)


def kept(club) -> bool:
    row = (
        ClubSummary.objects.filter(club=club)
        .values_list("version", "outcomes_version", "outcomes_at", "outcomes", named=True)
        .first()
    )
    return row is not None and outcomes._usable(row, outcomes.timezone.now())


def warm(club):
    """The first read makes the club's summary row, the second keeps the figures."""
    outcomes.for_club(club)
    outcomes.for_club(club)


def test_the_kept_figures_are_what_compute_gives(three, now):
    club = three[0]
    first = outcomes.for_club(club)
    assert not kept(club)  # the row is new: a write before it could not move its version
    second = outcomes.for_club(club)
    assert kept(club)
    third = outcomes.for_club(club)
    assert as_seen(first) == as_seen(second) == as_seen(third) == as_seen(live(club))
    assert third.judged_at == second.judged_at == NOW
    assert third.sessions  # a club with registers
    assert third.changes  # and a change


def test_the_summary_read_with_the_club_gives_what_reading_it_gives(
    three, now, django_assert_num_queries
):
    """A club with no summary yet, with stale figures and with kept ones: the page's way
    (the summary read with the club) gives what for_club's own read gives, one query less
    when they are kept."""
    club = three[0]
    ClubSummary.objects.filter(club=club).delete()
    assert as_seen(as_the_page_reads(club)) == as_seen(live(club))
    assert ClubSummary.objects.filter(club=club).exists()  # made, as for_club makes it
    assert not kept(club)
    assert as_seen(as_the_page_reads(club)) == as_seen(live(club))
    assert kept(club)
    read = outcomes.with_summary(Club.objects.all()).get(pk=club.pk)
    with django_assert_num_queries(0):
        given = outcomes.for_club(read, summary=outcomes.kept_summary(read))
    with django_assert_num_queries(1):
        itself = outcomes.for_club(club)
    assert given.kept_version == itself.kept_version is not None
    assert as_seen(given) == as_seen(itself) == as_seen(live(club))


OUTCOME_WRITES = {
    **WRITES,
    "activity answer": lambda c, coach, m, o: (
        None,
        lambda: fs.activity_answer_record(participant=m, days=5),
    ),
    "register corrected": lambda c, coach, m, o: (
        s := session(c, NOW.date() - timedelta(days=2), [m]),
        lambda: fsess.register_save(session=s, by=coach, participant_ids=[o.pk], drop_ins=0),
    ),
    "cancelled today": lambda c, coach, m, o: (
        s := session(c, NOW.date(), [m, o], drop_ins=2),
        lambda: fsess.session_cancel(session=s, by=coach, reason="The pitch is waterlogged."),
    ),
}


@pytest.mark.parametrize("name", list(OUTCOME_WRITES))
def test_every_write_makes_the_kept_outcomes_stale(three, now, name):
    club, coach, member, other = _club(three)
    _, write = OUTCOME_WRITES[name](club, coach, member, other)
    warm(club)
    warm(three[1])
    district_as_seen(club)
    district_as_seen(club)
    assert kept(club)
    write()
    assert not kept(club), f"{name} did not make the kept outcomes stale"
    assert kept(three[1])
    assert as_seen(as_the_page_reads(club)) == as_seen(live(club))
    assert as_seen(outcomes.for_club(club)) == as_seen(live(club))
    assert district_as_seen(club) == district_live(club)


def test_a_write_while_they_are_computed_leaves_them_stale(three, now, monkeypatch):
    club = three[0]
    warm(club)
    ClubSummary.objects.filter(club=club).update(outcomes_version=-1)
    real = outcomes.compute

    def compute_with_a_write_landing(*args, **kwargs):
        out = real(*args, **kwargs)
        ClubSummary.touch(club.pk)
        return out

    monkeypatch.setattr(outcomes, "compute", compute_with_a_write_landing)
    outcomes.for_club(club)
    assert not kept(club)


def test_old_figures_and_yesterdays_are_computed_again(three, now, settings):
    club = three[0]
    warm(club)
    now.shift(timedelta(minutes=settings.COPRODUCE_SUMMARY_MAX_AGE_MINUTES + 1))
    assert not kept(club)
    result = outcomes.for_club(club)
    assert result.judged_at == outcomes.timezone.now()
    assert kept(club)
    # Just after midnight a figure judged a minute ago is yesterday's: retention's cut-off
    # and the sessions run are counted up to the day.
    late = outcomes.timezone.localtime(NOW).replace(hour=23, minute=59)
    with time_machine.travel(late, tick=False):
        warm(club)
        assert kept(club)
    with time_machine.travel(late + timedelta(minutes=2), tick=False):
        assert not kept(club)
        assert as_seen(outcomes.for_club(club)) == as_seen(live(club))


def test_another_day_is_computed_and_leaves_the_kept_figures_alone(three, now):
    club = three[0]
    warm(club)
    before = ClubSummary.objects.get(club=club).outcomes
    earlier = outcomes.for_club(club, as_of=NOW.date() - timedelta(days=30))
    assert earlier.as_of == NOW.date() - timedelta(days=30)
    assert earlier.judged_at is None
    assert as_seen(earlier) == as_seen(outcomes.compute([club], earlier.as_of)[club.pk])
    assert ClubSummary.objects.get(club=club).outcomes == before


def test_a_district_adds_up_its_clubs_kept_figures_in_one_query(
    three, now, django_assert_num_queries
):
    """Every club of the district answers; after two reads the figure is read in one query,
    and a new answer in one club is counted on the next read (that club computed again)."""
    club, coach, member, other = _club(three)
    for person in (member, other):
        fs.activity_answer_record(participant=person, days=7)
    district_as_seen(club)
    district_as_seen(club)
    with django_assert_num_queries(1):
        first = district_as_seen(club)
    assert first == district_live(club)
    third = club.participants.order_by("pk")[1]  # not answered yet
    fs.activity_answer_record(participant=third, days=2)
    with django_assert_num_queries(3):  # the clubs; the stale club's answers; keep it
        second = district_as_seen(club)
    assert second == district_live(club)
    assert second[:3] == (first[0] + 1, first[1] + 1, first[2] + 2)
