"""Does co-production pay off? Outcome measures from the clubs' registers (#15).

Sessions run, attendance per session, regulars, retention at 6 and 12 weeks, and for
every change made because of young people's ideas the attendance before and after it;
sustainability after funding; the activity check's aggregates. `compute(clubs, as_of)`
gives them for one club or hundreds in a fixed number of queries (three, whatever the
data size); the rules (what a session run, a regular, "still coming" mean) live in
`feedback.rules`.
"""

from __future__ import annotations

import json
from bisect import bisect_left
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time
from operator import attrgetter

from django.db import connection
from django.db.models import Count, F, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from clubs.models import AspectChange, AspectKind, Club
from coproduce.compiled import CompiledQueries
from feedback import rules
from feedback.models import (
    CHANGE_OUTCOMES,
    ActivityAnswer,
    Attendance,
    ClubSummary,
    Participant,
    Session,
)

# --- Results -----------------------------------------------------------------------------


@dataclass
class SessionRun:
    pk: int
    date: date
    members: int
    drop_ins: int

    @property
    def attendance(self) -> int:
        return rules.session_attendance(self.members, self.drop_ins)


@dataclass
class ChangeEffect:
    """Attendance before and after one change made because of young people's ideas."""

    pk: int
    club_id: int
    aspect_kind: str
    aspect_name: str
    old_value: str
    new_value: str
    effective_date: date
    proposals: list[tuple[int, str]] = field(default_factory=list)  # (id, title)
    before: list[int] = field(default_factory=list)  # attendance, oldest first
    after: list[int] = field(default_factory=list)
    upcoming: bool = False  # its date is still to come

    @property
    def needed(self) -> int:
        return rules.outcomes_settings()["BEFORE_AFTER_SESSIONS"]

    @property
    def measured(self) -> bool:
        """Enough sessions after the change (and at least one before) to compare."""
        return len(self.after) >= self.needed and bool(self.before)

    @property
    def before_average(self) -> float | None:
        return _average(self.before)

    @property
    def after_average(self) -> float | None:
        return _average(self.after) if self.measured else None

    @property
    def difference(self) -> float | None:
        if not self.measured:
            return None
        return round(self.after_average - self.before_average, 1)

    @property
    def sentence(self) -> str:
        return change_sentence(self)


@dataclass
class ActivitySummary:
    """The activity check's answers as a group: never one member's answer."""

    answered: int = 0  # members with an answer (their latest), "rather not say" included
    told: int = 0  # of those, members who gave a number of days
    days_total: int = 0
    active_every_day: int = 0  # said 7 days: the Chief Medical Officers' guideline

    @property
    def suppressed(self) -> bool:
        return rules.is_suppressed(self.told)

    @property
    def average_days(self) -> float | None:
        if not self.told or self.suppressed:
            return None
        return round(self.days_total / self.told, 1)

    @property
    def every_day_pct(self) -> float | None:
        if not self.told or self.suppressed:
            return None
        return round(100 * self.active_every_day / self.told)

    def add(self, other: ActivitySummary) -> None:
        self.answered += other.answered
        self.told += other.told
        self.days_total += other.days_total
        self.active_every_day += other.active_every_day


