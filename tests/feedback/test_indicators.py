"""The eight tokenism indicators at their thresholds, with the evidence behind each.

Data is made through the services, at chosen moments (time_machine), and the
indicators are judged at NOW over the default 12-week window.
"""

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine

from clubs import services as club_services
from clubs.models import AspectKind, AspectStatus
from feedback import indicators
from feedback import services as fs
from feedback.indicators import AMBER, GREEN, NONE, RED, Window
from feedback.models import Outcome
from tests import factories

NOW = datetime(2026, 10, 1, 12, 0, tzinfo=UTC)
REASON = "We asked the venue and the hall is booked by another group that evening."


def travel(days_ago: float):
    return time_machine.travel(NOW - timedelta(days=days_ago), tick=False)


class Story:
    """Builds a club's record step by step at chosen days before NOW."""

    def __init__(self, club=None, members: int = 6, coach=None):
        self.club = club or factories.ClubFactory()
        self.coach = coach or factories.make_coach(self.club)
        with travel(200):
            self.members = [factories.make_participant(self.club) for _ in range(members)]
        self._n = 0

    def propose(self, days_ago: float, *, by: int | None = None, publish=True, aspect=None, **kw):
        self._n += 1
        author = self.members[self._n % len(self.members) if by is None else by]
        with travel(days_ago):
            proposal = fs.proposal_submit(
                participant=author, title=f"Idea {self._n}", aspect=aspect, **kw
            )
            if publish:
                proposal = fs.proposal_publish(proposal=proposal, by=self.coach)
        return proposal

    def acknowledge(self, proposal, days_ago: float):
        with travel(days_ago):
            return fs.proposal_acknowledge(
                proposal=proposal,
                by=self.coach,
                decider="coach",
                decide_by=(NOW - timedelta(days=days_ago)).date() + timedelta(days=14),
            )

    def decide(self, proposal, days_ago: float, outcome=Outcome.ADOPTED, **kw):
        kw.setdefault("answer", "Thanks - we talked about it at the session.")
        if outcome in (Outcome.ADOPTED, Outcome.ADAPTED, Outcome.TRIAL):
            kw.setdefault("promised_by", (NOW - timedelta(days=days_ago)).date() + timedelta(3))
        if outcome == Outcome.NOT_ADOPTED:
            kw.setdefault("reason", REASON)
        if outcome == Outcome.DEFERRED:
            kw.setdefault("deferred_until", (NOW - timedelta(days=days_ago)).date() + timedelta(30))
        with travel(days_ago):
            return fs.proposal_decide(proposal=proposal, by=self.coach, outcome=outcome, **kw)

    def answered(self, days_ago: float, after: float = 2, outcome=Outcome.ADOPTED, **kw):
        """A published proposal decided `after` days later."""
        proposal = self.propose(days_ago, **kw)
        self.decide(proposal, days_ago - after, outcome)
        return proposal

    def result(self, start=None, end=None):
        with time_machine.travel(NOW, tick=False):
            return indicators.for_club(self.club, Window.make(start, end))


def status(story: Story, key: str, **kw) -> str:
    return story.result(**kw).indicators[key].status


# --- Silent consultation -------------------------------------------------------


@pytest.mark.parametrize(
    ("silent", "answered", "expected"),
    [
        (0, 5, GREEN),
        (1, 9, GREEN),  # 10%: not over 10%
        (1, 8, AMBER),  # 11.1%
        (2, 8, AMBER),  # 20%: not over 20%
        (2, 7, RED),  # 22.2%
        (5, 0, RED),
        (1, 3, NONE),  # four proposals: not enough data
    ],
)
def test_silent_consultation_thresholds(db, silent, answered, expected):
    story = Story()
    silent_ids = [story.propose(40 + i).pk for i in range(silent)]
    for i in range(answered):
        story.answered(50 + i, after=3)
    result = story.result().indicators["silent_consultation"]
    assert result.status == expected
    assert result.records == silent + answered
    assert result.evidence == sorted(silent_ids)


