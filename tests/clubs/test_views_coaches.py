"""A partner's lead assigns its own coaches to a club, never another partner's."""

from django.urls import reverse

from clubs.models import ClubCoach, PartnerRole
from tests import factories


def coaches_url(club):
    return reverse("clubs:club-coaches", args=[club.slug])


def test_a_lead_assigns_a_coach_of_the_partner(world, client_as):
    response = client_as("lead").post(
        coaches_url(world.club), {"action": "assign", "email": world.other_coach.email}
    )
    assert response.status_code == 302
    assert world.club.coaches.filter(pk=world.other_coach.pk).exists()


def test_a_lead_cannot_assign_a_coach_of_another_partner(world, client_as):
    before = set(ClubCoach.objects.values_list("club_id", "user_id"))
    response = client_as("lead").post(
        coaches_url(world.club), {"action": "assign", "email": world.far_coach.email}
    )
    assert response.status_code == 200
    assert response.context["form"].has_error("email", code="coach_of_other_partner")
    assert (
        f"Only coaches of {world.club.partner.name} can coach this club."
        in response.content.decode()
    )
    assert set(ClubCoach.objects.values_list("club_id", "user_id")) == before


def test_an_unknown_email_gets_the_same_message_as_another_partners_coach(world, client_as):
    """A lead learns nothing about who has an account elsewhere."""
    response = client_as("lead").post(
        coaches_url(world.club), {"action": "assign", "email": "nobody@example.org"}
    )
    assert response.context["form"].has_error("email", code="coach_of_other_partner")


def test_a_lead_unassigns_a_coach(world, client_as):
    response = client_as("lead").post(
        coaches_url(world.club), {"action": "unassign", "user": world.coach.pk}
    )
    assert response.status_code == 302
    assert not world.club.coaches.filter(pk=world.coach.pk).exists()


def test_the_coaches_page_offers_the_partners_people_only(world, client_as):
    spare = factories.UserFactory(email="spare@example.org")
    PartnerRole.objects.create(user=spare, partner=world.club.partner, role="coach")
    response = client_as("lead").get(coaches_url(world.club))
    offered = {user.email for user in response.context["available"]}
    assert offered == {"spare@example.org", world.other_coach.email, world.lead.email}
    assert world.far_coach.email not in response.content.decode()
