"""Reads for coaches' pages: what needs them, the moderation queue, a proposal, the club record.

Every selector runs a fixed number of queries whatever the number of proposals,
events and changes: related rows come with `select_related`/`prefetch_related`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
)
from django.utils import dateformat, timezone
from django.utils.http import urlencode

from clubs.models import Aspect, AspectChange, AspectStatus, Club, ClubCoach, PartnerRole
from clubs.permissions import led_partner_ids, managed_club_ids, managed_clubs
from coproduce.compiled import CompiledQueries
from coproduce.http import link_maker
from feedback.indicators.core import Window
from feedback.models import (
    CHANGE_OUTCOMES,
    MAY_WAIT,
    Concern,
    Decision,
    Learning,
    ListenedAnswer,
    Outcome,
    Participant,
    Proposal,
    ProposalEvent,
    Round,
    State,
)

# A change promised this many days ahead already shows in "Needs you".
PROMISE_SOON_DAYS = 14
DEFERRAL_SOON_DAYS = 7


def acknowledge_due(proposal: Proposal) -> date:
    """Young people should hear that a coach has read their idea within a week of sending it."""
    days = settings.COPRODUCE_INDICATORS["SLOW_AMBER_OVER_DAYS"]
    return timezone.localdate(proposal.submitted_at) + timedelta(days=days)


def answer_due(proposal: Proposal) -> date:
    days = settings.COPRODUCE_INDICATORS["SILENT_AFTER_DAYS"]
    return timezone.localdate(proposal.submitted_at) + timedelta(days=days)


@dataclass
class Waiting:
    """One thing waiting for a coach: since when, and by when it is due."""

    proposal: Proposal | None
    since: datetime
    due: date | None
    today: date
    concern: Concern | None = None

    @property
    def waited_days(self) -> int:
        return (self.today - timezone.localdate(self.since)).days

    @property
    def overdue(self) -> bool:
        return self.due is not None and self.due < self.today

    @property
    def club(self) -> Club:
        return self.proposal.club if self.proposal else self.concern.club


@dataclass
class NeedsYou:
    clubs: list[Club]
    to_moderate: list[Waiting] = field(default_factory=list)
    to_acknowledge: list[Waiting] = field(default_factory=list)
    to_decide: list[Waiting] = field(default_factory=list)
    changes_due: list[Waiting] = field(default_factory=list)
    deferrals_due: list[Waiting] = field(default_factory=list)
    concerns: list[Waiting] = field(default_factory=list)
    gets_weekly_email: bool = False

    @property
    def total(self) -> int:
        return sum(
            len(x)
            for x in (
                self.to_moderate,
                self.to_acknowledge,
                self.to_decide,
                self.changes_due,
                self.deferrals_due,
                self.concerns,
            )
        )


def _managed_ids(user) -> QuerySet:
    return managed_clubs(user).values("pk")


def _waiting(today: date) -> Q:
    """The ideas that wait for a coach: "Needs you" lists them and the menu counts them.

    A paused (blocked) member's unpublished ideas are hidden until they are unblocked.
    """
    soon = today + timedelta(days=PROMISE_SOON_DAYS)
    return (
        Q(state__in=[State.PUBLISHED, State.ACKNOWLEDGED])
        | (Q(state=State.SUBMITTED) & ~Q(author__is_blocked=True))
        | (
            Q(state=State.DECIDED, outcome__in=CHANGE_OUTCOMES)
            & (Q(promised_by__isnull=True) | Q(promised_by__lte=soon))
        )
        | Q(
            state=State.DECIDED,
            outcome=Outcome.DEFERRED,
            deferred_until__lte=today + timedelta(days=DEFERRAL_SOON_DAYS),
        )
    )


# The count's SQL depends only on who asks (their id, and whether they are a superuser or
# lead a partner: `managed_club_ids` picks its subquery by these) and on today's date.
_NEEDS_YOU_SQL = CompiledQueries()


def needs_you_count(*, user, today: date | None = None) -> int:
    """How many things "Needs you" lists (ideas and unhandled concerns), in one query. Its SQL
    is built once per user and day (`coproduce.compiled`): building it cost twice running it."""
    today = today or timezone.localdate()
    key = (user.pk, user.is_active, user.is_superuser, bool(led_partner_ids(user)), today)
    return _NEEDS_YOU_SQL.count(key, lambda: _needs_you_query(user, today))


def _needs_you_query(user, today: date) -> QuerySet:
    club_ids = managed_club_ids(user)
    # The waiting condition inside a CASE: as a plain WHERE, PostgreSQL spent about 2 ms
    # planning its five ORs against the ideas' dozen indexes, on every coach's page, to
    # then read a coach's few hundred ideas by club anyway (0.2 ms planned this way).
    # MAY_WAIT, a plain condition the waiting ones all meet, reads them through its partial
    # index (a club's few dozen ideas instead of all of them: 1.4 -> 0.6 ms of database time
    # at county scale).
    waits = Case(When(_waiting(today), then=Value(True)), default=Value(False))
    ideas = Proposal.objects.filter(MAY_WAIT, club_id__in=club_ids)
    ideas = ideas.alias(waits=waits).filter(waits=True)
    ideas = ideas.order_by().values("pk")
    concerns = Concern.objects.filter(club_id__in=club_ids, handled_at__isnull=True)
    concerns = concerns.order_by().values("pk")
    return ideas.union(concerns, all=True)


def needs_you(*, user, today: date | None = None) -> NeedsYou:
    """Everything across the user's clubs that waits for a coach, oldest first. Three queries."""
    today = today or timezone.localdate()
    # Coaches and leads get the Monday email (and may turn it off here).
    coaches_it = ClubCoach.objects.filter(club=OuterRef("pk"), user_id=user.pk)
    leads_it = PartnerRole.objects.filter(
        partner=OuterRef("partner"), user_id=user.pk, role=PartnerRole.Role.LEAD
    )
    clubs = list(
        managed_clubs(user).annotate(weekly=Exists(coaches_it) | Exists(leads_it)).order_by("name")
    )
    result = NeedsYou(clubs=clubs, gets_weekly_email=any(c.weekly for c in clubs))
    if not clubs:
        return result
    club_ids = [c.pk for c in clubs]
    proposals = (
        Proposal.objects.filter(club_id__in=club_ids)
        .filter(_waiting(today))
        .select_related("club", "author", "aspect")
        .order_by("submitted_at", "id")
    )
    for p in proposals:
        if p.state == State.SUBMITTED:
            result.to_moderate.append(Waiting(p, p.submitted_at, acknowledge_due(p), today))
        elif p.state == State.PUBLISHED:
            result.to_acknowledge.append(Waiting(p, p.submitted_at, acknowledge_due(p), today))
        elif p.state == State.ACKNOWLEDGED:
            due = min(filter(None, [p.decide_by, answer_due(p)]))
            result.to_decide.append(Waiting(p, p.acknowledged_at or p.submitted_at, due, today))
        elif p.outcome == Outcome.DEFERRED:
            result.deferrals_due.append(Waiting(p, p.decided_at, p.deferred_until, today))
        else:
            result.changes_due.append(Waiting(p, p.decided_at, p.promised_by, today))
    result.to_decide.sort(key=lambda w: w.since)
    result.changes_due.sort(key=lambda w: (w.due or date.max, w.since))
    result.deferrals_due.sort(key=lambda w: (w.due, w.since))
    concerns = (
        Concern.objects.filter(club_id__in=club_ids, handled_at__isnull=True)
        .select_related("club", "participant", "proposal")
        .order_by("reported_at", "id")
    )
    result.concerns = [
        Waiting(None, c.reported_at, timezone.localdate(c.reported_at), today, concern=c)
        for c in concerns
    ]
    return result


