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


def test_a_club_read_with_its_coach_check_asks_nothing_more(world, django_assert_num_queries):
    """coach_checked reads whether the user coaches each club with the clubs; another
    user's answer is still asked; a change of coaches is seen at once."""
    from clubs.models import Club
    from clubs.services import coach_assign, coach_unassign

    coach, other = world.coach, world.other_coach
    with django_assert_num_queries(2):  # a query each, nothing more
        club = permissions.coach_checked(Club.objects.all(), coach).get(pk=world.club.pk)
        sibling = permissions.coach_checked(Club.objects.all(), coach).get(pk=world.sibling.pk)
    with django_assert_num_queries(0):
        assert permissions.is_coach_of(coach, club)
        assert not permissions.is_coach_of(coach, sibling)
    with django_assert_num_queries(1):
        assert permissions.is_coach_of(other, sibling)
    coach_assign(club=sibling, user=coach, by=world.lead)
    assert permissions.is_coach_of(coach, sibling)
    fresh = permissions.coach_checked(Club.objects.all(), coach).get(pk=world.sibling.pk)
    coach_unassign(club=fresh, user=coach, by=world.lead)
    assert not permissions.is_coach_of(coach, fresh)  # read as a coach, then removed


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


@pytest.mark.parametrize(("role", "queries"), [("coach", 0), ("staff", 0), ("lead", 1)])
def test_the_signed_in_user_comes_with_whether_they_lead_a_partner(
    world, role, queries, django_assert_num_queries
):
    """clubs.backends reads it with the user: a coach's pages ask nothing more to learn they
    lead no partner; a lead's partners are read once."""
    from clubs.backends import UserBackend

    user = UserBackend().get_user(world.role(role).pk)
    with django_assert_num_queries(queries):
        led = permissions.led_partner_ids(user)
        assert permissions.led_partner_ids(user) == led
    assert led == ({world.club.partner_id} if role == "lead" else set())


def test_an_inactive_user_is_not_signed_in(world):
    from clubs.backends import UserBackend

    world.coach.is_active = False
    world.coach.save()
    assert UserBackend().get_user(world.coach.pk) is None
    assert UserBackend().get_user(10**9) is None


def test_the_signed_in_user_is_read_afresh_on_every_request(world, django_assert_num_queries):
    """The user's query is built once per user (clubs.backends), its answer never kept: the
    user is what the ORM reads, field for field, and a change shows on the next read."""
    from clubs.backends import UserBackend
    from clubs.models import PartnerRole, User

    backend = UserBackend()
    first = backend.get_user(str(world.coach.pk))  # the session keeps the id as text
    with django_assert_num_queries(1):
        again = backend.get_user(world.coach.pk)
    orm = User.objects.get(pk=world.coach.pk)
    fields = [f.attname for f in User._meta.concrete_fields]
    assert [getattr(again, f) for f in fields] == [getattr(orm, f) for f in fields]
    assert first.leads_any_partner is again.leads_any_partner is False
    assert again._state.adding is False
    assert again._state.db == "default"
    PartnerRole.objects.create(user=world.coach, partner=world.club.partner, role="lead")
    User.objects.filter(pk=world.coach.pk).update(name="Renamed")
    now = backend.get_user(world.coach.pk)
    assert (now.leads_any_partner, now.name) == (True, "Renamed")
    User.objects.filter(pk=world.coach.pk).update(is_active=False)
    assert backend.get_user(world.coach.pk) is None
    assert backend.get_user("not a number") is None