@dataclass
class ClubOutcomes:
    club: Club
    as_of: date
    sessions: list[SessionRun]
    regulars: int
    members_seen: int  # members ticked at least once
    retention: dict[int, tuple[int, int]]  # weeks -> (still coming, counted)
    changes: list[ChangeEffect]
    activity: ActivitySummary
    judged_at: datetime | None = None  # when the figures were worked out (for_club)
    kept_version: int | None = None  # read from the club's summary, kept at this version

    @property
    def kept_key(self) -> str:
        """Names these figures among every kept version of the club's ("" when computed
        for this read only): what a cached rendering of them is keyed by."""
        if self.kept_version is None or self.judged_at is None:
            return ""
        return f"{self.club.pk}:{self.kept_version}:{self.judged_at.isoformat()}"

    @property
    def sessions_run(self) -> int:
        return len(self.sessions)

    @property
    def average_attendance(self) -> float | None:
        return _average([s.attendance for s in self.sessions])

    @property
    def max_attendance(self) -> int:
        return max((s.attendance for s in self.sessions), default=0)

    @property
    def sessions_after_funding(self) -> list[SessionRun]:
        return [s for s in self.sessions if s.date > self.club.funding_end]

    @property
    def weeks_after_funding(self) -> int:
        last = self.sessions[-1].date if self.sessions else None
        return rules.weeks_after_funding(self.club, last)

    @property
    def sustainability(self) -> str:
        return sustainability_sentence(self)

    @property
    def retention_rows(self) -> list[tuple[int, int, int, float | None]]:
        """(weeks, still coming, counted, share) for each RETENTION_WEEKS."""
        return [(w, *self.retention[w], self.retention_pct(w)) for w in sorted(self.retention)]

    def retention_pct(self, weeks: int) -> float | None:
        still, counted = self.retention.get(weeks, (0, 0))
        return round(100 * still / counted, 1) if counted else None


# --- Wording: one function each ------------------------------------------------------------

# How a change reads after "Since ...": the club moved, switched or changed.
_CHANGE_VERBS = {
    AspectKind.DAY: "we moved to {value}",
    AspectKind.START_TIME: "we moved to {value}",
    AspectKind.LOCATION: "we moved to {value}",
    AspectKind.ACTIVITY: "we switched to {value}",
}


def _fmt(value: float) -> str:
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.1f}"


def change_sentence(effect: ChangeEffect) -> str:
    """ "Since we moved to Thursday, 14 come on average, up from 9." or, with fewer than
    BEFORE_AFTER_SESSIONS sessions run since, "Too early to tell: 2 sessions since"."""
    if effect.upcoming:
        return f"Not made yet: from {effect.effective_date:%-d %B %Y}."
    if len(effect.after) < effect.needed:
        n = len(effect.after)
        return f"Too early to tell: {n} session{'' if n == 1 else 's'} since."
    if not effect.before:
        return "No sessions were recorded before this change, so there is nothing to compare."
    verb = _CHANGE_VERBS.get(effect.aspect_kind, "the {aspect} changed to {value}")
    since = verb.format(value=effect.new_value, aspect=effect.aspect_name.lower())
    after, before = effect.after_average, effect.before_average
    if round(after, 1) > round(before, 1):
        trend = f"up from {_fmt(before)}"
    elif round(after, 1) < round(before, 1):
        trend = f"down from {_fmt(before)}"
    else:
        trend = "the same as before"
    come = "comes" if _fmt(after) == "1" else "come"
    return f"Since {since}, {_fmt(after)} {come} on average, {trend}."


def sustainability_sentence(outcome: ClubOutcomes) -> str:
    """ "Still running 6 weeks after funding", from the registers taken after the club's
    funding end ("" when none was)."""
    after = outcome.sessions_after_funding
    if not after:
        return ""
    weeks = outcome.weeks_after_funding
    if weeks == 0:
        return f"Still running after funding: {len(after)} session{'' if len(after) == 1 else 's'} since it ended"
    return f"Still running {weeks} week{'' if weeks == 1 else 's'} after funding"


# --- Computing ------------------------------------------------------------------------------


def _average(values: list[int]) -> float | None:
    return round(sum(values) / len(values), 1) if values else None


