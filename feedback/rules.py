"""Coproduce's domain rules, each defined once: what "open", "answered", "a real reason",
"lapsed", "an aspect's status then", "the club's first session" and "a date the club can
still keep" mean.

Models' querysets, services, selectors, pages and the indicators all ask these
functions; nothing else restates a rule. Each rule comes in the forms callers need
(a `Q` for the database, a predicate for one row), built from the same constants,
so the two cannot drift. Thresholds are settings (`COPRODUCE_INDICATORS`).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.conf import settings
from django.db.models import Exists, F, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, NullIf
from django.utils import timezone

from clubs.models import Aspect, AspectChange, Club
from clubs.permissions import can_manage_club
from feedback.models import CHANGE_OUTCOMES, Outcome, Session, State

# --- States --------------------------------------------------------------------------

# Published and not yet decided: open for support, waiting for a decision.
OPEN_STATES = (State.PUBLISHED, State.ACKNOWLEDGED)
# Decided, with the change made or not.
DECIDED_STATES = (State.DECIDED, State.DONE)
# Never counted in the indicators: passed to safeguarding, or taken back by the author.
NOT_COUNTED = (State.ESCALATED, State.WITHDRAWN)


def is_open(state: str) -> bool:
    return state in OPEN_STATES


# --- Answered as of a moment ---------------------------------------------------------


def answered_by(moment: datetime) -> Q:
    """An idea counts as answered at `moment` once its first decision was made by then.

    The first decision's time is kept on the proposal (`first_decided_at`) when it is
    reopened, so a reopen never makes an answered idea unanswered in the past.
    """
    return Q(first_decided_at__isnull=False, first_decided_at__lte=moment)


def is_answered_by(first_decided_at: datetime | None, moment: datetime) -> bool:
    return first_decided_at is not None and first_decided_at <= moment


# --- A real reason -------------------------------------------------------------------


def reason_min_chars() -> int:
    return settings.COPRODUCE_INDICATORS["REAL_REASON_MIN_CHARS"]


def reason_min_words() -> int:
    return settings.COPRODUCE_INDICATORS["REAL_REASON_MIN_WORDS"]


def reason_given(reason: str, answer: str = "") -> str:
    """The reason a 'not adopted' answer gives: its own reason, or else the public answer."""
    return (reason or "").strip() or (answer or "").strip()


def is_real_reason(reason: str, answer: str = "") -> bool:
    """At least a sentence: REAL_REASON_MIN_WORDS words and REAL_REASON_MIN_CHARS characters,
    in the reason or, when there is none, the public answer."""
    text = reason_given(reason, answer)
    return len(text.split()) >= reason_min_words() and len(text) >= reason_min_chars()


def real_reason_rule_text() -> str:
    return (
        f"at least {reason_min_words()} words and {reason_min_chars()} characters, in the "
        "reason or, when none is given, the public answer"
    )


# --- Lapsed promises -------------------------------------------------------------------


def _promise_past(day: date) -> Q:
    return Q(outcome__in=CHANGE_OUTCOMES, promised_by__lt=day)


def lapsed_now(today: date) -> Q:
    """Adopted, adapted or trialled, its promised date passed, no change recorded."""
    return Q(state=State.DECIDED) & _promise_past(today)


def lapsed_as_of(moment: datetime) -> Q:
    """`lapsed_now` as it stood at `moment`: decided by then, its promised date before
    `moment`'s day, no change recorded by `moment`."""
    day = timezone.localtime(moment).date()
    return (
        Q(state__in=DECIDED_STATES, decided_at__lte=moment)
        & _promise_past(day)
        & (Q(done_at__isnull=True) | Q(done_at__gt=moment))
    )


def is_lapsed(state: str, outcome: str, promised_by: date | None, today: date) -> bool:
    """`lapsed_as_of` for a row read now (a done idea has its change recorded)."""
    return (
        state == State.DECIDED
        and outcome in CHANGE_OUTCOMES
        and promised_by is not None
        and promised_by < today
    )


# --- Dates the club can still keep ------------------------------------------------------

# The dates young people are given, by the field that holds them.
DECIDE_BY_FIELDS = ("decide_by", "deferred_until")  # waiting for a decision
PROMISED_BY_FIELDS = ("promised_by",)  # waiting for a promised change


def sustain_end(club: Club) -> date:
    """The last day of the sustain period after the club's funding (SUSTAIN_PERIOD_DAYS)."""
    return club.funding_end + timedelta(days=settings.COPRODUCE["SUSTAIN_PERIOD_DAYS"])


