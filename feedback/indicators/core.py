"""The eight tokenism indicators, computed in SQL for one club or many at once.

Each indicator is an explained flag (DESIGN.md, "Making tokenism visible"): a
status (green, amber, red, or "not enough data"), its value, the rule in plain
words, and the ids of the records behind it. Every figure comes from a fixed
number of aggregate queries over all the clubs asked for, so the cost of a
county dashboard does not grow with the number of clubs.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from fractions import Fraction

from django.conf import settings
from django.db.models import (
    Count,
    Exists,
    F,
    Max,
    Min,
    OuterRef,
    Q,
    Value,
)
from django.utils import timezone

from clubs.models import Aspect, AspectStatus, Club
from feedback import rules
from feedback.models import (
    CHANGE_OUTCOMES,
    Decision,
    ListenedAnswer,
    Outcome,
    Participant,
    Proposal,
    State,
    Support,
)

GREEN, AMBER, RED, NONE = "green", "amber", "red", "none"
STATUS_LABELS = {GREEN: "Green", AMBER: "Amber", RED: "Red", NONE: "Not enough data"}
# Worst first, for sorting and for rolling up.
SEVERITY = {RED: 0, AMBER: 1, GREEN: 2, NONE: 3}

SILENT = "silent_consultation"
SLOW = "slow_response"
CHANGES = "nothing_changes"
UNEXPLAINED = "unexplained_no"
NEGOTIABLE = "nothing_negotiable"
VOICE = "narrow_voice"
PROMISES = "broken_promises"
TIMELINE = "late_start_early_stop"

# key -> (name, short name for tables, grounding)
INDICATORS: dict[str, tuple[str, str, str]] = {
    SILENT: (
        "Silent consultation",
        "Silent",
        "Hart rung 1 (consulted, never told); Lundy: Influence",
    ),
    SLOW: ("Slow response", "Slow", "Lundy: Audience"),
    CHANGES: ("Nothing changes", "Changes", "Hart rung 3, tokenism"),
    UNEXPLAINED: ("Unexplained no", "Unexplained", "Be open about what you can and cannot do"),
    NEGOTIABLE: ("Nothing negotiable", "Negotiable", "Hart rung 2, decoration; Lundy: Space"),
    VOICE: ("Narrow voice", "Voice", "Lundy: Space"),
    PROMISES: ("Broken promises", "Promises", "Hart rung 5"),
    TIMELINE: (
        "Late start, early stop",
        "Start/stop",
        "From inception, through the end of funding, and beyond",
    ),
}

# Outcomes (#15): what the registers say after young people were listened to. They are
# explained like the eight, but Hart's ladder and Lundy's questions do not read them: they
# measure what happened next, not how young people were involved.
ENGAGEMENT = "engagement_after_changes"
KEEPS = "keeps_coming"
INDICATORS[ENGAGEMENT] = (
    "Engagement after changes",
    "After changes",
    "Does co-production pay off? Young people who co-design a club engage more",
)
INDICATORS[KEEPS] = (
    "Keeps coming",
    "Keeps coming",
    "Satellite Clubs are judged on whether young people keep coming",
)

NOT_COUNTED = rules.NOT_COUNTED


# The totals every page, CSV and `manage.py indicators` show for a period, and what each counts.
TOTALS: dict[str, str] = {
    "members": "members who had joined by the period's end (blocked ones left out)",
    "proposals": "proposals made in the period (escalated ones left out)",
    "published": "of those, published and not withdrawn",
    "answered": "of those published, answered by the period's end (first decision)",
    "decided": "decisions made in the period that still stand (duplicates left out)",
    "adopted": "of those decisions, adopted, adapted or trialled",
}


def thresholds() -> dict:
    return settings.COPRODUCE_INDICATORS


# --- The window ------------------------------------------------------------------


@dataclass(frozen=True)
class Window:
    """A period of whole days, start and end included, judged as at `as_of`."""

    start: date
    end: date
    as_of: datetime

    @classmethod
    def make(cls, start: date | None = None, end: date | None = None) -> Window:
        today = timezone.localdate()
        end = end or today
        start = start or end - timedelta(weeks=thresholds()["WINDOW_WEEKS"])
        end_dt = _day_start(end + timedelta(days=1))
        return cls(start=start, end=end, as_of=min(timezone.now(), end_dt))

    @property
    def start_dt(self) -> datetime:
        return _day_start(self.start)

    @property
    def end_dt(self) -> datetime:
        """The first moment after the window (exclusive)."""
        return _day_start(self.end + timedelta(days=1))

    @property
    def as_of_date(self) -> date:
        return timezone.localtime(self.as_of).date()

    @property
    def is_default(self) -> bool:
        default = Window.make()
        return self.start == default.start and self.end == default.end

    def in_window(self, field_name: str) -> Q:
        return Q(**{f"{field_name}__gte": self.start_dt, f"{field_name}__lt": self.end_dt})


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


# --- Results -----------------------------------------------------------------------


@dataclass
class Indicator:
    key: str
    status: str
    value: float | int | None
    display: str
    records: int
    explanation: str
    evidence: list[int] = field(default_factory=list)
    evidence_kind: str = "proposal"  # or "aspect"
    facts: dict = field(default_factory=dict)
    # (part, whole) a share counts, shown with it: "25% (3 of 12)".
    display_count: tuple[int, int] | None = None
    # A page with the records behind it when they are not proposals or aspects (#15).
    more_url: str = ""

    def __post_init__(self):
        # A cell without enough data shows no value: only "Not enough data".
        if self.status == NONE:
            self.display = ""
        elif self.display_count is not None:
            self.display += " ({} of {})".format(*self.display_count)

    @property
    def name(self) -> str:
        return INDICATORS[self.key][0]

    @property
    def short_name(self) -> str:
        return INDICATORS[self.key][1]

    @property
    def grounding(self) -> str:
        return INDICATORS[self.key][2]

    @property
    def rule(self) -> str:
        return rule_text(self.key)

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def severity(self) -> int:
        return SEVERITY[self.status]

    def as_dict(self) -> dict:
        return {
            "status": self.status,
            "value": self.value,
            "records": self.records,
            "evidence": {f"{self.evidence_kind}s": sorted(self.evidence)},
        }


def rule_text(key: str) -> str:
    t = thresholds()
    m = t["MIN_RECORDS"]
    texts = {
        SILENT: (
            f"Share of published proposals with no public answer {t['SILENT_AFTER_DAYS']} days "
            f"after they were submitted. Amber over {t['SILENT_AMBER_OVER_PCT']}%, "
            f"red over {t['SILENT_RED_OVER_PCT']}%. Counts proposals submitted in the period "
            f"at least {t['SILENT_AFTER_DAYS']} days ago; fewer than {m} is not enough data."
        ),
        SLOW: (
            "Median days from submission to the first response (acknowledged or decided); "
            f"proposals still waiting count with their wait so far once it passes "
            f"{t['SLOW_AMBER_OVER_DAYS']} days. Amber over {t['SLOW_AMBER_OVER_DAYS']} days, "
            f"red over {t['SLOW_RED_OVER_DAYS']} days, or red whenever any proposal has waited "
            f"over {t['STALLED_AFTER_DAYS']} days without a decision (stalled). "
            f"Fewer than {m} proposals is not enough data unless one has stalled."
        ),
        CHANGES: (
            "Share of decisions on ideas about negotiable aspects (or no particular aspect) that "
            f"adopted, adapted or trialled the idea. Amber under {t['CHANGES_AMBER_UNDER_PCT']}%, "
            f"red under {t['CHANGES_RED_UNDER_PCT']}%. Fewer than {m} decisions is not enough data."
        ),
        UNEXPLAINED: (
            f"Share of 'not adopted' answers without a real reason ("
            f"{rules.real_reason_rule_text()}): amber over "
            f"{t['UNEXPLAINED_AMBER_OVER_PCT']}%. Red for any 'not possible' answer citing an "
            "aspect that was negotiable when the idea was made (moving goalposts), whatever the "
            f"number of decisions; otherwise fewer than {m} decisions is not enough data."
        ),
        NEGOTIABLE: (
            "Number of aspects young people can change, and fixed aspects without a reason "
            f"(under {t['FIXED_REASON_MIN_CHARS']} characters). An aspect not declared yet is "
            "never counted as negotiable: amber until the club's first session (its funding "
            "start, until sessions are recorded), red after it. Red when none is negotiable; "
            f"amber when only {t['NEGOTIABLE_AMBER_AT_MOST']} is, or a fixed aspect has no "
            "reason. Judged on the club's aspects at the end of the period."
        ),
        VOICE: (
            "Share of members who proposed or supported an idea in the period, and share of "
            "proposals from the three most active members. Amber when under "
            f"{t['VOICE_AMBER_UNDER_PCT']}% of members took part or the top three made over "
            f"{t['TOP_THREE_AMBER_OVER_PCT']}% of {m} or more proposals; red under "
            f"{t['VOICE_RED_UNDER_PCT']}%. Fewer than {m} members is not enough data."
        ),
        PROMISES: (
            "Share of adopted, adapted or trial ideas (decided or due in the period) whose "
            "promised date has passed with no change recorded. Amber over "
            f"{t['BROKEN_AMBER_OVER_PCT']}%, red over {t['BROKEN_RED_OVER_PCT']}%. "
            f"Fewer than {m} is not enough data."
        ),
        TIMELINE: (
            f"A gap is no idea from young people in the club's first {t['START_WEEKS']} weeks "
            f"of funding, or none in its last {t['END_WEEKS']} funded weeks and after. "
            "Amber for one gap, red for both. Judged on the club's whole record up to the end "
            "of the period; not enough data until the first weeks have passed."
        ),
    }
    if key in (ENGAGEMENT, KEEPS):
        return _outcome_rule_text(key)
    return texts[key]


def _outcome_rule_text(key: str) -> str:
    o = rules.outcomes_settings()
    if key == ENGAGEMENT:
        return (
            f"{rules.before_after_rule_text()} Red when, over the changes that have "
            f"{o['BEFORE_AFTER_SESSIONS']} sessions run since, average attendance after is "
            "lower than before; amber when it is not but fell after one of them; not enough "
            "data until a change has that many sessions after it. Judged on the club's whole "
            "record up to the end of the period."
        )
    weeks = o["RETENTION_WEEKS"][0]
    return (
        f"{rules.retention_rule_text(weeks)} Amber under {o['KEEPS_AMBER_UNDER_PCT']}%, red "
        f"under {o['KEEPS_RED_UNDER_PCT']}%. Fewer than {thresholds()['MIN_RECORDS']} members "
        "counted is not enough data. Judged on the club's whole record up to the end of the "
        "period."
    )


@dataclass
class PeriodRows:
    """What `_Computer.period_rows` reads, per club id."""

    # (proposal id, days waited, answered?) for the slow-response median
    responses: dict[int, list[tuple[int, float, bool]]] = field(
        default_factory=lambda: defaultdict(list)
    )
    # days from submission to the first decision
    answer_days: dict[int, list[float]] = field(default_factory=lambda: defaultdict(list))
    # (author id, ideas) most active first
    authors: dict[int, list[tuple[int, int]]] = field(default_factory=lambda: defaultdict(list))
    # an author's ideas of the period, by id
    ideas_by: dict[int, list[int]] = field(default_factory=dict)


@dataclass
class Placement:
    """Where a club's record places it (Hart's ladder, or one of Lundy's questions)."""

    key: str
    label: str
    rule: str
    level: str = ""  # for Lundy: "met", "partly", "not met", "not enough data"


