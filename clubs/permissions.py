"""Who may see and change what, for organisational accounts. Views call these.

Roles: superuser (everything); Energise Me staff (`is_county_staff`: read every
club, change nothing); a partner's lead (everything for the partner's clubs);
a coach (the clubs they are assigned to). Objects a user may not see are
answered 404 by the views, so their existence is not revealed.
"""

from django.db.models import Exists, OuterRef, Q, QuerySet

from clubs.models import Club, ClubCoach, Partner, PartnerRole


def _authenticated(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def is_county_staff(user) -> bool:
    return _authenticated(user) and (user.is_superuser or user.is_county_staff)


def is_read_only(user) -> bool:
    """Energise Me staff read every club but change nothing (a superuser may do both)."""
    return _authenticated(user) and user.is_county_staff and not user.is_superuser


def led_partner_ids(user) -> set[int]:
    if not _authenticated(user):
        return set()
    cached = getattr(user, "_led_partner_ids", None)
    if cached is None and getattr(user, "leads_any_partner", None) is False:
        cached = user._led_partner_ids = set()  # read with the user (clubs.backends)
    if cached is None:
        # No ordering: the roles' default order joins every partner for its name.
        roles = PartnerRole.objects.filter(user=user, role=PartnerRole.Role.LEAD).order_by()
        cached = set(roles.values_list("partner_id", flat=True))
        user._led_partner_ids = cached
    return cached


def visible_clubs(user) -> QuerySet[Club]:
    """Every club the user may read."""
    if not _authenticated(user):
        return Club.objects.none()
    if user.is_superuser or user.is_county_staff:
        return Club.objects.all()
    return Club.objects.filter(
        Q(partner__roles__user=user, partner__roles__role=PartnerRole.Role.LEAD)
        | Q(coach_assignments__user=user)
    ).distinct()


def managed_clubs(user) -> QuerySet[Club]:
    """Every club the user may change (coach of it, lead of its partner, superuser)."""
    if not _authenticated(user):
        return Club.objects.none()
    if user.is_superuser:
        return Club.objects.all()
    return Club.objects.filter(
        Q(partner__roles__user=user, partner__roles__role=PartnerRole.Role.LEAD)
        | Q(coach_assignments__user=user)
    ).distinct()


def managed_club_ids(user) -> QuerySet:
    """The ids of `managed_clubs(user)`, as a subquery PostgreSQL plans well. For a user
    who leads no partner (most coaches) it is their assignments alone, read by index:
    the join over every club made distinct costs about 3 ms to plan and run at county
    scale, on every coach's page (the menu's count). Reads `led_partner_ids`, which the
    menu has usually asked already."""
    if _authenticated(user) and not user.is_superuser and not led_partner_ids(user):
        return ClubCoach.objects.filter(user=user).values("club_id")
    return managed_clubs(user).values("pk")


def led_partners(user) -> QuerySet[Partner]:
    if not _authenticated(user):
        return Partner.objects.none()
    if user.is_superuser:
        return Partner.objects.all()
    return Partner.objects.filter(roles__user=user, roles__role=PartnerRole.Role.LEAD).distinct()


def is_lead_of(user, partner_id: int) -> bool:
    if not _authenticated(user):
        return False
    return user.is_superuser or partner_id in led_partner_ids(user)


def is_coach_of(user, club: Club) -> bool:
    """Kept on the club object: a page asks it of the same club up to three times (may read,
    may act, the indicators panel). Read with the club by `coach_checked`, it costs no
    query at all."""
    if not _authenticated(user):
        return False
    cache = club.__dict__.setdefault("_coach_of", {})
    if user.pk not in cache:
        read = club.__dict__.get(_coach_check(user))
        cache[user.pk] = club.coach_assignments.filter(user=user).exists() if read is None else read
    return cache[user.pk]


def coach_checked(clubs: QuerySet[Club], user) -> QuerySet[Club]:
    """These clubs read with whether `user` coaches each, in the same query (an EXISTS
    over the assignments' unique index): a coach's page then asks nothing more."""
    if not _authenticated(user):
        return clubs
    assigned = ClubCoach.objects.filter(club=OuterRef("pk"), user_id=user.pk)
    return clubs.annotate(**{_coach_check(user): Exists(assigned)})


_COACH_CHECK = "coached_by_"  # + the user's id: the annotation `coach_checked` adds


def _coach_check(user) -> str:
    return f"{_COACH_CHECK}{user.pk}"


def forget_coach_checks(club: Club) -> None:
    """The club's coaches changed while it is in hand: `is_coach_of` asks again."""
    club.__dict__.pop("_coach_of", None)
    for name in [n for n in club.__dict__ if n.startswith(_COACH_CHECK)]:
        del club.__dict__[name]


def can_view_club(user, club: Club) -> bool:
    if not _authenticated(user):
        return False
    if user.is_superuser or user.is_county_staff:
        return True
    return is_lead_of(user, club.partner_id) or is_coach_of(user, club)


def can_manage_club(user, club: Club) -> bool:
    """Coach of the club, lead of its partner, or superuser: aspects, rounds, proposals."""
    if not _authenticated(user):
        return False
    return user.is_superuser or is_lead_of(user, club.partner_id) or is_coach_of(user, club)


def can_edit_club(user, club: Club) -> bool:
    """Club details, coaches and join code: the partner's lead (or superuser)."""
    return is_lead_of(user, club.partner_id)


def can_create_club(user) -> bool:
    return _authenticated(user) and (user.is_superuser or bool(led_partner_ids(user)))


def is_org_user(user) -> bool:
    """Anyone with an organisational role: sees the staff side of the site."""
    if not _authenticated(user):
        return False
    return (
        user.is_superuser
        or user.is_county_staff
        or bool(led_partner_ids(user))
        or user.coach_assignments.exists()
        or user.partner_roles.exists()
    )