def moderation_queue(*, user) -> list[Proposal]:
    """Ideas waiting for a coach to publish, return or escalate them, oldest first.

    A paused (blocked) member's unpublished ideas are hidden until they are unblocked.
    """
    return list(
        Proposal.objects.awaiting_moderation()
        .filter(club_id__in=_managed_ids(user))
        .exclude(author__is_blocked=True)
        .select_related("club", "author", "aspect", "round")
        .order_by("submitted_at", "id")
    )


def aspect_statuses_on(*, club: Club, moment: datetime) -> dict[int, str]:
    """Each aspect's status at a moment, from the append-only history (one query)."""
    statuses: dict[int, str] = {}
    first_seen: dict[int, str] = {}
    changes = AspectChange.objects.filter(club=club).order_by("recorded_at", "id")
    for change in changes.only("aspect_id", "old_status", "new_status", "recorded_at"):
        first_seen.setdefault(change.aspect_id, change.old_status or change.new_status)
        if change.recorded_at <= moment:
            statuses[change.aspect_id] = change.new_status
    for aspect_id, status in first_seen.items():
        statuses.setdefault(aspect_id, status)
    return statuses


@dataclass
class CoachProposal:
    proposal: Proposal
    events: list[ProposalEvent]
    decisions: list[Decision]
    changes: list[AspectChange]
    learnings: list[Learning]
    aspects: list[Aspect]
    negotiable_then: list[Aspect]
    duplicate_choices: QuerySet
    listened: ListenedAnswer | None