@dataclass
class Prompt:
    text: str
    indicator: str
    status: str
    evidence: list[int] = field(default_factory=list)
    evidence_kind: str = "proposal"


@dataclass
class ClubIndicators:
    club: Club
    window: Window
    indicators: dict[str, Indicator]
    totals: dict
    hart: Placement | None = None
    lundy: list[Placement] = field(default_factory=list)
    prompts: list[Prompt] = field(default_factory=list)
    # False for a dashboard's summary: statuses, values, counts and the Hart rung, but no
    # record ids (evidence), Lundy placement or prompts; a club's own page has them.
    has_evidence: bool = True
    # Outcomes (#15): "Still running N weeks after funding", from the registers ("" if not).
    sustainability: str = ""

    def __iter__(self):
        return iter(self.indicators.values())

    def counts(self) -> dict[str, int]:
        tally = dict.fromkeys(SEVERITY, 0)
        for indicator in self.indicators.values():
            tally[indicator.status] += 1
        return tally

    def as_dict(self) -> dict:
        return {
            "club": self.club.slug,
            "name": self.club.name,
            "partner": self.club.partner.name,
            "start": self.window.start.isoformat(),
            "end": self.window.end.isoformat(),
            # The same figures as the dashboards' totals and CSV columns (TOTALS says what
            # each counts).
            "totals": {key: self.totals[key] for key in TOTALS},
            "indicators": {key: ind.as_dict() for key, ind in self.indicators.items()},
            "hart": self.hart.key if self.hart else None,
            "lundy": {p.key: p.level for p in self.lundy},
        }


