"""Demo data for young people's voice: members, rounds, ideas in every state, and what was done.

Every demo club gets 10-40 members, an open and a closed question, and ideas
in every state of their life (waiting, returned, escalated, open, acknowledged,
answered in every way, done, lapsed, deferred, merged, never answered), with
supports, learning notes and listened-to answers, spread over the past months.
Steps go through the services at the moment they happened (time travel while
seeding), so every event's time is consistent with the records it explains.

Deterministic (a seeded random generator per club) and idempotent: if the demo
clubs already have members, nothing is added.
"""

import random
import secrets
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db import transaction
from django.utils import timezone

from clubs.models import Aspect, AspectKind, AspectStatus, Club, PartnerRole, User
from feedback import rules, services
from feedback.models import (
    AgeBand,
    Concern,
    Outcome,
    Participant,
    Proposal,
    Round,
    Support,
)
from feedback.words import ADJECTIVES, ANIMALS

SEED = 20260301

try:  # The "demo" extra (and "dev"): seeding replays months of a club's life.
    import time_machine
except ImportError:  # pragma: no cover - production images may leave it out
    time_machine = None


@contextmanager
def _at(moment: datetime):
    """Runs the services as if at `moment`, so every event keeps its true time."""
    if time_machine is None:
        raise RuntimeError(
            "The demo data needs the time-machine package: pip install -e '.[demo]' "
            "(make run does this)."
        )
    with time_machine.travel(moment, tick=False):
        yield


IDEAS = {
    AspectKind.DAY: [
        ("Can we move to Thursdays?", "Loads of us have homework club on the current day."),
        ("Friday nights instead?", "Friday is the best night, nobody has school the next day."),
        (
            "Add a weekend session",
            "Saturday morning would be great for people who work after school.",
        ),
    ],
    AspectKind.START_TIME: [
        ("Start half an hour later", "The bus from college gets in just after we start."),
        ("Earlier start in winter", "It gets dark walking home."),
    ],
    AspectKind.DURATION: [
        ("Longer sessions please", "An hour goes so fast, by the time we warm up it's over."),
    ],
    AspectKind.ACTIVITY: [
        ("Try dodgeball one week a month", "Something different to mix it up."),
        ("Can we do a tournament?", "A mini league between us would be really fun."),
        ("Bring in some boxing fitness", "A few of us have wanted to try it for ages."),
    ],
    AspectKind.LOCATION: [
        ("Use the leisure centre instead", "It has better changing rooms and a cafe."),
    ],
    None: [
        ("Music in the warm-up", "We could take turns choosing a playlist."),
        ("Free water bottles", "People forget theirs and the fountain is broken."),
        ("A session run by us", "Some of the older ones could plan and lead one week."),
        ("Photos for the club page", "So new people can see what it's like."),
        ("Bring a friend week", "Lots of people want to come but are nervous on their own."),
    ],
}

WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"]
ACTIVITY_CHANGES = ["Dodgeball once a month", "Mini tournament", "Boxing fitness", "Dance fitness"]


@dataclass
class Scene:
    """One idea's life in the demo: how long ago it was sent, and how far it went."""

    path: str
    days_ago: int
    aspect: str | None = None


# Most recent last. `days_ago` is scaled down for clubs that have not run long.
SCENES = [
    Scene("done_day", 150, AspectKind.DAY),
    Scene("not_possible", 120, AspectKind.LOCATION),
    Scene("done_activity", 110, AspectKind.ACTIVITY),
    Scene("trial_lapsed", 90, AspectKind.ACTIVITY),
    Scene("not_adopted", 75),
    Scene("escalated", 60),
    Scene("deferred_later", 55, AspectKind.DURATION),
    Scene("unanswered", 45),
    Scene("deferred_due", 40, AspectKind.START_TIME),
    Scene("target", 26),
    Scene("duplicate", 22),
    Scene("returned", 18),
    Scene("promised", 16),
    Scene("open_old", 12, AspectKind.DAY),
    Scene("withdrawn", 9),
    Scene("open_new", 4),
    Scene("waiting_flagged", 2),
    Scene("waiting", 1),
]


