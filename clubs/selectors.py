"""Reads that club pages share, with their joins written once."""

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Count, Prefetch, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from clubs import permissions
from clubs.models import (
    Aspect,
    AspectChange,
    AspectKind,
    AspectStatus,
    Club,
    ClubCoach,
    CoachChange,
    Invitation,
    Partner,
)

# The aspects that say when and where a club meets.
SESSION_KINDS = [AspectKind.DAY, AspectKind.START_TIME, AspectKind.LOCATION]
WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]


def landing_url(user) -> str:
    """Where a signed-in person's work starts: Energise Me staff (and site administrators) on
    the county dashboard, a partner lead on their partner's dashboard, a coach on "Needs you"."""
    if permissions.is_county_staff(user):
        return reverse("feedback:county-dashboard")
    led = permissions.led_partner_ids(user)
    if led:
        return reverse("feedback:partner-dashboard", kwargs={"partner_id": min(led)})
    return reverse("feedback:needs-you")


def clubs_for_user(*, user, district_id: int | None = None, stage: str = "") -> QuerySet[Club]:
    """The clubs a user may see, with what 'My clubs' shows, in a fixed number of queries.

    Optionally only those of one district or stage. Each club gets
    `session_aspects` (its day, start time and location) for `next_session`.
    """
    clubs = permissions.visible_clubs(user)
    if district_id:
        clubs = clubs.filter(district_id=district_id)
    if stage:
        clubs = clubs.filter(stage=stage)
    return (
        clubs.select_related("partner", "district")
        .prefetch_related(
            Prefetch(
                "aspects",
                queryset=Aspect.objects.filter(kind__in=SESSION_KINDS, label="").order_by(
                    "order", "id"
                ),
                to_attr="session_aspects",
            )
        )
        .order_by("partner__name", "name")
    )


def _weekday(text: str) -> int | None:
    """The weekday a club's 'day' value names ('Tuesdays', 'tue', 'Every Tuesday'), if one."""
    for word in re.findall(r"[a-z]+", text.lower()):
        for number, name in enumerate(WEEKDAYS):
            if len(word) >= 3 and name.startswith(word[:3]) and name.startswith(word.rstrip("s")):
                return number
    return None


def next_session(club: Club, today: date | None = None) -> str:
    """Plain words for when and where the club next meets, from its day, start time, location.

    Uses `club.session_aspects` when the selector prefetched them (no query).
    """
    if not club.is_active:
        return "Not running"
    aspects = getattr(club, "session_aspects", None)
    if aspects is None:
        aspects = list(club.aspects.filter(kind__in=SESSION_KINDS, label=""))
    values = {aspect.kind: getattr(aspect, "value_now", aspect.value).strip() for aspect in aspects}
    day, time, place = (values.get(kind, "") for kind in SESSION_KINDS)
    if not day:
        return "Day not set yet"
    today = today or timezone.localdate()
    weekday = _weekday(day)
    if weekday is None:
        when = day
    else:
        session = today + timedelta(days=(weekday - today.weekday()) % 7)
        when = f"{session:%A} {session.day} {session:%B}"
    return ", ".join(part for part in (when, time, place) if part)


def aspect_groups(aspects) -> dict[str, list]:
    """A club's aspects as young people and staff see them: what can change, what can't
    (with why), and what its coach has not declared yet (never shown as "can change")."""
    groups: dict[str, list] = {"negotiable": [], "fixed": [], "undeclared": []}
    for aspect in aspects:
        groups[aspect.status].append(aspect)
    return groups


def settle_effective_values(aspects, *, today: date, changes_attr: str) -> None:
    """Sets each aspect's `value_now` (in effect today) and `upcoming` value changes.

    An aspect's stored `value` moves as soon as a change is recorded; until the
    change's effective date the club still runs on the old value. `changes_attr`
    names the aspect's prefetched changes (any order; those in effect are skipped).
    """
    for aspect in aspects:
        changes = getattr(aspect, changes_attr)
        if hasattr(changes, "all"):  # a prefetched related manager
            changes = changes.all()
        upcoming = sorted(
            (c for c in changes if c.effective_date > today and c.value_changed),
            key=lambda c: (c.effective_date, c.id),
        )
        aspect.upcoming = upcoming
        aspect.value_now = upcoming[0].old_value if upcoming else aspect.value