def compute(
    clubs, as_of: date | None = None, *, activity: bool = True, with_regulars: bool = True
) -> dict[int, ClubOutcomes]:
    """Every club's outcomes as of the end of `as_of` (today by default), by club id.

    Five queries whatever the number of clubs, sessions and members, each an aggregate (no
    row per attendance comes back: a county's two years of registers are hundreds of
    thousands): the sessions run with their members ticked, the members' first sessions and
    retention, the regulars (left out with `with_regulars=False`), the changes made because
    of ideas, and the activity check's latest answers (left out with `activity=False`).
    """
    as_of = as_of or timezone.localdate()
    clubs = list(clubs)
    if not clubs:
        return {}
    ids = [c.pk for c in clubs]
    s = rules.outcomes_settings()

    sessions = sessions_run(ids, as_of=as_of)
    members = _members(ids, as_of=as_of, weeks=s["RETENTION_WEEKS"])
    regulars = _regulars(sessions, s["REGULAR_OF"]) if with_regulars else {}
    changes = _changes(ids)
    answers = activity_summaries(ids, as_of=as_of) if activity else {}

    out = {}
    for club in clubs:
        runs = sessions.get(club.pk, [])
        seen = members.get(club.pk, {})
        retention = {
            w: (seen.get(f"still_{w}", 0), seen.get(f"counted_{w}", 0))
            for w in s["RETENTION_WEEKS"]
        }
        effects = changes.get(club.pk, [])
        for effect in effects:
            _fill_before_after(effect, runs, s["BEFORE_AFTER_SESSIONS"], as_of)
        out[club.pk] = ClubOutcomes(
            club=club,
            as_of=as_of,
            sessions=runs,
            regulars=regulars.get(club.pk, 0),
            members_seen=seen.get("members_seen", 0),
            retention=retention,
            changes=effects,
            activity=answers.get(club.pk, ActivitySummary()),
        )
    return out


# `for_club`'s summary when the caller did not read it.
_UNREAD = object()


def with_summary(clubs: QuerySet) -> QuerySet:
    """Clubs read with their ClubSummary (`club.summary`, without the indicators' figures),
    in the same query, for `for_club(club, summary=...)`."""
    return clubs.select_related("summary").defer("summary__data", "summary__brief")


def kept_summary(club: Club) -> ClubSummary | None:
    """The summary a club was read with (`with_summary`); None if it has none yet."""
    return getattr(club, "summary", None)


def for_club(club: Club, as_of: date | None = None, *, summary=_UNREAD) -> ClubOutcomes:
    """One club's outcomes: for today, read from the club's summary while it can be used
    (`_usable`), else computed and kept there; for another day, computed. A caller that
    has just read the club's ClubSummary with the club (the outcomes page) gives it as
    `summary` (None: the club has none yet), which saves the query.

    Kept as the indicators' summaries are (feedback/indicators/summaries.py): it is
    `compute`'s own result, saved with the club's summary version read before any record,
    so a write landing meanwhile leaves it stale, never wrongly fresh; used only on the
    day it was judged and for COPRODUCE_SUMMARY_MAX_AGE_MINUTES. One query when it can be
    used (none when given), instead of `compute`'s five."""
    now = timezone.now()
    today = timezone.localdate(now)
    as_of = as_of or today
    if as_of != today:
        return compute([club], as_of)[club.pk]
    row = summary
    if row is _UNREAD:
        row = (
            ClubSummary.objects.filter(club_id=club.pk)
            .values_list("version", "outcomes_version", "outcomes_at", "outcomes", named=True)
            .first()
        )
    if row is not None and _usable(row, now):
        kept = load(club, row.outcomes, judged_at=row.outcomes_at)
        kept.kept_version = row.outcomes_version
        return kept
    result = compute([club], as_of)[club.pk]
    result.judged_at = now
    if row is None:
        # A club read for the first time gets its row, its figures from the next read: a
        # write made before the row existed could not move its version.
        ClubSummary.objects.bulk_create([ClubSummary(club_id=club.pk)], ignore_conflicts=True)
    else:
        ClubSummary.objects.filter(club_id=club.pk).update(
            outcomes=dump(result), outcomes_version=row.version, outcomes_at=now
        )
    return result


def _usable(row, now: datetime) -> bool:
    """Whether a club's kept outcomes can be used now (`_kept_check`)."""
    return _kept_check(now)(row.version, row.outcomes_version, row.outcomes_at)


def _kept_check(now: datetime):
    """Whether figures kept with a club's summary can be used now (`ClubSummary.is_current`)
    for today's outcomes (judged today), as a function of a club's versions and time of
    judging: what depends on `now` (the age limit, today, the time zone) is worked out once
    for many clubs (a district's 30 clubs read the time zone 60 times otherwise)."""
    zone = timezone.get_current_timezone()
    today = timezone.localdate(now, zone)
    oldest = now - ClubSummary.max_age()

    def usable(version: int, kept_version: int, kept_at: datetime | None) -> bool:
        return ClubSummary.is_current(version, kept_version, kept_at, now, oldest) and (
            timezone.localdate(kept_at, zone) == today
        )

    return usable


