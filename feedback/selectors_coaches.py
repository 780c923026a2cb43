"""Reads for coaches' pages: what needs them, the moderation queue, a proposal, the club record.

Every selector runs a fixed number of queries whatever the number of proposals,
events and changes: related rows come with `select_related`/`prefetch_related`.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from clubs.models import Aspect, AspectChange, AspectStatus, Club
from clubs.permissions import managed_clubs
from feedback.models import (
    CHANGE_OUTCOMES,
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
    days = settings.COPRODUCE["ACKNOWLEDGE_WITHIN_DAYS"]
    return timezone.localdate(proposal.submitted_at) + timedelta(days=days)


def answer_due(proposal: Proposal) -> date:
    days = settings.COPRODUCE["ANSWER_WITHIN_DAYS"]
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


def needs_you(*, user, today: date | None = None) -> NeedsYou:
    """Everything across the user's clubs that waits for a coach, oldest first. Three queries."""
    today = today or timezone.localdate()
    clubs = list(managed_clubs(user).order_by("name"))
    result = NeedsYou(clubs=clubs)
    if not clubs:
        return result
    club_ids = [c.pk for c in clubs]
    soon = today + timedelta(days=PROMISE_SOON_DAYS)
    proposals = (
        Proposal.objects.filter(club_id__in=club_ids)
        .filter(
            Q(state__in=[State.SUBMITTED, State.PUBLISHED, State.ACKNOWLEDGED])
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
        .select_related("club", "author", "aspect")
        .order_by("submitted_at", "id")
    )
    for p in proposals:
        if p.state == State.SUBMITTED:
            if p.author_id and p.author.is_blocked:
                continue  # a paused member's unpublished ideas are hidden
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


@dataclass
class Entry:
    """One line of the club's story."""

    at: datetime
    kind: str  # round, proposal, decision, change, learning, listened
    obj: object


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

    Eight queries whatever the size of the record.
    """

    def period(qs, name, is_date=False):
        lookup = name if is_date else f"{name}__date"
        if start:
            qs = qs.filter(**{f"{lookup}__gte": start})
        if end:
            qs = qs.filter(**{f"{lookup}__lte": end})
        return qs

    def about(qs, *paths):
        if aspect is None:
            return qs
        q = Q()
        for path in paths:
            q |= Q(**{path: aspect})
        return qs.filter(q)

    rounds = about(period(club.rounds.select_related("aspect"), "opens_on", True), "aspect")
    proposals = about(
        period(
            club.proposals.visible_to_members().select_related("author", "aspect"),
            "submitted_at",
        ),
        "aspect",
    )
    decisions = about(
        period(
            Decision.objects.filter(proposal__club=club).select_related(
                "proposal", "not_possible_aspect", "duplicate_of", "decided_by"
            ),
            "decided_at",
        ),
        "proposal__aspect",
        "not_possible_aspect",
    )
    changes = about(
        period(
            club.aspect_changes.select_related("aspect", "recorded_by").prefetch_related(
                "proposals"
            ),
            "effective_date",
            True,
        ),
        "aspect",
    )
    learnings = about(
        period(club.learnings.select_related("round", "proposal", "recorded_by"), "recorded_at"),
        "proposal__aspect",
        "round__aspect",
    )
    listened = about(
        period(ListenedAnswer.objects.filter(proposal__club=club).select_related("proposal"), "at"),
        "proposal__aspect",
    )
    entries = [Entry(_start_of(r.opens_on), "round", r) for r in rounds]
    entries += [Entry(p.submitted_at, "proposal", p) for p in proposals]
    entries += [Entry(d.decided_at, "decision", d) for d in decisions]
    entries += [Entry(_start_of(c.effective_date), "change", c) for c in changes]
    entries += [Entry(n.recorded_at, "learning", n) for n in learnings]
    entries += [Entry(a.at, "listened", a) for a in listened]
    entries.sort(key=lambda e: e.at)
    counts = {
        kind: sum(1 for e in entries if e.kind == kind)
        for kind in ("round", "proposal", "decision", "change", "learning", "listened")
    }
    return ClubRecord(club=club, entries=entries, aspects=list(club.aspects.all()), counts=counts)