def coach_proposal(*, club: Club, pk: int) -> CoachProposal:
    """A proposal of the club with its whole life, for the coach's page."""
    proposal = (
        Proposal.objects.select_related("club", "author", "aspect", "round", "duplicate_of")
        .prefetch_related(
            Prefetch(
                "events",
                queryset=ProposalEvent.objects.select_related("actor_user", "actor_participant"),
            ),
            Prefetch(
                "decisions",
                queryset=Decision.objects.select_related(
                    "decided_by", "not_possible_aspect", "duplicate_of"
                ),
            ),
            Prefetch("changes", queryset=AspectChange.objects.select_related("aspect")),
            Prefetch("learnings", queryset=Learning.objects.select_related("recorded_by")),
        )
        .get(club=club, pk=pk)
    )
    aspects = list(club.aspects.all())
    then = aspect_statuses_on(club=club, moment=proposal.submitted_at)
    listened = ListenedAnswer.objects.filter(proposal=proposal).first()
    return CoachProposal(
        proposal=proposal,
        events=list(proposal.events.all()),
        decisions=list(proposal.decisions.all()),
        changes=list(proposal.changes.all()),
        learnings=list(proposal.learnings.all()),
        aspects=aspects,
        negotiable_then=[a for a in aspects if then.get(a.pk) == AspectStatus.NEGOTIABLE],
        duplicate_choices=duplicate_choices(club=club, exclude=proposal),
        listened=listened,
    )


def duplicate_choices(*, club: Club, exclude: Proposal | None = None) -> QuerySet:
    """Ideas of the club that members can read, which another can be merged into."""
    qs = club.proposals.visible_to_members().exclude(state=State.WITHDRAWN)
    if exclude is not None:
        qs = qs.exclude(pk=exclude.pk)
    return qs.order_by("-submitted_at", "-id")


def club_rounds(*, club: Club) -> list[Round]:
    return list(club.rounds.select_related("aspect").annotate(proposal_count=Count("proposals")))


def club_participants(*, club: Club) -> list[Participant]:
    """Members by pseudonym only, with how much they have taken part."""
    return list(
        club.participants.annotate(
            proposal_count=Count("proposals", distinct=True),
            support_count=Count("supports", distinct=True),
        ).order_by("pseudonym")
    )


# --- The club record ---------------------------------------------------------------


