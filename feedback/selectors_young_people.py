"""Reads for young people's pages, each a fixed number of queries whatever the data.

Also the plain words young people see for a proposal's state, outcome and
timeline, kept here so every page says the same thing.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import partial

from django.conf import settings
from django.db.models import Exists, F, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from clubs.models import Aspect, AspectChange, AspectKind, Club
from clubs.selectors import aspect_groups, settle_effective_values
from coproduce.http import link_maker
from feedback.models import (
    Concern,
    Decider,
    ListenedAnswer,
    Outcome,
    Participant,
    Proposal,
    ProposalEvent,
    Round,
    State,
    Support,
    display_state,
)
from feedback.rules import DECIDED_STATES, OPEN_STATES
from feedback.words import join_token_hash

Kind = ProposalEvent.Kind


@dataclass
class JoinLimit:
    """How many joined a club in the last hour, against its hourly limit for new members."""

    joined: int
    limit: int
    lifted_until: datetime | None

    @property
    def lifted(self) -> bool:
        return self.lifted_until is not None and self.lifted_until > timezone.now()

    @property
    def reached(self) -> bool:
        return not self.lifted and self.joined >= self.limit


def join_limit(*, club: Club, joined: int | None = None) -> JoinLimit:
    """The club's hourly limit on new members (one query, none if `joined` is known)."""
    if joined is None:
        since = timezone.now() - timedelta(hours=1)
        joined = club.participants.filter(joined_at__gt=since).count()
    return JoinLimit(
        joined=joined,
        limit=settings.COPRODUCE["JOINS_PER_CLUB_PER_HOUR"],
        lifted_until=club.joins_unlimited_until,
    )


def joined_with_token(*, club: Club, client_token: str) -> bool:
    """Whether someone already joined `club` with this join form (a second tap on Join)."""
    if not client_token:
        return False
    return club.participants.filter(join_token_hash=join_token_hash(client_token)).exists()


ANSWERED_STATES = DECIDED_STATES
ANSWERED_SHOWN = 10
OPEN_SHOWN = 50
MINE_SHOWN = 20

# What a young person reads for an outcome.
OUTCOME_WORDS = {
    Outcome.ADOPTED: "Yes, we're doing it",
    Outcome.ADAPTED: "Yes, with some changes",
    Outcome.TRIAL: "We're trying it out",
    Outcome.DEFERRED: "Not yet: we'll look at it again",
    Outcome.NOT_POSSIBLE: "Not possible: it's about something that can't change",
    Outcome.NOT_ADOPTED: "Not this time",
    Outcome.DUPLICATE: "Joined with a similar idea",
}

# (chip words, chip css class) for each state a reader sees.
CHIPS = {
    State.SUBMITTED: ("Waiting for your coach", "chip-waiting"),
    State.RETURNED: ("Sent back to you", "chip-returned"),
    State.ESCALATED: ("Your coach is looking after this", "chip-waiting"),
    State.PUBLISHED: ("Open", "chip-open"),
    State.ACKNOWLEDGED: ("Being looked at", "chip-open"),
    State.DECIDED: ("Answered", "chip-decided"),
    State.DONE: ("Done", "chip-decided"),
    State.LAPSED: ("Promise not kept yet", "chip-returned"),
    State.WITHDRAWN: ("Withdrawn", ""),
}


def _supported_by(participant: Participant):
    return Exists(Support.objects.filter(proposal=OuterRef("pk"), participant=participant))


class IdeaUrls:
    """A club's links to each idea, from one `reverse()` per kind of link.

    The club page lists up to 100 ideas; `{% url %}` for each link of each idea
    was about a fifth of its time (`coproduce.http.link_maker`).
    """

    def __init__(self, slug: str):
        self.detail = link_maker("feedback:proposal-detail", "pk", slug=slug)
        self.support = link_maker("feedback:proposal-support", "pk", slug=slug)
        self.unsupport = link_maker("feedback:proposal-unsupport", "pk", slug=slug)
        self.edit = link_maker("feedback:proposal-edit", "pk", slug=slug)


