"""Sessions and registers (#15): weekly sessions made from the aspects in force on each
date, a coach's cancellations and one-off changes, and the register taken at the side of
the pitch. Services (writes) and the selectors the pages share.

A generated session is left alone once a person has touched it (cancelled, changed, or its
register taken): generation only makes missing weeks and keeps untouched sessions in step
with the club's aspects, so running it again, from the daily cron or a coach's page, is
harmless.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, F, Min, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from clubs.models import AspectChange, AspectKind, Club, User
from coproduce.compiled import CompiledQueries
from feedback import rules
from feedback.models import Attendance, ClubSummary, Participant, Session

# A one-off change's reason and a cancellation's: young people read it.
REASON_MAX = 300
# How many past sessions the coach's list shows.
RECENT_SESSIONS = 6
# How many coming sessions a young person's club page shows.
NEXT_SESSIONS = 3
DROP_INS_MAX = 500


@dataclass
class Generated:
    created: int = 0
    updated: int = 0
    removed: int = 0  # untouched coming sessions no longer in the club's week (day unset...)
    problem: str = ""  # why no sessions are made (the club's day names no one day)


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _histories(club: Club) -> tuple[dict[str, list], dict[str, str]]:
    """Each session aspect's history and current value, by kind (one query each)."""
    kinds = (AspectKind.DAY, *rules.SESSION_ASPECTS.values())
    aspects = {}
    for aspect in club.aspects.filter(kind__in=kinds, label="").order_by("order", "id"):
        aspects.setdefault(aspect.kind, aspect)
    histories: dict[str, list] = {kind: [] for kind in aspects}
    by_aspect = {aspect.pk: kind for kind, aspect in aspects.items()}
    for change in AspectChange.objects.filter(aspect_id__in=by_aspect).only(
        "aspect_id", "effective_date", "recorded_at", "old_value", "new_value"
    ):
        histories[by_aspect[change.aspect_id]].append(change)
    return histories, {kind: aspect.value for kind, aspect in aspects.items()}


def _value_on(histories, currents, kind: str, day: date, default: str = "") -> str:
    if kind not in currents:
        return default
    return rules.aspect_value_on(histories[kind], day, currents[kind], default)


# A session's place and activity when the aspect has no value: the club's own.
CLUB_DEFAULTS = {"location": "venue_name", "activity": "activity"}


def planned_slots(club: Club, *, start: date, end: date) -> tuple[list[dict], str]:
    """The weekly sessions the aspects in force make between `start` and `end`: in each week,
    the first date whose weekday is the Day in force on it. With the problem, if any."""
    histories, currents = _histories(club)
    slots = []
    problem = ""
    monday = _monday(start)
    while monday <= end:
        for offset in range(7):
            day = monday + timedelta(days=offset)
            if day < start or day > end:
                continue
            value = _value_on(histories, currents, AspectKind.DAY, day)
            if rules.weekday_of(value) == day.weekday():
                slot = {"date": day}
                for field, kind in rules.SESSION_ASPECTS.items():
                    default = getattr(club, CLUB_DEFAULTS.get(field, ""), "")
                    slot[field] = _value_on(histories, currents, kind, day, default)[:200]
                slot["starts_at"] = slot["starts_at"][:100]
                slots.append(slot)
                break
        monday += timedelta(weeks=1)
    # The day as it stands at the window's end: unreadable then, no more sessions are made.
    last_value = _value_on(histories, currents, AspectKind.DAY, end)
    if rules.weekday_of(last_value) is None:
        problem = rules.day_unreadable_message(last_value)
    return slots, problem


def _untouched(session: Session) -> bool:
    return (
        session.status == Session.Status.PLANNED
        and session.changed_at is None
        and session.register_taken_at is None
    )


