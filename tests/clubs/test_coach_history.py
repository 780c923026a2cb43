"""A club's coach history: who invited, assigned and removed whom, and when; append-only."""

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from clubs import services
from clubs.models import AppendOnlyError, ClubCoach, CoachChange
from tests import factories


def coaches_url(club):
    return reverse("clubs:club-coaches", args=[club.slug])


def test_removing_a_coach_records_who_removed_whom_and_when(world, client_as):
    moment = timezone.now().replace(microsecond=0)
    with time_machine.travel(moment, tick=False):
        response = client_as("lead").post(
            coaches_url(world.club), {"action": "unassign", "user": world.coach.pk}
        )
    assert response.status_code == 302
    assert not ClubCoach.objects.filter(club=world.club, user=world.coach).exists()
    change = CoachChange.objects.get(club=world.club, action=CoachChange.Action.REMOVED)
    assert (change.coach, change.by, change.at) == (world.coach, world.lead, moment)


def test_removing_someone_who_is_not_a_coach_changes_nothing(world, client_as):
    before = CoachChange.objects.count()
    response = client_as("lead").post(
        coaches_url(world.club), {"action": "unassign", "user": world.far_coach.pk}, follow=True
    )
    assert "Choose one of this club&#x27;s coaches." in response.content.decode()
    assert CoachChange.objects.count() == before
    services.coach_unassign(club=world.club, user=world.other_coach, by=world.lead)
    assert CoachChange.objects.count() == before


def test_a_coach_cannot_remove_a_coach_and_nothing_is_recorded(world, client_as):
    before = CoachChange.objects.count()
    response = client_as("coach").post(
        coaches_url(world.club), {"action": "unassign", "user": world.coach.pk}
    )
    assert response.status_code == 403
    assert CoachChange.objects.count() == before
    assert ClubCoach.objects.filter(club=world.club, user=world.coach).exists()


def test_assigning_records_who_assigned_once(world, client_as):
    lead = client_as("lead")
    for _ in range(2):
        lead.post(coaches_url(world.club), {"action": "assign", "email": world.other_coach.email})
    changes = CoachChange.objects.filter(club=world.club, coach=world.other_coach)
    assert [(c.action, c.by) for c in changes] == [("assigned", world.lead)]


def test_the_coaches_page_shows_invitations_sent_accepted_and_removals(world, client_as, client):
    start = timezone.now().replace(microsecond=0)
    with time_machine.travel(start, tick=False):
        client_as("lead").post(
            reverse("clubs:invite", args=[world.club.slug]),
            {"email": "sam@example.org", "role": "coach"},
        )
    link = next(line for line in mail.outbox[-1].body.splitlines() if "/invitation/" in line)
    client.logout()
    with time_machine.travel(start + timedelta(hours=1), tick=False):
        client.post(
            link[link.index("/accounts/") :],
            {"name": "Sam New", "password1": "a-long-pass-9x", "password2": "a-long-pass-9x"},
        )
    lead = client_as("lead")
    with time_machine.travel(start + timedelta(hours=2), tick=False):
        lead.post(coaches_url(world.club), {"action": "unassign", "user": world.coach.pk})
    page = lead.get(coaches_url(world.club)).content.decode()
    history = page[page.index('id="history-h"') :]
    lead_name = str(world.lead)
    lines = [
        f"{lead_name} removed {world.coach}.",
        f"{lead_name} assigned Sam New.",
        "sam@example.org accepted the invitation to coach Riverside Football.",
        f"{lead_name} invited sam@example.org to coach Riverside Football.",
    ]
    positions = [history.index(line) for line in lines]
    assert positions == sorted(positions), "newest first"


def test_the_history_of_another_club_is_not_shown(world, client_as):
    services.coach_unassign(club=world.sibling, user=world.other_coach, by=world.lead)
    page = client_as("lead").get(coaches_url(world.club)).content.decode()
    assert f"removed {world.other_coach}" not in page
    assert f"assigned {world.coach}." in page  # this club's own history is there


def test_coach_changes_are_append_only(world):
    services.coach_unassign(club=world.club, user=world.coach, by=world.lead)
    change = CoachChange.objects.get(action="removed")
    with pytest.raises(AppendOnlyError):
        change.save()
    with pytest.raises(AppendOnlyError):
        change.delete()
    assert CoachChange.objects.filter(pk=change.pk).exists()


# Session, user, club, the lead's partners, the partner's people, the history (changes,
# invitations), the menu's "Needs you" count, the coaches: the same however long the history.
QUERIES = 9


@pytest.mark.parametrize("changes", [1, 6])
def test_the_coaches_page_query_count_does_not_grow_with_history(
    world, client_as, django_assert_num_queries, changes
):
    for i in range(changes):
        extra = factories.make_coach(world.club, email=f"extra{i}@example.org")
        services.coach_unassign(club=world.club, user=extra, by=world.lead)
    client = client_as("lead")
    client.get(coaches_url(world.club))  # warm the session and caches
    with django_assert_num_queries(QUERIES):
        assert client.get(coaches_url(world.club)).status_code == 200
