"""Acknowledging, deciding and reopening: outcomes, real reasons, moving goalposts, merges."""

from datetime import date, timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from clubs.services import aspect_update
from feedback import services
from feedback.models import Decision, Outcome, ProposalEvent, State, Support
from feedback.states import InvalidTransition
from tests import factories
from tests.feedback import coach_helpers as h

Kind = ProposalEvent.Kind


def kinds(proposal):
    return list(proposal.events.values_list("kind", flat=True))


def support(proposal, n):
    club = proposal.club
    members = [factories.make_participant(club) for _ in range(n)]
    for m in members:
        services.support_set(proposal=proposal, participant=m)
    proposal.refresh_from_db()
    return members


# --- Acknowledge ---------------------------------------------------------------------


def test_acknowledging_says_who_decides_and_by_when(world):
    p = h.published(world.club, world.coach)
    by = timezone.localdate() + timedelta(days=14)
    p = services.proposal_acknowledge(proposal=p, by=world.coach, decider="partner", decide_by=by)
    assert (p.state, p.decider, p.decide_by) == (State.ACKNOWLEDGED, "partner", by)
    assert kinds(p) == [Kind.SUBMITTED, Kind.PUBLISHED, Kind.ACKNOWLEDGED]
    assert p.events.last().details == {"decider": "partner", "decide_by": by.isoformat()}


def test_acknowledging_again_updates_who_decides_but_keeps_the_first_time(world):
    p = h.acknowledged(world.club, world.coach)
    first = p.acknowledged_at
    later = timezone.localdate() + timedelta(days=20)
    p = services.proposal_acknowledge(proposal=p, by=world.coach, decider="venue", decide_by=later)
    assert p.acknowledged_at == first
    assert p.decider == "venue"
    assert kinds(p).count(Kind.ACKNOWLEDGED) == 2


@pytest.mark.parametrize(
    ("decider", "days", "field"),
    [("nobody", 3, "decider"), ("coach", None, "decide_by"), ("coach", -1, "decide_by")],
)
def test_acknowledging_with_bad_input_is_refused_and_changes_nothing(world, decider, days, field):
    p = h.published(world.club, world.coach)
    decide_by = None if days is None else timezone.localdate() + timedelta(days=days)
    with pytest.raises(ValidationError) as refused:
        services.proposal_acknowledge(
            proposal=p, by=world.coach, decider=decider, decide_by=decide_by
        )
    assert field in refused.value.message_dict
    p.refresh_from_db()
    assert p.state == State.PUBLISHED
    assert kinds(p) == [Kind.SUBMITTED, Kind.PUBLISHED]


def test_acknowledging_an_unpublished_idea_is_refused(world):
    p = factories.make_proposal(factories.make_participant(world.club))
    with pytest.raises(InvalidTransition):
        services.proposal_acknowledge(
            proposal=p, by=world.coach, decider="coach", decide_by=timezone.localdate()
        )
    assert kinds(p) == [Kind.SUBMITTED]


# --- Decide ----------------------------------------------------------------------------

GOOD = {
    Outcome.ADOPTED: {"promised_by": "+14"},
    Outcome.ADAPTED: {"promised_by": "+7"},
    Outcome.TRIAL: {"promised_by": "+20"},
    Outcome.DEFERRED: {"deferred_until": "+30"},
    Outcome.NOT_POSSIBLE: {"not_possible_aspect": "location"},
    Outcome.NOT_ADOPTED: {"reason": "The hall is booked by another group on that evening."},
    Outcome.DUPLICATE: {"duplicate_of": "other"},
}


def _kwargs(world, proposal, spec):
    out = {}
    for key, value in spec.items():
        if key in ("promised_by", "deferred_until"):
            out[key] = timezone.localdate() + timedelta(days=int(value))
        elif key == "not_possible_aspect":
            aspect = h.aspect(world.club, value)
            aspect_update(aspect=aspect, by=world.coach, status="fixed", reason="School site.")
            out[key] = aspect
        elif key == "duplicate_of":
            out[key] = h.published(world.club, world.coach, title="The first idea")
        else:
            out[key] = value
    return out