def generate_sessions(club: Club, *, until: date | None = None, today: date | None = None):
    """Makes the club's weekly sessions from its funding start to `until` (default
    SESSIONS_WEEKS_AHEAD weeks ahead), never past the sustain period's end unless the club
    still records registers. Idempotent: one session a week at most; a session cancelled,
    changed, added as a one-off or with a register is never overwritten; untouched ones
    follow the aspects in force on their date, and untouched coming ones the aspects no
    longer make are removed."""
    today = today or timezone.localdate()
    until = until or today + timedelta(weeks=rules.sessions_weeks_ahead())
    existing = list(
        Session.objects.filter(club=club).only(
            "id",
            "scheduled_for",
            "date",
            "starts_at",
            "location",
            "activity",
            "status",
            "is_one_off",
            "changed_at",
            "register_taken_at",
        )
    )
    last_registered = max(
        (s.date for s in existing if s.register_taken_at is not None), default=None
    )
    end = min(until, rules.sessions_limit(club, last_registered))
    start = rules.first_session(club)
    result = Generated()
    if end < start:
        return result
    slots, result.problem = planned_slots(club, start=start, end=end)
    by_week: dict[date, Session] = {}
    taken_dates = set()
    for session in existing:
        taken_dates.add(session.scheduled_for)
        if not session.is_one_off:
            by_week.setdefault(_monday(session.scheduled_for), session)
    new, changed = [], []
    for slot in slots:
        session = by_week.get(_monday(slot["date"]))
        if session is None:
            if slot["date"] in taken_dates:  # a one-off that day stands for the week
                continue
            new.append(Session(club=club, scheduled_for=slot["date"], **slot))
            continue
        if not _untouched(session):
            continue
        wanted = {"scheduled_for": slot["date"], **slot}
        if all(getattr(session, k) == v for k, v in wanted.items()):
            continue
        if slot["date"] != session.scheduled_for and slot["date"] in taken_dates:
            continue
        for key, value in wanted.items():
            setattr(session, key, value)
        changed.append(session)
    if new:
        Session.objects.bulk_create(new, ignore_conflicts=True)
        result.created = len(new)
    for session in changed:
        # Only if still untouched: a coach may have just taken its register.
        result.updated += Session.objects.filter(
            pk=session.pk,
            status=Session.Status.PLANNED,
            changed_at__isnull=True,
            register_taken_at__isnull=True,
        ).update(
            scheduled_for=session.scheduled_for,
            date=session.date,
            starts_at=session.starts_at,
            location=session.location,
            activity=session.activity,
        )
    # Untouched coming sessions the aspects no longer make (the day was cleared or names
    # no one day, the funding now starts later) go, so members are not told of them.
    slot_weeks = {_monday(slot["date"]) for slot in slots}
    stale = [
        session.pk
        for session in existing
        if not session.is_one_off
        and _untouched(session)
        and session.date >= today
        and (
            session.date < start
            or (session.date <= end and _monday(session.scheduled_for) not in slot_weeks)
        )
    ]
    if stale:
        _, deleted = Session.objects.filter(
            pk__in=stale,
            status=Session.Status.PLANNED,
            changed_at__isnull=True,
            register_taken_at__isnull=True,
        ).delete()
        result.removed = deleted.get(Session._meta.label, 0)
    return result


def generate_after_aspect_change(club_id: int) -> None:
    """Run once an aspect change is committed: sessions follow the aspects in force."""
    club = Club.objects.filter(pk=club_id, is_active=True).first()
    if club is not None:
        # A one-off added at the same moment may collide: the next run catches up.
        with contextlib.suppress(IntegrityError), transaction.atomic():
            generate_sessions(club)


# --- A coach's changes ----------------------------------------------------------------


def _reason(reason: str) -> str:
    reason = " ".join((reason or "").split())
    if len(reason) < 5:
        raise ValidationError(
            {"reason": "Say why, in a few words: the club's members will read it."},
            code="no_reason",
        )
    if len(reason) > REASON_MAX:
        raise ValidationError(
            {"reason": f"Keep the reason under {REASON_MAX} characters."}, code="too_long"
        )
    return reason


def _locked(session: Session) -> Session:
    return Session.objects.select_for_update().get(pk=session.pk)


@transaction.atomic
def session_cancel(*, session: Session, by: User, reason: str) -> Session:
    """Cancels a session with a reason young people read. Its register (if any) goes."""
    reason = _reason(reason)
    session = _locked(session)
    if session.status == Session.Status.CANCELLED:
        return session  # a double tap: already done
    if session.date < timezone.localdate():
        raise ValidationError("This session has already happened.", code="past")
    ticked = list(session.attendances.values_list("participant_id", flat=True))
    session.status = Session.Status.CANCELLED
    session.change_note = reason
    session.changed_by = by
    session.changed_at = timezone.now()
    session.members_count = 0
    session.save(
        update_fields=["status", "change_note", "changed_by", "changed_at", "members_count"]
    )
    if ticked:  # today's session, its register taken: no longer anyone's first session
        session.attendances.all().delete()
        first_sessions_refresh(participant_ids=ticked)
    ClubSummary.touch(session.club_id)
    return session


