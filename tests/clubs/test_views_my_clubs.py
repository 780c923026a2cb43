"""'My clubs': each person's clubs; Energise Me staff can narrow the county's list."""

import pytest
from django.urls import reverse

from clubs.models import District
from tests import factories


def names(response):
    return sorted(club.name for club in response.context["clubs"])


def test_a_coach_sees_only_their_clubs_and_no_filters(world, client_as):
    response = client_as("coach").get(reverse("clubs:my-clubs"))
    assert names(response) == ["Riverside Football"]
    assert response.context["filters"] is None
    assert "Harbour Basketball" not in response.content.decode()


def test_staff_narrow_the_list_by_district_and_stage(world, client_as):
    other = District.objects.exclude(pk=world.club.district_id).first()
    elsewhere = factories.ClubFactory(
        name="Island Sailing", partner=world.far_club.partner, district=other, stage="sustain"
    )
    client = client_as("staff")
    everything = client.get(reverse("clubs:my-clubs"))
    assert len(everything.context["clubs"]) == 4
    by_district = client.get(reverse("clubs:my-clubs"), {"district": other.pk})
    assert names(by_district) == [elsewhere.name]
    by_stage = client.get(reverse("clubs:my-clubs"), {"stage": "sustain"})
    assert names(by_stage) == [elsewhere.name]
    neither = client.get(reverse("clubs:my-clubs"), {"district": other.pk, "stage": "planning"})
    assert names(neither) == []
    assert "No clubs match." in neither.content.decode()


def test_a_nonsense_filter_shows_everything_rather_than_failing(world, client_as):
    response = client_as("staff").get(reverse("clubs:my-clubs"), {"stage": "nonsense"})
    assert response.status_code == 200
    assert len(response.context["clubs"]) == 3


@pytest.mark.parametrize("extra", [0, 3])
def test_staff_my_clubs_runs_a_fixed_number_of_queries(
    world, client_as, django_assert_num_queries, extra
):
    for n in range(extra):
        factories.ClubFactory(name=f"Extra {n}")
    client = client_as("staff")
    # session, user (with whether they lead a partner), clubs, session aspects, districts
    # (filter)
    with django_assert_num_queries(5):
        response = client.get(reverse("clubs:my-clubs"), {"stage": "delivery"})
    assert len(response.context["clubs"]) == 3 + extra