def build(clubs) -> None:
    """Fills the demo clubs with young people's voice (idempotent)."""
    clubs = [c for c in clubs if c is not None]
    if not clubs or Participant.objects.filter(club__in=clubs).exists():
        return
    now = timezone.now().replace(microsecond=0)
    for club in clubs:
        with transaction.atomic():
            _ClubDemo(club, random.Random(f"{SEED}-{club.slug}"), now).build()


def _actor(club: Club) -> User | None:
    """The club's coach, else its partner's lead, else nobody (events keep no actor)."""
    assignment = club.coach_assignments.select_related("user").order_by("pk").first()
    if assignment:
        return assignment.user
    role = club.partner.roles.filter(role=PartnerRole.Role.LEAD).select_related("user").first()
    return role.user if role else None


class _ClubDemo:
    def __init__(self, club: Club, rng: random.Random, now: datetime):
        self.club, self.rng, self.now = club, rng, now
        self.coach = _actor(club)
        self.aspects: dict[str, Aspect] = {
            a.kind: a for a in club.aspects.filter(label="").order_by("order", "id")
        }
        # Ideas are spread over the club's life so far: up to the last ~five months.
        start = timezone.make_aware(datetime.combine(club.funding_start, datetime.min.time()))
        lived = (now - start).days
        self.scale = min(1.0, max(0.15, lived / 160)) if lived > 0 else 0.15
        self.made: dict[str, Proposal] = {}

    # -- time --------------------------------------------------------------------------

    def ago(self, days: float, hour: int | None = None) -> datetime:
        moment = self.now - timedelta(days=days * self.scale)
        if hour is not None:
            moment = moment.replace(hour=hour, minute=self.rng.randint(0, 59))
        return min(moment, self.now - timedelta(minutes=5))

    def later(self, moment: datetime, days: float) -> datetime:
        return min(moment + timedelta(days=days * self.scale), self.now - timedelta(minutes=1))

    # -- building ------------------------------------------------------------------------

    def build(self) -> None:
        self.members = self._members()
        self.rounds = self._rounds()
        for scene in SCENES:
            self._scene(scene)
        self._close_early_round()
        self._learning()
        self._concerns()

    def _members(self) -> list[Participant]:
        count = self.rng.randint(10, 40)
        names = [f"{a} {b}" for a in ADJECTIVES for b in ANIMALS]
        chosen = self.rng.sample(names, count)
        bands = [AgeBand.B13_15, AgeBand.B16_17, AgeBand.B16_17, AgeBand.B18_19]
        members = [
            Participant(
                club=self.club,
                pseudonym=name,
                age_band=self.rng.choice(bands),
                key=secrets.token_urlsafe(32),
                # Nobody knows a demo member's phrase: a random, unguessable "hash".
                recovery_hash=secrets.token_hex(32),
                joined_at=self.ago(self.rng.uniform(160, 200)),
                last_seen_at=self.ago(self.rng.uniform(0, 20)),
            )
            for name in chosen
        ]
        Participant.objects.bulk_create(members)
        # A blocked member, as a coach might have done.
        blocked = members[-1]
        blocked.is_blocked, blocked.blocked_at = True, self.ago(30)
        blocked.save(update_fields=["is_blocked", "blocked_at"])
        self.blocked = blocked
        return [m for m in members if not m.is_blocked]

    def _rounds(self) -> dict[str, Round]:
        rounds = {}
        plan = [
            ("closed", "What should we play next term?", AspectKind.ACTIVITY, 130, 100),
            ("early", "How could sessions feel more welcoming?", None, 70, 40),
            ("open", "Which day suits you best?", AspectKind.DAY, 14, -16),
        ]
        for key, question, kind, opens, closes in plan:
            opened = self.ago(opens, hour=9)
            with _at(opened):
                rounds[key] = services.round_create(
                    club=self.club,
                    by=self.coach,
                    question=question,
                    opens_on=timezone.localdate(opened),
                    closes_on=timezone.localdate(self.now) - timedelta(days=closes * self.scale)
                    if closes > 0
                    else timezone.localdate(self.now) + timedelta(days=-closes),
                    aspect=self.aspects.get(kind) if kind else None,
                    description="Tell us your ideas: your coach answers every one.",
                )
        return rounds

    def _close_early_round(self) -> None:
        """Closed once the ideas sent while it was open are in (they went through it)."""
        early = self.rounds["early"]
        with _at(self.later(early.created_at, 12)):
            services.round_close(round_=early, by=self.coach)

    def _round_for(self, sent: datetime) -> Round | None:
        day = timezone.localdate(sent)
        for round_ in self.rounds.values():
            if round_.opens_on <= day <= round_.closes_on and round_.closed_at is None:
                return round_
        return None

    def _idea(self, kind: str | None) -> tuple[str, str]:
        pool = IDEAS.get(kind) or IDEAS[None]
        return self.rng.choice(pool)

    def _scene(self, scene: Scene) -> None:
        aspect = self.aspects.get(scene.aspect) if scene.aspect else None
        if scene.path == "not_possible" and (aspect is None or aspect.status != AspectStatus.FIXED):
            aspect = next(
                (a for a in self.aspects.values() if a.status == AspectStatus.FIXED), None
            )
        title, text = self._idea(aspect.kind if aspect else None)
        if scene.path == "waiting_flagged":
            title, text = (
                "Group chat for the club",
                "Add me on snap so we can sort lifts: skyfox_22",
            )
        if scene.path == "escalated":
            title, text = "Something happened after training", "I don't feel safe walking back."
        author = self.rng.choice(self.members)
        sent = self.ago(scene.days_ago, hour=self.rng.randint(15, 20))
        round_ = self._round_for(sent)
        if round_ and round_.aspect_id and aspect and round_.aspect_id != aspect.pk:
            round_ = None
        with _at(sent):
            p = services.proposal_submit(
                participant=author, title=title, text=text, aspect=aspect, round_=round_
            )
        self.made[scene.path] = p
        step = getattr(self, f"_path_{scene.path}", None)
        if step is not None:
            step(p, sent)

    # -- a proposal's life, by path ----------------------------------------------------

    def _publish(self, p: Proposal, sent: datetime, supporters: int | None = None) -> datetime:
        when = self.later(sent, self.rng.uniform(0.3, 2))
        with _at(when):
            services.proposal_publish(proposal=p, by=self.coach)
        self._support(p, when, supporters)
        return when

    def _support(self, p: Proposal, since: datetime, count: int | None = None) -> None:
        """Supporters in one insert; the count is set to match."""
        others = [m for m in self.members if m.pk != p.author_id]
        if count is None:
            count = self.rng.randint(1, max(2, len(others) // 3))
        chosen = self.rng.sample(others, min(count, len(others)))
        Support.objects.bulk_create(
            [
                Support(
                    proposal=p,
                    participant=m,
                    created_at=self.later(since, self.rng.uniform(0.1, 3)),
                )
                for m in chosen
            ]
        )
        Proposal.objects.filter(pk=p.pk).update(support_count=len(chosen))
        p.support_count = len(chosen)

    def _acknowledge(self, p: Proposal, after: datetime, days: float = 3) -> datetime:
        when = self.later(after, days)
        with _at(when):
            services.proposal_acknowledge(
                proposal=p,
                by=self.coach,
                decider=self.rng.choice(["coach", "coach", "partner", "venue"]),
                decide_by=min(
                    timezone.localdate(when) + timedelta(days=14),
                    rules.latest_decide_by(self.club, timezone.localdate(when)),
                ),
            )
        return when

    def _decide(self, p: Proposal, after: datetime, days: float, **kwargs) -> datetime:
        when = self.later(after, days)
        with _at(when):
            services.proposal_decide(proposal=p, by=self.coach, **kwargs)
        return when

    def _change(self, p: Proposal, after: datetime, days: float, aspect: Aspect, value: str):
        when = self.later(after, days)
        with _at(when):
            aspect.refresh_from_db()
            if aspect.value == value:
                value = f"{value} (members' version)"
            services.change_record(
                aspect=aspect,
                by=self.coach,
                new_value=value,
                effective_date=timezone.localdate(when) + timedelta(days=7),
                proposals=[p],
                note="Because the members asked",
            )
        return when

    def _listened(self, p: Proposal, after: datetime, answer: str, comment: str = "") -> None:
        if p.author_id is None:
            return
        with _at(self.later(after, 2)):
            services.listened_answer_record(
                proposal=p, participant=p.author, answer=answer, comment=comment
            )

    def _path_waiting(self, p, sent):
        pass

    def _path_waiting_flagged(self, p, sent):
        pass

    def _path_returned(self, p, sent):
        with _at(self.later(sent, 1)):
            services.proposal_return(
                proposal=p,
                by=self.coach,
                reason="Could you say a bit more about what you'd like, so others can support it?",
            )

    def _path_escalated(self, p, sent):
        with _at(self.later(sent, 0.2)):
            services.proposal_escalate(proposal=p, by=self.coach)

    def _path_withdrawn(self, p, sent):
        published = self._publish(p, sent, supporters=1)
        with _at(self.later(published, 2)):
            services.proposal_withdraw(proposal=p, participant=p.author)

    def _path_open_new(self, p, sent):
        self._publish(p, sent)

    def _path_open_old(self, p, sent):
        self._publish(p, sent)

    def _path_unanswered(self, p, sent):
        self._publish(p, sent)

    def _path_target(self, p, sent):
        published = self._publish(p, sent)
        self._acknowledge(p, published)

    def _path_duplicate(self, p, sent):
        target = self.made.get("target")
        published = self._publish(p, sent)
        if target is not None:
            target.refresh_from_db()
        if target is None or target.state not in ("published", "acknowledged"):
            return
        self._decide(
            p,
            published,
            3,
            outcome=Outcome.DUPLICATE,
            answer=f"Great minds! This is the same as \u201c{target.title}\u201d, "
            "so we've added your support to that one.",
            duplicate_of=target,
        )

    def _path_promised(self, p, sent):
        published = self._publish(p, sent)
        acked = self._acknowledge(p, published, 2)
        when = self.later(acked, 5)
        self._decide(
            p,
            acked,
            5,
            outcome=Outcome.ADOPTED,
            answer="Yes! We'll sort this out in the next couple of weeks.",
            promised_by=timezone.localdate(when) + timedelta(days=14),
        )

    def _path_deferred_due(self, p, sent):
        published = self._publish(p, sent)
        decided = self.later(published, 6)
        self._decide(
            p,
            published,
            6,
            outcome=Outcome.DEFERRED,
            answer="Good idea. We'll look at it again when the new timetable is out.",
            deferred_until=min(
                max(
                    timezone.localdate(decided) + timedelta(days=1),
                    timezone.localdate(self.now) + timedelta(days=3),
                ),
                rules.latest_decide_by(self.club, timezone.localdate(decided)),
            ),
        )

    def _path_deferred_later(self, p, sent):
        published = self._publish(p, sent)
        self._decide(
            p,
            published,
            8,
            outcome=Outcome.DEFERRED,
            answer="We need to ask the venue about the hall booking. We'll come back to you.",
            deferred_until=min(
                timezone.localdate(self.now) + timedelta(days=45),
                rules.latest_decide_by(self.club, timezone.localdate(self.later(published, 8))),
            ),
        )

    def _path_not_adopted(self, p, sent):
        published = self._publish(p, sent)
        decided = self._decide(
            p,
            published,
            9,
            outcome=Outcome.NOT_ADOPTED,
            answer="Sorry, not this time. The club's budget for the year is already spent, "
            "but we'll keep the idea for next year.",
            reason="The budget for the year is committed to the hall hire and the coach.",
        )
        self._listened(p, decided, "yes", "Fair enough, thanks for explaining.")

    def _path_not_possible(self, p, sent):
        published = self._publish(p, sent)
        aspect = p.aspect
        if aspect is None or aspect.status != AspectStatus.FIXED:
            decided = self._decide(
                p,
                published,
                7,
                outcome=Outcome.NOT_ADOPTED,
                answer="We talked about it but can't do it this year: the venue is booked.",
            )
        else:
            decided = self._decide(
                p,
                published,
                7,
                outcome=Outcome.NOT_POSSIBLE,
                answer=f"We can't change this one: {aspect.reason}",
                not_possible_aspect=aspect,
            )
        self._listened(p, decided, "no", "I get it but I wish we'd been asked before.")

    def _path_done_day(self, p, sent):
        published = self._publish(p, sent)
        acked = self._acknowledge(p, published)
        aspect = self.aspects.get(AspectKind.DAY)
        decided = self._decide(
            p,
            acked,
            7,
            outcome=Outcome.ADOPTED,
            answer="Yes! Most of you said the same, so we're moving the session.",
            promised_by=timezone.localdate(self.later(acked, 7)) + timedelta(days=21),
        )
        if aspect is not None and aspect.status == AspectStatus.NEGOTIABLE:
            current = aspect.value
            new = self.rng.choice([d for d in WEEKDAYS if d != current])
            changed = self._change(p, decided, 10, aspect, new)
            self._listened(p, changed, "yes", "Thanks for listening!")

    def _path_done_activity(self, p, sent):
        published = self._publish(p, sent)
        acked = self._acknowledge(p, published)
        aspect = self.aspects.get(AspectKind.ACTIVITY)
        decided = self._decide(
            p,
            acked,
            6,
            outcome=Outcome.ADAPTED,
            answer="We'll do it, slightly differently: once a month, on the last session.",
            promised_by=timezone.localdate(self.later(acked, 6)) + timedelta(days=14),
        )
        if aspect is not None and aspect.status == AspectStatus.NEGOTIABLE:
            value = f"{aspect.value}, with " + self.rng.choice(ACTIVITY_CHANGES).lower()
            changed = self._change(p, decided, 8, aspect, value[:200])
            self._listened(p, changed, "partly", "")

    def _path_trial_lapsed(self, p, sent):
        published = self._publish(p, sent)
        decided_at = self.later(published, 5)
        self._decide(
            p,
            published,
            5,
            outcome=Outcome.TRIAL,
            answer="Let's try it for a few weeks and see how it goes.",
            promised_by=timezone.localdate(decided_at) + timedelta(days=14),
        )

    # -- learning and concerns -----------------------------------------------------------------

    def _learning(self) -> None:
        closed = self.rounds["closed"]
        when = self.ago(95, hour=21)
        with _at(when):
            services.learning_record(
                club=self.club,
                by=self.coach,
                round_=closed,
                getting="They like having a say in what we play; more of them turn up now.",
                learning="The quieter ones share ideas when they can do it on their phone.",
                acting="I'll open a question at the start of every term.",
            )
        done = self.made.get("done_day")
        if done is not None and done.decisions.exists():
            with _at(self.ago(100, hour=21)):
                services.learning_record(
                    club=self.club,
                    by=self.coach,
                    proposal=done,
                    getting="Seeing the change happen made them trust the process.",
                    learning="I assumed the day was fine; it wasn't for half the group.",
                    acting="Check the day and time with new members each term.",
                )
        with _at(self.ago(20, hour=21)):
            services.learning_record(
                club=self.club,
                by=self.coach,
                period_start=timezone.localdate(self.ago(110)),
                period_end=timezone.localdate(self.ago(20)),
                getting="Confidence, and friends from other schools.",
                learning="They want to lead parts of sessions themselves.",
                acting="Two members will plan a session each half term.",
            )

    def _concerns(self) -> None:
        """One concern waiting for the coach and one handled, written directly (no emails)."""
        reporter, other = self.rng.sample(self.members, 2)
        Concern.objects.create(
            club=self.club,
            participant=reporter,
            text="Someone keeps making comments about my kit.",
            reported_at=self.ago(1.5),
        )
        Concern.objects.create(
            club=self.club,
            participant=other,
            text="The changing room door doesn't lock.",
            reported_at=self.ago(40),
            handled_at=self.ago(39),
            handled_by=self.coach,
            handled_note="Reported to the venue; fixed the next week.",
        )


def summary(clubs) -> dict[str, int]:
    """Counts of what the demo holds, for checks and the seed command's output."""
    proposals = Proposal.objects.filter(club__in=clubs)
    return {
        "participants": Participant.objects.filter(club__in=clubs).count(),
        "rounds": Round.objects.filter(club__in=clubs).count(),
        "proposals": proposals.count(),
        "lapsed": proposals.lapsed(date.today()).count(),
    }