def latest_decide_by(club: Club, today: date) -> date:
    """The latest date an idea can wait for a decision (or a deferral be looked at
    again): the funding's end, or once funding has ended, the sustain period's."""
    return club.funding_end if today <= club.funding_end else sustain_end(club)


def latest_promised_by(club: Club) -> date:
    """The latest date a change can be promised for: the sustain period's end."""
    return sustain_end(club)


def latest_date(club: Club, field: str, today: date) -> date:
    """The latest date the club can give young people in `field` (a decide-by, deferral or
    promised-by date): ideas are never parked, nor changes promised, past what it can do."""
    if field in PROMISED_BY_FIELDS:
        return latest_promised_by(club)
    if field in DECIDE_BY_FIELDS:
        return latest_decide_by(club, today)
    raise ValueError(f"No date bound for {field!r}")


def too_late_message(club: Club, field: str, day: date, today: date) -> str:
    """Why `day` is too late for `field`, or "" when the club can keep it."""
    latest = latest_date(club, field, today)
    if day <= latest:
        return ""
    ends = "ends" if latest == club.funding_end else "and sustain period end"
    return f"Choose a date by {latest:%-d %B %Y}: {club.name}'s funding {ends} then."


# --- Aspects at a moment ---------------------------------------------------------------


def aspects_at(aspects: QuerySet[Aspect], moment: datetime) -> QuerySet[Aspect]:
    """The aspects as they stood at `moment`, from their append-only history, annotated
    with `status_then` and `reason_then` (the bulk form: one query for many clubs).

    An aspect's state is its latest change by then; before its first change, that
    change's old state; aspects added (old status blank) after `moment` are left out.
    """
    latest = AspectChange.objects.filter(aspect=OuterRef("pk"), recorded_at__lte=moment).order_by(
        "-recorded_at", "-id"
    )
    next_one = AspectChange.objects.filter(aspect=OuterRef("pk"), recorded_at__gt=moment).order_by(
        "recorded_at", "id"
    )
    added_later = AspectChange.objects.filter(
        aspect=OuterRef("pk"), recorded_at__gt=moment, old_status=""
    )
    return aspects.exclude(Exists(added_later)).annotate(
        status_then=Coalesce(
            Subquery(latest.values("new_status")[:1]),
            NullIf(Subquery(next_one.values("old_status")[:1]), Value("")),
            F("status"),
        ),
        reason_then=Coalesce(
            Subquery(latest.values("new_reason")[:1]),
            Subquery(next_one.values("old_reason")[:1]),
            F("reason"),
        ),
    )


def aspect_status_at(aspect: Aspect, moment: datetime) -> str:
    """One aspect's status at `moment` ("" if it did not exist yet)."""
    row = aspects_at(Aspect.objects.filter(pk=aspect.pk), moment).values_list(
        "status_then", flat=True
    )
    return next(iter(row), "")


# --- The club's first session ----------------------------------------------------------


def first_session(club: Club) -> date:
    """The club's first session. There is no record of sessions yet: the first day of
    its funding stands for it."""
    return club.funding_start


# --- Who acts for a club ---------------------------------------------------------------


def is_lead_or_coach(user, club: Club) -> bool:
    """A coach of the club, a lead of its partner, or a superuser: they act on its ideas."""
    return can_manage_club(user, club)


__all__ = [
    "CHANGE_OUTCOMES",
    "DECIDED_STATES",
    "NOT_COUNTED",
    "OPEN_STATES",
    "Outcome",
    "answered_by",
    "aspect_status_at",
    "aspects_at",
    "first_session",
    "is_answered_by",
    "is_lapsed",
    "is_lead_or_coach",
    "is_open",
    "is_real_reason",
    "lapsed_as_of",
    "lapsed_now",
    "latest_date",
    "latest_decide_by",
    "latest_promised_by",
    "real_reason_rule_text",
    "reason_given",
    "sustain_end",
    "too_late_message",
]


# Sessions and registers (#15) --------------------------------------------------------

WEEKDAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_WEEKDAY_WORDS = {
    **{name: n for n, name in enumerate(WEEKDAY_NAMES)},
    **{name + "s": n for n, name in enumerate(WEEKDAY_NAMES)},
    **{name[:3]: n for n, name in enumerate(WEEKDAY_NAMES)},
    **{name[:3] + "s": n for n, name in enumerate(WEEKDAY_NAMES)},
    "tues": 1,
    "weds": 2,
    "thur": 3,
    "thurs": 3,
}
# The aspects a session is made from, by the session's field they fill.
SESSION_ASPECTS = {"starts_at": "start_time", "location": "location", "activity": "activity"}


