"""Recording the change an adopted idea promised; lapses and due dates over time."""

from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from clubs.models import AspectChange
from feedback import services
from feedback.models import Proposal, ProposalEvent, State
from feedback.selectors_coaches import needs_you
from tests import factories
from tests.feedback import coach_helpers as h

Kind = ProposalEvent.Kind


def kinds(proposal):
    return list(proposal.events.values_list("kind", flat=True))


def test_a_recorded_change_gives_the_aspect_its_new_value_and_names_the_proposal(world):
    day = h.aspect(world.club, "day")
    services.change_record(
        aspect=day, by=world.coach, new_value="Tuesday", effective_date=timezone.localdate()
    )
    p = h.adopted(world.club, world.coach, title="Thursdays please", aspect=day)
    effective = timezone.localdate() + timedelta(days=7)
    change = services.change_record(
        aspect=day, by=world.coach, new_value="Thursday", effective_date=effective, proposals=[p]
    )
    day.refresh_from_db()
    assert day.value == "Thursday"
    assert (change.old_value, change.new_value, change.effective_date) == (
        "Tuesday",
        "Thursday",
        effective,
    )
    latest = day.changes.order_by("-recorded_at", "-id").first()
    assert latest == change
    assert list(latest.proposals.all()) == [p]
    assert list(p.changes.all()) == [change]
    p.refresh_from_db()
    assert p.state == State.DONE
    assert p.done_at is not None
    assert kinds(p)[-2:] == [Kind.CHANGE_RECORDED, Kind.DONE]
    recorded = p.events.get(kind=Kind.CHANGE_RECORDED)
    assert recorded.details == {
        "change": change.pk,
        "aspect": "Day",
        "new_value": "Thursday",
        "effective_date": effective.isoformat(),
    }


def test_one_change_can_answer_several_ideas(world):
    day = h.aspect(world.club, "day")
    a = h.adopted(world.club, world.coach, title="Thursday")
    b = h.adopted(world.club, world.coach, title="Not Tuesday")
    change = services.change_record(
        aspect=day,
        by=world.coach,
        new_value="Thursday",
        effective_date=timezone.localdate(),
        proposals=[a, b],
    )
    assert set(change.proposals.all()) == {a, b}
    assert set(Proposal.objects.filter(pk__in=[a.pk, b.pk]).values_list("state", flat=True)) == {
        State.DONE
    }


@pytest.mark.parametrize("outcome", ["deferred", "not_adopted", "undecided", "done"])
def test_a_change_is_refused_for_an_idea_that_promised_none_and_nothing_changes(world, outcome):
    day = h.aspect(world.club, "day")
    if outcome == "undecided":
        p = h.acknowledged(world.club, world.coach)
    elif outcome == "done":
        p = h.adopted(world.club, world.coach)
        services.change_record(
            aspect=day,
            by=world.coach,
            new_value="Monday",
            effective_date=timezone.localdate(),
            proposals=[p],
        )
    else:
        p = h.published(world.club, world.coach)
        services.proposal_decide(
            proposal=p,
            by=world.coach,
            outcome=outcome,
            answer="We talked about it at length with the venue and cannot do it.",
            deferred_until=timezone.localdate() + timedelta(days=5),
        )
    changes_before = AspectChange.objects.count()
    events_before = kinds(p)
    with pytest.raises(ValidationError) as refused:
        services.change_record(
            aspect=day,
            by=world.coach,
            new_value="Friday",
            effective_date=timezone.localdate(),
            proposals=[p],
        )
    assert refused.value.code == "not_adopted"
    assert AspectChange.objects.count() == changes_before
    assert kinds(p) == events_before
    day.refresh_from_db()
    assert day.value != "Friday"


def test_a_change_to_the_same_value_is_refused(world):
    day = h.aspect(world.club, "day")
    services.change_record(
        aspect=day, by=world.coach, new_value="Monday", effective_date=timezone.localdate()
    )
    p = h.adopted(world.club, world.coach)
    with pytest.raises(ValidationError) as refused:
        services.change_record(
            aspect=day,
            by=world.coach,
            new_value=" Monday ",
            effective_date=timezone.localdate(),
            proposals=[p],
        )
    assert "new_value" in refused.value.message_dict
    p.refresh_from_db()
    assert p.state == State.DECIDED


def test_a_change_cannot_link_another_clubs_idea(world):
    far = h.adopted(world.far_club, world.far_coach)
    with pytest.raises(ValidationError) as refused:
        services.change_record(
            aspect=h.aspect(world.club),
            by=world.coach,
            new_value="Friday",
            effective_date=timezone.localdate(),
            proposals=[far],
        )
    assert refused.value.code == "other_club"


# --- Over time: lapses and due dates ----------------------------------------------------


