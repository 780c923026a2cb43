"""A new club's aspects are "not decided yet" until declared: never shown as "can change"."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from clubs.models import AspectChange, AspectStatus
from clubs.services import aspect_update, club_create
from tests import factories
from tests.feedback.test_yp_support import phone_of

pytestmark = pytest.mark.django_db


def test_a_new_club_starts_with_every_usual_aspect_undeclared(world):
    club = club_create(
        partner=world.club.partner,
        name="Brand new club",
        district=world.club.district,
        activity="Netball",
        venue_name="Riverside School",
        funding_start=world.club.funding_start,
        funding_end=world.club.funding_end,
    )
    statuses = set(club.aspects.values_list("status", flat=True))
    assert statuses == {AspectStatus.UNDECLARED}
    assert club.aspects.negotiable().count() == 0


def test_young_people_see_not_decided_yet_never_can_change_for_undeclared_aspects(world):
    club = factories.ClubFactory(partner=world.club.partner, declared="")
    me = factories.make_participant(club)
    response = phone_of(me).get(reverse("feedback:member-home", args=[club.slug]))
    assert "Not decided yet" in response.content.decode()
    assert response.context["home"].negotiable == []
    assert len(response.context["home"].undeclared) == club.aspects.count()


def test_a_declared_aspect_cannot_go_back_to_undecided_and_nothing_is_recorded(world):
    day = world.club.aspects.get(kind="day")
    before = AspectChange.objects.count()
    with pytest.raises(ValidationError) as error:
        aspect_update(aspect=day, by=world.coach, status=AspectStatus.UNDECLARED)
    assert "can't go back" in str(error.value)
    day.refresh_from_db()
    assert day.status == AspectStatus.NEGOTIABLE
    assert AspectChange.objects.count() == before


def test_declaring_an_undeclared_aspect_records_the_change_from_undecided(world):
    club = factories.ClubFactory(partner=world.club.partner, declared="")
    day = club.aspects.get(kind="day")
    aspect_update(aspect=day, by=world.coach, value="Tuesday", status=AspectStatus.NEGOTIABLE)
    change = AspectChange.objects.get(aspect=day)
    assert (change.old_status, change.new_status) == ("undeclared", "negotiable")


def test_the_staff_club_page_lists_undeclared_aspects_to_declare(world, client_as):
    club = factories.ClubFactory(partner=world.club.partner, declared="")
    html = client_as("lead").get(reverse("clubs:club-detail", args=[club.slug])).content.decode()
    assert "Not declared yet" in html