# What `_shown` reads of an idea (the club page reads ideas as rows of these and a few more).
ROW_FIELDS = ("pk", "title", "state", "outcome", "promised_by", "published_at", "author_id")


def _shown(field, *, participant: Participant, today: date, urls: IdeaUrls) -> dict:
    """What the templates read about an idea besides its own fields.

    `field(name)` reads one of `ROW_FIELDS` from the idea, a model or a row.
    """
    state, outcome, pk = field("state"), field("outcome"), field("pk")
    shown = display_state(state, outcome, field("promised_by"), today)
    chip_label, chip_class = CHIPS.get(shown, (shown, ""))
    is_mine = field("author_id") == participant.pk
    is_open = state in OPEN_STATES and field("published_at") is not None
    return {
        "chip_label": chip_label,
        "chip_class": chip_class,
        "outcome_words": OUTCOME_WORDS.get(outcome, ""),
        "is_mine": is_mine,
        "is_open": is_open,
        "can_support": is_open and not is_mine and not participant.is_blocked,
        "url": urls.detail(pk),
        "support_url": urls.support(pk),
        "unsupport_url": urls.unsupport(pk),
        "edit_url": urls.edit(pk),
    }


def _decorate(proposals, participant: Participant, today: date):
    """Adds what the templates read: chip, outcome words, links, who may support."""
    urls = IdeaUrls(participant.club.slug)
    for proposal in proposals:
        shown = _shown(partial(getattr, proposal), participant=participant, today=today, urls=urls)
        for name, value in shown.items():
            setattr(proposal, name, value)
        if not hasattr(proposal, "supported"):
            proposal.supported = False
    return proposals


def _rows(queryset, participant: Participant, today: date, urls: IdeaUrls) -> list[dict]:
    """The ideas as dicts with what `_decorate` adds to models, for the same templates."""
    rows = list(queryset)
    for row in rows:
        row.update(_shown(row.__getitem__, participant=participant, today=today, urls=urls))
        row.setdefault("supported", False)
    return rows


def _changes_prefetch() -> Prefetch:
    return Prefetch(
        "changes",
        queryset=AspectChange.objects.select_related("aspect").order_by("effective_date", "id"),
        to_attr="recorded_changes",
    )


@dataclass
class NextSession:
    day: str = ""
    start_time: str = ""
    duration: str = ""
    place: str = ""
    upcoming: list = field(default_factory=list)

    @property
    def known(self) -> bool:
        return bool(self.day or self.start_time or self.place)


def _next_session(club, aspects: list[Aspect]) -> NextSession:
    session = NextSession(place=club.venue_name)
    for aspect in aspects:
        value = aspect.value_now
        if aspect.kind == AspectKind.DAY and not session.day:
            session.day = value
        elif aspect.kind == AspectKind.START_TIME and not session.start_time:
            session.start_time = value
        elif aspect.kind == AspectKind.DURATION and not session.duration:
            session.duration = value
        elif aspect.kind == AspectKind.LOCATION and value:
            session.place = value
        session.upcoming.extend(aspect.upcoming)
    session.upcoming.sort(key=lambda c: c.effective_date)
    return session


def club_aspects(*, club, today: date) -> list[Aspect]:
    """The club's aspects with any change already recorded but not yet in effect.

    See `clubs.selectors.settle_effective_values` for `value_now` and `upcoming`.
    Two queries: the aspects (in the club's order), their changes still to come.
    """
    aspects = list(Aspect.objects.filter(club=club).order_by("order", "id"))
    upcoming = {aspect.pk: [] for aspect in aspects}
    changes = AspectChange.objects.filter(
        aspect_id__in=list(upcoming), effective_date__gt=today
    ).only("aspect_id", "old_value", "new_value", "effective_date")
    by_id = {aspect.pk: aspect for aspect in aspects}
    for change in changes:
        change.aspect = by_id[change.aspect_id]
        upcoming[change.aspect_id].append(change)
    for aspect in aspects:
        aspect.upcoming = upcoming[aspect.pk]
    settle_effective_values(aspects, today=today, changes_attr="upcoming")
    return aspects