def dump(result: ClubOutcomes) -> str:
    """A club's outcomes as compact JSON text (`load` reads it back)."""
    return json.dumps(
        {
            "s": [[r.pk, r.date.isoformat(), r.members, r.drop_ins] for r in result.sessions],
            "r": result.regulars,
            "m": result.members_seen,
            "t": [[w, *figures] for w, figures in result.retention.items()],
            "c": [
                [
                    c.pk,
                    c.aspect_kind,
                    c.aspect_name,
                    c.old_value,
                    c.new_value,
                    c.effective_date.isoformat(),
                    c.proposals,
                    c.before,
                    c.after,
                    c.upcoming,
                ]
                for c in result.changes
            ],
            "a": [
                result.activity.answered,
                result.activity.told,
                result.activity.days_total,
                result.activity.active_every_day,
            ],
            "d": result.as_of.isoformat(),
        },
        separators=(",", ":"),
    )


def load(club: Club, data: str, *, judged_at: datetime | None = None) -> ClubOutcomes:
    saved = json.loads(data)
    day = date.fromisoformat
    return ClubOutcomes(
        club=club,
        as_of=day(saved["d"]),
        sessions=[
            SessionRun(pk, day(d), members, drop_ins) for pk, d, members, drop_ins in saved["s"]
        ],
        regulars=saved["r"],
        members_seen=saved["m"],
        retention={w: (still, counted) for w, still, counted in saved["t"]},
        changes=[
            ChangeEffect(
                pk=pk,
                club_id=club.pk,
                aspect_kind=kind,
                aspect_name=name,
                old_value=old,
                new_value=new,
                effective_date=day(effective),
                proposals=[tuple(p) for p in proposals],
                before=before,
                after=after,
                upcoming=upcoming,
            )
            for pk, kind, name, old, new, effective, proposals, before, after, upcoming in saved[
                "c"
            ]
        ],
        activity=ActivitySummary(*saved["a"]),
        judged_at=judged_at,
    )


def _plus_days(column: str) -> str:
    """SQL for a date column plus a number of days (a parameter), as a date the database
    can compare with an indexed date column (the two databases add days differently)."""
    if connection.vendor == "postgresql":
        return f"({column} + %s)"
    return f"date({column}, '+' || %s || ' days')"


def _members(ids, *, as_of: date, weeks) -> dict[int, dict]:
    """Per club: members ticked on a session run by `as_of`, and for each of `weeks` those
    counted for retention and those still coming (`rules.in_retention_cohort`,
    `rules.is_still_coming`), in one query.

    Each member's first session run is kept on the member (`first_session_on`, by the
    register's services), so only the club's members are read. "Still coming" is an EXISTS
    over the club's sessions run in the window after it (a couple of rows through the index
    on a club's sessions by date) joined to the member's tick on each (the unique index on
    session and member), not a scan of every tick of theirs. The ORM cannot add a number of
    days to a date column the same way on both databases, so the outer query is written
    here around two ORM-built subqueries that hold the rules."""
    firsts = (
        Participant.objects.filter(club_id__in=ids, first_session_on__lte=as_of)
        .order_by()
        .values(member=F("pk"), club_pk=F("club_id"), first=F("first_session_on"))
    )
    run = (
        Session.objects.filter(rules.session_run(), date__lte=as_of)
        .order_by()
        .values("id", "club_id", "date")
    )
    firsts_sql, firsts_params = firsts.query.sql_with_params()
    run_sql, run_params = run.query.sql_with_params()
    ticks = connection.ops.quote_name(Attendance._meta.db_table)
    columns, params = ["COUNT(*)"], []
    for w in weeks:
        after, upto = rules.still_coming_window(w)
        cohort = "f.first <= %s"
        cut = rules.retention_cut(w, as_of)
        columns.append(f"SUM(CASE WHEN {cohort} THEN 1 ELSE 0 END)")
        # Built from ORM-compiled SQL and fixed text; every value is a parameter.
        still = (
            f"SUM(CASE WHEN {cohort} AND EXISTS (SELECT 1 FROM ({run_sql}) s "  # noqa: S608
            f"INNER JOIN {ticks} a ON a.session_id = s.id "
            "WHERE a.participant_id = f.member AND s.club_id = f.club_pk "
            f"AND s.date > {_plus_days('f.first')} AND s.date <= {_plus_days('f.first')}) "
            "THEN 1 ELSE 0 END)"
        )
        columns.append(still)
        params += [cut, cut, *run_params, after.days, upto.days]
    sql = f"SELECT f.club_pk, {', '.join(columns)} FROM ({firsts_sql}) f GROUP BY f.club_pk"  # noqa: S608
    with connection.cursor() as cursor:
        # The SELECT list's parameters come before the FROM's.
        cursor.execute(sql, [*params, *firsts_params])
        rows = cursor.fetchall()
    out = {}
    for club_id, seen, *figures in rows:
        row = {"members_seen": seen}
        for w, (counted, still) in zip(
            weeks, zip(figures[::2], figures[1::2], strict=True), strict=True
        ):
            row[f"counted_{w}"], row[f"still_{w}"] = int(counted or 0), int(still or 0)
        out[club_id] = row
    return out


