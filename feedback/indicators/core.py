"""The tokenism indicators, computed in SQL for one club or many at once.

Each indicator is an explained flag (DESIGN.md, "Making tokenism visible"): a
status (green, amber, red, or "not enough data"), its value, the rule in plain
words, and the ids of the records behind it. What each indicator counts, its
thresholds, its rule and its sentences are declared once, in `spec.REGISTRY`; this
module gathers the facts the specs judge. Every figure comes from a fixed number of
aggregate queries over all the clubs asked for, so the cost of a county dashboard
does not grow with the number of clubs.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    F,
    Max,
    Min,
    OuterRef,
    Q,
    Value,
    When,
)
from django.urls import reverse
from django.utils import timezone

from clubs.models import Aspect, AspectStatus, Club
from feedback import outcomes, rules
from feedback.indicators.placement import place
from feedback.indicators.rows import (
    TOTALS,
    ClubIndicators,
    Indicator,
    Placement,
    Prompt,
    Window,
    _fmt_days,
    _fmt_pct,
    _pct,
    _plural,
    rule_text,
)
from feedback.indicators.spec import (
    AMBER,
    CHANGES,
    ENGAGEMENT,
    GREEN,
    INDICATORS,
    KEEPS,
    NEGOTIABLE,
    NONE,
    PROMISES,
    RED,
    REGISTRY,
    SEVERITY,
    SILENT,
    SLOW,
    SPECS,
    STATUS_LABELS,
    TIMELINE,
    UNEXPLAINED,
    VOICE,
    IndicatorSpec,
    thresholds,
    top_heavy,
)
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

# Re-exported: what other modules and tests import from here.
__all__ = [
    "AMBER",
    "CHANGES",
    "ENGAGEMENT",
    "GREEN",
    "INDICATORS",
    "KEEPS",
    "NEGOTIABLE",
    "NONE",
    "PROMISES",
    "RED",
    "REGISTRY",
    "SEVERITY",
    "SILENT",
    "SLOW",
    "SPECS",
    "STATUS_LABELS",
    "TIMELINE",
    "TOTALS",
    "UNEXPLAINED",
    "VOICE",
    "ClubIndicators",
    "Indicator",
    "IndicatorSpec",
    "Placement",
    "Prompt",
    "Window",
    "_fmt_days",
    "_fmt_pct",
    "_pct",
    "_plural",
    "club_list",
    "compute",
    "for_club",
    "populations",
    "rule_text",
    "thresholds",
]

NOT_COUNTED = rules.NOT_COUNTED


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
    silent, slow = SPECS[SILENT].values(), SPECS[SLOW].values()
    silent_cut = w.as_of - timedelta(days=silent["after_days"])
    stalled_cut = w.as_of - timedelta(days=slow["stalled_days"])
    waiting_cut = w.as_of - timedelta(days=slow["red"])
    answered_in_time = rules.answered_by(F("submitted_at") + timedelta(days=silent["after_days"]))
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


@dataclass
class ClubFacts:
    """What the queries found for one club: everything its rows are judged on."""

    club: Club
    counts: dict  # `proposal_counts`: the proposal populations' sizes, first and last input
    evidence: dict[str, list[int]]  # their ids, by population (`_Computer.EVIDENCE`)
    decisions: dict  # decisions, 'not adopted' ones, unexplained ones, moving goalposts
    decision_evidence: dict[str, list[int]]  # unexplained and goalpost ids
    members: dict  # members and voices
    responses: list[tuple[int, float, bool]]  # (proposal id, days waited, answered?)
    authors: list[tuple[int, int]]  # (author id, ideas), most active first
    top_evidence: list[int]  # the three most active members' ideas, when top-heavy
    aspects: list[tuple[int, str, str]]  # (id, status, reason) at the period's end
    outcomes: outcomes.ClubOutcomes  # the registers' figures


class _Computer:
    # The populations whose ideas `proposal_evidence` lists, by name.
    EVIDENCE = ("silent", "stalled", "not_changed", "lapsed", "waiting")

    def __init__(self, clubs: list[Club], window: Window, *, evidence: bool = True):
        self.clubs = clubs
        self.ids = [c.pk for c in clubs]
        self.evidence = evidence
        self.w = window
        # Each spec's thresholds, read from the settings once for all the clubs.
        self.v = {spec.key: spec.values() for spec in REGISTRY}

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
        w = self.w
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
        day, as_of, slow_after = 86400, w.as_of, self.v[SLOW]["amber"]
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
            facts = ClubFacts(
                club=club,
                counts=p,
                evidence=ev,
                decisions=d,
                decision_evidence=dev,
                members=m,
                responses=responses.get(cid, []),
                authors=authors.get(cid, []),
                top_evidence=top_ev,
                aspects=aspects.get(cid, []),
                outcomes=results_of[cid],
            )
            # One row per spec, in the registry's order.
            indicators = {spec.key: MEASURES[spec.key](self, facts) for spec in REGISTRY}
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
            place(result)
            results.append(result)
        return results

    def outcomes(self) -> dict:
        """The registers' figures as at the period's end: three queries (sessions run, members'
        retention, changes made because of ideas; no regulars or activity check)."""
        return outcomes.compute(
            self.clubs, as_of=self.w.as_of_date, activity=False, with_regulars=False
        )

    def indicator(self, key: str, judged: dict, **fields) -> Indicator:
        """The row of one indicator: its spec judges the facts `judged` (what its rule reads);
        `fields` are the row's value, display, records, explanation, evidence and facts."""
        spec = SPECS[key]
        return Indicator(
            key=key,
            status=spec.judge(judged, self.v[key]),
            evidence_kind=spec.evidence_kind,
            **fields,
        )

    def say(self, key: str, sentence: str, **facts) -> str:
        return SPECS[key].say(sentence, self.v[key], **facts)

    def engagement(self, f: ClubFacts) -> Indicator:
        result = f.outcomes
        measured = [c for c in result.changes if c.measured]
        fell = [c for c in measured if c.after_average < c.before_average]
        before = sum(c.before_average for c in measured)
        after = sum(c.after_average for c in measured)
        value = round((after - before) / len(measured), 1) if measured else None
        waiting = len(result.changes) - len(measured)
        if measured:
            explanation = self.say(
                ENGAGEMENT,
                "explanation",
                changes=_plural(len(measured), "change"),
                after=f"{after / len(measured):.1f}",
                before=f"{before / len(measured):.1f}",
                fell=len(fell),
            )
        else:
            explanation = self.say(ENGAGEMENT, "none_measured")
        if waiting:
            explanation += self.say(
                ENGAGEMENT, "too_early", changes=_plural(waiting, "other change")
            )
        flagged = fell if fell else measured
        return self.indicator(
            ENGAGEMENT,
            {"measured": len(measured), "fell": len(fell), "before": before, "after": after},
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

    def keeps(self, f: ClubFacts) -> Indicator:
        result = f.outcomes
        weeks = self.v[KEEPS]["weeks"]
        still, counted = result.retention.get(weeks, (0, 0))
        value = _pct(still, counted)
        return self.indicator(
            KEEPS,
            {"still": still, "counted": counted},
            value=value,
            display=_fmt_pct(value),
            records=counted,
            display_count=(still, counted),
            explanation=self.say(
                KEEPS, "explanation", still=still, members=_plural(counted, "member")
            ),
            facts={"weeks": weeks, "still": still, "counted": counted},
            more_url=_outcomes_url(result.club),
        )

    def _top_three_triggered(self, rows: list[tuple[int, int]]) -> bool:
        return top_heavy(sum(n for _, n in rows[:3]), sum(n for _, n in rows), self.v[VOICE])

    # --- the eight rules ---

    def silent(self, f: ClubFacts) -> Indicator:
        p, ev = f.counts, f.evidence
        pop, n = p["silent_pop"], p["silent"]
        value = _pct(n, pop)
        return self.indicator(
            SILENT,
            {"silent": n, "population": pop},
            value=value,
            display=_fmt_pct(value),
            records=pop,
            display_count=(n, pop),
            explanation=self.say(
                SILENT, "explanation", silent=n, published=_plural(pop, "published proposal")
            ),
            evidence=ev["silent"],
            facts={"answered_pct": _pct(pop - n, pop), "silent": n, "population": pop},
        )

    def slow(self, f: ClubFacts) -> Indicator:
        rows, p, ev = f.responses, f.counts, f.evidence
        slow_after = self.v[SLOW]["amber"]
        stalled = p["stalled"]
        waits = [w for _, w, _ in rows]
        median = round(statistics.median(waits), 1) if waits else None
        slow_ids = (
            sorted({pk for pk, w, _ in rows if w > slow_after} | set(ev["stalled"]))
            if self.evidence
            else []
        )
        still = sum(1 for _, _, answered in rows if not answered)
        explanation = self.say(
            SLOW,
            "explanation",
            median=_fmt_days(median),
            proposals=_plural(len(waits), "proposal"),
            waiting=f" ({still} still waiting)" if still else "",
        )
        if stalled:
            explanation += self.say(SLOW, "stalled", proposals=_plural(stalled, "proposal"))
        return self.indicator(
            SLOW,
            {"stalled": stalled, "responses": len(waits), "median_days": median},
            value=median,
            display=(f"{stalled} stalled; median " if stalled else "") + _fmt_days(median),
            records=len(waits),
            explanation=explanation,
            evidence=slow_ids,
            facts={"stalled": stalled, "median_days": median},
        )

    def changes(self, f: ClubFacts) -> Indicator:
        p, ev = f.counts, f.evidence
        pop, n = p["changes_pop"], p["changes_adopted"]
        value = _pct(n, pop)
        return self.indicator(
            CHANGES,
            {"adopted": n, "population": pop},
            value=value,
            display=_fmt_pct(value),
            records=pop,
            display_count=(n, pop),
            explanation=self.say(
                CHANGES, "explanation", adopted=n, decisions=_plural(pop, "decision")
            ),
            evidence=ev["not_changed"],
            facts={"adopted_pct": value, "adopted_own": p["adopted_own"], "adopted": n},
        )

    def unexplained(self, f: ClubFacts) -> Indicator:
        d, dev = f.decisions, f.decision_evidence
        records, nos, n, goalposts = (
            d["decisions"],
            d["not_adopted"],
            d["unexplained"],
            d["goalposts"],
        )
        value = _pct(n, nos) if nos else 0.0
        explanation = self.say(
            UNEXPLAINED,
            "explanation",
            unexplained=n,
            nos=_plural(nos, "'not adopted' answer"),
            goalposts=goalposts,
            decisions=_plural(records, "decision"),
        )
        return self.indicator(
            UNEXPLAINED,
            {"goalposts": goalposts, "decisions": records, "unexplained": n, "not_adopted": nos},
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

    def negotiable(self, f: ClubFacts) -> Indicator:
        """Undeclared aspects are "not declared yet", never negotiable: amber until the
        club's first session (`rules.first_session`), red after it."""
        club, aspects = f.club, f.aspects
        v = self.v[NEGOTIABLE]
        negotiable = [pk for pk, s, _ in aspects if s == AspectStatus.NEGOTIABLE]
        fixed = [pk for pk, s, _ in aspects if s == AspectStatus.FIXED]
        undeclared = [
            pk for pk, s, _ in aspects if s not in (AspectStatus.NEGOTIABLE, AspectStatus.FIXED)
        ]
        no_reason = [
            pk
            for pk, s, reason in aspects
            if s == AspectStatus.FIXED and len(reason.strip()) < v["reason_chars"]
        ]
        started = self.w.as_of_date > rules.first_session(club)
        evidence = set(no_reason) | set(undeclared)
        if len(negotiable) <= v["amber_at_most"] and not undeclared:
            evidence |= set(fixed) | set(negotiable)
        display = f"{len(negotiable)} negotiable"
        explanation = self.say(
            NEGOTIABLE,
            "explanation",
            negotiable=_plural(len(negotiable), "aspect"),
            fixed=len(fixed),
            no_reason=len(no_reason),
        )
        if undeclared:
            display = f"{len(undeclared)} not declared yet; " + display
            explanation += self.say(
                NEGOTIABLE,
                "undeclared_after" if started else "undeclared_before",
                undeclared=_plural(len(undeclared), "aspect"),
                them="it" if len(undeclared) == 1 else "them",
                first_session=f"{rules.first_session(club):%-d %b %Y}",
            )
        counts = {
            "negotiable": len(negotiable),
            "fixed": len(fixed),
            "no_reason": len(no_reason),
            "undeclared": len(undeclared),
        }
        return self.indicator(
            NEGOTIABLE,
            counts | {"started": started},
            value=len(negotiable),
            display=display,
            records=len(aspects),
            explanation=explanation,
            evidence=sorted(evidence),
            facts=counts,
        )

    def voice(self, f: ClubFacts) -> Indicator:
        m, authors, top_ev = f.members, f.authors, f.top_evidence
        members, voices = m["members"], m["voices"]
        value = _pct(voices, members)
        total = sum(n for _, n in authors)
        top = sum(n for _, n in authors[:3])
        top_pct = _pct(top, total)
        explanation = self.say(
            VOICE, "explanation", voices=voices, members=_plural(members, "member")
        )
        if total:
            explanation += self.say(
                VOICE, "top_three", top=top, proposals=_plural(total, "proposal")
            )
        return self.indicator(
            VOICE,
            {"members": members, "voices": voices, "top": top, "total": total},
            value=value,
            display=_fmt_pct(value),
            records=members,
            display_count=(voices, members),
            explanation=explanation,
            evidence=top_ev,
            facts={
                "voice_pct": value,
                "top_three_pct": top_pct,
                "top_heavy": top_heavy(top, total, self.v[VOICE]),
            },
        )

    def promises(self, f: ClubFacts) -> Indicator:
        p, ev = f.counts, f.evidence
        pop, n = p["promise_pop"], p["lapsed"]
        value = _pct(n, pop)
        return self.indicator(
            PROMISES,
            {"lapsed": n, "population": pop},
            value=value,
            display=_fmt_pct(value),
            records=pop,
            display_count=(n, pop),
            explanation=self.say(
                PROMISES, "explanation", lapsed=n, ideas=_plural(pop, "adopted idea")
            ),
            evidence=ev["lapsed"],
            facts={"lapsed": n},
        )

    def timeline(self, f: ClubFacts) -> Indicator:
        club, p = f.club, f.counts
        v, today = self.v[TIMELINE], self.w.as_of_date
        start_end = club.funding_start + timedelta(weeks=v["start_weeks"])
        stop_from = club.funding_end - timedelta(weeks=v["end_weeks"])
        first = timezone.localtime(p["first_input"]).date() if p["first_input"] else None
        last = timezone.localtime(p["last_input"]).date() if p["last_input"] else None
        gaps, checked, notes = [], 0, []
        if today >= start_end:
            checked += 1
            if first is None or first >= start_end:
                gaps.append("start")
                notes.append(self.say(TIMELINE, "no_start", start_end=f"{start_end:%-d %b %Y}"))
            else:
                notes.append(self.say(TIMELINE, "first", first=f"{first:%-d %b %Y}"))
        if today > club.funding_end:
            checked += 1
            if last is None or last < stop_from:
                gaps.append("stop")
                notes.append(
                    self.say(
                        TIMELINE,
                        "no_stop",
                        stop_from=f"{stop_from:%-d %b %Y}",
                        funding_end=f"{club.funding_end:%-d %b %Y}",
                    )
                )
            else:
                notes.append(self.say(TIMELINE, "last", last=f"{last:%-d %b %Y}"))
        if not checked:
            notes.append(
                self.say(TIMELINE, "too_early", funding_start=f"{club.funding_start:%-d %b %Y}")
            )
        return self.indicator(
            TIMELINE,
            {"checked": checked, "gaps": len(gaps)},
            value=len(gaps) if checked else None,
            display=(f"{_plural(len(gaps), 'gap')}" if checked else "-"),
            records=checked,
            explanation="; ".join(notes).capitalize() + ".",
            evidence=[],
            facts={"gaps": gaps},
        )


# How the runner gathers each spec's row from a club's facts: one per key of the registry.
MEASURES: dict[str, Callable[[_Computer, ClubFacts], Indicator]] = {
    SILENT: _Computer.silent,
    SLOW: _Computer.slow,
    CHANGES: _Computer.changes,
    UNEXPLAINED: _Computer.unexplained,
    NEGOTIABLE: _Computer.negotiable,
    VOICE: _Computer.voice,
    PROMISES: _Computer.promises,
    TIMELINE: _Computer.timeline,
    ENGAGEMENT: _Computer.engagement,
    KEEPS: _Computer.keeps,
}


def _outcomes_url(club: Club) -> str:
    return reverse("feedback:club-outcomes", kwargs={"slug": club.slug})


def _flag(condition: Q):
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
