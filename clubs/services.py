"""Writes that matter for clubs: creating them, assigning coaches, changing aspects."""

import logging
from collections.abc import Iterable, Mapping
from datetime import date, timedelta

from django.conf import settings
from django.contrib.auth import password_validation
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify

from clubs import permissions
from clubs.models import (
    USUAL_ASPECTS,
    Aspect,
    AspectChange,
    AspectKind,
    AspectStatus,
    Club,
    ClubCoach,
    CoachChange,
    Invitation,
    Partner,
    PartnerRole,
    Stage,
    User,
    new_join_code,
)
from feedback.models import ClubSummary

logger = logging.getLogger(__name__)

# Slugs that would shadow a page of the clubs section (/clubs/new/).
RESERVED_SLUGS = {"new"}


def _unique_slug(name: str) -> str:
    base = slugify(name)[:70] or "club"
    slug, n = base, 2
    while slug in RESERVED_SLUGS or Club.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def club_create(
    *,
    partner: Partner,
    by: User | None = None,
    client_token: str = "",
    declarations: Mapping[str, Mapping[str, str]] | None = None,
    **fields,
) -> Club:
    """Creates a club with the usual aspects (day, start time, ...), not decided yet unless
    `declarations` declares them: {kind: {"value", "status", "room", "reason"}}, recorded in
    each aspect's history as `aspect_update` records any change. The Location and Activity
    aspects take the club's venue and activity when their declaration gives no value.
    A club created past Inception must declare every aspect (else it is refused); one
    created at Inception declares them later (`aspect_update`), before `club_update`
    moves it on.

    The same `client_token` twice (a double submit) makes one club: the second call
    hands back the first's.
    """
    client_token = (client_token or "")[:64]
    try:
        return _club_create(
            partner=partner,
            by=by,
            client_token=client_token,
            declarations=declarations,
            **fields,
        )
    except (IntegrityError, ValidationError):
        # A racing second submit lost to the first after its rollback: at a unique
        # constraint (token or slug), or at `full_clean`'s check that the slug it had
        # just found free is free (the first committed in between). The first one's
        # club is stored; anything else is a real error.
        same = Club.objects.filter(partner=partner, client_token=client_token).first()
        if not client_token or same is None:
            raise
        return same


# Where a usual aspect's value comes from when its declaration gives none.
ASPECT_VALUE_FROM_CLUB = {AspectKind.LOCATION: "venue_name", AspectKind.ACTIVITY: "activity"}


@transaction.atomic
def _club_create(
    *,
    partner: Partner,
    by: User | None,
    client_token: str,
    declarations: Mapping[str, Mapping[str, str]] | None,
    **fields,
) -> Club:
    if client_token:
        same = Club.objects.filter(partner=partner, client_token=client_token).first()
        if same is not None:
            return same
    club = Club(partner=partner, client_token=client_token, **fields)
    if not club.slug:
        club.slug = _unique_slug(club.name)
    # A racing twin's token is caught at the database constraint (above), not as a message.
    club.full_clean(exclude=["client_token"])
    club.save()
    for order, kind in enumerate(USUAL_ASPECTS):
        aspect = Aspect.objects.create(club=club, kind=kind, order=order)
        if declarations is not None and kind in declarations:
            declared = declarations[kind]
            value = (declared.get("value") or "").strip()
            if not value and kind in ASPECT_VALUE_FROM_CLUB:
                value = getattr(club, ASPECT_VALUE_FROM_CLUB[kind])
            aspect_update(
                aspect=aspect,
                by=by,
                value=value,
                status=declared["status"],
                room=declared.get("room") or "",
                reason=declared.get("reason") or "",
                note="Set up with the club",
            )
    # Without declarations every aspect is undeclared: such a club starts at Inception, and
    # its creator (the demo, the tests' factory) declares them before moving it on.
    _refuse_undeclared_past_inception(club)
    return club


def _refuse_undeclared_past_inception(club: Club) -> None:
    """A club past Inception has said, for every aspect, whether young people can change it."""
    if club.stage == Stage.INCEPTION:
        return
    undeclared = [str(aspect) for aspect in club.aspects.undeclared().order_by("order")]
    if undeclared:
        message = ValidationError(
            "Say whether young people can change %(aspects)s before the club moves past Inception.",
            code="undeclared_past_inception",
            params={"aspects": ", ".join(undeclared)},
        )
        raise ValidationError({"stage": message})


@transaction.atomic
def club_update(*, club: Club, **fields) -> Club:
    for name, value in fields.items():
        setattr(club, name, value)
    club.full_clean()
    if "stage" in fields:
        _refuse_undeclared_past_inception(club)
    club.save()
    ClubSummary.touch(club.pk)
    return club


def join_code_rotate(*, club: Club) -> str:
    """Gives the club a new join code; the old one stops working at once."""
    for _ in range(20):
        code = new_join_code()
        if Club.objects.filter(join_code=code).exists():
            continue
        try:
            with transaction.atomic():
                Club.objects.filter(pk=club.pk).update(
                    join_code=code, join_code_rotated_at=timezone.now()
                )
        except IntegrityError:
            continue
        club.join_code = code
        return code
    raise RuntimeError("Could not find a free join code.")  # pragma: no cover