def _weeks_or_days(span: int) -> str:
    """A period's length from its span (end minus start): "12 weeks" as the dashboards count
    them (a start 12 weeks before the end), otherwise its days, both ends included."""
    if span and span % 7 == 0:
        weeks = span // 7
        return "1 week" if weeks == 1 else f"{weeks} weeks"
    return "1 day" if span == 0 else f"{span + 1} days"


def _day(day: date, year: bool = True) -> str:
    return dateformat.format(day, "j M Y" if year else "j M")


@dataclass(frozen=True)
class RecordPeriod:
    """The days a club record shows, both ends included; `None` is no limit on that side.

    The default is the dashboards' window (the last 12 weeks) with no end, so that a change
    or question already dated ahead still shows.
    """

    start: date | None
    end: date | None

    # The dates a record can be asked for: no club has a record outside them, and the
    # periods before and after stay far from the calendar's ends.
    FIRST = date(2000, 1, 1)
    LAST = date(2099, 12, 31)

    @classmethod
    def default(cls) -> RecordPeriod:
        return cls(start=Window.make().start, end=None)

    @property
    def is_default(self) -> bool:
        return self == RecordPeriod.default()

    @property
    def is_whole(self) -> bool:
        return self.start is None and self.end is None

    def _span(self) -> int:
        """End minus start in days, taking an open end as today and an open start as the
        default period's length."""
        if self.start is None:
            return 7 * settings.COPRODUCE_INDICATORS["WINDOW_WEEKS"]
        end = self.end or max(timezone.localdate(), self.start)
        return (end - self.start).days

    @property
    def label(self) -> str:
        """What the page says it shows: "3 Sep - 26 Nov 2026", "3 Sep 2026 onwards"..."""
        start, end = self.start, self.end
        if start and end:
            if start == end:
                return _day(start)
            return f"{_day(start, year=start.year != end.year)} \u2013 {_day(end)}"
        if start:
            return f"{_day(start)} onwards"
        if end:
            return f"everything up to {_day(end)}"
        return "the whole record"

    @property
    def length(self) -> str:
        """ "12 weeks": the length of the periods just before and after it."""
        return _weeks_or_days(self._span())

    def earlier(self) -> RecordPeriod | None:
        """The period of the same length just before it (none before the whole record)."""
        if self.start is None or self.start <= self.FIRST:
            return None
        end = self.start - timedelta(days=1)
        return RecordPeriod(start=max(end - timedelta(days=self._span()), self.FIRST), end=end)

    def later(self) -> RecordPeriod | None:
        """The period of the same length just after it; from the past up to now, it runs on."""
        if self.end is None or self.end >= self.LAST:
            return None
        start = self.end + timedelta(days=1)
        end = min(start + timedelta(days=self._span()), self.LAST)
        return RecordPeriod(start=start, end=None if end >= timezone.localdate() else end)

    def query(self, aspect: Aspect | None = None) -> str:
        """The query string of a link to this period (a blank date: no limit)."""
        params = {
            "start": self.start.isoformat() if self.start else "",
            "end": self.end.isoformat() if self.end else "",
        }
        if aspect is not None:
            params["aspect"] = aspect.pk
        return urlencode(params)


@dataclass
class Entry:
    """One line of the club's story."""

    at: datetime
    kind: str  # round, proposal, decision, change, learning, listened
    obj: object
    url: str = ""  # the coach's page of the idea it is about, if any

    @property
    def label(self) -> str:
        return ENTRY_LABELS[self.kind]


ENTRY_LABELS = {
    "round": "Question asked",
    "proposal": "Idea",
    "decision": "Decision",
    "change": "Change",
    "learning": "Learning",
    "listened": "Felt listened to?",
}


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


@dataclass
class ClubRecord:
    club: Club
    entries: list[Entry]
    aspects: list[Aspect]
    counts: dict[str, int]