@transaction.atomic
def session_change(
    *, session: Session, by: User, starts_at: str, location: str, reason: str
) -> Session:
    """Changes one session's time or place, with a reason young people read."""
    reason = _reason(reason)
    starts_at, location = starts_at.strip(), location.strip()
    session = _locked(session)
    if session.status == Session.Status.CANCELLED:
        raise ValidationError("This session is cancelled.", code="cancelled")
    if session.date < timezone.localdate():
        raise ValidationError("This session has already happened.", code="past")
    if not starts_at or not location:
        raise ValidationError("Give the start time and the place.", code="missing")
    if (starts_at, location) == (session.starts_at, session.location) and (
        reason == session.change_note
    ):
        return session  # a double tap
    if (starts_at, location) == (session.starts_at, session.location):
        raise ValidationError(
            "Change the time or the place (or both): they are as before.", code="unchanged"
        )
    session.starts_at, session.location = starts_at[:100], location[:200]
    session.change_note = reason
    session.changed_by = by
    session.changed_at = timezone.now()
    session.full_clean()
    session.save()
    return session


@transaction.atomic
def session_add(
    *, club: Club, by: User, day: date, starts_at: str, location: str, note: str = ""
) -> Session:
    """Adds a one-off session (a match, a trip, an extra week)."""
    today = timezone.localdate()
    if day < today:
        raise ValidationError({"day": "Choose today or a later date."}, code="past")
    if day > rules.sustain_end(club):
        raise ValidationError(
            {"day": f"Choose a date by {rules.sustain_end(club):%-d %B %Y}."}, code="too_late"
        )
    starts_at, location, note = starts_at.strip(), location.strip(), " ".join(note.split())
    if not starts_at or not location:
        raise ValidationError("Give the start time and the place.", code="missing")
    existing = Session.objects.filter(club=club, scheduled_for=day).first()
    if existing is not None:
        if existing.is_one_off and (existing.starts_at, existing.location) == (
            starts_at,
            location,
        ):
            return existing  # a double tap
        raise ValidationError(
            {"day": "There is already a session that day: change that one instead."},
            code="taken",
        )
    activity = club.aspects.filter(kind=AspectKind.ACTIVITY, label="").values_list(
        "value", flat=True
    )
    session = Session(
        club=club,
        scheduled_for=day,
        date=day,
        starts_at=starts_at[:100],
        location=location[:200],
        activity=(next(iter(activity), "") or club.activity)[:200],
        is_one_off=True,
        change_note=note[:REASON_MAX],
        changed_by=by,
        changed_at=timezone.now(),
    )
    session.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            session.save()
    except IntegrityError:  # the same date added at the same moment
        raise ValidationError(
            {"day": "There is already a session that day: change that one instead."},
            code="taken",
        ) from None
    return session


# --- The register ----------------------------------------------------------------------


# The register's members: asked on every register and depending on the session only, its
# SQL is built once per session and process (`coproduce.compiled`).
_REGISTER_MEMBERS = CompiledQueries(maxsize=1024)


def register_members(session: Session) -> list[Participant]:
    """The members a register lists: the club's, not blocked, by made-up name, each with
    `present` (ticked at this session)."""

    def build():
        ticked = Attendance.objects.filter(session_id=session.pk, participant=OuterRef("pk"))
        return (
            Participant.objects.active()
            .filter(club_id=session.club_id)
            .annotate(present=Exists(ticked))
            .only("id", "pseudonym")
            .order_by("pseudonym", "id")
        )

    return _REGISTER_MEMBERS.objects((session.pk, session.club_id), build)


_SESSIONS = CompiledQueries(maxsize=1024)


def club_session(club: Club, pk: int) -> Session | None:
    """One of the club's sessions (None: not the club's), its SQL built once per club and
    session (`coproduce.compiled`): every register and session change page asks it."""
    found = _SESSIONS.objects((club.pk, pk), lambda: Session.objects.filter(club_id=club.pk, pk=pk))
    return found[0] if found else None


