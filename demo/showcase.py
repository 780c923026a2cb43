"""Demo clubs that show every indicator in every colour (exemplary, tokenistic, slow...).

A showcase partner runs nine clubs whose records are written through the
services, step by step in the order they happened, each step's timestamps then
set to its day (relative to today), so the default 12-week window always shows
them. The partner's lead is a demo account, so `seed_demo --reset` wipes them.
Idempotent: nothing is added when the showcase partner exists.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import Min
from django.utils import timezone

from clubs import services as club_services
from clubs.models import (
    Aspect,
    AspectChange,
    AspectKind,
    AspectStatus,
    Club,
    District,
    Partner,
    PartnerRole,
    Stage,
    User,
)
from demo.clubs import DEMO_DOMAIN, DEMO_PASSWORD
from feedback import services
from feedback.models import (
    AgeBand,
    Decision,
    ListenedAnswer,
    Outcome,
    Participant,
    Proposal,
    ProposalEvent,
    Support,
)
from feedback.words import ADJECTIVES, ANIMALS

# The districts the showcase clubs are in (normally loaded by a migration).
DISTRICTS = {
    "E06000044": "Portsmouth",
    "E06000045": "Southampton",
    "E06000046": "Isle of Wight",
    "E07000086": "Eastleigh",
    "E07000087": "Fareham",
    "E07000091": "New Forest",
    "E07000093": "Test Valley",
}
PARTNER_NAME = "Solent Youth Activity Trust"
LEAD_EMAIL = f"showcase-lead@{DEMO_DOMAIN}"
COACH_EMAIL = f"showcase-coach@{DEMO_DOMAIN}"
# (email, name, role) printed by `make run` with the other demo logins.
ACCOUNTS = [
    (LEAD_EMAIL, "Sol Showcase", "Partner lead: Solent Youth Activity Trust (showcase)"),
    (COACH_EMAIL, "Cam Showcase", "Coach: the indicator showcase clubs"),
]
REASON = "We checked with the venue: the hall is taken by another group then, all year."
# A 'no' without a real reason (feedback/rules.py): the decide service refuses it today, so
# the showcase writes it over a decision, as an import of older records would bring it.
BARE_ANSWER = "Sorry, not now."

# Proposal plans: (days ago submitted, author, response). Responses:
#   ("silent",)                       published, never answered
#   ("ack", after)                    acknowledged `after` days later, not decided
#   (outcome, ack_after, decide_after, extra)   extra: "kept", "lapsed", "due", "bare",
#                                      "goalposts", "fixed" (not possible, fixed aspect)


@dataclass
class ClubPlan:
    name: str
    activity: str
    district: str  # ONS code
    stage: str
    start_days_ago: int
    end_days_ahead: int
    members: int
    proposals: list = field(default_factory=list)
    fixed: tuple = (AspectKind.LOCATION,)  # aspects fixed with a reason
    bad_reason: tuple = ()  # aspects fixed with no real reason
    supporters: tuple = ()  # members who support the first open idea
    fix_day_at: int | None = None  # day made fixed (days ago): moving goalposts
    listened: int = 0  # authors who say they felt listened to
    story: str = ""


ALL_FIXED = (AspectKind.DAY, AspectKind.START_TIME, AspectKind.DURATION, AspectKind.LOCATION)


def plans() -> list[ClubPlan]:
    adopt, no, trial, defer = Outcome.ADOPTED, Outcome.NOT_ADOPTED, Outcome.TRIAL, Outcome.DEFERRED
    return [
        ClubPlan(
            "Itchen Ferry Parkour",
            "Parkour",
            "E06000045",
            Stage.DELIVERY,
            200,
            300,
            10,
            [
                (190, 0, (adopt, 1, 3, "kept")),
                (80, 0, (adopt, 1, 3, "kept")),
                (74, 1, (adopt, 1, 3, "kept")),
                (68, 2, (no, 1, 3, "")),
                (60, 3, (adopt, 1, 3, "kept")),
                (52, 4, (trial, 1, 3, "kept")),
                (45, 5, (adopt, 1, 3, "kept")),
                (38, 6, (no, 1, 3, "")),
                (30, 7, (adopt, 1, 3, "kept")),
                (20, 1, (defer, 1, 3, "")),
                (12, 2, (adopt, 1, 3, "due")),
            ],
            supporters=(8, 9),
            listened=4,
            story="Exemplary: every idea answered within days, most adopted, many voices.",
        ),
        ClubPlan(
            "Harbour Street Dance",
            "Street dance",
            "E06000044",
            Stage.DELIVERY,
            150,
            200,
            10,
            [(d, i % 2, ("silent",)) for i, d in enumerate((80, 72, 64, 56, 48, 40, 34, 30))],
            fixed=(AspectKind.DAY, AspectKind.START_TIME, AspectKind.DURATION, AspectKind.LOCATION),
            story="Tokenistic: asks for ideas and answers none; two voices; one thing negotiable.",
        ),
        ClubPlan(
            "Bitterne Basketball",
            "Basketball",
            "E06000045",
            Stage.DELIVERY,
            300,
            60,
            8,
            [(290, 0, (adopt, 2, 4, "kept"))]
            + [
                (d, i, (adopt if i < 3 else no, 20, 26, "kept" if i < 3 else ""))
                for i, d in enumerate((82, 75, 68, 60, 50, 44, 36, 30))
            ],
            story="Slow: answers everything, but takes three weeks to reply.",
        ),
        ClubPlan(
            "Andover Netball",
            "Netball",
            "E07000093",
            Stage.DELIVERY,
            250,
            100,
            8,
            [
                (240, 0, (adopt, 2, 4, "kept")),
                (70, 0, (Outcome.NOT_POSSIBLE, 10, 12, "goalposts")),
                (60, 1, (Outcome.NOT_POSSIBLE, 10, 12, "goalposts")),
                (80, 2, (adopt, 10, 12, "kept")),
                (50, 3, (no, 10, 12, "")),
                (40, 4, (no, 10, 12, "")),
                (30, 5, (no, 10, 12, "")),
                (20, 6, (no, 10, 12, "")),
            ],
            fix_day_at=59,
            story="Moving goalposts: the day was negotiable, then 'not possible' once ideas came.",
        ),
        ClubPlan(
            "Romsey Rowing",
            "Rowing",
            "E07000093",
            Stage.DELIVERY,
            120,
            240,
            6,
            [(110, 0, (adopt, 1, 3, "kept"))]
            + [
                (d, i, (Outcome.NOT_POSSIBLE if i else adopt, 1, 3, "fixed" if i else "kept"))
                for i, d in enumerate((70, 60, 50, 40, 30, 20))
            ],
            fixed=(*ALL_FIXED, AspectKind.ACTIVITY),
            story="Nothing negotiable: every aspect fixed, so ideas cannot change anything.",
        ),
        ClubPlan(
            "Newport Climbing",
            "Climbing",
            "E06000046",
            Stage.DELIVERY,
            10,
            350,
            3,
            [(8, 0, (adopt, 1, 2, "due")), (5, 1, ("silent",))],
            story="Young: started ten days ago, so there is not enough data yet.",
        ),
        ClubPlan(
            "Fareham Touch Rugby",
            "Touch rugby",
            "E07000087",
            Stage.DELIVERY,
            400,
            30,
            10,
            [(390, 0, (adopt, 2, 4, "kept")), (80, 0, (no, 29, 30, ""))]
            + [
                (
                    d,
                    i + 1,
                    (
                        adopt if i < 6 else no,
                        5,
                        6,
                        ("lapsed" if i == 0 else "kept" if i < 6 else ""),
                    ),
                )
                for i, d in enumerate((76, 72, 66, 60, 54, 48, 40, 33))
            ],
            bad_reason=(AspectKind.LOCATION,),
            story="Mostly good: one idea answered late, one promise missed, a fixed aspect unexplained.",
        ),
        ClubPlan(
            "Eastleigh Badminton",
            "Badminton",
            "E07000086",
            Stage.DELIVERY,
            100,
            260,
            10,
            [(95, 0, (adopt, 1, 2, "kept"))]
            + [
                (
                    d,
                    i % 4,
                    (
                        adopt if i < 3 else no,
                        2,
                        4,
                        "kept" if i < 3 else ("bare" if i < 5 else ""),
                    ),
                )
                for i, d in enumerate((78, 70, 62, 55, 47, 40, 33, 26))
            ],
            story="Few voices: four members make every idea, and two 'no's give no reason.",
        ),
        ClubPlan(
            "Lymington Paddleboarding",
            "Paddleboarding",
            "E07000091",
            Stage.REVIEW,
            380,
            -30,
            8,
            [
                (d, i, (adopt, 1, 2, "lapsed" if i < 2 else "kept"))
                for i, d in enumerate((83, 81, 79, 77, 75))
            ]
            + [(300, 5, (no, 2, 3, ""))],
            story="Funding over: started late, stopped early, and two promises were not kept.",
        ),
    ]


# --- Building --------------------------------------------------------------------


def _at(today: date, days_ago: float) -> datetime:
    """A moment `days_ago` days before today, in the late afternoon (after school)."""
    whole = int(days_ago)
    moment = timezone.make_aware(datetime.combine(today - timedelta(days=whole), time(16, 0)))
    return moment + timedelta(hours=round((days_ago - whole) * 24))


def _pseudonym(n: int) -> str:
    adjectives, animals = ADJECTIVES, ANIMALS
    return f"{adjectives[(n * 7) % len(adjectives)]} {animals[(n * 11) % len(animals)]}"


class _Builder:
    def __init__(self, today: date, coach: User, lead: User):
        self.today = today
        self.coach = coach
        self.lead = lead

    def at(self, days_ago: float) -> datetime:
        return _at(self.today, days_ago)

    def club(self, partner: Partner, plan: ClubPlan, districts: dict) -> Club:
        today = self.today
        club = club_services.club_create(
            partner=partner,
            name=plan.name,
            activity=plan.activity,
            venue_name="Community Sports Hall",
            district=districts[plan.district],
            funding_start=today - timedelta(days=plan.start_days_ago),
            funding_end=today + timedelta(days=plan.end_days_ahead),
            stage=Stage.INCEPTION,
        )
        club_services.coach_assign(club=club, user=self.coach)
        self.aspects(club, plan)
        # On to its stage once every aspect is declared, as a lead moves a club on.
        club = club_services.club_update(club=club, stage=plan.stage)
        members = []
        for n in range(plan.members):
            participant, _ = services.participant_join(
                club=club, pseudonym=_pseudonym(n), age_band=AgeBand.B16_17
            )
            members.append(participant)
        joined = self.at(plan.start_days_ago)
        Participant.objects.filter(club=club).update(
            joined_at=joined, last_seen_at=self.at(1), previous_seen_at=self.at(8)
        )
        self.story(club, plan, members)
        return club

    def aspects(self, club: Club, plan: ClubPlan) -> None:
        values = {
            AspectKind.DAY: "Wednesday",
            AspectKind.START_TIME: "4pm",
            AspectKind.DURATION: "90 minutes",
            AspectKind.LOCATION: "Community Sports Hall",
            AspectKind.ACTIVITY: plan.activity,
        }
        start = club.funding_start - timedelta(days=14)
        for aspect in club.aspects.all():
            fixed = aspect.kind in plan.fixed or aspect.kind in plan.bad_reason
            reason = ""
            if fixed:
                reason = "n/a" if aspect.kind in plan.bad_reason else REASON
            change = club_services.aspect_update(
                aspect=aspect,
                by=self.coach,
                value=values[aspect.kind],
                status=AspectStatus.FIXED if fixed else AspectStatus.NEGOTIABLE,
                room="" if fixed else "Open to ideas",
                reason=reason,
                effective_date=start,
            )
            if change is not None:
                AspectChange.objects.filter(pk=change.pk).update(
                    recorded_at=_at(start, 0) - timedelta(hours=6)
                )

    def story(self, club: Club, plan: ClubPlan, members: list[Participant]) -> None:
        """Writes every step in the order it happened, then dates it."""
        steps: list[tuple[float, int, callable]] = []
        proposals: dict[int, Proposal] = {}
        day_aspect = club.aspects.get(kind=AspectKind.DAY)
        activity = club.aspects.get(kind=AspectKind.ACTIVITY)
        location = club.aspects.get(kind=AspectKind.LOCATION)
        for n, (days_ago, author, response) in enumerate(plan.proposals):
            about_day = len(response) > 3 and response[3] == "goalposts"
            steps.append(
                (days_ago, 0, self._submit(n, members[author], days_ago, about_day, proposals))
            )
            if n == 0 and plan.supporters:
                for k, who in enumerate(plan.supporters):
                    steps.append(
                        (days_ago - 0.2 - k * 0.01, 1, self._support(n, members[who], proposals))
                    )
            if response[0] == "silent":
                continue
            if response[0] == "ack":
                steps.append(
                    (days_ago - response[1], 2, self._ack(n, days_ago - response[1], proposals))
                )
                continue
            outcome, ack_after, decide_after, extra = response
            if ack_after < decide_after:
                steps.append(
                    (days_ago - ack_after, 2, self._ack(n, days_ago - ack_after, proposals))
                )
            decided = days_ago - decide_after
            aspect = day_aspect if extra == "goalposts" else location
            steps.append((decided, 3, self._decide(n, outcome, extra, decided, aspect, proposals)))
            if extra == "kept":
                steps.append((decided - 2, 4, self._change(n, activity, decided - 2, proposals)))
        if plan.fix_day_at is not None:
            steps.append((plan.fix_day_at, 1, self._fix_day(day_aspect, plan.fix_day_at)))
        for _, _, step in sorted(steps, key=lambda s: (-s[0], s[1])):
            step()
        for n, proposal in list(proposals.items())[: plan.listened]:
            if proposal.author_id and Proposal.objects.get(pk=proposal.pk).decided_at:
                listened = services.listened_answer_record(
                    proposal=proposal, participant=proposal.author, answer=ListenedAnswer.Answer.YES
                )
                ListenedAnswer.objects.filter(pk=listened.pk).update(
                    at=self.at(plan.proposals[n][0] - 6)
                )

    # Each step is a closure, run in date order.

    def _events(self, proposal: Proposal, kind: str, when: datetime) -> None:
        ProposalEvent.objects.filter(proposal=proposal, kind=kind).update(at=when)

    def _submit(self, n, author, days_ago, about_day, proposals):
        def step():
            aspect = author.club.aspects.get(kind=AspectKind.DAY) if about_day else None
            proposal = services.proposal_submit(
                participant=author, title=_title(n, author.club.activity), aspect=aspect
            )
            when = self.at(days_ago)
            Proposal.objects.filter(pk=proposal.pk).update(submitted_at=when)
            self._events(proposal, ProposalEvent.Kind.SUBMITTED, when)
            proposal = services.proposal_publish(proposal=proposal, by=self.coach)
            published = when + timedelta(hours=2)
            Proposal.objects.filter(pk=proposal.pk).update(published_at=published)
            self._events(proposal, ProposalEvent.Kind.PUBLISHED, published)
            proposals[n] = proposal

        return step

    def _support(self, n, who, proposals):
        def step():
            services.support_set(proposal=proposals[n], participant=who)
            Support.objects.filter(proposal=proposals[n], participant=who).update(
                created_at=Proposal.objects.get(pk=proposals[n].pk).published_at
                + timedelta(hours=3)
            )

        return step

    def _ack(self, n, days_ago, proposals):
        def step():
            proposal = services.proposal_acknowledge(
                proposal=proposals[n],
                by=self.coach,
                decider="coach",
                decide_by=self.today + timedelta(days=14),
            )
            when = self.at(days_ago)
            Proposal.objects.filter(pk=proposal.pk).update(
                acknowledged_at=when, decide_by=when.date() + timedelta(days=14)
            )
            self._events(proposal, ProposalEvent.Kind.ACKNOWLEDGED, when)

        return step

    def _decide(self, n, outcome, extra, days_ago, aspect, proposals):
        def step():
            kwargs = {"answer": "Thanks for this idea - we talked it through at the session."}
            if outcome == Outcome.NOT_ADOPTED:
                kwargs["reason"] = REASON
            elif outcome == Outcome.NOT_POSSIBLE:
                kwargs["not_possible_aspect"] = aspect
                kwargs["answer"] = f"We can't change the {aspect.name.lower()}: {REASON}"
            elif outcome == Outcome.DEFERRED:
                kwargs["deferred_until"] = self.today + timedelta(days=30)
            else:  # a change: its date is set below, as of the decision's day
                kwargs["promised_by"] = self.today
            decision = services.proposal_decide(
                proposal=proposals[n], by=self.coach, outcome=outcome, **kwargs
            )
            when = self.at(days_ago)
            promised = None
            if outcome in (Outcome.ADOPTED, Outcome.ADAPTED, Outcome.TRIAL):
                promised = when.date() + timedelta(days=7 if extra != "due" else 14)
            bare = {"answer": BARE_ANSWER, "reason": ""} if extra == "bare" else {}
            Decision.objects.filter(pk=decision.pk).update(
                decided_at=when, promised_by=promised, **bare
            )
            update = {"decided_at": when, "promised_by": promised, **bare}
            update.pop("reason", None)
            if outcome == Outcome.DEFERRED:
                update["deferred_until"] = when.date() + timedelta(days=42)
            first = Decision.objects.filter(proposal=proposals[n]).aggregate(at=Min("decided_at"))
            update["first_decided_at"] = first["at"]
            Proposal.objects.filter(pk=proposals[n].pk).update(**update)
            self._events(proposals[n], ProposalEvent.Kind.DECIDED, when)

        return step

    def _change(self, n, aspect, days_ago, proposals):
        def step():
            proposal = Proposal.objects.get(pk=proposals[n].pk)
            when = self.at(days_ago)
            change = services.change_record(
                aspect=Aspect.objects.get(pk=aspect.pk),
                by=self.coach,
                new_value=f"{aspect.club.activity}, {proposal.title[0].lower()}{proposal.title[1:]}",
                effective_date=when.date(),
                proposals=[proposal],
            )
            AspectChange.objects.filter(pk=change.pk).update(recorded_at=when)
            Proposal.objects.filter(pk=proposal.pk).update(done_at=when)
            for kind in (ProposalEvent.Kind.CHANGE_RECORDED, ProposalEvent.Kind.DONE):
                self._events(proposal, kind, when)

        return step

    def _fix_day(self, aspect, days_ago):
        def step():
            change = club_services.aspect_update(
                aspect=aspect,
                by=self.coach,
                status=AspectStatus.FIXED,
                reason="The school now uses the hall on other days.",
                effective_date=self.at(days_ago).date(),
            )
            AspectChange.objects.filter(pk=change.pk).update(recorded_at=self.at(days_ago))

        return step


# Adopted ideas change the club's Activity ("Netball, small-sided games"), so each title
# is something done in a session, not a day or a time.
TITLES = [
    "Try {activity} games at the start",
    "Music during warm-up",
    "Relay races to finish",
    "Small-sided games",
    "Bring a friend week",
    "A mini tournament",
    "Different warm-ups",
    "Skills circuits",
    "Play outside when sunny",
    "A trip to watch a match",
    "Girls-only session",
    "Water bottles for everyone",
]


def _title(n: int, activity: str) -> str:
    return TITLES[n % len(TITLES)].format(activity=activity.lower())


@transaction.atomic
def build(today: date | None = None) -> list[Club]:
    """Adds the indicator showcase clubs (idempotent) and returns them."""
    partner = Partner.objects.filter(name=PARTNER_NAME).first()
    if partner is not None:
        return list(partner.clubs.order_by("pk"))
    today = today or timezone.localdate()
    districts = {
        code: District.objects.get_or_create(ons_code=code, defaults={"name": name})[0]
        for code, name in DISTRICTS.items()
    }
    partner = Partner.objects.create(
        name=PARTNER_NAME, kind=Partner.Kind.YOUTH, district=districts["E07000093"]
    )
    password = make_password(DEMO_PASSWORD)
    lead = User.objects.filter(email=LEAD_EMAIL).first() or User.objects.create(
        email=LEAD_EMAIL, name="Sol Showcase", password=password
    )
    coach_email = COACH_EMAIL
    coach = User.objects.filter(email=coach_email).first() or User.objects.create(
        email=coach_email, name="Cam Showcase", password=password
    )
    PartnerRole.objects.get_or_create(user=lead, partner=partner, role=PartnerRole.Role.LEAD)
    PartnerRole.objects.get_or_create(user=coach, partner=partner, role=PartnerRole.Role.COACH)
    builder = _Builder(today, coach, lead)
    return [builder.club(partner, plan, districts) for plan in plans()]