JOIN_LIMIT_LIFT_HOURS = 24


@transaction.atomic
def join_limit_lift(*, club: Club, by: User, hours: int = JOIN_LIMIT_LIFT_HOURS) -> Club:
    """Lets any number of young people join the club for the next `hours` (a whole school year
    joining at once), past its hourly limit on new members (docs/security.md)."""
    club.joins_unlimited_until = timezone.now() + timedelta(hours=hours)
    Club.objects.filter(pk=club.pk).update(joins_unlimited_until=club.joins_unlimited_until)
    logger.info("%s lifted the join limit of %s until %s", by, club, club.joins_unlimited_until)
    return club


@transaction.atomic
def coach_assign(*, club: Club, user: User, by: User | None = None) -> ClubCoach:
    """Assigns a coach of the club's own partner to the club, in the club's coach history
    (`by`: who did it; None for the site's own set-up)."""
    if not PartnerRole.objects.filter(user=user, partner_id=club.partner_id).exists():
        raise ValidationError(
            "Only coaches of %(partner)s can coach this club.",
            code="coach_of_other_partner",
            params={"partner": club.partner.name},
        )
    assignment, created = ClubCoach.objects.get_or_create(club=club, user=user)
    if created:
        CoachChange.objects.create(club=club, coach=user, action=CoachChange.Action.ASSIGNED, by=by)
    permissions.forget_coach_checks(club)
    return assignment


@transaction.atomic
def coach_unassign(*, club: Club, user: User, by: User | None) -> None:
    """Removes a coach from the club, in the club's coach history; their account and
    partner role stay. Removing someone who isn't a coach of the club changes nothing."""
    removed, _ = ClubCoach.objects.filter(club=club, user=user).delete()
    if removed:
        CoachChange.objects.create(club=club, coach=user, action=CoachChange.Action.REMOVED, by=by)
        logger.info("%s removed %s from %s", by, user, club)
    permissions.forget_coach_checks(club)


@transaction.atomic
def aspect_create(
    *,
    club: Club,
    kind: str,
    label: str = "",
    value: str = "",
    status: str = AspectStatus.NEGOTIABLE,
    room: str = "",
    reason: str = "",
    by: User | None = None,
    effective_date: date | None = None,
) -> Aspect:
    last = club.aspects.order_by("-order").values_list("order", flat=True).first()
    aspect = Aspect(
        club=club,
        kind=kind,
        label=label.strip() if kind == AspectKind.OTHER or label else "",
        value=value.strip(),
        status=status,
        room=room.strip() if status == AspectStatus.NEGOTIABLE else "",
        reason=reason.strip() if status == AspectStatus.FIXED else "",
        order=(last or 0) + 1,
    )
    aspect.full_clean()
    aspect.save()
    AspectChange.objects.create(
        aspect=aspect,
        club=club,
        new_value=aspect.value,
        new_status=aspect.status,
        new_room=aspect.room,
        new_reason=aspect.reason,
        effective_date=effective_date or timezone.localdate(),
        recorded_by=by,
        note="Added",
    )
    ClubSummary.touch(club.pk)
    return aspect


@transaction.atomic
def aspect_update(
    *,
    aspect: Aspect,
    by: User | None,
    value: str | None = None,
    status: str | None = None,
    room: str | None = None,
    reason: str | None = None,
    effective_date: date | None = None,
    note: str = "",
    proposals: Iterable = (),
) -> AspectChange | None:
    """Changes an aspect and records exactly one `AspectChange` (none if nothing changed).

    A fixed aspect must say why; the check is here for a clear message and in
    the database (constraint `aspect_fixed_needs_reason`) so no path can skip it.
    """
    aspect = Aspect.objects.select_for_update().get(pk=aspect.pk)
    old = (aspect.value, aspect.status, aspect.room, aspect.reason)
    new_status = status if status is not None else aspect.status
    new_value = (value if value is not None else aspect.value).strip()
    new_room = (room if room is not None else aspect.room).strip()
    new_reason = (reason if reason is not None else aspect.reason).strip()
    if new_status == AspectStatus.FIXED and not new_reason:
        raise ValidationError(
            {"reason": "Say why this can't change: young people will read the reason."},
            code="fixed_without_reason",
        )
    if new_status == AspectStatus.UNDECLARED and aspect.status != AspectStatus.UNDECLARED:
        raise ValidationError(
            {"status": "Say whether it can change: a declared aspect can't go back to undecided."},
            code="undeclare",
        )
    if new_status != AspectStatus.FIXED:
        new_reason = ""
    if new_status != AspectStatus.NEGOTIABLE:
        new_room = ""
    new = (new_value, new_status, new_room, new_reason)
    if new == old:
        return None
    aspect.value, aspect.status, aspect.room, aspect.reason = new
    aspect.full_clean()
    aspect.save()
    change = AspectChange.objects.create(
        aspect=aspect,
        club_id=aspect.club_id,
        old_value=old[0],
        new_value=new_value,
        old_status=old[1],
        new_status=new_status,
        old_room=old[2],
        new_room=new_room,
        old_reason=old[3],
        new_reason=new_reason,
        effective_date=effective_date or timezone.localdate(),
        recorded_by=by,
        note=note.strip(),
    )
    proposals = list(proposals)
    if proposals:
        change.proposals.set(proposals)
    ClubSummary.touch(aspect.club_id)
    if new_value != old[0] and aspect.kind in SESSION_ASPECT_KINDS:
        _sessions_follow_on_commit(aspect.club_id)
    return change


