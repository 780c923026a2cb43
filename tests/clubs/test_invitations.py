"""Leads invite coaches and leads by email: a signed link, valid a week, usable once."""

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from clubs import services
from clubs.models import ClubCoach, Invitation, PartnerRole, User


def _link(message) -> str:
    return next(line for line in message.body.splitlines() if "/accounts/invitation/" in line)


def _path(link: str) -> str:
    return link[link.index("/accounts/") :]


NEW_PASSWORD = "a-long-new-passphrase-9"


def _accept(client, path, password=NEW_PASSWORD):
    return client.post(path, {"name": "Sam New", "password1": password, "password2": password})


def test_a_lead_invites_a_new_coach_who_sets_a_password_and_lands_on_needs_you(
    client_as, client, world
):
    lead = client_as("lead")
    url = reverse("clubs:invite", args=[world.club.slug])
    assert lead.get(url).status_code == 200
    response = lead.post(url, {"email": "New.Coach@Example.org", "role": "coach"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["new.coach@example.org"]
    path = _path(_link(mail.outbox[0]))
    client.logout()
    page = client.get(path)
    assert page.status_code == 200
    assert "a coach of Riverside Football" in page.content.decode()
    response = _accept(client, path)
    assert response.status_code == 302
    assert response.url == reverse("feedback:needs-you")
    assert client.get(response.url).status_code == 200  # signed in, not sent to sign in
    user = User.objects.get(email="new.coach@example.org")
    assert user.check_password("a-long-new-passphrase-9")
    assert ClubCoach.objects.filter(club=world.club, user=user).exists()
    assert PartnerRole.objects.filter(user=user, partner=world.club.partner, role="coach").exists()
    invitation = Invitation.objects.get()
    assert invitation.accepted_by == user
    assert invitation.invited_by == world.lead
    # The link works once.
    client.logout()
    used = client.get(path)
    assert used.status_code == 404
    assert "used already" in used.content.decode()


def test_an_invited_lead_lands_on_the_partner_dashboard(client_as, client, world):
    client_as("lead").post(
        reverse("clubs:invite", args=[world.club.slug]), {"email": "l2@example.org", "role": "lead"}
    )
    client.logout()
    response = _accept(client, _path(_link(mail.outbox[0])))
    assert response.url == reverse("feedback:partner-dashboard", args=[world.club.partner_id])
    assert not ClubCoach.objects.filter(user__email="l2@example.org").exists()


def _invitation(world):
    return services.invitation_send(
        partner=world.club.partner,
        email="x@example.org",
        role="coach",
        club=world.club,
        by=world.lead,
        accept_url=lambda token: f"http://testserver/accounts/invitation/{token}/",
    )


def test_an_invitation_expires_after_a_week(client, world):
    _invitation(world)
    path = _path(_link(mail.outbox[0]))
    with time_machine.travel(timezone.now() + timedelta(days=7, minutes=1)):
        response = _accept(client, path)
    assert response.status_code == 404
    assert "expired" in response.content.decode()
    assert not User.objects.filter(email="x@example.org").exists()


def test_a_forged_link_does_nothing(client, world):
    _invitation(world)
    path = _path(_link(mail.outbox[0]))
    response = _accept(client, path[:-3] + "xx/")
    assert response.status_code == 404
    assert not User.objects.filter(email="x@example.org").exists()


def test_a_weak_or_mismatched_password_is_refused_with_a_message(client, world):
    _invitation(world)
    path = _path(_link(mail.outbox[0]))
    weak = _accept(client, path, password="password")
    assert weak.status_code == 200
    assert "too common" in weak.content.decode()
    mismatched = client.post(
        path, {"name": "Sam", "password1": "a-long-one-123", "password2": "another-long-1"}
    )
    assert "don&#x27;t match" in mismatched.content.decode()
    assert not User.objects.filter(email="x@example.org").exists()
    assert Invitation.objects.get().accepted_at is None


def test_an_invitation_to_another_partners_club_is_refused(world):
    with pytest.raises(ValidationError):
        services.invitation_send(
            partner=world.club.partner,
            email="x@example.org",
            role="coach",
            club=world.far_club,
            by=world.lead,
            accept_url=str,
        )
    assert not Invitation.objects.exists()


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("anonymous", 302),
        ("coach", 403),
        ("other_coach", 404),
        ("far_coach", 404),
        ("lead", 302),
        ("far_lead", 404),
        ("staff", 403),
        ("superuser", 302),
    ],
)
def test_only_the_partners_lead_can_invite(client_as, world, role, status):
    response = client_as(role).post(
        reverse("clubs:invite", args=[world.club.slug]), {"email": "y@example.org", "role": "coach"}
    )
    assert response.status_code == status
    assert Invitation.objects.exists() is (role in {"lead", "superuser"})