def weekday_of(value: str) -> int | None:
    """The weekday (Monday 0) a day aspect's value names: "Thursday", "Thursdays",
    "Thurs evenings". None when it names no day or more than one (one session a week)."""
    words = "".join(c if c.isalpha() else " " for c in (value or "").lower()).split()
    days = {_WEEKDAY_WORDS[w] for w in words if w in _WEEKDAY_WORDS}
    return days.pop() if len(days) == 1 else None


def day_unreadable_message(value: str) -> str:
    """Why no sessions are made from a day aspect's value, or "" when they are."""
    if weekday_of(value) is not None:
        return ""
    if not (value or "").strip():
        return "The club's day is not set, so no sessions are made: set the Day on the club page."
    return (
        f"The club's day is “{value}”, which does not name one day of the week, so no "
        "sessions are made from it: set the Day to one day, e.g. “Thursdays”, or add "
        "sessions one by one."
    )


def aspect_value_on(changes, day: date, current: str, default: str = "") -> str:
    """An aspect's value in force on `day`, from its append-only history.

    `changes`: its `AspectChange`s (any order). The value is the one set by the latest
    change effective by `day` (the one recorded later, on a tie); before the first change,
    that change's old value. Changes are taken in the order they were recorded (their ids:
    demo and imported records may carry older timestamps). With no history, the aspect's
    current value. An empty value is `default` (e.g. the club's venue for its location)
    or, with no default, the first value set: a club set up after its sessions began
    had that value before it was recorded."""
    ordered = sorted(changes, key=lambda c: (c.effective_date, c.pk))
    value = ordered[0].old_value if ordered else current
    for change in ordered:
        if change.effective_date > day:
            break
        value = change.new_value
    if value.strip():
        return value
    if default:
        return default
    return next((c.new_value for c in ordered if c.new_value.strip()), "")


def sessions_weeks_ahead() -> int:
    return settings.COPRODUCE["SESSIONS_WEEKS_AHEAD"]


def register_correctable_days() -> int:
    return settings.COPRODUCE["REGISTER_CORRECTABLE_DAYS"]


def register_last_day(session_date: date) -> date:
    """The last day a session's register can be taken or corrected."""
    return session_date + timedelta(days=register_correctable_days())


# What can be done with a session's register on a day.
REGISTER_OPEN = "open"
REGISTER_FUTURE = "future"
REGISTER_CLOSED = "closed"
REGISTER_CANCELLED = "cancelled"


def register_state(*, session_date: date, cancelled: bool, today: date) -> str:
    """A register is taken on or after its session's day, and corrected for
    REGISTER_CORRECTABLE_DAYS days after it; a cancelled session has none."""
    if cancelled:
        return REGISTER_CANCELLED
    if session_date > today:
        return REGISTER_FUTURE
    if today > register_last_day(session_date):
        return REGISTER_CLOSED
    return REGISTER_OPEN


def register_refusal(*, session_date: date, cancelled: bool, today: date) -> str:
    """Why a register cannot be saved on `today`, or "" when it can."""
    state = register_state(session_date=session_date, cancelled=cancelled, today=today)
    if state == REGISTER_CANCELLED:
        return "This session was cancelled, so it has no register."
    if state == REGISTER_FUTURE:
        return (
            f"This session is on {session_date:%A %-d %B}: take its register on the day, "
            "not before."
        )
    if state == REGISTER_CLOSED:
        return (
            f"This register can no longer be changed: registers can be corrected for "
            f"{register_correctable_days()} days after the session (until "
            f"{register_last_day(session_date):%A %-d %B})."
        )
    return ""


def sessions_limit(club: Club, last_registered: date | None) -> date:
    """The last day sessions are made for: the sustain period's end after funding, or
    later while the club keeps recording registers (it is still running)."""
    limit = sustain_end(club)
    if last_registered is not None:
        limit = max(limit, last_registered + timedelta(weeks=sessions_weeks_ahead()))
    return limit


# --- Outcomes (#15): sessions run, regulars, retention, before and after -----------------


def outcomes_settings() -> dict:
    return settings.COPRODUCE_OUTCOMES