# --- Helpers --------------------------------------------------------------------


def _pct(part: int, whole: int) -> float | None:
    if not whole:
        return None
    return round(100 * part / whole, 1)


def _over(part: int, whole: int, pct: int) -> bool:
    """part/whole > pct% exactly, without floating point (in integers: a dashboard makes
    thousands of these)."""
    return whole > 0 and part * 100 > _exact(pct) * whole


def _under(part: int, whole: int, pct: int) -> bool:
    return whole > 0 and part * 100 < _exact(pct) * whole


def _exact(pct: int | float) -> int | Fraction:
    return pct if isinstance(pct, int) else Fraction(pct)


def _share_status(part: int, whole: int, *, minimum: int, beyond, red: int, amber: int) -> str:
    """The colour of a share: not enough data below `minimum` records, else red or
    amber where `beyond(part, whole, threshold)` holds (`_over` or `_under`)."""
    if whole < minimum:
        return NONE
    if beyond(part, whole, red):
        return RED
    if beyond(part, whole, amber):
        return AMBER
    return GREEN


def _fmt_pct(value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value:.0f}%" if float(value).is_integer() else f"{value:.1f}%"


def _fmt_days(value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value:.1f} days"


def _plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


# --- Computing --------------------------------------------------------------------


def compute(clubs, window: Window | None = None, *, evidence: bool = True) -> list[ClubIndicators]:
    """The indicators of every club in `clubs` (a queryset or list), in a fixed number of queries.

    With `evidence=False` (the partner and county dashboards, the CSV) the statuses, values
    and counts are the same, but the ids of the records behind them are not fetched: three
    queries fewer, and no per-record rows for hundreds of clubs. A club's own indicators
    page shows the records.
    """
    window = window or Window.make()
    clubs = club_list(clubs)
    if not clubs:
        return []
    return _Computer(clubs, window, evidence=evidence).run()


def club_list(clubs) -> list[Club]:
    """Clubs (a queryset or list) as a list, with the partner and district a result shows."""
    if hasattr(clubs, "select_related"):
        clubs = clubs.select_related("partner", "district")
    return list(clubs)


def for_club(club: Club, window: Window | None = None) -> ClubIndicators:
    return compute([club], window)[0]