def test_silent_consultation_counts_a_late_answer_as_silent_and_ignores_recent_ones(db):
    story = Story()
    late = story.answered(60, after=29)  # answered, but on day 29
    for i in range(4):
        story.answered(40 + i, after=1)
    story.propose(10)  # too recent to judge: not counted
    story.propose(50, publish=False)  # never published: the coach's queue, not silence
    result = story.result().indicators["silent_consultation"]
    assert result.records == 5
    assert result.evidence == [late.pk]
    assert result.value == 20.0
    assert result.status == AMBER


def test_silent_consultation_only_counts_proposals_in_the_window(db):
    story = Story()
    for i in range(5):
        story.propose(100 + i)  # before the 12 weeks: outside
    assert status(story, "silent_consultation") == NONE
    # A window that covers them judges them.
    assert status(story, "silent_consultation", start=date(2026, 6, 1)) == RED


# --- Slow response -------------------------------------------------------------


@pytest.mark.parametrize(
    ("days", "expected"),
    [(2, GREEN), (7, GREEN), (7.5, AMBER), (14, AMBER), (14.5, RED)],
)
def test_slow_response_median_thresholds(db, days, expected):
    story = Story()
    for i in range(5):
        proposal = story.propose(30 + i)
        story.acknowledge(proposal, 30 + i - days)
    result = story.result().indicators["slow_response"]
    assert result.value == days
    assert result.status == expected
    assert result.records == 5


def test_slow_response_uses_the_decision_when_there_was_no_acknowledgement(db):
    story = Story()
    for i in range(5):
        story.answered(30 + i, after=3)
    result = story.result().indicators["slow_response"]
    assert result.value == 3
    assert result.status == GREEN
    assert result.evidence == []


def test_slow_response_is_red_for_any_stalled_proposal_even_with_few_records(db):
    story = Story()
    stalled = story.propose(43)
    story.acknowledge(stalled, 42)  # acknowledged fast, but never decided
    result = story.result().indicators["slow_response"]
    assert result.status == RED
    assert result.evidence == [stalled.pk]
    assert result.facts["stalled"] == 1


def test_slow_response_deferred_is_not_stalled_and_waiting_counts_its_wait(db):
    story = Story()
    deferred = story.propose(60)
    story.decide(deferred, 59, Outcome.DEFERRED)
    for i in range(4):
        story.answered(20 + i, after=1)
    first = story.result().indicators["slow_response"]
    assert (first.status, first.records, first.facts["stalled"]) == (GREEN, 5, 0)
    waiting = story.propose(20)  # 20 days with no response: counts with its wait
    result = story.result()
    assert result.indicators["slow_response"].status == GREEN
    assert result.indicators["slow_response"].evidence == [waiting.pk]
    assert result.totals["waiting"] == [waiting.pk]
    prompt = result.prompts[0]
    assert prompt.text.startswith("1 proposal has waited over 14 days for an answer")
    assert prompt.evidence == [waiting.pk]


# --- Nothing changes -----------------------------------------------------------


@pytest.mark.parametrize(
    ("adopted", "other", "expected"),
    [
        (2, 3, GREEN),  # 40%: not under 40%
        (3, 5, AMBER),  # 37.5%
        (1, 4, AMBER),  # 20%: not under 20%
        (1, 5, RED),  # 16.7%
        (0, 4, NONE),
    ],
)
def test_nothing_changes_thresholds(db, adopted, other, expected):
    story = Story()
    for i in range(adopted):
        story.answered(30 + i, outcome=Outcome.ADOPTED)
    others = [
        story.answered(40 + i, outcome=[Outcome.NOT_ADOPTED, Outcome.DEFERRED][i % 2]).pk
        for i in range(other)
    ]
    result = story.result().indicators["nothing_changes"]
    assert result.status == expected
    assert result.evidence == sorted(others)


