"""The permission predicates as a role x question table."""

import pytest

from clubs import permissions
from tests.conftest import ROLES

#                 anon   coach  other  far_c  lead   far_l  staff  super
CAN_VIEW_CLUB = [False, True, False, False, True, False, True, True]
CAN_MANAGE = [False, True, False, False, True, False, False, True]
CAN_EDIT = [False, False, False, False, True, False, False, True]
CAN_CREATE = [False, False, False, False, True, True, False, True]
READ_ONLY = [False, False, False, False, False, False, True, False]


@pytest.mark.parametrize(
    ("role", "view", "manage", "edit", "create", "read_only"),
    list(zip(ROLES, CAN_VIEW_CLUB, CAN_MANAGE, CAN_EDIT, CAN_CREATE, READ_ONLY, strict=True)),
)
def test_who_may_do_what_with_the_club(world, role, view, manage, edit, create, read_only):
    user = world.role(role)
    if user is None:
        from django.contrib.auth.models import AnonymousUser

        user = AnonymousUser()
    assert permissions.can_view_club(user, world.club) is view
    assert permissions.can_manage_club(user, world.club) is manage
    assert permissions.can_edit_club(user, world.club) is edit
    assert permissions.can_create_club(user) is create
    assert permissions.is_read_only(user) is read_only


def test_a_coach_assigned_or_removed_while_the_club_is_in_hand_is_seen_at_once(world):
    """is_coach_of keeps its answer on the club object; assigning and removing forget it."""
    from clubs.services import coach_assign, coach_unassign

    club, coach = world.sibling, world.coach
    assert not permissions.is_coach_of(coach, club)
    coach_assign(club=club, user=coach, by=world.lead)
    assert permissions.is_coach_of(coach, club)
    coach_unassign(club=club, user=coach, by=world.lead)
    assert not permissions.is_coach_of(coach, club)


@pytest.mark.parametrize("role", [*ROLES, "lead_and_coach", "inactive_coach"])
def test_managed_club_ids_are_exactly_the_managed_clubs(world, role):
    """managed_club_ids (the cheap subquery for coaches who lead no partner) names the same
    clubs as managed_clubs, for every role."""
    from django.contrib.auth.models import AnonymousUser

    from clubs.models import Club, ClubCoach

    if role == "lead_and_coach":
        user = world.lead
        ClubCoach.objects.create(club=world.far_club, user=user)
    elif role == "inactive_coach":
        user = world.coach
        user.is_active = False
    else:
        user = world.role(role) or AnonymousUser()
    expected = set(permissions.managed_clubs(user).values_list("pk", flat=True))
    ids = set(
        Club.objects.filter(pk__in=permissions.managed_club_ids(user)).values_list("pk", flat=True)
    )
    assert ids == expected
    assert (role in {"anonymous", "staff", "inactive_coach"}) == (not expected)
