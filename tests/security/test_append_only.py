"""Decisions, events and aspect changes cannot be edited or deleted, in the app or the admin."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from clubs.models import AppendOnlyError, AspectChange, CoachChange
from clubs.services import aspect_update, coach_unassign
from feedback import services
from feedback.models import Decision, Outcome, ProposalEvent
from tests import factories


@pytest.fixture
def records(world):
    participant = factories.make_participant(world.club)
    proposal = factories.make_published(participant, world.coach)
    decision = services.proposal_decide(
        proposal=proposal,
        by=world.coach,
        outcome=Outcome.ADOPTED,
        answer="Yes!",
        promised_by=timezone.localdate() + timedelta(days=14),
    )
    change = aspect_update(
        aspect=world.club.aspects.get(kind="day"), by=world.coach, value="Friday"
    )
    coach_unassign(club=world.club, user=world.coach, by=world.lead)
    return {
        "coach_change": CoachChange.objects.get(action="removed"),
        "event": ProposalEvent.objects.filter(proposal=proposal).first(),
        "decision": decision,
        "change": change,
    }


@pytest.mark.parametrize("name", ["event", "decision", "change", "coach_change"])
def test_append_only_records_refuse_update_and_delete(records, name):
    record = records[name]
    with pytest.raises(AppendOnlyError):
        record.save()
    with pytest.raises(AppendOnlyError):
        record.delete()
    assert type(record).objects.filter(pk=record.pk).exists()


@pytest.mark.parametrize(
    ("model", "name"),
    [
        (ProposalEvent, "event"),
        (Decision, "decision"),
        (AspectChange, "change"),
        (CoachChange, "coach_change"),
    ],
)
def test_the_admin_shows_append_only_records_but_cannot_change_or_delete_them(
    client, world, records, model, name
):
    client.force_login(world.superuser)
    record = records[name]
    opts = model._meta
    change_url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[record.pk])
    delete_url = reverse(f"admin:{opts.app_label}_{opts.model_name}_delete", args=[record.pk])
    changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    assert client.get(changelist).status_code == 200
    # View-only: the page shows the record with no save button.
    page = client.get(change_url)
    assert page.status_code == 200
    assert b'name="_save"' not in page.content
    assert client.post(change_url, {}).status_code == 403
    assert client.post(delete_url, {"post": "yes"}).status_code == 403
    assert model.objects.filter(pk=record.pk).exists()
    assert client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_add")).status_code == 403