def _regulars(sessions: dict[int, list[SessionRun]], of: int) -> dict[int, int]:
    """Per club: members who came to at least REGULAR_MIN of its last `of` sessions run (one
    query over those sessions' ticks; none without sessions)."""
    last = [r.pk for runs in sessions.values() for r in runs[-of:]]
    if not last:
        return {}
    rows = (
        Attendance.objects.filter(session_id__in=last)
        .values("session__club_id", "participant_id")
        .annotate(came=Count("pk"))
        .filter(came__gte=rules.regular_min())
        .order_by()
        .values_list("session__club_id", flat=True)
    )
    out: dict[int, int] = defaultdict(int)
    for club_id in rows:
        out[club_id] += 1
    return out


def sessions_run(ids, *, as_of: date) -> dict[int, list[SessionRun]]:
    """Each club's sessions run by `as_of`, oldest first, with their members ticked (one
    query; the count is the session's own `members_count`, kept by the register)."""
    sessions: dict[int, list[SessionRun]] = defaultdict(list)
    for club_id, pk, day, members, drop_ins in (
        Session.objects.filter(rules.session_run(), club_id__in=ids, date__lte=as_of)
        .order_by("club_id", "date", "pk")
        .values_list("club_id", "pk", "date", "members_count", "drop_ins")
    ):
        sessions[club_id].append(SessionRun(pk=pk, date=day, members=members, drop_ins=drop_ins))
    return sessions


def change_sentences(club_id: int, changes: list, *, as_of: date | None = None) -> dict[int, str]:
    """What attendance did after each of a club's changes, for "You said, we did": change id
    -> `change_sentence`. `changes` are AspectChange rows (with their aspect) or dicts with
    `change_id`, `aspect` (an Aspect), `new_value` and `effective_date`. No query without
    changes, one with; nothing for a club that has never taken a register."""
    if not changes:
        return {}
    as_of = as_of or timezone.localdate()
    runs = sessions_run([club_id], as_of=as_of).get(club_id, [])
    if not runs:
        return {}
    n = rules.outcomes_settings()["BEFORE_AFTER_SESSIONS"]
    out = {}
    for change in changes:
        get = change.get if isinstance(change, dict) else lambda name, c=change: getattr(c, name)
        if get("effective_date") > as_of:
            continue  # not made yet: nothing to tell
        aspect = get("aspect")
        pk = get("change_id") if isinstance(change, dict) else change.pk
        effect = ChangeEffect(
            pk=pk,
            club_id=club_id,
            aspect_kind=aspect.kind,
            aspect_name=aspect.name,
            old_value="",
            new_value=get("new_value"),
            effective_date=get("effective_date"),
        )
        _fill_before_after(effect, runs, n, as_of)
        out[pk] = effect.sentence
    return out