@pytest.mark.parametrize("outcome", list(GOOD))
def test_every_outcome_can_be_decided_from_published_or_acknowledged(world, outcome):
    for start in ("published", "acknowledged"):
        p = getattr(h, start)(world.club, world.coach, title=f"{outcome} from {start}")
        extra = _kwargs(world, p, GOOD[outcome])
        decision = services.proposal_decide(
            proposal=p, by=world.coach, outcome=outcome, answer="Here is what we decided.", **extra
        )
        p.refresh_from_db()
        assert (p.state, p.outcome, decision.outcome) == (State.DECIDED, outcome, outcome)
        assert p.answer == decision.answer == "Here is what we decided."
        assert p.decided_at == decision.decided_at == p.events.get(kind=Kind.DECIDED).at
        expected = [Kind.SUBMITTED, Kind.PUBLISHED]
        if start == "acknowledged":
            expected.append(Kind.ACKNOWLEDGED)
        expected.append(Kind.DECIDED)
        if outcome == Outcome.DUPLICATE:
            expected.append(Kind.MERGED)
        assert kinds(p) == expected


def test_the_supports_at_the_moment_of_decision_are_kept(world):
    p = h.published(world.club, world.coach)
    members = support(p, 3)
    decision = services.proposal_decide(
        proposal=p,
        by=world.coach,
        outcome="adopted",
        answer="Yes, from next week.",
        promised_by=timezone.localdate() + timedelta(days=14),
    )
    assert decision.supports_at_decision == 3
    assert p.events.get(kind=Kind.DECIDED).details["supports"] == 3
    # A support withdrawn later (e.g. a member deleting their data) does not rewrite it.
    services.participant_delete(participant=members[0])
    decision.refresh_from_db()
    assert decision.supports_at_decision == 3


def test_deciding_an_unpublished_idea_is_refused(world):
    p = factories.make_proposal(factories.make_participant(world.club))
    with pytest.raises(InvalidTransition):
        services.proposal_decide(
            proposal=p,
            by=world.coach,
            outcome="adopted",
            answer="Yes.",
            promised_by=timezone.localdate() + timedelta(days=14),
        )
    assert not Decision.objects.exists()
    assert kinds(p) == [Kind.SUBMITTED]


def test_deciding_twice_without_reopening_is_refused(world):
    p = h.adopted(world.club, world.coach)
    with pytest.raises(InvalidTransition):
        services.proposal_decide(
            proposal=p,
            by=world.coach,
            outcome="not_adopted",
            answer="Sorry, no.",
            reason="We asked the venue and the hall is not free then.",
        )
    assert Decision.objects.filter(proposal=p).count() == 1
    assert kinds(p).count(Kind.DECIDED) == 1


def test_reopening_lets_it_be_decided_anew_and_keeps_the_first_decision(world):
    p = h.adopted(world.club, world.coach)
    p = services.proposal_reopen(proposal=p, by=world.coach, note="The venue said no after all.")
    assert (p.state, p.outcome, p.answer) == (State.ACKNOWLEDGED, "", "")
    services.proposal_decide(
        proposal=p,
        by=world.coach,
        outcome="not_adopted",
        answer="Sorry: the venue can't do it.",
        reason="The venue will not open the hall any earlier than now.",
    )
    p.refresh_from_db()
    assert p.outcome == "not_adopted"
    assert list(p.decisions.values_list("outcome", flat=True)) == ["adopted", "not_adopted"]
    assert kinds(p)[-3:] == [Kind.DECIDED, Kind.REOPENED, Kind.DECIDED]
    # The first decision's time stays on the idea (the indicators' "answered by then?"),
    # and each decision carries the idea's club.
    first, second = p.decisions.order_by("decided_at", "id")
    assert p.first_decided_at == first.decided_at < second.decided_at == p.decided_at
    assert {d.club_id for d in (first, second)} == {p.club_id}