def test_nothing_changes_ignores_ideas_about_fixed_aspects_and_duplicates(db):
    story = Story()
    fixed = club_services.aspect_create(
        club=story.club,
        kind=AspectKind.LOCATION,
        label="Venue",
        status=AspectStatus.FIXED,
        reason="The school lets us use its hall only.",
    )
    for i in range(5):
        story.answered(30 + i, outcome=Outcome.ADOPTED)
    for i in range(3):
        story.answered(40 + i, outcome=Outcome.NOT_ADOPTED, aspect=fixed)
    original = story.propose(20)
    duplicate = story.propose(21)
    story.decide(duplicate, 19, Outcome.DUPLICATE, duplicate_of=original)
    result = story.result().indicators["nothing_changes"]
    assert result.records == 5
    assert result.status == GREEN


# --- Unexplained no ------------------------------------------------------------


@pytest.mark.parametrize(
    ("unexplained", "explained", "expected"),
    [(0, 5, GREEN), (3, 7, GREEN), (1, 2, AMBER), (1, 1, AMBER), (0, 3, NONE)],
)
def test_unexplained_no_thresholds(db, settings, unexplained, explained, expected):
    """Bare 'no' answers exist only from before the rule was tightened (or imported):
    the decide service refuses them, the indicator counts them."""
    story = Story()
    bare = []
    strict = dict(settings.COPRODUCE_INDICATORS)
    settings.COPRODUCE_INDICATORS = strict | {
        "REAL_REASON_MIN_WORDS": 1,
        "REAL_REASON_MIN_CHARS": 1,
    }
    for i in range(unexplained):
        proposal = story.propose(30 + i)
        story.decide(
            proposal, 29 + i, Outcome.NOT_ADOPTED, answer="Sorry, not now.", reason="Nope, sorry."
        )
        bare.append(proposal.pk)
    settings.COPRODUCE_INDICATORS = strict
    for i in range(explained):
        story.answered(50 + i, outcome=Outcome.NOT_ADOPTED)
    # Adopted decisions make up the minimum where the "no" answers alone don't.
    for i in range(max(0, 5 - unexplained - explained) if expected != NONE else 0):
        story.answered(60 + i)
    result = story.result().indicators["unexplained_no"]
    assert result.status == expected
    assert result.evidence == sorted(bare)


def test_unexplained_no_is_red_for_moving_goalposts_whatever_the_count(db):
    story = Story()
    day = story.club.aspects.get(kind=AspectKind.DAY)
    proposal = story.propose(30, aspect=day)
    with travel(29):
        club_services.aspect_update(
            aspect=day, by=story.coach, status=AspectStatus.FIXED, reason="The hall is booked."
        )
    story.decide(
        proposal, 28, Outcome.NOT_POSSIBLE, not_possible_aspect=day, answer="The day is fixed."
    )
    result = story.result()
    indicator = result.indicators["unexplained_no"]
    assert indicator.status == RED
    assert indicator.records == 1
    assert indicator.evidence == [proposal.pk]
    assert any("negotiable when the idea was made" in p.text for p in result.prompts)
    assert result.hart.key == "not_placed"  # one published proposal is too few to place


# --- Nothing negotiable --------------------------------------------------------


def _set_aspects(club, negotiable: int, coach, bad_reason=False):
    for i, aspect in enumerate(club.aspects.order_by("order")):
        if i >= negotiable:
            club_services.aspect_update(
                aspect=aspect,
                by=coach,
                status=AspectStatus.FIXED,
                reason="n/a"
                if bad_reason and i == negotiable
                else "Set by the school's timetable.",
            )


@pytest.mark.parametrize(
    ("negotiable", "bad_reason", "expected"),
    [(5, False, GREEN), (2, False, GREEN), (2, True, AMBER), (1, False, AMBER), (0, False, RED)],
)
def test_nothing_negotiable_thresholds(db, negotiable, bad_reason, expected):
    story = Story(members=1)
    with travel(5):
        _set_aspects(story.club, negotiable, story.coach, bad_reason)
    result = story.result().indicators["nothing_negotiable"]
    assert result.status == expected
    assert result.value == negotiable
    aspects = list(story.club.aspects.order_by("order").values_list("pk", flat=True))
    if expected == GREEN:
        assert result.evidence == []
    elif bad_reason:
        assert result.evidence == [aspects[negotiable]]
    else:
        assert result.evidence == sorted(aspects)