def club_page(*, slug: str, today: date | None = None) -> Club:
    """A club with everything its staff page shows: aspects, their history, coaches.

    Fixed number of queries whatever the number of aspects, changes and coaches.
    Raises Club.DoesNotExist.
    """
    changes = AspectChange.objects.select_related("recorded_by").order_by(
        "-effective_date", "-recorded_at", "-id"
    )
    club = (
        Club.objects.select_related("partner", "district")
        # For the hourly limit on new members its coaches see (feedback's join_limit).
        .annotate(
            joined_last_hour=Count(
                "participants",
                filter=Q(participants__joined_at__gt=timezone.now() - timedelta(hours=1)),
            )
        )
        .prefetch_related(
            Prefetch(
                "aspects",
                queryset=Aspect.objects.order_by("order", "id").prefetch_related(
                    Prefetch("changes", queryset=changes, to_attr="history")
                ),
                to_attr="aspect_list",
            ),
            Prefetch(
                "coach_assignments",
                queryset=ClubCoach.objects.select_related("user").order_by("user__name"),
                to_attr="coach_list",
            ),
        )
        .get(slug=slug)
    )
    for aspect in club.aspect_list:
        for change in aspect.history:
            change.summary = change_summary(change)
    settle_effective_values(
        club.aspect_list, today=today or timezone.localdate(), changes_attr="history"
    )
    club.session_aspects = [a for a in club.aspect_list if a.kind in SESSION_KINDS and not a.label]
    return club


def _quoted(value: str) -> str:
    return f"\u201c{value}\u201d" if value else "not set"


def change_summary(change: AspectChange) -> str:
    """One plain sentence for a history entry: what changed (not why; that is shown apart)."""
    new_status = AspectStatus(change.new_status).label.lower()
    if not change.old_status:
        return f"Added: {_quoted(change.new_value)}, {new_status}."
    parts = []
    if change.value_changed:
        parts.append(f"{_quoted(change.old_value)} became {_quoted(change.new_value)}")
    if change.status_changed:
        parts.append(f"{AspectStatus(change.old_status).label.lower()} became {new_status}")
    if not parts:
        if change.new_status == AspectStatus.FIXED:
            parts.append("reason added" if not change.old_reason else "reason reworded")
        else:
            parts.append("how much room reworded")
    text = "; ".join(parts)
    return text[0].upper() + text[1:] + "."


def partner_people(*, partner: Partner, exclude_club: Club | None = None) -> list:
    """The partner's coaches and leads (for assigning), not already coaching `exclude_club`."""
    from clubs.models import User

    users = User.objects.filter(partner_roles__partner=partner, is_active=True).distinct()
    if exclude_club is not None:
        users = users.exclude(coach_assignments__club=exclude_club)
    return list(users.order_by("name", "email"))


# How many of each kind of record the coaches page's history shows (newest first).
COACH_HISTORY_LIMIT = 50


@dataclass(frozen=True)
class HistoryEntry:
    at: datetime
    text: str


def coach_history(*, club: Club) -> list[HistoryEntry]:
    """The club's team history, newest first: invitations sent and accepted (to coach this
    club, or to lead its partner) and coaches assigned and removed, with who did it."""

    def who(user) -> str:
        return str(user) if user is not None else "The site"

    entries = []
    changes = club.coach_changes.select_related("coach", "by")[:COACH_HISTORY_LIMIT]
    for change in changes:
        coach = str(change.coach) if change.coach is not None else "a deleted account"
        if change.action == CoachChange.Action.REMOVED:
            entries.append(HistoryEntry(change.at, f"{who(change.by)} removed {coach}."))
        else:
            entries.append(HistoryEntry(change.at, f"{who(change.by)} assigned {coach}."))
    invitations = (
        Invitation.objects.filter(Q(club=club) | Q(partner_id=club.partner_id, club__isnull=True))
        .select_related("invited_by", "accepted_by")
        .order_by("-created_at", "-id")[:COACH_HISTORY_LIMIT]
    )
    for invitation in invitations:
        what = (
            f"to coach {club.name}"
            if invitation.club_id
            else (f"to {invitation.get_role_display().lower()} for {club.partner.name}")
        )
        entries.append(
            HistoryEntry(
                invitation.created_at,
                f"{who(invitation.invited_by)} invited {invitation.email} {what}.",
            )
        )
        if invitation.accepted_at is not None:
            entries.append(
                HistoryEntry(
                    invitation.accepted_at,
                    f"{invitation.email} accepted the invitation {what}.",
                )
            )
    return sorted(entries, key=lambda entry: entry.at, reverse=True)