def test_reopening_an_undecided_idea_is_refused(world):
    p = h.acknowledged(world.club, world.coach)
    with pytest.raises(InvalidTransition):
        services.proposal_reopen(proposal=p, by=world.coach)


BAD = [
    ({"outcome": "maybe"}, "outcome"),
    ({"answer": "   "}, "answer"),
    ({"outcome": "deferred"}, "deferred_until"),
    ({"outcome": "deferred", "deferred_until": date(2000, 1, 1)}, "deferred_until"),
    ({"outcome": "adopted", "promised_by": date(2000, 1, 1)}, "promised_by"),
    ({"outcome": "not_possible"}, "not_possible_aspect"),
    ({"outcome": "not_adopted", "reason": "no"}, "reason"),
    ({"outcome": "not_adopted", "answer": "No.", "reason": "Because."}, "reason"),
    ({"outcome": "duplicate"}, "duplicate_of"),
]


@pytest.mark.parametrize(("changes", "field"), BAD)
def test_a_bad_decision_is_refused_with_a_message_and_changes_nothing(world, changes, field):
    p = h.acknowledged(world.club, world.coach)
    kwargs = {"outcome": "adopted", "answer": "Here is the answer.", **changes}
    with pytest.raises(ValidationError) as refused:
        services.proposal_decide(proposal=p, by=world.coach, **kwargs)
    assert field in refused.value.message_dict
    p.refresh_from_db()
    assert p.state == State.ACKNOWLEDGED
    assert not Decision.objects.exists()
    assert Kind.DECIDED not in kinds(p)


def test_a_real_reason_in_the_answer_is_enough_for_not_adopted(world):
    p = h.published(world.club, world.coach)
    decision = services.proposal_decide(
        proposal=p,
        by=world.coach,
        outcome="not_adopted",
        answer="We can't afford a second coach on Saturdays this year, sorry.",
    )
    assert decision.outcome == "not_adopted"


def test_not_possible_citing_an_aspect_that_was_negotiable_records_moving_goalposts(world):
    day = h.aspect(world.club, "day")
    aspect_update(aspect=day, by=world.coach, value="Tuesday")
    with time_machine.travel(timezone.now() - timedelta(days=10)):
        p = h.published(world.club, world.coach, aspect=day)
    assert p.aspect_status_at_submission == "negotiable"
    aspect_update(aspect=day, by=world.coach, status="fixed", reason="The hall is only free then.")
    decision = services.proposal_decide(
        proposal=p, by=world.coach, outcome="not_possible", answer="Sorry.", not_possible_aspect=day
    )
    assert decision.moving_goalposts is True
    assert decision.aspect_status_when_proposed == "negotiable"
    assert p.events.get(kind=Kind.DECIDED).details["moving_goalposts"] is True


def test_not_possible_citing_an_aspect_fixed_all_along_is_honest(world):
    location = h.aspect(world.club, "location")
    aspect_update(aspect=location, by=world.coach, status="fixed", reason="School site only.")
    p = h.published(world.club, world.coach, aspect=location)
    decision = services.proposal_decide(
        proposal=p,
        by=world.coach,
        outcome="not_possible",
        answer="The school is the only venue.",
        not_possible_aspect=location,
    )
    assert decision.moving_goalposts is False
    assert decision.aspect_status_when_proposed == "fixed"


def test_an_aspect_of_another_club_cannot_be_cited(world):
    p = h.published(world.club, world.coach)
    far_location = h.aspect(world.far_club, "location")
    with pytest.raises(ValidationError) as refused:
        services.proposal_decide(
            proposal=p,
            by=world.coach,
            outcome="not_possible",
            answer="Sorry.",
            not_possible_aspect=far_location,
        )
    assert "not_possible_aspect" in refused.value.message_dict
    assert kinds(p)[-1] == Kind.PUBLISHED