def populations(w: Window) -> dict[str, Q]:
    """The sets of ideas the proposal counts count and their evidence lists: one
    definition for both, so a count and the records behind it always agree.

    "Answered in time" and "decided by the end" read the first decision's time kept on
    the proposal. Each condition starts with the one that rules out most of two years
    of ideas (the period, or "undecided"): PostgreSQL stops at the first false one.
    """
    t = thresholds()
    silent_cut = w.as_of - timedelta(days=t["SILENT_AFTER_DAYS"])
    stalled_cut = w.as_of - timedelta(days=t["STALLED_AFTER_DAYS"])
    waiting_cut = w.as_of - timedelta(days=t["SLOW_RED_OVER_DAYS"])
    answered_in_time = rules.answered_by(F("submitted_at") + timedelta(days=t["SILENT_AFTER_DAYS"]))
    decided_by_end = rules.answered_by(w.as_of)
    published = Q(published_at__isnull=False, published_at__lte=w.as_of) & ~Q(state__in=NOT_COUNTED)
    in_window = w.in_window("submitted_at") & Q(submitted_at__lte=w.as_of)
    silent_pop = in_window & Q(submitted_at__lte=silent_cut) & published
    decided_in_window = (
        w.in_window("decided_at")
        & Q(decided_at__lte=w.as_of, state__in=rules.DECIDED_STATES)
        & ~Q(outcome=Outcome.DUPLICATE)
    )
    changes_pop = decided_in_window & ~Q(aspect_status_at_submission=AspectStatus.FIXED)
    adopted = Q(outcome__in=CHANGE_OUTCOMES)
    promise_pop = (
        (w.in_window("decided_at") | Q(promised_by__gte=w.start, promised_by__lte=w.end))
        & Q(outcome__in=CHANGE_OUTCOMES, state__in=rules.DECIDED_STATES)
        & Q(decided_at__lte=w.as_of)
    )
    undecided_published = ~decided_by_end & published
    return {
        "in_window": in_window,
        # What a page calls "proposals": made in the period (escalated ones are not shown).
        "made": in_window & ~Q(state=State.ESCALATED),
        "published": in_window & published,
        "answered": in_window & published & decided_by_end,
        "silent_pop": silent_pop,
        "silent": silent_pop & ~answered_in_time,
        "stalled": undecided_published & Q(submitted_at__lte=stalled_cut),
        "decided": decided_in_window,
        "adopted": decided_in_window & adopted,
        "changes_pop": changes_pop,
        "changes_adopted": changes_pop & adopted,
        "not_changed": changes_pop & ~adopted,
        "promise_pop": promise_pop,
        "lapsed": promise_pop & rules.lapsed_as_of(w.as_of),
        # Undecided and not acknowledged, over the red response time: waiting.
        "waiting": undecided_published
        & Q(submitted_at__lte=waiting_cut)
        & (Q(acknowledged_at__isnull=True) | Q(acknowledged_at__gt=w.as_of)),
    }


