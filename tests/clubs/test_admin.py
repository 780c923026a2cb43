"""The admin cannot bypass the services: what it changes leaves the same history."""

from django.urls import reverse

from clubs.models import AspectChange, AspectStatus, ClubCoach
from tests import factories


def test_the_admin_shows_aspects_and_coaches_read_only(world, client):
    client.force_login(world.superuser)
    url = reverse("admin:clubs_club_change", args=[world.club.pk])
    body = client.get(url).content.decode()
    assert 'name="aspects-0-status"' not in body
    assert 'name="coach_assignments-0-user"' not in body
    assert world.club.aspects.first().label in body or world.club.aspects.first().value in body


def test_posting_aspect_or_coach_changes_to_the_admin_changes_nothing(world, client):
    client.force_login(world.superuser)
    aspect = world.club.aspects.order_by("order").first()
    stranger = factories.make_coach(world.far_club, email="stranger@example.org")
    url = reverse("admin:clubs_club_change", args=[world.club.pk])
    form = client.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and not isinstance(v, list)}
    data.update(
        {
            "name": world.club.name,
            "aspects-TOTAL_FORMS": "1",
            "aspects-INITIAL_FORMS": "1",
            "aspects-0-id": aspect.pk,
            "aspects-0-status": AspectStatus.FIXED,
            "coach_assignments-TOTAL_FORMS": "1",
            "coach_assignments-INITIAL_FORMS": "0",
            "coach_assignments-0-user": stranger.pk,
        }
    )
    client.post(url, data)
    aspect.refresh_from_db()
    assert aspect.status == AspectStatus.NEGOTIABLE
    assert not AspectChange.objects.filter(aspect=aspect).exists()
    assert not ClubCoach.objects.filter(club=world.club, user=stranger).exists()


def test_blocking_in_the_admin_goes_through_the_service_and_sets_blocked_at(world, client):
    member = factories.make_participant(world.club)
    client.force_login(world.superuser)
    response = client.post(
        reverse("admin:feedback_participant_changelist"),
        {"action": "block", "_selected_action": [member.pk]},
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.is_blocked
    assert member.blocked_at is not None
    client.post(
        reverse("admin:feedback_participant_changelist"),
        {"action": "unblock", "_selected_action": [member.pk]},
    )
    member.refresh_from_db()
    assert not member.is_blocked
    assert member.blocked_at is None


def test_the_participant_form_cannot_block_without_blocked_at(world, client):
    member = factories.make_participant(world.club)
    client.force_login(world.superuser)
    body = client.get(
        reverse("admin:feedback_participant_change", args=[member.pk])
    ).content.decode()
    assert 'name="is_blocked"' not in body