# --- Duplicates ----------------------------------------------------------------------


def test_a_duplicate_carries_its_supporters_and_author_over_counting_each_once(world):
    club, coach = world.club, world.coach
    target = h.published(club, coach, title="Friday football")
    source = h.published(club, coach, title="Football on Fridays please")
    both = support(target, 2)
    only_source = support(source, 2)
    for m in both:
        services.support_set(proposal=source, participant=m)
    services.support_set(proposal=source, participant=target.author)
    source.refresh_from_db()
    assert (target.support_count, source.support_count) == (2, 5)

    services.proposal_decide(
        proposal=source,
        by=coach,
        outcome="duplicate",
        answer="Same idea as 'Friday football': your support now counts there.",
        duplicate_of=target,
    )
    target.refresh_from_db()
    # 2 already there + 2 who backed only the duplicate + the duplicate's author;
    # the target's own author is not made to support their own idea.
    assert target.support_count == 5
    assert Support.objects.filter(proposal=target).count() == 5
    supporters = set(target.supports.values_list("participant_id", flat=True))
    assert supporters == {*(m.pk for m in both + only_source), source.author_id}
    merged = source.events.get(kind=Kind.MERGED)
    assert merged.details == {"into": target.pk, "supporters_carried": 3}
    source.refresh_from_db()
    assert source.duplicate_of == target


def test_merging_into_a_decided_idea_carries_nobody_and_says_so(world):
    target = h.adopted(world.club, world.coach, title="Already adopted")
    source = h.published(world.club, world.coach, title="Same again")
    support(source, 2)
    services.proposal_decide(
        proposal=source,
        by=world.coach,
        outcome="duplicate",
        answer="Same idea.",
        duplicate_of=target,
    )
    target.refresh_from_db()
    assert target.support_count == 0
    assert source.events.get(kind=Kind.MERGED).details["supporters_carried"] == 0


@pytest.mark.parametrize("which", ["itself", "unpublished", "other_club", "escalated"])
def test_a_duplicate_must_point_to_another_readable_idea_of_the_club(world, which):
    p = h.published(world.club, world.coach)
    if which == "itself":
        target = p
    elif which == "unpublished":
        target = factories.make_proposal(factories.make_participant(world.club))
    elif which == "other_club":
        target = h.published(world.far_club, world.far_coach)
    else:
        target = h.published(world.club, world.coach, title="Escalated")
        services.proposal_escalate(proposal=target, by=world.coach)
    with pytest.raises(ValidationError) as refused:
        services.proposal_decide(
            proposal=p, by=world.coach, outcome="duplicate", answer="Same.", duplicate_of=target
        )
    assert "duplicate_of" in refused.value.message_dict
    assert kinds(p)[-1] == Kind.PUBLISHED


# --- Deferrals over time -------------------------------------------------------------


def test_a_deferred_idea_comes_back_on_its_date_and_can_be_reopened(world):
    start = timezone.now()
    p = h.published(world.club, world.coach)
    until = timezone.localdate() + timedelta(days=30)
    services.proposal_decide(
        proposal=p,
        by=world.coach,
        outcome="deferred",
        answer="After the summer.",
        deferred_until=until,
    )
    from feedback.selectors_coaches import needs_you

    with time_machine.travel(start + timedelta(days=10)):
        assert needs_you(user=world.coach).deferrals_due == []
    with time_machine.travel(start + timedelta(days=25)):
        due = needs_you(user=world.coach).deferrals_due
        assert [w.proposal.pk for w in due] == [p.pk]
        assert not due[0].overdue
    with time_machine.travel(start + timedelta(days=31)):
        due = needs_you(user=world.coach).deferrals_due
        assert due[0].overdue
        services.proposal_reopen(proposal=p, by=world.coach, note="It is September.")
        assert needs_you(user=world.coach).deferrals_due == []