def club_record_outcomes(club: Club, changes: list, *, as_of: date | None = None) -> str:
    """For the club record: adds `outcome_sentence` to each change made because of ideas
    (those with a non-empty `because`) and returns the sustainability sentence. One query."""
    as_of = as_of or timezone.localdate()
    runs = sessions_run([club.pk], as_of=as_of).get(club.pk, [])
    n = rules.outcomes_settings()["BEFORE_AFTER_SESSIONS"]
    for change in changes:
        change.outcome_sentence = ""
        if not runs or not getattr(change, "because", None) or change.effective_date > as_of:
            continue
        effect = ChangeEffect(
            pk=change.pk,
            club_id=club.pk,
            aspect_kind=change.aspect.kind if change.aspect else "",
            aspect_name=change.aspect.name if change.aspect else "",
            old_value=change.old_value,
            new_value=change.new_value,
            effective_date=change.effective_date,
        )
        _fill_before_after(effect, runs, n, as_of)
        change.outcome_sentence = effect.sentence
    summary = ClubOutcomes(
        club=club,
        as_of=as_of,
        sessions=runs,
        regulars=0,
        members_seen=0,
        retention={},
        changes=[],
        activity=ActivitySummary(),
    )
    return summary.sustainability


def _fill_before_after(effect: ChangeEffect, runs: list[SessionRun], n: int, as_of: date):
    """The last `n` sessions run before the change's date and the first `n` from it (by
    `as_of`). `runs` are oldest first, so both are found by bisection: a county's changes
    times its sessions made this the slowest part of `compute`."""
    cut = bisect_left(runs, effect.effective_date, key=attrgetter("date"))
    effect.before = [r.attendance for r in runs[max(0, cut - n) : cut]]
    effect.after = [r.attendance for r in runs[cut : cut + n] if r.date <= as_of]
    effect.upcoming = effect.effective_date > as_of


def _changes(ids: list[int]) -> dict[int, list[ChangeEffect]]:
    """The changes made because of adopted, adapted or trialled ideas, oldest first: one
    query over the links between changes and ideas."""
    links = (
        AspectChange.proposals.through.objects.filter(
            aspectchange__club_id__in=ids, proposal__outcome__in=CHANGE_OUTCOMES
        )
        .order_by("aspectchange__effective_date", "aspectchange_id", "proposal_id")
        .values_list(
            "aspectchange_id",
            "aspectchange__club_id",
            "aspectchange__aspect__kind",
            "aspectchange__aspect__label",
            "aspectchange__old_value",
            "aspectchange__new_value",
            "aspectchange__effective_date",
            "proposal_id",
            "proposal__title",
        )
    )
    by_pk: dict[int, ChangeEffect] = {}
    out: dict[int, list[ChangeEffect]] = defaultdict(list)
    for pk, club_id, kind, label, old, new, day, proposal_id, title in links:
        effect = by_pk.get(pk)
        if effect is None:
            effect = by_pk[pk] = ChangeEffect(
                pk=pk,
                club_id=club_id,
                aspect_kind=kind,
                aspect_name=label or AspectKind(kind).label,
                old_value=old,
                new_value=new,
                effective_date=day,
            )
            out[club_id].append(effect)
        effect.proposals.append((proposal_id, title))
    return out


# A member's latest answer as one value: their days, NOT_SAID for "rather not say", and no
# value (NULL) for a member who has not answered.
NOT_SAID = -1


