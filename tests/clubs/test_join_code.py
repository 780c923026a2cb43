"""Join codes: unique across clubs; rotating one makes the old code stop working."""

from django.urls import reverse

from clubs import services
from clubs.models import JOIN_CODE_ALPHABET, JOIN_CODE_LENGTH, Club
from tests import factories


def test_rotating_a_join_code_makes_the_old_one_unusable(world):
    old = world.club.join_code
    new = services.join_code_rotate(club=world.club)
    assert new != old
    assert not Club.objects.filter(join_code=old).exists()
    assert Club.objects.get(join_code=new) == world.club
    world.club.refresh_from_db()
    assert world.club.join_code_rotated_at is not None


def test_join_codes_are_unique_and_unambiguous(db):
    clubs = [factories.ClubFactory() for _ in range(5)]
    for club in clubs:
        services.join_code_rotate(club=club)
    codes = list(Club.objects.values_list("join_code", flat=True))
    assert len(codes) == len(set(codes)) == 5
    for code in codes:
        assert len(code) == JOIN_CODE_LENGTH
        assert set(code) <= set(JOIN_CODE_ALPHABET)


def test_the_lead_rotates_the_code_from_the_club_page(world, client_as):
    old = world.club.join_code
    response = client_as("lead").post(
        reverse("clubs:join-code-rotate", args=[world.club.slug]), follow=True
    )
    world.club.refresh_from_db()
    assert world.club.join_code != old
    assert not Club.objects.filter(join_code=old).exists()
    assert f"The new join code is {world.club.join_code}" in response.content.decode()


def test_refused_rotations_change_nothing(world, client_as):
    old = world.club.join_code
    url = reverse("clubs:join-code-rotate", args=[world.club.slug])
    for role in ["coach", "staff", "far_lead"]:
        assert client_as(role).post(url).status_code in {403, 404}
    world.club.refresh_from_db()
    assert world.club.join_code == old