@transaction.atomic
def register_save(
    *,
    session: Session,
    by: User,
    participant_ids,
    drop_ins: int,
    today: date | None = None,
) -> Session:
    """Saves a session's register: its attendance becomes exactly the members ticked (the
    same submit twice gives the same register) and its drop-ins count."""
    today = today or timezone.localdate()
    session = _locked(session)
    refusal = rules.register_refusal(
        session_date=session.date,
        cancelled=session.status == Session.Status.CANCELLED,
        today=today,
    )
    if refusal:
        raise ValidationError(refusal, code="register_closed")
    if not 0 <= drop_ins <= DROP_INS_MAX:
        raise ValidationError(
            {"drop_ins": f"Enter a number from 0 to {DROP_INS_MAX}."}, code="drop_ins"
        )
    wanted = set(participant_ids)
    members = set(
        Participant.objects.active()
        .filter(club_id=session.club_id, pk__in=wanted)
        .values_list("pk", flat=True)
    )
    if wanted - members:
        raise ValidationError(
            "Someone ticked is no longer a member of this club: reload the register.",
            code="not_member",
        )
    have = set(session.attendances.values_list("participant_id", flat=True))
    # A member blocked since is not on the register, so their tick stays as it was.
    untick, tick = have - wanted, wanted - have
    unticked = 0
    if untick:
        unticked, _ = session.attendances.filter(
            participant_id__in=untick, participant__is_blocked=False
        ).delete()
    now = timezone.now()
    Attendance.objects.bulk_create(
        [Attendance(session=session, participant_id=pk, marked_at=now) for pk in tick],
        ignore_conflicts=True,
    )
    # The session row is locked, so no other register save moves the count meanwhile. It
    # moves by the ticks changed rather than being recounted: a member who has deleted
    # their data since stays counted (a number, nothing about them).
    session.members_count = max(0, session.members_count - unticked + len(tick))
    session.drop_ins = drop_ins
    session.register_taken_at = now
    session.register_taken_by = by
    session.save(
        update_fields=["drop_ins", "members_count", "register_taken_at", "register_taken_by"]
    )
    if untick or tick:  # after the save: a first register makes the session one run
        first_sessions_refresh(participant_ids=untick | tick)
    ClubSummary.touch(session.club_id)
    return session


def first_sessions_refresh(*, participant_ids=None, participants: QuerySet | None = None) -> int:
    """Sets these members' `first_session_on` from their ticks on sessions run
    (`rules.session_run`), in one UPDATE: the register's services call it for the members
    whose ticks changed; writers of rows in bulk (the demo, the bench's seeder) for all."""
    first = (
        Attendance.objects.filter(rules.session_run("session__"), participant=OuterRef("pk"))
        .order_by()
        .values("participant")
        .annotate(first=Min("session__date"))
        .values("first")
    )
    if participants is None:
        participants = Participant.objects.filter(pk__in=list(participant_ids))
    return participants.update(first_session_on=Subquery(first))


def members_counts_refresh(sessions: QuerySet) -> int:
    """Sets these sessions' `members_count` to their attendance rows, in one UPDATE: for
    writers of rows in bulk (the demo, the bench's seeder); `register_save` keeps it."""
    ticked = (
        Attendance.objects.filter(session=OuterRef("pk"))
        .order_by()
        .values("session")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return sessions.update(members_count=Coalesce(Subquery(ticked), 0))


# --- Selectors ---------------------------------------------------------------------------


def with_counts(sessions):
    return sessions.annotate(members_present=F("members_count"))


def club_sessions(club: Club, *, today: date) -> dict:
    """The coach's list: coming sessions (up to SESSIONS_WEEKS_AHEAD weeks) and the last
    RECENT_SESSIONS, each with its register's counts."""
    ahead = today + timedelta(weeks=rules.sessions_weeks_ahead())
    base = with_counts(Session.objects.filter(club=club)).order_by("date", "id")
    upcoming = list(base.filter(date__gt=today, date__lte=ahead))
    recent = list(base.filter(date__lte=today).order_by("-date", "-id")[:RECENT_SESSIONS])
    for session in (*upcoming, *recent):
        session.register = rules.register_state(
            session_date=session.date,
            cancelled=session.status == Session.Status.CANCELLED,
            today=today,
        )
        session.register_last_day = rules.register_last_day(session.date)
    return {"upcoming": upcoming, "recent": recent}


def next_sessions(club_id: int, *, today: date) -> list[Session]:
    """A young person's next sessions, cancelled ones included (with their reason)."""
    return list(
        Session.objects.filter(club_id=club_id, date__gte=today).order_by("date", "id")[
            :NEXT_SESSIONS
        ]
    )


__all__ = [
    "Generated",
    "club_session",
    "club_sessions",
    "first_sessions_refresh",
    "generate_sessions",
    "members_counts_refresh",
    "next_sessions",
    "register_members",
    "register_save",
    "session_add",
    "session_cancel",
    "session_change",
]