def activity_summaries(ids, *, as_of: date) -> dict[int, ActivitySummary]:
    """Each club's members' latest activity check answer by the end of `as_of`, added up
    per club: earlier answers are not counted twice. One query, a row per member (each
    member's latest answer found through the index on member and time: a district's
    thousand members, where scanning its answers for the latest meant every answer)."""
    end = timezone.make_aware(datetime.combine(as_of, time.max))
    latest = (
        ActivityAnswer.objects.filter(participant=OuterRef("pk"), answered_at__lte=end)
        .order_by("-answered_at", "-pk")
        .values(said=Coalesce("days", NOT_SAID))[:1]
    )
    rows = (
        Participant.objects.filter(club_id__in=ids)
        .order_by()
        .values_list("club_id", Subquery(latest, output_field=IntegerField()))
    )
    out: dict[int, ActivitySummary] = defaultdict(ActivitySummary)
    for club_id, said in rows:
        if said is None:
            continue  # not answered (by then)
        summary = out[club_id]
        summary.answered += 1
        if said != NOT_SAID:
            summary.told += 1
            summary.days_total += said
            summary.active_every_day += said == 7
    return dict(out)


def district_activity(district_id: int, *, as_of: date) -> ActivitySummary:
    """The activity check over every club of a district: the clubs' own figures added up
    (a member is in one club). For today each club's figure is kept with its summary, as
    its outcomes are (`for_club`), so a district's thousand members' latest answers are
    not read again on every page: one query when every club's can be used, a second for
    those that cannot (computed together) and a third to keep them."""
    now = timezone.now()
    if as_of != timezone.localdate(now):
        ids = Club.objects.filter(district_id=district_id).values("pk")
        return _added_up(activity_summaries(ids, as_of=as_of).values())
    rows = _DISTRICT_KEPT.rows(district_id, lambda: _district_kept_query(district_id))
    usable = _kept_check(now)
    kept, stale = [], []
    for club_id, version, kept_version, kept_at, activity in rows:
        if version is not None and usable(version, kept_version, kept_at):
            kept.append(ActivitySummary(*map(int, activity.split(","))))
        else:
            stale.append((club_id, version))
    if stale:
        fresh = activity_summaries([club_id for club_id, _ in stale], as_of=as_of)
        # Each with the version read before its answers were; a club read for the first
        # time gets its row, its figure kept from the next read (see `for_club`).
        ClubSummary.objects.bulk_create(
            [
                ClubSummary(
                    club_id=club_id,
                    activity=_activity_text(fresh.get(club_id, ActivitySummary())),
                    activity_version=-1 if version is None else version,
                    activity_at=now,
                )
                for club_id, version in stale
            ],
            update_conflicts=True,
            unique_fields=["club"],
            update_fields=["activity", "activity_version", "activity_at"],
        )
        kept += fresh.values()
    return _added_up(kept)


# A district's clubs with their kept activity figures: the SQL depends on the district only,
# so it is built once per district and process (`coproduce.compiled`; building it cost
# twice running it).
_DISTRICT_KEPT = CompiledQueries()


def _district_kept_query(district_id: int) -> QuerySet:
    return (
        Club.objects.filter(district_id=district_id)
        .order_by("pk")
        .values_list(
            "pk",
            "summary__version",
            "summary__activity_version",
            "summary__activity_at",
            "summary__activity",
        )
    )


def _activity_text(summary: ActivitySummary) -> str:
    return f"{summary.answered},{summary.told},{summary.days_total},{summary.active_every_day}"


def _added_up(summaries) -> ActivitySummary:
    total = ActivitySummary()
    for summary in summaries:
        total.add(summary)
    return total


def activity_rule_text() -> str:
    weeks = rules.outcomes_settings()["ACTIVITY_CHECK_WEEKS"]
    return (
        f"{ACTIVITY_QUESTION} Members may answer when they join and every {weeks} weeks, or "
        "choose not to. Each member's latest answer counts; no one's answer is shown. With "
        f"fewer than {rules.SUPPRESS_BELOW} members giving a number, the figures "
        "are not shown."
    )


ACTIVITY_QUESTION = (
    "In the last 7 days, on how many days did you do at least 60 minutes of sport or activity?"
)

__all__ = [
    "ACTIVITY_QUESTION",
    "ActivitySummary",
    "ChangeEffect",
    "ClubOutcomes",
    "SessionRun",
    "activity_rule_text",
    "activity_summaries",
    "change_sentence",
    "change_sentences",
    "club_record_outcomes",
    "compute",
    "district_activity",
    "for_club",
    "sessions_run",
    "sustainability_sentence",
]