class _Computer:
    # The populations whose ideas `proposal_evidence` lists, by name.
    EVIDENCE = ("silent", "stalled", "not_changed", "lapsed", "waiting")

    def __init__(self, clubs: list[Club], window: Window, *, evidence: bool = True):
        self.clubs = clubs
        self.ids = [c.pk for c in clubs]
        self.evidence = evidence
        self.w = window
        self.t = thresholds()
        self.min = self.t["MIN_RECORDS"]

    def populations(self) -> dict[str, Q]:
        return populations(self.w)

    # One aggregate over proposals: most counts of most indicators.
    def proposal_counts(self) -> dict[int, dict]:
        c, w = self.populations(), self.w
        not_escalated = ~Q(state=State.ESCALATED)
        rows = (
            Proposal.objects.filter(club_id__in=self.ids)
            .values("club_id")
            .annotate(
                submitted=Count("pk", filter=c["made"]),
                published=Count("pk", filter=c["published"]),
                answered=Count("pk", filter=c["answered"]),
                silent_pop=Count("pk", filter=c["silent_pop"]),
                silent=Count("pk", filter=c["silent"]),
                stalled=Count("pk", filter=c["stalled"]),
                changes_pop=Count("pk", filter=c["changes_pop"]),
                changes_adopted=Count("pk", filter=c["changes_adopted"]),
                adopted_own=Count("pk", filter=c["changes_adopted"] & Q(round__isnull=True)),
                decided=Count("pk", filter=c["decided"]),
                adopted=Count("pk", filter=c["adopted"]),
                promise_pop=Count("pk", filter=c["promise_pop"]),
                lapsed=Count("pk", filter=c["lapsed"]),
                first_input=Min("submitted_at", filter=not_escalated),
                last_input=Max("submitted_at", filter=not_escalated & Q(submitted_at__lte=w.as_of)),
            )
        )
        return {row.pop("club_id"): row for row in rows}

    # Evidence for the proposal counts above, fetched in one go.
    def proposal_evidence(self) -> dict[int, dict[str, list[int]]]:
        c, names = self.populations(), self.EVIDENCE
        wanted = Q()
        for name in names:
            wanted |= c[name]
        rows = (
            Proposal.objects.filter(club_id__in=self.ids)
            .filter(wanted)
            .annotate(**{f"is_{name}": _flag(c[name]) for name in names})
            .order_by("pk")
            .values_list("club_id", "pk", *(f"is_{name}" for name in names))
        )
        out: dict[int, dict[str, list[int]]] = defaultdict(lambda: {n: [] for n in names})
        for club_id, pk, *flags in rows:
            for name, flag in zip(names, flags, strict=True):
                if flag:
                    out[club_id][name].append(pk)
        return out

    def period_rows(self) -> PeriodRows:
        """One query over the ideas submitted in the period, for three things: days to the
        first response (the slow-response median) and to the first decision (median days to
        an answer) of the published ones, and who made them (the narrow-voice indicator's
        three most active members, and their ideas as its evidence)."""
        w, t = self.w, self.t
        rows = (
            Proposal.objects.filter(club_id__in=self.ids)
            .filter(w.in_window("submitted_at"), submitted_at__lte=w.as_of)
            .order_by("pk")
            .values_list(
                "club_id",
                "pk",
                "author_id",
                "state",
                "submitted_at",
                "published_at",
                "acknowledged_at",
                "first_decided_at",
            )
        )
        out = PeriodRows()
        day, as_of, slow_after = 86400, w.as_of, t["SLOW_AMBER_OVER_DAYS"]
        ideas_by: dict[tuple[int, int], list[int]] = defaultdict(list)
        for club_id, pk, author, state, submitted, published, acked, decided in rows:
            if author is not None and state != State.ESCALATED:
                ideas_by[club_id, author].append(pk)
            if published is None or state in NOT_COUNTED:
                continue
            if decided is not None and decided <= as_of:
                out.answer_days[club_id].append((decided - submitted).total_seconds() / day)
            if published > as_of:
                continue
            firsts = [m for m in (acked, decided) if m is not None and m <= as_of]
            if firsts:
                waited = (min(firsts) - submitted).total_seconds() / day
                out.responses[club_id].append((pk, waited, True))
            else:
                waited = (as_of - submitted).total_seconds() / day
                if waited > slow_after:
                    out.responses[club_id].append((pk, waited, False))
        # Most active first, then by author id: a stable order for ties.
        for (club_id, author), pks in sorted(ideas_by.items(), key=lambda i: (-len(i[1]), i[0])):
            out.authors[club_id].append((author, len(pks)))
            out.ideas_by[author] = pks
        return out

    def decision_counts(self) -> tuple[dict[int, dict], dict[int, dict[str, list[int]]]]:
        """Decisions of the period per club, with the 'not adopted' ones judged by the real
        reason rule (`rules.is_real_reason`, the one the decide service applies) in Python:
        they are few, and the rule counts words."""
        w = self.w
        base = Decision.objects.filter(club_id__in=self.ids, decided_at__lte=w.as_of).filter(
            w.in_window("decided_at")
        )
        counts = {
            row.pop("club_id"): row | {"unexplained": 0}
            for row in base.values("club_id")
            .annotate(
                decisions=Count("pk", filter=~Q(outcome=Outcome.DUPLICATE)),
                not_adopted=Count("pk", filter=Q(outcome=Outcome.NOT_ADOPTED)),
                goalposts=Count("pk", filter=Q(moving_goalposts=True)),
            )
            .order_by()
        }
        evidence: dict[int, dict[str, list[int]]] = defaultdict(
            lambda: {"unexplained": [], "goalposts": []}
        )
        rows = (
            base.filter(Q(outcome=Outcome.NOT_ADOPTED) | Q(moving_goalposts=True))
            .order_by("proposal_id")
            .values_list(
                "club_id", "proposal_id", "outcome", "reason", "answer", "moving_goalposts"
            )
        )
        for club_id, pk, outcome, reason, answer, goalposts in rows:
            found = evidence[club_id]
            if outcome == Outcome.NOT_ADOPTED and not rules.is_real_reason(reason, answer):
                counts[club_id]["unexplained"] += 1
                if pk not in found["unexplained"]:
                    found["unexplained"].append(pk)
            if goalposts and pk not in found["goalposts"]:
                found["goalposts"].append(pk)
        if not self.evidence:
            evidence.clear()
        return counts, evidence

    def aspects(self) -> dict[int, list[tuple[int, str, str]]]:
        """(id, status, reason) of each aspect as at the window's end, from its history.

        Before an aspect's first recorded change its state is that change's old one;
        aspects added (old status blank) after the window's end are left out.
        """
        rows = (
            rules.aspects_at(Aspect.objects.filter(club_id__in=self.ids), self.w.as_of)
            .order_by("club_id", "order", "pk")
            .values_list("club_id", "pk", "status_then", "reason_then")
        )
        out: dict[int, list[tuple[int, str, str]]] = defaultdict(list)
        for club_id, pk, status, reason in rows:
            out[club_id].append((pk, status, reason or ""))
        return out

    def members(self) -> dict[int, dict]:
        w = self.w
        # Supporting first: most members who spoke supported something, so fewer of them
        # need the second look-up.
        spoke = Exists(
            Support.objects.filter(participant=OuterRef("pk"), created_at__lte=w.as_of).filter(
                w.in_window("created_at")
            )
        ) | Exists(
            Proposal.objects.filter(author=OuterRef("pk"), submitted_at__lte=w.as_of).filter(
                w.in_window("submitted_at")
            )
        )
        rows = (
            Participant.objects.filter(
                club_id__in=self.ids, joined_at__lte=w.as_of, is_blocked=False
            )
            .annotate(spoke=spoke)
            .values("club_id")
            .annotate(members=Count("pk"), voices=Count("pk", filter=Q(spoke=True)))
        )
        return {row.pop("club_id"): row for row in rows}

    def listened(self) -> dict[int, dict]:
        w = self.w
        rows = (
            ListenedAnswer.objects.filter(proposal__club_id__in=self.ids, at__lte=w.as_of)
            .filter(w.in_window("at"))
            .values(club_id=F("proposal__club_id"))
            .annotate(
                listened=Count("pk"),
                listened_yes=Count("pk", filter=Q(answer=ListenedAnswer.Answer.YES)),
            )
        )
        return {row.pop("club_id"): row for row in rows}

    def run(self) -> list[ClubIndicators]:
        pc = self.proposal_counts()
        pe = self.proposal_evidence() if self.evidence else {}
        period = self.period_rows()
        responses, answer_days, authors = period.responses, period.answer_days, period.authors
        dc, de = self.decision_counts()
        results_of = self.outcomes()
        aspects = self.aspects()
        members = self.members()
        listened = self.listened()
        top_authors = {
            club_id: [a for a, _ in rows[:3]]
            for club_id, rows in authors.items()
            if self._top_three_triggered(rows)
        }
        results = []
        for club in self.clubs:
            cid = club.pk
            p = pc.get(cid) or _empty_counts()
            ev = pe.get(cid) or {n: [] for n in self.EVIDENCE}
            d = dc.get(cid) or {"decisions": 0, "not_adopted": 0, "unexplained": 0, "goalposts": 0}
            dev = de.get(cid) or {"unexplained": [], "goalposts": []}
            m = members.get(cid) or {"members": 0, "voices": 0}
            top_ev = (
                sorted(pk for author in top_authors[cid] for pk in period.ideas_by[author])
                if self.evidence and cid in top_authors
                else []
            )
            indicators = {
                SILENT: self.silent(p, ev),
                SLOW: self.slow(responses.get(cid, []), p, ev),
                CHANGES: self.changes(p, ev),
                UNEXPLAINED: self.unexplained(d, dev),
                NEGOTIABLE: self.negotiable(club, aspects.get(cid, [])),
                VOICE: self.voice(m, authors.get(cid, []), top_ev),
                PROMISES: self.promises(p, ev),
                TIMELINE: self.timeline(club, p),
                ENGAGEMENT: self.engagement(results_of[cid]),
                KEEPS: self.keeps(results_of[cid]),
            }
            days = answer_days.get(cid, [])
            li = listened.get(cid) or {"listened": 0, "listened_yes": 0}
            totals = {
                "members": m["members"],
                "voices": m["voices"],
                "proposals": p["submitted"],
                "published": p["published"],
                "answered": p["answered"],
                "decided": p["decided"],
                "adopted": p["adopted"],
                "adopted_own": p["adopted_own"],
                "answer_days": days,
                "median_days_to_answer": round(statistics.median(days), 1) if days else None,
                "listened": li["listened"],
                "listened_yes": li["listened_yes"],
                "waiting": ev["waiting"],
                "stalled": ev["stalled"],
            }
            result = ClubIndicators(
                club=club,
                window=self.w,
                indicators=indicators,
                totals=totals,
                has_evidence=self.evidence,
                sustainability=results_of[cid].sustainability,
            )
            from feedback.indicators.placement import place  # avoid an import cycle

            place(result)
            results.append(result)
        return results

    def outcomes(self) -> dict:
        """The registers' figures as at the period's end: three queries (sessions run, members'
        retention, changes made because of ideas; no regulars or activity check)."""
        from feedback import outcomes  # avoid an import cycle

        return outcomes.compute(
            self.clubs, as_of=self.w.as_of_date, activity=False, with_regulars=False
        )

    def engagement(self, result) -> Indicator:
        measured = [c for c in result.changes if c.measured]
        fell = [c for c in measured if c.after_average < c.before_average]
        before = sum(c.before_average for c in measured)
        after = sum(c.after_average for c in measured)
        value = round((after - before) / len(measured), 1) if measured else None
        if not measured:
            status = NONE
        elif after < before:
            status = RED
        elif fell:
            status = AMBER
        else:
            status = GREEN
        waiting = len(result.changes) - len(measured)
        if measured:
            explanation = (
                f"Over {_plural(len(measured), 'change')} with "
                f"{rules.outcomes_settings()['BEFORE_AFTER_SESSIONS']} sessions run since, "
                f"{after / len(measured):.1f} came on average after against "
                f"{before / len(measured):.1f} before; attendance fell after {len(fell)}."
            )
        else:
            explanation = (
                "No change made because of young people's ideas has enough sessions after it yet."
            )
        if waiting:
            explanation += f" Too early to tell for {_plural(waiting, 'other change')}."
        flagged = fell if fell else measured
        return Indicator(
            key=ENGAGEMENT,
            status=status,
            value=value,
            display=f"{value:+.1f} a session" if value is not None else "-",
            records=len(measured),
            explanation=explanation,
            evidence=sorted({pk for c in flagged for pk, _ in c.proposals})
            if self.evidence
            else [],
            facts={"measured": len(measured), "fell": len(fell), "waiting": waiting},
            more_url=_outcomes_url(result.club),
        )

    def keeps(self, result) -> Indicator:
        o = rules.outcomes_settings()
        weeks = o["RETENTION_WEEKS"][0]
        still, counted = result.retention.get(weeks, (0, 0))
        value = _pct(still, counted)
        status = _share_status(
            still,
            counted,
            minimum=self.min,
            beyond=_under,
            red=o["KEEPS_RED_UNDER_PCT"],
            amber=o["KEEPS_AMBER_UNDER_PCT"],
        )
        return Indicator(
            key=KEEPS,
            status=status,
            value=value,
            display=_fmt_pct(value),
            records=counted,
            display_count=(still, counted),
            explanation=(
                f"{still} of {_plural(counted, 'member')} whose first session was at least "
                f"{weeks} weeks ago were still coming {weeks} weeks after it."
            ),
            facts={"weeks": weeks, "still": still, "counted": counted},
            more_url=_outcomes_url(result.club),
        )

    def _top_three_triggered(self, rows: list[tuple[int, int]]) -> bool:
        total = sum(n for _, n in rows)
        top = sum(n for _, n in rows[:3])
        return total >= self.min and _over(top, total, self.t["TOP_THREE_AMBER_OVER_PCT"])

    # --- the eight rules ---

    def silent(self, p: dict, ev: dict) -> Indicator:
        t, pop, n = self.t, p["silent_pop"], p["silent"]
        value = _pct(n, pop)
        status = _share_status(
            n,
            pop,
            minimum=self.min,
            beyond=_over,
            red=t["SILENT_RED_OVER_PCT"],
            amber=t["SILENT_AMBER_OVER_PCT"],
        )
        return Indicator(
            key=SILENT,
            status=status,
            value=value,
            display=_fmt_pct(value),
            records=pop,
            display_count=(n, pop),
            explanation=(
                f"{n} of {_plural(pop, 'published proposal')} had no public answer "
                f"{t['SILENT_AFTER_DAYS']} days after submission."
            ),
            evidence=ev["silent"],
            facts={"answered_pct": _pct(pop - n, pop), "silent": n, "population": pop},
        )

    def slow(self, rows: list[tuple[int, float, bool]], p: dict, ev: dict) -> Indicator:
        t = self.t
        stalled = p["stalled"]
        waits = [w for _, w, _ in rows]
        median = round(statistics.median(waits), 1) if waits else None
        if stalled:
            status = RED
        elif len(waits) < self.min:
            status = NONE
        elif median > t["SLOW_RED_OVER_DAYS"]:
            status = RED
        elif median > t["SLOW_AMBER_OVER_DAYS"]:
            status = AMBER
        else:
            status = GREEN
        slow_ids = (
            sorted({pk for pk, w, _ in rows if w > t["SLOW_AMBER_OVER_DAYS"]} | set(ev["stalled"]))
            if self.evidence
            else []
        )
        still = sum(1 for _, _, answered in rows if not answered)
        explanation = (
            f"Median {_fmt_days(median)} to a first response over {_plural(len(waits), 'proposal')}"
            + (f" ({still} still waiting)" if still else "")
            + "."
        )
        if stalled:
            explanation += (
                f" {_plural(stalled, 'proposal')} undecided after {t['STALLED_AFTER_DAYS']} days."
            )
        return Indicator(
            key=SLOW,
            status=status,
            value=median,
            display=(f"{stalled} stalled; median " if stalled else "") + _fmt_days(median),
            records=len(waits),
            explanation=explanation,
            evidence=slow_ids,
            facts={"stalled": stalled, "median_days": median},
        )

    def changes(self, p: dict, ev: dict) -> Indicator:
        t, pop, n = self.t, p["changes_pop"], p["changes_adopted"]
        value = _pct(n, pop)
        status = _share_status(
            n,
            pop,
            minimum=self.min,
            beyond=_under,
            red=t["CHANGES_RED_UNDER_PCT"],
            amber=t["CHANGES_AMBER_UNDER_PCT"],
        )
        return Indicator(
            key=CHANGES,
            status=status,
            value=value,
            display=_fmt_pct(value),
            records=pop,
            display_count=(n, pop),
            explanation=(
                f"{n} of {_plural(pop, 'decision')} on negotiable matters adopted, adapted or "
                "trialled the idea."
            ),
            evidence=ev["not_changed"],
            facts={"adopted_pct": value, "adopted_own": p["adopted_own"], "adopted": n},
        )

    def unexplained(self, d: dict, dev: dict) -> Indicator:
        t = self.t
        records, nos, n, goalposts = (
            d["decisions"],
            d["not_adopted"],
            d["unexplained"],
            d["goalposts"],
        )
        value = _pct(n, nos) if nos else 0.0
        if goalposts:
            status = RED
        elif records < self.min:
            status = NONE
        elif _over(n, nos, t["UNEXPLAINED_AMBER_OVER_PCT"]):
            status = AMBER
        else:
            status = GREEN
        nos_text = _plural(nos, "'not adopted' answer")
        explanation = (
            f"{n} of {nos_text} gave no real reason; "
            f"{goalposts} moving goalposts ('not possible' citing an aspect that "
            f"was negotiable), over {_plural(records, 'decision')}."
        )
        return Indicator(
            key=UNEXPLAINED,
            status=status,
            value=value,
            display=(
                f"{goalposts} moving goalposts; {n} of {nos} without a reason"
                if goalposts
                else f"{_fmt_pct(value)} ({n} of {nos})"
            ),
            records=records,
            explanation=explanation,
            evidence=sorted(set(dev["unexplained"]) | set(dev["goalposts"])),
            facts={
                "goalposts": goalposts,
                "goalpost_ids": dev["goalposts"],
                "unexplained_ids": dev["unexplained"],
            },
        )

    def negotiable(self, club: Club, aspects: list[tuple[int, str, str]]) -> Indicator:
        """Undeclared aspects are "not declared yet", never negotiable: amber until the
        club's first session (`rules.first_session`), red after it."""
        t = self.t
        negotiable = [pk for pk, s, _ in aspects if s == AspectStatus.NEGOTIABLE]
        fixed = [pk for pk, s, _ in aspects if s == AspectStatus.FIXED]
        undeclared = [
            pk for pk, s, _ in aspects if s not in (AspectStatus.NEGOTIABLE, AspectStatus.FIXED)
        ]
        no_reason = [
            pk
            for pk, s, reason in aspects
            if s == AspectStatus.FIXED and len(reason.strip()) < t["FIXED_REASON_MIN_CHARS"]
        ]
        started = self.w.as_of_date > rules.first_session(club)
        if undeclared:
            status = RED if started else AMBER
        elif not negotiable:
            status = RED
        elif len(negotiable) <= t["NEGOTIABLE_AMBER_AT_MOST"] or no_reason:
            status = AMBER
        else:
            status = GREEN
        evidence = set(no_reason) | set(undeclared)
        if len(negotiable) <= t["NEGOTIABLE_AMBER_AT_MOST"] and not undeclared:
            evidence |= set(fixed) | set(negotiable)
        display = f"{len(negotiable)} negotiable"
        explanation = (
            f"{_plural(len(negotiable), 'aspect')} young people can change, "
            f"{len(fixed)} fixed, {len(no_reason)} fixed without a reason."
        )
        if undeclared:
            display = f"{len(undeclared)} not declared yet; " + display
            explanation += (
                f" {_plural(len(undeclared), 'aspect')} not declared yet: the coach has not said "
                "whether young people can change "
                + ("it" if len(undeclared) == 1 else "them")
                + (
                    f", after the club's first session ({rules.first_session(club):%-d %b %Y})."
                    if started
                    else f"; red after the club's first session "
                    f"({rules.first_session(club):%-d %b %Y})."
                )
            )
        return Indicator(
            key=NEGOTIABLE,
            status=status,
            value=len(negotiable),
            display=display,
            records=len(aspects),
            explanation=explanation,
            evidence=sorted(evidence),
            evidence_kind="aspect",
            facts={
                "negotiable": len(negotiable),
                "fixed": len(fixed),
                "no_reason": len(no_reason),
                "undeclared": len(undeclared),
            },
        )

    def voice(self, m: dict, authors: list[tuple[int, int]], top_ev: list[int]) -> Indicator:
        t = self.t
        members, voices = m["members"], m["voices"]
        value = _pct(voices, members)
        total = sum(n for _, n in authors)
        top = sum(n for _, n in authors[:3])
        top_pct = _pct(top, total)
        top_heavy = total >= self.min and _over(top, total, t["TOP_THREE_AMBER_OVER_PCT"])
        if members < self.min:
            status = NONE
        elif _under(voices, members, t["VOICE_RED_UNDER_PCT"]):
            status = RED
        elif _under(voices, members, t["VOICE_AMBER_UNDER_PCT"]) or top_heavy:
            status = AMBER
        else:
            status = GREEN
        explanation = f"{voices} of {_plural(members, 'member')} proposed or supported an idea."
        if total:
            explanation += f" The three most active made {top} of {_plural(total, 'proposal')}."
        return Indicator(
            key=VOICE,
            status=status,
            value=value,
            display=_fmt_pct(value),
            records=members,
            display_count=(voices, members),
            explanation=explanation,
            evidence=top_ev,
            facts={"voice_pct": value, "top_three_pct": top_pct, "top_heavy": top_heavy},
        )

    def promises(self, p: dict, ev: dict) -> Indicator:
        t, pop, n = self.t, p["promise_pop"], p["lapsed"]
        value = _pct(n, pop)
        status = _share_status(
            n,
            pop,
            minimum=self.min,
            beyond=_over,
            red=t["BROKEN_RED_OVER_PCT"],
            amber=t["BROKEN_AMBER_OVER_PCT"],
        )
        return Indicator(
            key=PROMISES,
            status=status,
            value=value,
            display=_fmt_pct(value),
            records=pop,
            display_count=(n, pop),
            explanation=(
                f"{n} of {_plural(pop, 'adopted idea')} are past their promised date with no "
                "change recorded."
            ),
            evidence=ev["lapsed"],
            facts={"lapsed": n},
        )

    def timeline(self, club: Club, p: dict) -> Indicator:
        t, today = self.t, self.w.as_of_date
        start_end = club.funding_start + timedelta(weeks=t["START_WEEKS"])
        stop_from = club.funding_end - timedelta(weeks=t["END_WEEKS"])
        first = timezone.localtime(p["first_input"]).date() if p["first_input"] else None
        last = timezone.localtime(p["last_input"]).date() if p["last_input"] else None
        gaps, checked, notes = [], 0, []
        if today >= start_end:
            checked += 1
            if first is None or first >= start_end:
                gaps.append("start")
                notes.append(
                    f"no idea in the first {t['START_WEEKS']} weeks (to {start_end:%-d %b %Y})"
                )
            else:
                notes.append(f"first idea on {first:%-d %b %Y}")
        if today > club.funding_end:
            checked += 1
            if last is None or last < stop_from:
                gaps.append("stop")
                notes.append(
                    f"no idea since {stop_from:%-d %b %Y} (funding ended {club.funding_end:%-d %b %Y})"
                )
            else:
                notes.append(f"latest idea on {last:%-d %b %Y}")
        if not checked:
            status = NONE
            notes.append(f"too early to tell: funding started {club.funding_start:%-d %b %Y}")
        else:
            status = {0: GREEN, 1: AMBER}.get(len(gaps), RED)
        return Indicator(
            key=TIMELINE,
            status=status,
            value=len(gaps) if checked else None,
            display=(f"{_plural(len(gaps), 'gap')}" if checked else "-"),
            records=checked,
            explanation="; ".join(notes).capitalize() + ".",
            evidence=[],
            facts={"gaps": gaps},
        )


def _outcomes_url(club: Club) -> str:
    from django.urls import reverse

    return reverse("feedback:club-outcomes", kwargs={"slug": club.slug})


def _flag(condition: Q):
    from django.db.models import BooleanField, Case, When

    return Case(
        When(condition, then=Value(True)), default=Value(False), output_field=BooleanField()
    )


def _empty_counts() -> dict:
    return {
        "submitted": 0,
        "published": 0,
        "answered": 0,
        "silent_pop": 0,
        "silent": 0,
        "stalled": 0,
        "changes_pop": 0,
        "changes_adopted": 0,
        "adopted_own": 0,
        "decided": 0,
        "adopted": 0,
        "promise_pop": 0,
        "lapsed": 0,
        "first_input": None,
        "last_input": None,
    }