def test_nothing_negotiable_is_judged_at_the_end_of_the_window(db):
    story = Story(members=1)
    with travel(5):
        _set_aspects(story.club, 0, story.coach)
    assert status(story, "nothing_negotiable") == RED
    # On 1 September every aspect was still negotiable.
    assert status(story, "nothing_negotiable", end=date(2026, 9, 1)) == GREEN


# --- Narrow voice ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("members", "speakers", "expected"),
    [(10, 5, GREEN), (10, 4, AMBER), (8, 2, AMBER), (9, 2, RED), (4, 1, NONE)],
)
def test_narrow_voice_share_of_members_thresholds(db, members, speakers, expected):
    story = Story(members=members)
    for i in range(speakers):
        story.propose(10 + i, by=i)
    result = story.result().indicators["narrow_voice"]
    assert result.status == expected
    assert result.records == members


def test_narrow_voice_counts_supporters_and_flags_the_top_three(db):
    story = Story(members=10)
    own = [story.propose(10 + i, by=i % 3).pk for i in range(7)]
    other = story.propose(20, by=3)
    with travel(5):
        for j in range(4, 6):
            fs.support_set(proposal=other, participant=story.members[j])
    result = story.result().indicators["narrow_voice"]
    # 6 of 10 took part (3 authors + 1 author + 2 supporters), but the top three made 7 of 8.
    assert result.value == 60.0
    assert result.status == AMBER
    assert result.facts["top_heavy"] is True
    assert result.evidence == sorted(own)


def test_narrow_voice_top_three_at_sixty_percent_is_green(db):
    story = Story(members=6)
    for i in range(3):
        story.propose(10 + i, by=i)
    story.propose(20, by=3)
    story.propose(21, by=4)
    result = story.result().indicators["narrow_voice"]
    assert result.facts["top_three_pct"] == 60.0
    assert result.status == GREEN


# --- Broken promises -------------------------------------------------------------


@pytest.mark.parametrize(
    ("lapsed", "kept", "expected"),
    [(0, 5, GREEN), (1, 6, GREEN), (1, 5, AMBER), (3, 7, AMBER), (3, 6, RED), (1, 3, NONE)],
)
def test_broken_promises_thresholds(db, lapsed, kept, expected):
    story = Story()
    lapsed_ids = []
    for i in range(lapsed):
        proposal = story.propose(40 + i)
        story.decide(proposal, 38 + i, promised_by=(NOW - timedelta(days=30)).date())
        lapsed_ids.append(proposal.pk)
    activity = story.club.aspects.get(kind=AspectKind.ACTIVITY)
    for i in range(kept):
        proposal = story.propose(40 + i)
        story.decide(proposal, 38 + i, promised_by=(NOW - timedelta(days=30)).date())
        with travel(33):
            fs.change_record(
                aspect=activity,
                by=story.coach,
                new_value=f"Activity {i}",
                effective_date=(NOW - timedelta(days=33)).date(),
                proposals=[proposal],
            )
    result = story.result().indicators["broken_promises"]
    assert result.status == expected
    assert result.evidence == sorted(lapsed_ids)


def test_broken_promises_not_yet_due_is_not_broken(db):
    story = Story()
    for i in range(5):
        proposal = story.propose(10 + i)
        story.decide(proposal, 5, promised_by=(NOW + timedelta(days=10)).date())
    result = story.result().indicators["broken_promises"]
    assert result.status == GREEN
    assert result.value == 0
    # Judged later, all five are lapsed.
    later = NOW + timedelta(days=20)
    with time_machine.travel(later, tick=False):
        again = indicators.for_club(story.club).indicators["broken_promises"]
    assert again.status == RED
    assert len(again.evidence) == 5


# --- Late start, early stop ---------------------------------------------------


def _timeline_club(start: date, end: date):
    return factories.ClubFactory(funding_start=start, funding_end=end)