def _aspect_lookup(aspects: list[Aspect], wanted) -> dict[int, Aspect]:
    """Aspects by id: the club's, and (never in practice) any other one an idea names."""
    by_id = {aspect.pk: aspect for aspect in aspects}
    missing = {pk for pk in wanted if pk is not None and pk not in by_id}
    if missing:
        by_id.update(Aspect.objects.in_bulk(missing))
    return by_id


@dataclass
class ClubHome:
    participant: Participant
    aspects: list
    negotiable: list
    fixed: list
    undeclared: list
    next_session: NextSession
    rounds: list
    open_proposals: list
    answered: list
    mine: list
    notices: list
    notices_upto: int


def _answered_changes(proposal_ids: list[int], aspects: list[Aspect]) -> dict[int, list]:
    """The changes recorded for these ideas, oldest first, as rows with their aspect."""
    if not proposal_ids:
        return {}
    links = list(
        AspectChange.proposals.through.objects.filter(proposal_id__in=proposal_ids)
        .order_by("aspectchange__effective_date", "aspectchange_id")
        .values(
            "proposal_id",
            aspect_id=F("aspectchange__aspect_id"),
            effective_date=F("aspectchange__effective_date"),
            new_value=F("aspectchange__new_value"),
            change_id=F("aspectchange_id"),
        )
    )
    by_id = _aspect_lookup(aspects, {link["aspect_id"] for link in links})
    changes = {pk: [] for pk in proposal_ids}
    for link in links:
        link["aspect"] = by_id[link["aspect_id"]]
        changes[link["proposal_id"]].append(link)
    return changes


# What the answer notice tells a member: about their own ideas, every step a coach
# takes; about ideas they support, the answer and what was done.
NOTICE_KINDS_MINE = (
    Kind.PUBLISHED,
    Kind.RETURNED,
    Kind.ACKNOWLEDGED,
    Kind.DECIDED,
    Kind.REOPENED,
    Kind.MERGED,
    Kind.CHANGE_RECORDED,
    Kind.DONE,
)
NOTICE_KINDS_SUPPORTED = (
    Kind.DECIDED,
    Kind.REOPENED,
    Kind.MERGED,
    Kind.CHANGE_RECORDED,
    Kind.DONE,
)
NOTICE_EVENTS_SHOWN = 60


@dataclass
class Notice:
    """One idea with news for the member: its steps since they last looked, oldest first."""

    proposal: Proposal
    steps: list = field(default_factory=list)


def answer_notices(
    *, participant: Participant, today: date, urls: IdeaUrls | None = None
) -> tuple[list[Notice], int]:
    """What happened to the member's ideas and the ideas they support that they have not
    seen yet (`Participant.notices_seen_upto`), newest news first, and the last event id
    shown (what "Got it" marks as seen). One query.
    """
    urls = urls or IdeaUrls(participant.club.slug)
    events = list(
        ProposalEvent.objects.filter(
            Q(proposal__author_id=participant.pk, kind__in=NOTICE_KINDS_MINE)
            | Q(
                kind__in=NOTICE_KINDS_SUPPORTED,
                proposal__in=Support.objects.filter(participant_id=participant.pk).values(
                    "proposal_id"
                ),
            )
            # An idea taken off the board is no longer its supporters' to read about.
            & ~Q(proposal__state=State.ESCALATED),
            pk__gt=participant.notices_seen_upto,
            proposal__club_id=participant.club_id,
        )
        .select_related("proposal__author")
        .order_by("-id")[:NOTICE_EVENTS_SHOWN]
    )
    notices: dict[int, Notice] = {}
    for event in events:
        proposal = event.proposal
        notice = notices.get(proposal.pk)
        if notice is None:
            shown = _shown(
                partial(getattr, proposal), participant=participant, today=today, urls=urls
            )
            for name, value in shown.items():
                setattr(proposal, name, value)
            notice = notices[proposal.pk] = Notice(proposal=proposal)
        words = _event_words(event, proposal, notice.proposal.is_mine)
        if words:
            notice.steps.insert(0, Step(at=event.at, words=words))
    upto = events[0].pk if events else participant.notices_seen_upto
    return [n for n in notices.values() if n.steps], upto


