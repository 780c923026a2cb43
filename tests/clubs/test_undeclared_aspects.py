"""A new club's aspects are "not decided yet" until declared: never shown as "can change"."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from clubs.models import USUAL_ASPECTS, AspectChange, AspectStatus
from clubs.services import aspect_update, club_create, club_update
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
    club = factories.ClubFactory(partner=world.club.partner, declared="", stage="inception")
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
    club = factories.ClubFactory(partner=world.club.partner, declared="", stage="inception")
    day = club.aspects.get(kind="day")
    aspect_update(aspect=day, by=world.coach, value="Tuesday", status=AspectStatus.NEGOTIABLE)
    change = AspectChange.objects.get(aspect=day)
    assert (change.old_status, change.new_status) == ("undeclared", "negotiable")


def test_the_staff_club_page_lists_undeclared_aspects_to_declare(world, client_as):
    club = factories.ClubFactory(partner=world.club.partner, declared="", stage="inception")
    html = client_as("lead").get(reverse("clubs:club-detail", args=[club.slug])).content.decode()
    assert "Not declared yet" in html


def test_a_club_cannot_move_past_inception_with_undeclared_aspects(world):
    club = factories.ClubFactory(partner=world.club.partner, declared="", stage="inception")
    with pytest.raises(ValidationError) as error:
        club_update(club=club, stage="planning")
    assert "before the club moves past Inception" in str(error.value)
    assert "Day" in str(error.value)
    club.refresh_from_db()
    assert club.stage == "inception"


def test_a_club_moves_past_inception_once_every_aspect_is_declared(world):
    club = factories.ClubFactory(partner=world.club.partner, declared="", stage="inception")
    for aspect in club.aspects.all():
        aspect_update(aspect=aspect, by=world.lead, status=AspectStatus.NEGOTIABLE)
    club_update(club=club, stage="planning")
    club.refresh_from_db()
    assert club.stage == "planning"


def test_club_create_with_declarations_refuses_a_stage_past_inception_left_undeclared(world):
    with pytest.raises(ValidationError) as error:
        club_create(
            partner=world.club.partner,
            name="Half declared",
            district=world.club.district,
            activity="Netball",
            venue_name="Riverside School",
            funding_start=world.club.funding_start,
            funding_end=world.club.funding_end,
            stage="delivery",
            declarations={"day": {"value": "Tuesdays", "status": AspectStatus.NEGOTIABLE}},
        )
    assert "Start time" in str(error.value)
    assert not world.club.partner.clubs.filter(name="Half declared").exists()


def test_club_create_declarations_take_venue_and_activity_as_values(world):
    declared = {kind: {"status": AspectStatus.NEGOTIABLE} for kind in USUAL_ASPECTS}
    declared["location"] = {"status": AspectStatus.FIXED, "reason": "Free school hall."}
    club = club_create(
        partner=world.club.partner,
        by=world.lead,
        name="Declared club",
        district=world.club.district,
        activity="Netball",
        venue_name="Riverside School",
        funding_start=world.club.funding_start,
        funding_end=world.club.funding_end,
        stage="delivery",
        declarations=declared,
    )
    location = club.aspects.get(kind="location")
    assert (location.value, location.status, location.reason) == (
        "Riverside School",
        AspectStatus.FIXED,
        "Free school hall.",
    )
    assert club.aspects.get(kind="activity").value == "Netball"
    assert AspectChange.objects.filter(club=club, recorded_by=world.lead).count() == 5


def test_club_create_without_declarations_refuses_a_stage_past_inception(world):
    """Imports and seeding have no way round the rule: they start at Inception and declare."""
    with pytest.raises(ValidationError) as error:
        club_create(
            partner=world.club.partner,
            name="Undeclared",
            district=world.club.district,
            activity="Netball",
            venue_name="Riverside School",
            funding_start=world.club.funding_start,
            funding_end=world.club.funding_end,
            stage="review",
        )
    assert "before the club moves past Inception" in str(error.value)
    assert not world.club.partner.clubs.filter(name="Undeclared").exists()


@pytest.mark.parametrize("stage", ["planning", "delivery", "review", "sustain"])
def test_the_tests_factory_cannot_make_a_club_past_inception_with_undeclared_aspects(world, stage):
    before = world.club.partner.clubs.count()
    with pytest.raises(ValidationError) as error:
        factories.ClubFactory(partner=world.club.partner, declared="", stage=stage)
    assert "before the club moves past Inception" in str(error.value)
    assert world.club.partner.clubs.count() == before


@pytest.mark.parametrize("stage", ["inception", "planning", "delivery", "review", "sustain"])
def test_the_tests_factory_makes_declared_clubs_at_every_stage(world, stage):
    club = factories.ClubFactory(partner=world.club.partner, stage=stage)
    club.refresh_from_db()
    assert club.stage == stage
    assert not club.aspects.undeclared().exists()
