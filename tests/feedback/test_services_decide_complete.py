"""A decision is complete or refused: a promised change has its date (within the club's
funding and sustain period) or is recorded now; deferrals and decide-by dates stay
within the funding."""

from datetime import date, timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError

from clubs.models import AspectChange
from clubs.services import aspect_update
from feedback import services
from feedback.models import Decision, Outcome, ProposalEvent, State
from tests.feedback import coach_helpers as h

# The factory's clubs are funded to 31 July 2027; the sustain period is 365 days.
FUNDING_END = date(2027, 7, 31)
SUSTAIN_END = FUNDING_END + timedelta(days=365)

pytestmark = pytest.mark.usefixtures("_in_2026")


@pytest.fixture
def _in_2026():
    with time_machine.travel(date(2026, 12, 1), tick=False):
        yield


def _unchanged(p, kinds_before):
    p.refresh_from_db()
    assert p.state == State.ACKNOWLEDGED
    assert list(p.events.values_list("kind", flat=True)) == kinds_before
    assert not Decision.objects.filter(proposal=p).exists()


@pytest.mark.parametrize("outcome", [Outcome.ADOPTED, Outcome.ADAPTED, Outcome.TRIAL])
def test_a_change_outcome_without_a_change_or_a_date_is_refused(world, outcome):
    p = h.acknowledged(world.club, world.coach)
    before = list(p.events.values_list("kind", flat=True))
    with pytest.raises(ValidationError) as refused:
        services.proposal_decide(
            proposal=p, by=world.coach, outcome=outcome, answer="Yes we will start later."
        )
    assert refused.value.message_dict["promised_by"] == [
        "Say by when the change will happen, or record it now: the young people will read the date."
    ]
    _unchanged(p, before)


def test_adopted_with_the_change_recorded_now_is_done_in_one_step(world):
    p = h.acknowledged(world.club, world.coach)
    day = h.aspect(world.club)
    decision = services.proposal_decide(
        proposal=p,
        by=world.coach,
        outcome=Outcome.ADOPTED,
        answer="Yes: we play on Thursdays from next week.",
        change_aspect=day,
        change_value="Thursday",
        change_effective=date(2026, 12, 10),
    )
    p.refresh_from_db()
    assert p.state == State.DONE
    assert decision.promised_by is None
    change = AspectChange.objects.get(aspect=day)
    assert (change.new_value, list(change.proposals.all())) == ("Thursday", [p])
    assert list(p.events.values_list("kind", flat=True))[-3:] == [
        ProposalEvent.Kind.DECIDED,
        ProposalEvent.Kind.CHANGE_RECORDED,
        ProposalEvent.Kind.DONE,
    ]


def test_an_incomplete_change_is_refused_and_nothing_is_decided(world):
    p = h.acknowledged(world.club, world.coach)
    before = list(p.events.values_list("kind", flat=True))
    with pytest.raises(ValidationError) as refused:
        services.proposal_decide(
            proposal=p,
            by=world.coach,
            outcome=Outcome.ADOPTED,
            answer="Yes.",
            change_aspect=h.aspect(world.club),
            change_value="Thursday",
        )
    assert "change_aspect" in refused.value.message_dict
    _unchanged(p, before)


def test_a_change_that_fails_undoes_the_decision_too(world):
    p = h.acknowledged(world.club, world.coach)
    day = h.aspect(world.club)
    aspect_update(aspect=day, by=world.coach, value="Monday")
    before = list(p.events.values_list("kind", flat=True))
    with pytest.raises(ValidationError) as refused:
        services.proposal_decide(
            proposal=p,
            by=world.coach,
            outcome=Outcome.ADOPTED,
            answer="Yes.",
            change_aspect=day,
            change_value="Monday",  # already the value: no change
            change_effective=date(2026, 12, 10),
        )
    assert "new_value" in refused.value.message_dict
    _unchanged(p, before)


def test_a_promise_within_the_sustain_period_is_kept_and_one_past_it_refused(world):
    last_day = h.acknowledged(world.club, world.coach, title="Last day")
    decision = services.proposal_decide(
        proposal=last_day,
        by=world.coach,
        outcome=Outcome.TRIAL,
        answer="We'll try it.",
        promised_by=SUSTAIN_END,
    )
    assert decision.promised_by == SUSTAIN_END
    p = h.acknowledged(world.club, world.coach, title="Too late")
    before = list(p.events.values_list("kind", flat=True))
    with pytest.raises(ValidationError) as refused:
        services.proposal_decide(
            proposal=p,
            by=world.coach,
            outcome=Outcome.ADOPTED,
            answer="Yes, one day.",
            promised_by=SUSTAIN_END + timedelta(days=1),
        )
    assert refused.value.message_dict["promised_by"] == [
        f"Choose a date by {SUSTAIN_END:%-d %B %Y}: {world.club.name}'s funding and sustain period end then."
    ]
    _unchanged(p, before)


def test_a_deferral_needs_a_date_within_the_funding(world):
    p = h.acknowledged(world.club, world.coach)
    before = list(p.events.values_list("kind", flat=True))
    for until, message in [
        (None, "Say when it will be looked at again."),
        (
            date(2029, 1, 1),
            f"Choose a date by 31 July 2027: {world.club.name}'s funding ends then.",
        ),
    ]:
        with pytest.raises(ValidationError) as refused:
            services.proposal_decide(
                proposal=p,
                by=world.coach,
                outcome=Outcome.DEFERRED,
                answer="Later.",
                deferred_until=until,
            )
        assert refused.value.message_dict["deferred_until"] == [message]
        _unchanged(p, before)
    services.proposal_decide(
        proposal=p,
        by=world.coach,
        outcome=Outcome.DEFERRED,
        answer="Later.",
        deferred_until=FUNDING_END,
    )


def test_a_decide_by_date_after_the_funding_end_is_refused(world):
    p = h.published(world.club, world.coach)
    with pytest.raises(ValidationError) as refused:
        services.proposal_acknowledge(
            proposal=p, by=world.coach, decider="coach", decide_by=date(2029, 1, 1)
        )
    assert refused.value.message_dict["decide_by"] == [
        f"Choose a date by 31 July 2027: {world.club.name}'s funding ends then."
    ]
    p.refresh_from_db()
    assert p.state == State.PUBLISHED
    services.proposal_acknowledge(
        proposal=p, by=world.coach, decider="coach", decide_by=FUNDING_END
    )


def test_after_funding_ends_decide_by_dates_run_to_the_sustain_period_end(world):
    p = h.published(world.club, world.coach)
    with time_machine.travel(date(2027, 9, 1), tick=False):
        services.proposal_acknowledge(
            proposal=p, by=world.coach, decider="coach", decide_by=date(2027, 10, 1)
        )
        with pytest.raises(ValidationError):
            services.proposal_acknowledge(
                proposal=p, by=world.coach, decider="coach", decide_by=SUSTAIN_END + timedelta(1)
            )


def test_the_decide_page_refuses_an_incomplete_adoption_with_a_message(world, client_as):
    from django.urls import reverse

    p = h.acknowledged(world.club, world.coach)
    url = reverse("feedback:coach-proposal-decide", kwargs={"slug": world.club.slug, "pk": p.pk})
    response = client_as("coach").post(
        url, {"outcome": "adopted", "answer": "Yes we will start later."}
    )
    assert response.status_code == 200
    assert "Say by when the change will happen, or record it now" in response.content.decode()
    p.refresh_from_db()
    assert p.state == State.ACKNOWLEDGED