def session_run(prefix: str = "") -> Q:
    """A session counts as run when it was planned (not cancelled) and its register was
    taken: a session nobody recorded tells us nothing about who came. `prefix` reaches a
    session from another model ("session__" from an attendance)."""
    return ~Q(**{f"{prefix}status": Session.Status.CANCELLED}) & Q(
        **{f"{prefix}register_taken_at__isnull": False}
    )


# Counts of young people from 1 to SUPPRESS_BELOW - 1 are never shown in aggregates
# (the dashboards' breakdowns, the activity check's figures).
SUPPRESS_BELOW = 5


def is_suppressed(n: int) -> bool:
    return 0 < n < SUPPRESS_BELOW


def session_attendance(members: int, drop_ins: int) -> int:
    """Who came to a session: members ticked on the register plus drop-ins (a count of
    people who have not joined Coproduce; never counted as members)."""
    return members + drop_ins


def is_regular(attended: int, sessions: int) -> bool:
    """A regular came to at least REGULAR_MIN of the club's last REGULAR_OF sessions run
    (`attended` of those `sessions`). With fewer sessions run, the same minimum applies."""
    return sessions > 0 and attended >= outcomes_settings()["REGULAR_MIN"]


def regulars_rule_text() -> str:
    s = outcomes_settings()
    return (
        f"Regulars: members who came to at least {s['REGULAR_MIN']} of the club's last "
        f"{s['REGULAR_OF']} sessions run (a session is run when it was not cancelled and its "
        "register was taken)."
    )


def retention_window(first: date, weeks: int) -> tuple[date, date]:
    """The days a member must come on to be "still coming" `weeks` after their first
    session: the RETENTION_GRACE_WEEKS up to and including the day `weeks` weeks after it
    (first exclusive bound, last inclusive), so one missed week does not count against them."""
    end = first + timedelta(weeks=weeks)
    return end - timedelta(weeks=outcomes_settings()["RETENTION_GRACE_WEEKS"]), end


def in_retention_cohort(first: date, weeks: int, as_of: date) -> bool:
    """Counted for retention at `weeks` once their first session was at least that long
    before `as_of` (exactly `weeks` weeks ago counts)."""
    return first + timedelta(weeks=weeks) <= as_of


def is_still_coming(first: date, dates: list[date], weeks: int) -> bool:
    """Came to a session after the window's start and on or before its end."""
    start, end = retention_window(first, weeks)
    return any(start < day <= end for day in dates)


def retention_cut(weeks: int, as_of: date) -> date:
    """The latest first session counted for retention at `weeks` (`in_retention_cohort`)."""
    return as_of - timedelta(weeks=weeks)


def still_coming_window(weeks: int) -> tuple[timedelta, timedelta]:
    """`retention_window` as offsets from the first session, for the database: after the
    first, and on or before the second."""
    return (
        timedelta(weeks=weeks - outcomes_settings()["RETENTION_GRACE_WEEKS"]),
        timedelta(weeks=weeks),
    )


def regular_min() -> int:
    """Sessions of the last REGULAR_OF run a regular came to, at least (`is_regular`)."""
    return outcomes_settings()["REGULAR_MIN"]


def retention_rule_text(weeks: int | None = None) -> str:
    s = outcomes_settings()
    weeks_text = " and ".join(str(w) for w in s["RETENTION_WEEKS"]) if weeks is None else weeks
    return (
        f"Keeps coming at {weeks_text} weeks: of the members whose first session was at least "
        "that many weeks ago, the share who came to a session in the "
        f"{s['RETENTION_GRACE_WEEKS']} weeks up to that many weeks after their first one. "
        "Drop-ins are not members and are never counted."
    )


def before_after_rule_text() -> str:
    n = outcomes_settings()["BEFORE_AFTER_SESSIONS"]
    return (
        f"For each change made because of young people's ideas: the average attendance "
        f"(members and drop-ins) of the {n} sessions run before the change's date, against "
        f"the {n} run from that date on. Until {n} sessions have been run since, it is too "
        "early to tell."
    )


def weeks_after_funding(club: Club, last_run: date | None) -> int:
    """Whole weeks from the club's funding end to its latest session run after it (0 when
    there is none after the funding end)."""
    if last_run is None or last_run <= club.funding_end:
        return 0
    return (last_run - club.funding_end).days // 7


def activity_check_due(last_answered: datetime | None, now: datetime) -> bool:
    """The activity check is offered at joining (never answered) and again
    ACTIVITY_CHECK_WEEKS after the member's last answer."""
    if last_answered is None:
        return True
    return now - last_answered >= timedelta(weeks=outcomes_settings()["ACTIVITY_CHECK_WEEKS"])