def member_home(*, participant: Participant, today: date) -> ClubHome:
    """Everything on a young person's club page, in at most 8 queries whatever the data.

    Ideas are read as plain rows of the few fields the page shows (with their
    links made once, see `IdeaUrls`); their aspects come from the club's own,
    already read, so the idea queries join only the author.
    """
    club = participant.club
    urls = IdeaUrls(club.slug)
    aspects = club_aspects(club=club, today=today)
    rounds = list(
        Round.objects.open_on(today)
        .filter(club_id=club.pk)
        .order_by("closes_on", "id")
        .values("pk", "question", "closes_on")
    )
    # Each list in as few queryset steps as it takes: building and compiling a
    # query costs more here than running it.
    supported = _supported_by(participant)
    # An open state is a published one, so these are all visible to members.
    open_proposals = _rows(
        Proposal.objects.filter(club_id=club.pk, state__in=OPEN_STATES, published_at__isnull=False)
        .order_by("-published_at", "-id")
        .values(
            *ROW_FIELDS,
            "aspect_id",
            "support_count",
            "author__pseudonym",
            supported=supported,
        )[:OPEN_SHOWN],
        participant,
        today,
        urls,
    )
    by_id = _aspect_lookup(aspects, {row["aspect_id"] for row in open_proposals})
    for row in open_proposals:
        row["aspect"] = by_id.get(row["aspect_id"])
        pseudonym = row.pop("author__pseudonym")
        row["author_name"] = pseudonym if row["author_id"] else "A former member"
    answered = _rows(
        Proposal.objects.filter(
            club_id=club.pk, state__in=ANSWERED_STATES, published_at__isnull=False
        )
        .order_by("-decided_at", "-id")
        .values(*ROW_FIELDS, "answer")[:ANSWERED_SHOWN],
        participant,
        today,
        urls,
    )
    changes = _answered_changes([row["pk"] for row in answered], aspects)
    for row in answered:
        row["recorded_changes"] = changes[row["pk"]]
    _add_outcome_sentences(
        club.pk, [c for row in answered for c in row["recorded_changes"]], today=today
    )
    mine = _rows(
        Proposal.objects.filter(author_id=participant.pk)
        .exclude(state=State.WITHDRAWN)
        .order_by("-submitted_at", "-id")
        .values(*ROW_FIELDS, "return_reason")[:MINE_SHOWN],
        participant,
        today,
        urls,
    )
    notices, notices_upto = answer_notices(participant=participant, today=today, urls=urls)
    return ClubHome(
        participant=participant,
        aspects=aspects,
        **aspect_groups(aspects),
        next_session=_next_session(club, aspects),
        rounds=rounds,
        open_proposals=open_proposals,
        answered=answered,
        mine=mine,
        notices=notices,
        notices_upto=notices_upto,
    )


def proposals_for_member(participant: Participant) -> QuerySet[Proposal]:
    """What a member may open: their own ideas, and the club's published ones."""
    return participant.club.proposals.filter(
        Q(author=participant) | Q(published_at__isnull=False) & ~Q(state=State.ESCALATED)
    )