# --- Invitations --------------------------------------------------------------------

INVITATION_SALT = "coproduce.invitation"
INVITATION_DAYS = 7


def invitation_token(invitation: Invitation) -> str:
    return signing.dumps(invitation.pk, salt=INVITATION_SALT)


@transaction.atomic
def invitation_send(
    *, partner: Partner, email: str, role: str, by: User, accept_url, club: Club | None = None
) -> Invitation:
    """Emails a link (valid a week, usable once) that makes `email` a coach or lead of the
    partner, and a coach of `club` if given. `accept_url(token)` gives the link's address."""
    if role not in PartnerRole.Role.values:
        raise ValidationError("Choose coach or lead.", code="role")
    if club is not None and club.partner_id != partner.pk:
        raise ValidationError("That club is another partner's.", code="club_of_other_partner")
    invitation = Invitation(
        email=User.objects.normalize_email(email).lower(),
        partner=partner,
        role=role,
        club=club,
        invited_by=by,
    )
    invitation.full_clean()
    invitation.save()
    what = f"a coach of {club.name}" if club else f"a {invitation.get_role_display().lower()}"
    send_mail(
        subject=f"{by} invites you to Coproduce",
        message=(
            f"{by} ({partner.name}) invites you to Coproduce as {what}.\n\n"
            f"Choose a password here within {INVITATION_DAYS} days (the link works once):\n"
            f"{accept_url(invitation_token(invitation))}\n\n"
            "If you weren't expecting this, ignore this email."
        ),
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[invitation.email],
    )
    logger.info("%s invited %s", by, invitation)
    return invitation


def invitation_for_token(token: str) -> Invitation:
    """The open invitation a link names; ValidationError if forged, expired or used."""
    try:
        pk = signing.loads(token, salt=INVITATION_SALT, max_age=INVITATION_DAYS * 86400)
    except signing.SignatureExpired:
        raise ValidationError(
            "This invitation has expired: ask for a new one.", code="expired"
        ) from None
    except signing.BadSignature:
        raise ValidationError("This invitation link isn't valid.", code="invalid") from None
    invitation = Invitation.objects.select_related("partner", "club").filter(pk=pk).first()
    if invitation is None:
        raise ValidationError("This invitation link isn't valid.", code="invalid")
    if invitation.accepted_at is not None:
        raise ValidationError(
            "This invitation has been used already: sign in instead.", code="used"
        )
    return invitation


@transaction.atomic
def invitation_accept(*, token: str, name: str, password: str) -> User:
    """Creates the account (or finds it), gives it the role and club, and closes the
    invitation. The password is only set for a new account."""
    invitation = invitation_for_token(token)
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at is not None:  # accepted meanwhile, in another tab
        raise ValidationError(
            "This invitation has been used already: sign in instead.", code="used"
        )
    user = User.objects.filter(email__iexact=invitation.email).first()
    if user is None:
        user = User(email=invitation.email, name=name.strip())
        password_validation.validate_password(password, user)
        user.set_password(password)
        user.full_clean()
        user.save()
    PartnerRole.objects.get_or_create(user=user, partner=invitation.partner, role=invitation.role)
    if invitation.club is not None:
        coach_assign(club=invitation.club, user=user, by=invitation.invited_by)
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    return user


# Sessions and registers (#15)

# The aspects a club's weekly sessions are made from: a change to one remakes them.
SESSION_ASPECT_KINDS = (
    AspectKind.DAY,
    AspectKind.START_TIME,
    AspectKind.LOCATION,
    AspectKind.ACTIVITY,
)


class _SessionsFollow:
    """Remakes a club's sessions once the transaction that changed its aspects commits."""

    def __init__(self, club_id: int):
        self.club_id = club_id
        self.ran = False

    def __call__(self) -> None:
        from feedback.sessions import generate_after_aspect_change

        self.ran = True
        generate_after_aspect_change(self.club_id)


def _sessions_follow_on_commit(club_id: int) -> None:
    """Once per club and transaction: a club set up with many aspect changes (the demo, an
    import) has its sessions made once. Callbacks of a rolled-back savepoint are dropped
    by Django with it, so a pending one here is always still due."""
    pending = transaction.get_connection().run_on_commit
    if any(
        isinstance(f, _SessionsFollow) and f.club_id == club_id and not f.ran for _, f, _ in pending
    ):
        return
    transaction.on_commit(_SessionsFollow(club_id))