def test_late_start_green_when_young_people_spoke_in_the_first_four_weeks(db):
    story = Story(_timeline_club(date(2026, 8, 3), date(2027, 7, 31)))
    story.propose((NOW.date() - date(2026, 8, 30)).days)  # day 27 of funding
    assert status(story, "late_start_early_stop") == GREEN


def test_late_start_amber_when_the_first_idea_came_after_four_weeks(db):
    story = Story(_timeline_club(date(2026, 8, 3), date(2027, 7, 31)))
    story.propose((NOW.date() - date(2026, 8, 31)).days)  # day 28: too late
    result = story.result().indicators["late_start_early_stop"]
    assert result.status == AMBER
    assert result.facts["gaps"] == ["start"]


def test_late_start_not_enough_data_in_the_first_four_weeks(db):
    story = Story(_timeline_club(date(2026, 9, 10), date(2027, 7, 31)))
    assert status(story, "late_start_early_stop") == NONE


def test_early_stop_red_when_both_gaps(db):
    story = Story(_timeline_club(date(2025, 9, 1), date(2026, 8, 31)))
    story.propose((NOW.date() - date(2026, 6, 1)).days)  # before the last six weeks (from 20 July)
    result = story.result().indicators["late_start_early_stop"]
    assert result.status == RED
    assert result.facts["gaps"] == ["start", "stop"]


def test_early_stop_green_with_ideas_after_funding(db):
    story = Story(_timeline_club(date(2025, 9, 1), date(2026, 8, 31)))
    with travel(500):
        pass
    story.propose(400)  # 28 Aug 2025: before funding started - from inception
    story.propose(10)  # after funding ended: and beyond
    assert status(story, "late_start_early_stop") == GREEN


# --- Minimum and window ------------------------------------------------------------


def test_a_new_club_has_not_enough_data_for_the_rates(db):
    story = Story(_timeline_club(date(2026, 9, 14), date(2027, 7, 31)), members=3)
    story.answered(10, after=1)
    result = story.result()
    for key in (
        "silent_consultation",
        "slow_response",
        "nothing_changes",
        "unexplained_no",
        "narrow_voice",
        "broken_promises",
        "late_start_early_stop",
    ):
        assert result.indicators[key].status == NONE, key
        assert result.indicators[key].status_label == "Not enough data"
    assert result.hart.key == "not_placed"


def test_default_window_is_the_last_twelve_weeks(db):
    with time_machine.travel(NOW, tick=False):
        window = Window.make()
    assert window.end == date(2026, 10, 1)
    assert window.start == date(2026, 7, 9)


# --- One club or many: the same evidence --------------------------------------------


@pytest.mark.parametrize("window", [(None, None), (date(2026, 7, 1), date(2026, 8, 20))])
def test_one_clubs_evidence_is_the_same_as_when_judged_with_other_clubs(db, window):
    """For one club "no decision yet" is asked per idea (see proposal_evidence); the
    answers match the many-clubs form: decided late, reopened, stalled and waiting ideas,
    judged now and in a past window whose end comes before some decisions."""
    story, other = Story(), Story()
    for s in (story, other):
        stalled = s.propose(80)
        s.acknowledge(stalled, 79)
        s.propose(30)  # waiting
        late = s.propose(70)
        s.decide(late, 20)  # after the past window's end
        reopened = s.propose(60)
        s.decide(reopened, 58)
        with travel(50):
            fs.proposal_reopen(proposal=reopened, by=s.coach, note="Look again")
        s.answered(40, after=35, outcome=Outcome.NOT_ADOPTED)
    with time_machine.travel(NOW, tick=False):
        w = Window.make(*window)
        alone = indicators.for_club(story.club, w)
        together = {r.club.pk: r for r in indicators.compute([story.club, other.club], w)}
    assert any(i.evidence for i in alone.indicators.values())
    for key, indicator in alone.indicators.items():
        assert indicator.evidence == together[story.club.pk].indicators[key].evidence, key
    assert alone.totals["waiting"] == together[story.club.pk].totals["waiting"]
    assert alone.totals["stalled"] == together[story.club.pk].totals["stalled"]