def proposal_for_member(*, participant: Participant, pk: int, today: date) -> Proposal | None:
    """One proposal with what its page shows, or None where the member may not see it.

    Queries: the proposal (with author, aspect, round, listened answer), its
    events, its recorded changes: three whatever their number.
    """
    proposal = (
        proposals_for_member(participant)
        .select_related("author", "aspect", "round", "listened", "duplicate_of")
        .annotate(supported=_supported_by(participant))
        .prefetch_related(
            Prefetch("events", queryset=ProposalEvent.objects.order_by("at", "id")),
            _changes_prefetch(),
        )
        .filter(pk=pk)
        .first()
    )
    if proposal is None:
        return None
    _decorate([proposal], participant, today)
    _add_outcome_sentences(proposal.club_id, proposal.recorded_changes, today=today)
    proposal.timeline = timeline(proposal, participant)
    try:
        proposal.listened_answer = proposal.listened
    except ListenedAnswer.DoesNotExist:
        proposal.listened_answer = None
    proposal.can_answer_listened = (
        proposal.is_mine
        and proposal.decided_at is not None
        and proposal.listened_answer is None
        and not participant.is_blocked
    )
    return proposal


def proposal_to_support(*, participant: Participant, pk: int) -> Proposal | None:
    """A published idea of the member's club, with only its title, or None."""
    return (
        Proposal.objects.visible_to_members()
        .filter(club_id=participant.club_id, pk=pk)
        .only("title")
        .first()
    )


def proposal_card(*, participant: Participant, pk: int, today: date) -> Proposal | None:
    """A published proposal as a card (after a support), or None if not visible."""
    proposal = (
        participant.club.proposals.visible_to_members()
        .select_related("author", "aspect")
        .annotate(supported=_supported_by(participant))
        .filter(pk=pk)
        .first()
    )
    if proposal is not None:
        _decorate([proposal], participant, today)
    return proposal


@dataclass
class Step:
    at: datetime
    words: str


def _event_words(event: ProposalEvent, proposal: Proposal, is_author: bool) -> str | None:
    """A step in plain words, or None where this reader should not see it."""
    details = event.details or {}
    who = "You" if is_author else proposal.author_name
    if event.kind == Kind.SUBMITTED:
        return f"{who} shared this idea."
    if event.kind == Kind.RESUBMITTED:
        return "You changed it and sent it to your coach again." if is_author else None
    if event.kind == Kind.RETURNED:
        if not is_author:
            return None
        reason = details.get("reason") or proposal.return_reason
        return f"Your coach sent it back to you: \u201c{reason}\u201d"
    if event.kind == Kind.ESCALATED:
        return "Your coach took it off the board and is looking after it." if is_author else None
    if event.kind == Kind.PUBLISHED:
        return "Your coach put it up for everyone in the club to see and support."
    if event.kind == Kind.ACKNOWLEDGED:
        decider = details.get("decider")
        decider_words = Decider(decider).label if decider in Decider.values else "Someone"
        by = details.get("decide_by")
        when = ""
        if by:
            when = f" by {date.fromisoformat(by):%-d %B %Y}"
        return f"Your coach read it. {decider_words} will decide{when}."
    if event.kind == Kind.DECIDED:
        outcome = details.get("outcome")
        return f"Decided: {OUTCOME_WORDS.get(outcome, 'answered')}."
    if event.kind == Kind.REOPENED:
        return "Your coach is looking at it again."
    if event.kind == Kind.MERGED:
        return "Joined with a similar idea; its supporters were carried over."
    if event.kind == Kind.CHANGE_RECORDED:
        aspect = details.get("aspect", "The club")
        value = details.get("new_value", "")
        effective = details.get("effective_date")
        from_when = f" from {date.fromisoformat(effective):%-d %B %Y}" if effective else ""
        return f"Change recorded: {aspect} becomes \u201c{value}\u201d{from_when}."
    if event.kind == Kind.DONE:
        return "Done: the change is made."
    if event.kind == Kind.WITHDRAWN:
        return f"{who} withdrew it."
    if event.kind == Kind.LISTENED:
        return "You said whether you felt listened to." if is_author else None
    return None


def timeline(proposal: Proposal, participant: Participant) -> list[Step]:
    is_author = proposal.author_id == participant.pk
    steps = []
    for event in proposal.events.all():
        words = _event_words(event, proposal, is_author)
        if words:
            steps.append(Step(at=event.at, words=words))
    return steps


