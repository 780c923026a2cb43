"""Events, decisions, aspect changes and listened-to answers are written once, never edited."""

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.utils import timezone

from clubs.models import AppendOnlyError, AspectChange
from feedback import services
from feedback.models import Decision, ListenedAnswer, ProposalEvent
from tests.feedback import coach_helpers as h


@pytest.fixture
def records(world):
    p = h.adopted(world.club, world.coach)
    change = services.change_record(
        aspect=h.aspect(world.club),
        by=world.coach,
        new_value="Thursday",
        effective_date=timezone.localdate(),
        proposals=[p],
    )
    listened = services.listened_answer_record(proposal=p, participant=p.author, answer="yes")
    return [p.events.first(), p.decisions.get(), change, listened]


def test_saving_an_existing_record_again_is_refused(records):
    for record in records:
        with pytest.raises(AppendOnlyError):
            record.save()


def test_deleting_a_record_is_refused(records):
    for record in records:
        with pytest.raises(AppendOnlyError):
            record.delete()


@pytest.mark.parametrize("model", [ProposalEvent, Decision, AspectChange, ListenedAnswer])
def test_the_admin_cannot_add_change_or_delete_them(world, model, records):
    model_admin = admin.site._registry[model]
    request = RequestFactory().get("/admin/")
    request.user = world.superuser
    obj = model.objects.first()
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request, obj)
    assert not model_admin.has_delete_permission(request, obj)