def club_record(
    *, club: Club, start: date | None = None, end: date | None = None, aspect: Aspect | None = None
) -> ClubRecord:
    """The club's co-production story in time order, optionally for a period and an aspect.

    Seven queries whatever the size of the record. The period is whole local days: moments
    are compared with the first moment of a day, so the indexes on them serve (a `__date`
    lookup converts every row's time zone first).
    """
    since = _start_of(start) if start else None
    before = _start_of(end + timedelta(days=1)) if end else None

    def during(qs, name):
        if since:
            qs = qs.filter(**{f"{name}__gte": since})
        if before:
            qs = qs.filter(**{f"{name}__lt": before})
        return qs

    def on_days(qs, name):
        if start:
            qs = qs.filter(**{f"{name}__gte": start})
        if end:
            qs = qs.filter(**{f"{name}__lte": end})
        return qs

    def about(qs, *paths):
        if aspect is None:
            return qs
        q = Q()
        for path in paths:
            q |= Q(**{path: aspect})
        return qs.filter(q)

    # Aspects are looked up here rather than joined to every row.
    aspects = list(club.aspects.all())
    by_id = {a.pk: a for a in aspects}
    # pk -> the coach's page of the idea: a reverse() per line was a good part of a long
    # record's rendering time.
    url = link_maker("feedback:coach-proposal", "pk", slug=club.slug)

    # No ORDER BY: the lines are sorted below, so the models' orderings would only cost.
    rounds = list(about(on_days(club.rounds.order_by(), "opens_on"), "aspect"))
    proposals = list(
        about(
            during(
                club.proposals.visible_to_members().select_related("author").order_by(),
                "submitted_at",
            ),
            "aspect",
        )
    )
    decisions = list(
        about(
            during(
                Decision.objects.filter(club=club)
                .select_related("proposal", "duplicate_of")
                .order_by(),
                "decided_at",
            ),
            "proposal__aspect",
            "not_possible_aspect",
        )
    )
    # The ideas behind each change come in the same query, one row per idea.
    changes: dict[int, AspectChange] = {}
    change_rows = (
        about(on_days(club.aspect_changes.all(), "effective_date"), "aspect")
        .annotate(because_title=F("proposals__title"))
        .order_by("-proposals__submitted_at", "-proposals__id")
    )
    for row in change_rows:
        change = changes.setdefault(row.pk, row)
        if not hasattr(change, "because"):
            change.because = []
        if row.because_title is not None:
            change.because.append(row.because_title)
    learnings = list(
        about(
            during(
                club.learnings.select_related("round", "proposal", "recorded_by").order_by(),
                "recorded_at",
            ),
            "proposal__aspect",
            "round__aspect",
        )
    )
    listened = list(
        about(
            during(
                ListenedAnswer.objects.filter(proposal__club=club)
                .select_related("proposal")
                .order_by(),
                "at",
            ),
            "proposal__aspect",
        )
    )
    for obj in [*rounds, *proposals, *changes.values()]:
        obj.aspect = by_id.get(obj.aspect_id)
    for d in decisions:
        d.not_possible_aspect = by_id.get(d.not_possible_aspect_id)

    entries = [Entry(_start_of(r.opens_on), "round", r) for r in rounds]
    entries += [Entry(p.submitted_at, "proposal", p, url(p.pk)) for p in proposals]
    entries += [Entry(d.decided_at, "decision", d, url(d.proposal_id)) for d in decisions]
    entries += [Entry(_start_of(c.effective_date), "change", c) for c in changes.values()]
    entries += [Entry(n.recorded_at, "learning", n) for n in learnings]
    entries += [Entry(a.at, "listened", a) for a in listened]
    kinds = list(ENTRY_LABELS)
    entries.sort(key=lambda e: (e.at, kinds.index(e.kind), e.obj.pk))
    counts = dict.fromkeys(kinds, 0)
    for entry in entries:
        counts[entry.kind] += 1
    return ClubRecord(club=club, entries=entries, aspects=aspects, counts=counts)