def test_a_promise_lapses_when_its_date_passes_with_no_change(world, client_as):
    start = timezone.now()
    promised = timezone.localdate() + timedelta(days=14)
    p = h.adopted(world.club, world.coach, promised_by=promised)
    assert p.display_state() == State.DECIDED
    with time_machine.travel(start + timedelta(days=14)):
        assert p.display_state() == State.DECIDED
        assert not Proposal.objects.lapsed(timezone.localdate()).exists()
    with time_machine.travel(start + timedelta(days=15)):
        assert p.display_state() == State.LAPSED
        assert p.get_display_state_display() == "Promise not kept"
        assert list(Proposal.objects.lapsed(timezone.localdate())) == [p]
        item = needs_you(user=world.coach).changes_due[0]
        assert item.proposal == p
        assert item.overdue
        page = client_as("coach").get(reverse("feedback:needs-you")).content.decode()
        assert "Promise not kept" in page
        # Recording the change late still makes it done, and it is no longer lapsed.
        services.change_record(
            aspect=h.aspect(world.club),
            by=world.coach,
            new_value="Thursday",
            effective_date=timezone.localdate(),
            proposals=[p],
        )
        p.refresh_from_db()
        assert p.display_state() == State.DONE
        assert needs_you(user=world.coach).changes_due == []


def test_a_promise_far_off_is_not_yet_in_needs_you(world):
    start = timezone.now()
    p = h.adopted(world.club, world.coach, promised_by=timezone.localdate() + timedelta(days=40))
    assert needs_you(user=world.coach).changes_due == []
    with time_machine.travel(start + timedelta(days=30)):
        assert [w.proposal for w in needs_you(user=world.coach).changes_due] == [p]


def test_acknowledge_and_answer_are_due_seven_and_twenty_eight_days_after_sending(world):
    with time_machine.travel("2026-03-02 10:00 +00:00", tick=False):
        waiting = factories.make_proposal(factories.make_participant(world.club), title="Waiting")
        published = h.published(world.club, world.coach, title="Open")
        acknowledged = h.acknowledged(world.club, world.coach, title="Acknowledged")
    with time_machine.travel("2026-03-09 12:00 +00:00", tick=False):
        data = needs_you(user=world.coach)
        [moderate] = data.to_moderate
        assert moderate.proposal == waiting
        assert str(moderate.due) == "2026-03-09"
        assert moderate.waited_days == 7
        assert not moderate.overdue
        [ack] = data.to_acknowledge
        assert (ack.proposal, str(ack.due)) == (published, "2026-03-09")
        [decide] = data.to_decide
        # Acknowledged with "decide within 10 days": the sooner of that and 28 days.
        assert (decide.proposal, str(decide.due)) == (acknowledged, "2026-03-12")
    with time_machine.travel("2026-03-10 09:00 +00:00", tick=False):
        data = needs_you(user=world.coach)
        assert data.to_moderate[0].overdue
        assert data.to_acknowledge[0].overdue
        assert data.to_acknowledge[0].waited_days == 8


def test_with_a_late_decide_by_the_answer_is_still_due_after_28_days(world):
    with time_machine.travel("2026-03-02 10:00 +00:00", tick=False):
        p = h.published(world.club, world.coach)
        services.proposal_acknowledge(
            proposal=p,
            by=world.coach,
            decider="partner",
            decide_by=timezone.localdate() + timedelta(days=60),
        )
    [decide] = needs_you(user=world.coach, today=timezone.localdate()).to_decide
    assert str(decide.due) == "2026-03-30"


def test_needs_you_lists_oldest_first(world):
    base = timezone.now() - timedelta(days=20)
    titles = ["Third", "First", "Second"]
    offsets = [10, 0, 5]
    for title, days in zip(titles, offsets, strict=True):
        with time_machine.travel(base + timedelta(days=days)):
            factories.make_proposal(factories.make_participant(world.club), title=title)
    got = [w.proposal.title for w in needs_you(user=world.coach).to_moderate]
    assert got == ["First", "Second", "Third"]


def test_an_unhandled_concern_shows_until_handled_once(world):
    member = factories.make_participant(world.club)
    concern = services.concern_report(participant=member, text="Someone keeps being rude.")
    assert [w.concern for w in needs_you(user=world.coach).concerns] == [concern]
    services.concern_handle(concern=concern, by=world.coach, note="Spoke to the group.")
    assert needs_you(user=world.coach).concerns == []
    with pytest.raises(ValidationError) as refused:
        services.concern_handle(concern=concern, by=world.lead, note="Again")
    assert refused.value.code == "already_handled"
    concern.refresh_from_db()
    assert (concern.handled_by, concern.handled_note) == (world.coach, "Spoke to the group.")