def my_data(*, participant: Participant) -> dict:
    """Everything kept about a young person, for 'download my data'."""

    def when(value):
        return value.isoformat() if value else None

    proposals = list(
        participant.proposals.select_related("aspect", "round", "listened")
        .prefetch_related(Prefetch("events", queryset=ProposalEvent.objects.order_by("at", "id")))
        .order_by("submitted_at", "id")
    )
    supports = list(participant.supports.select_related("proposal").order_by("created_at", "id"))
    concerns = list(
        Concern.objects.filter(participant=participant)
        .select_related("proposal")
        .order_by("reported_at", "id")
    )
    listened = []
    proposal_rows = []
    for p in proposals:
        try:
            answer = p.listened
        except ListenedAnswer.DoesNotExist:
            answer = None
        if answer is not None:
            listened.append(
                {
                    "proposal": p.pk,
                    "answer": answer.answer,
                    "comment": answer.comment,
                    "at": when(answer.at),
                }
            )
        proposal_rows.append(
            {
                "id": p.pk,
                "title": p.title,
                "text": p.text,
                "aspect": p.aspect.name if p.aspect else None,
                "round": p.round.question if p.round else None,
                "state": p.state,
                "submitted_at": when(p.submitted_at),
                "published_at": when(p.published_at),
                "return_reason": p.return_reason,
                "support_count": p.support_count,
                "outcome": p.outcome,
                "answer": p.answer,
                "decided_at": when(p.decided_at),
                "done_at": when(p.done_at),
                "events": [
                    {
                        "kind": e.kind,
                        "from_state": e.from_state,
                        "to_state": e.to_state,
                        "at": when(e.at),
                        "by_you": e.actor_participant_id == participant.pk,
                    }
                    for e in p.events.all()
                ],
            }
        )
    return {
        "about": "Everything Coproduce keeps about you in this club.",
        "participant": {
            "club": participant.club.name,
            "pseudonym": participant.pseudonym,
            "age_band": participant.age_band,
            "is_blocked": participant.is_blocked,
            "blocked_at": when(participant.blocked_at),
            "joined_at": when(participant.joined_at),
            "last_seen_at": when(participant.last_seen_at),
            "previous_seen_at": when(participant.previous_seen_at),
            "news_seen_up_to_event": participant.notices_seen_upto,
            "first_session": (
                participant.first_session_on.isoformat() if participant.first_session_on else None
            ),
        },
        "proposals": proposal_rows,
        "supports": [
            {"proposal": s.proposal_id, "title": s.proposal.title, "at": when(s.created_at)}
            for s in supports
        ],
        "concerns": [
            {
                "text": c.text,
                "proposal": c.proposal_id,
                "reported_at": when(c.reported_at),
            }
            for c in concerns
        ],
        "listened_answers": listened,
        # Sessions and registers (#15): the sessions you were ticked at, your activity answers.
        "attendances": [
            {"session_date": a.session.date.isoformat(), "ticked_at": when(a.marked_at)}
            for a in participant.attendances.select_related("session").order_by(
                "session__date", "id"
            )
        ],
        "activity_answers": [
            {"days": a.days, "answered_at": when(a.answered_at)}
            for a in participant.activity_answers.order_by("answered_at", "id")
        ],
    }


# Outcomes (#15)


def _add_outcome_sentences(club_id: int, changes: list, today: date | None = None) -> None:
    """Adds `outcome_sentence` to each change ("Since we moved to Thursday, 14 come on
    average, up from 9"): one query for the club's sessions, none without changes."""
    from feedback.outcomes import change_sentences

    sentences = change_sentences(club_id, changes, as_of=today)
    for change in changes:
        if isinstance(change, dict):
            change["outcome_sentence"] = sentences.get(change["change_id"], "")
        else:
            change.outcome_sentence = sentences.get(change.pk, "")
