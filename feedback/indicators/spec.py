"""The indicators declared as data: what each counts, its thresholds, its rule and its words.

One `IndicatorSpec` per indicator, in `REGISTRY` (the order every page, CSV and summary
shows them in). A spec says, once:

- what it counts (`population`) and what flags among those (`numerator`), in words;
- its thresholds, as names of settings (`params`: a template's name for a value, and the
  setting it reads), so a threshold is typed in one place, `coproduce/settings.py`;
- the rule that turns a club's facts into a status (`status`), given those values;
- the sentences that explain it (`rule` and `sentences`), as templates that take the
  values as parameters: no threshold is ever typed into a sentence;
- which of its facts list record ids (`id_facts`), which a summary without evidence blanks.

`core` gathers the facts (in a fixed number of queries) and builds each club's rows from
these specs; `placement` reads the rows. This module imports neither, so there is no cycle.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from types import MappingProxyType

from django.conf import settings

from feedback import rules

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
# Outcomes (#15): what the registers say after young people were listened to. They are
# explained like the eight, but Hart's ladder and Lundy's questions do not read them: they
# measure what happened next, not how young people were involved.
ENGAGEMENT = "engagement_after_changes"
KEEPS = "keeps_coming"

# The settings a spec's params name: "INDICATORS.MIN_RECORDS" is
# settings.COPRODUCE_INDICATORS["MIN_RECORDS"]; "OUTCOMES.RETENTION_WEEKS[0]" the first of
# settings.COPRODUCE_OUTCOMES["RETENTION_WEEKS"].
SETTINGS = {"INDICATORS": "COPRODUCE_INDICATORS", "OUTCOMES": "COPRODUCE_OUTCOMES"}
_SETTING = re.compile(r"^(?P<group>[A-Z]+)\.(?P<name>[A-Z_]+)(?:\[(?P<index>\d+)\])?$")


def thresholds() -> dict:
    return settings.COPRODUCE_INDICATORS


def setting(path: str):
    """The value of a spec's setting, e.g. "INDICATORS.SILENT_AFTER_DAYS"."""
    match = _SETTING.match(path)
    if not match:
        raise ValueError(f"{path!r} is not a setting like 'INDICATORS.MIN_RECORDS'")
    value = getattr(settings, SETTINGS[match["group"]])[match["name"]]
    return value[int(match["index"])] if match["index"] is not None else value


# --- Shares, exactly ------------------------------------------------------------------


def _exact(pct: int | float) -> int | Fraction:
    return pct if isinstance(pct, int) else Fraction(pct)


def over(part: int, whole: int, pct: int) -> bool:
    """part/whole > pct% exactly, without floating point (in integers: a dashboard makes
    thousands of these)."""
    return whole > 0 and part * 100 > _exact(pct) * whole


def under(part: int, whole: int, pct: int) -> bool:
    return whole > 0 and part * 100 < _exact(pct) * whole


def share_status(part: int, whole: int, *, minimum: int, beyond, red, amber) -> str:
    """The colour of a share: not enough data below `minimum` records, else red or
    amber where `beyond(part, whole, threshold)` holds (`over` or `under`)."""
    if whole < minimum:
        return NONE
    if beyond(part, whole, red):
        return RED
    if beyond(part, whole, amber):
        return AMBER
    return GREEN


def _share(part: str, whole: str, beyond) -> Callable[[Mapping, Mapping], str]:
    """The rule of a share indicator: facts `part` of `whole`, against the spec's
    `min`, `red` and `amber` values."""

    def rule(f: Mapping, v: Mapping) -> str:
        return share_status(
            f[part], f[whole], minimum=v["min"], beyond=beyond, red=v["red"], amber=v["amber"]
        )

    return rule


def top_heavy(top: int, total: int, v: Mapping) -> bool:
    """The three most active members made over `top_three`% of `min` or more proposals."""
    return total >= v["min"] and over(top, total, v["top_three"])


# --- The rules: facts and values to a status --------------------------------------------


def _slow(f: Mapping, v: Mapping) -> str:
    if f["stalled"]:
        return RED
    if f["responses"] < v["min"]:
        return NONE
    if f["median_days"] > v["red"]:
        return RED
    if f["median_days"] > v["amber"]:
        return AMBER
    return GREEN


def _unexplained(f: Mapping, v: Mapping) -> str:
    if f["goalposts"]:
        return RED
    if f["decisions"] < v["min"]:
        return NONE
    if over(f["unexplained"], f["not_adopted"], v["amber"]):
        return AMBER
    return GREEN


def _negotiable(f: Mapping, v: Mapping) -> str:
    """Undeclared aspects are "not declared yet", never negotiable: amber until the club's
    first session, red after it."""
    if f["undeclared"]:
        return RED if f["started"] else AMBER
    if not f["negotiable"]:
        return RED
    if f["negotiable"] <= v["amber_at_most"] or f["no_reason"]:
        return AMBER
    return GREEN


def _voice(f: Mapping, v: Mapping) -> str:
    if f["members"] < v["min"]:
        return NONE
    if under(f["voices"], f["members"], v["red"]):
        return RED
    if under(f["voices"], f["members"], v["amber"]) or top_heavy(f["top"], f["total"], v):
        return AMBER
    return GREEN


def _timeline(f: Mapping, v: Mapping) -> str:
    if not f["checked"]:
        return NONE
    return {0: GREEN, 1: AMBER}.get(f["gaps"], RED)


def _engagement(f: Mapping, v: Mapping) -> str:
    if not f["measured"]:
        return NONE
    if f["after"] < f["before"]:
        return RED
    if f["fell"]:
        return AMBER
    return GREEN


# --- The spec ----------------------------------------------------------------------------


@dataclass(frozen=True)
class IndicatorSpec:
    key: str
    title: str
    short: str  # for tables
    grounding: str
    population: str  # what the indicator counts, in words
    numerator: str  # what flags among them, in words
    # A template's name for each threshold -> the setting it reads (see SETTINGS).
    params: Mapping[str, str]
    rule: str  # the rule in plain words: a template over params (and `words`)
    status: Callable[[Mapping, Mapping], str]  # (facts, values) -> status
    # Explanations and prompts: templates over params and the facts they are given.
    sentences: Mapping[str, str] = field(default_factory=dict)
    # Words the rule borrows from feedback.rules (the real-reason rule...), given the values.
    words: Callable[[Mapping], Mapping] | None = None
    id_facts: frozenset[str] = frozenset()  # facts that list record ids
    evidence_kind: str = "proposal"  # or "aspect"
    # Measured from the registers (#15): Hart's ladder and Lundy's questions do not read it.
    outcome: bool = False

    def values(self) -> dict:
        """The thresholds, read from the settings now (tests override them)."""
        return {name: setting(path) for name, path in self.params.items()}

    def rule_text(self, values: Mapping | None = None) -> str:
        values = self.values() if values is None else values
        words = self.words(values) if self.words else {}
        return self.rule.format(**values, **words)

    def say(self, sentence: str, values: Mapping | None = None, **facts) -> str:
        values = self.values() if values is None else values
        return self.sentences[sentence].format(**values, **facts)

    def judge(self, facts: Mapping, values: Mapping | None = None) -> str:
        return self.status(facts, self.values() if values is None else values)


MIN = "INDICATORS.MIN_RECORDS"

REGISTRY: tuple[IndicatorSpec, ...] = (
    IndicatorSpec(
        key=SILENT,
        title="Silent consultation",
        short="Silent",
        grounding="Hart rung 1 (consulted, never told); Lundy: Influence",
        population="published proposals submitted in the period, at least the answer time ago",
        numerator="those with no public answer by the answer time after submission",
        params={
            "min": MIN,
            "after_days": "INDICATORS.SILENT_AFTER_DAYS",
            "amber": "INDICATORS.SILENT_AMBER_OVER_PCT",
            "red": "INDICATORS.SILENT_RED_OVER_PCT",
        },
        rule=(
            "Share of published proposals with no public answer {after_days} days after they "
            "were submitted. Amber over {amber}%, red over {red}%. Counts proposals submitted "
            "in the period at least {after_days} days ago; fewer than {min} is not enough data."
        ),
        status=_share("silent", "population", over),
        sentences={
            "explanation": (
                "{silent} of {published} had no public answer {after_days} days after submission."
            ),
            "prompt": (
                "{proposals} got no public answer within {after_days} days: write an answer "
                "young people can read."
            ),
            "placement": "{answered} answered within {after_days} days",
            "unanswered": "{share} of proposals unanswered after {after_days} days",
        },
    ),
    IndicatorSpec(
        key=SLOW,
        title="Slow response",
        short="Slow",
        grounding="Lundy: Audience",
        population="published proposals submitted in the period, answered or waiting",
        numerator="days to the first response (acknowledged or decided), and stalled proposals",
        params={
            "min": MIN,
            "amber": "INDICATORS.SLOW_AMBER_OVER_DAYS",
            "red": "INDICATORS.SLOW_RED_OVER_DAYS",
            "stalled_days": "INDICATORS.STALLED_AFTER_DAYS",
        },
        rule=(
            "Median days from submission to the first response (acknowledged or decided); "
            "proposals still waiting count with their wait so far once it passes {amber} days. "
            "Amber over {amber} days, red over {red} days, or red whenever any proposal has "
            "waited over {stalled_days} days without a decision (stalled). Fewer than {min} "
            "proposals is not enough data unless one has stalled."
        ),
        status=_slow,
        sentences={
            "explanation": "Median {median} to a first response over {proposals}{waiting}.",
            "stalled": " {proposals} undecided after {stalled_days} days.",
            "waiting_prompt": (
                "{proposals} waited over {red} days for an answer: acknowledge or decide {them}."
            ),
            "stalled_prompt": (
                "{proposals} been undecided for over {stalled_days} days: decide, or defer with "
                "a date to look again."
            ),
        },
    ),
    IndicatorSpec(
        key=CHANGES,
        title="Nothing changes",
        short="Changes",
        grounding="Hart rung 3, tokenism",
        population="decisions of the period on ideas about negotiable aspects (or none)",
        numerator="those that adopted, adapted or trialled the idea",
        params={
            "min": MIN,
            "amber": "INDICATORS.CHANGES_AMBER_UNDER_PCT",
            "red": "INDICATORS.CHANGES_RED_UNDER_PCT",
        },
        rule=(
            "Share of decisions on ideas about negotiable aspects (or no particular aspect) that "
            "adopted, adapted or trialled the idea. Amber under {amber}%, red under {red}%. "
            "Fewer than {min} decisions is not enough data."
        ),
        status=_share("adopted", "population", under),
        sentences={
            "explanation": (
                "{adopted} of {decisions} on negotiable matters adopted, adapted or trialled "
                "the idea."
            ),
        },
    ),
    IndicatorSpec(
        key=UNEXPLAINED,
        title="Unexplained no",
        short="Unexplained",
        grounding="Be open about what you can and cannot do",
        population="decisions of the period ('not adopted' answers for the share)",
        numerator="'not adopted' answers without a real reason; moving goalposts",
        params={"min": MIN, "amber": "INDICATORS.UNEXPLAINED_AMBER_OVER_PCT"},
        rule=(
            "Share of 'not adopted' answers without a real reason ({real_reason}): amber over "
            "{amber}%. Red for any 'not possible' answer citing an aspect that was negotiable "
            "when the idea was made (moving goalposts), whatever the number of decisions; "
            "otherwise fewer than {min} decisions is not enough data."
        ),
        status=_unexplained,
        sentences={
            "explanation": (
                "{unexplained} of {nos} gave no real reason; {goalposts} moving goalposts "
                "('not possible' citing an aspect that was negotiable), over {decisions}."
            ),
        },
        words=lambda v: {"real_reason": rules.real_reason_rule_text()},
        id_facts=frozenset({"goalpost_ids", "unexplained_ids"}),
    ),
    IndicatorSpec(
        key=NEGOTIABLE,
        title="Nothing negotiable",
        short="Negotiable",
        grounding="Hart rung 2, decoration; Lundy: Space",
        population="the club's aspects at the end of the period",
        numerator="negotiable aspects; fixed ones without a reason; ones not declared yet",
        params={
            "reason_chars": "INDICATORS.FIXED_REASON_MIN_CHARS",
            "amber_at_most": "INDICATORS.NEGOTIABLE_AMBER_AT_MOST",
        },
        rule=(
            "Number of aspects young people can change, and fixed aspects without a reason "
            "(under {reason_chars} characters). An aspect not declared yet is never counted as "
            "negotiable: amber until the club's first session (its funding start, until "
            "sessions are recorded), red after it. Red when none is negotiable; amber when only "
            "{amber_at_most} is, or a fixed aspect has no reason. Judged on the club's aspects "
            "at the end of the period."
        ),
        status=_negotiable,
        sentences={
            "explanation": (
                "{negotiable} young people can change, {fixed} fixed, {no_reason} fixed without "
                "a reason."
            ),
            "undeclared_after": (
                " {undeclared} not declared yet: the coach has not said whether young people can "
                "change {them}, after the club's first session ({first_session})."
            ),
            "undeclared_before": (
                " {undeclared} not declared yet: the coach has not said whether young people can "
                "change {them}; red after the club's first session ({first_session})."
            ),
        },
        evidence_kind="aspect",
    ),
    IndicatorSpec(
        key=VOICE,
        title="Narrow voice",
        short="Voice",
        grounding="Lundy: Space",
        population="members who had joined by the period's end (blocked ones left out)",
        numerator="those who proposed or supported an idea; the three most active's share",
        params={
            "min": MIN,
            "amber": "INDICATORS.VOICE_AMBER_UNDER_PCT",
            "red": "INDICATORS.VOICE_RED_UNDER_PCT",
            "top_three": "INDICATORS.TOP_THREE_AMBER_OVER_PCT",
        },
        rule=(
            "Share of members who proposed or supported an idea in the period, and share of "
            "proposals from the three most active members. Amber when under {amber}% of "
            "members took part or the top three made over {top_three}% of {min} or more "
            "proposals; red under {red}%. Fewer than {min} members is not enough data."
        ),
        status=_voice,
        sentences={
            "explanation": "{voices} of {members} proposed or supported an idea.",
            "top_three": " The three most active made {top} of {proposals}.",
        },
    ),
    IndicatorSpec(
        key=PROMISES,
        title="Broken promises",
        short="Promises",
        grounding="Hart rung 5",
        population="adopted, adapted or trial ideas decided or due in the period",
        numerator="those past their promised date with no change recorded",
        params={
            "min": MIN,
            "amber": "INDICATORS.BROKEN_AMBER_OVER_PCT",
            "red": "INDICATORS.BROKEN_RED_OVER_PCT",
        },
        rule=(
            "Share of adopted, adapted or trial ideas (decided or due in the period) whose "
            "promised date has passed with no change recorded. Amber over {amber}%, red over "
            "{red}%. Fewer than {min} is not enough data."
        ),
        status=_share("lapsed", "population", over),
        sentences={
            "explanation": (
                "{lapsed} of {ideas} are past their promised date with no change recorded."
            ),
        },
    ),
    IndicatorSpec(
        key=TIMELINE,
        title="Late start, early stop",
        short="Start/stop",
        grounding="From inception, through the end of funding, and beyond",
        population="the club's first weeks of funding, and its last funded weeks and after",
        numerator="those with no idea from young people (gaps)",
        params={"start_weeks": "INDICATORS.START_WEEKS", "end_weeks": "INDICATORS.END_WEEKS"},
        rule=(
            "A gap is no idea from young people in the club's first {start_weeks} weeks of "
            "funding, or none in its last {end_weeks} funded weeks and after. Amber for one "
            "gap, red for both. Judged on the club's whole record up to the end of the period; "
            "not enough data until the first weeks have passed."
        ),
        status=_timeline,
        sentences={
            # The notes an explanation joins with "; " (and starts with a capital).
            "no_start": "no idea in the first {start_weeks} weeks (to {start_end})",
            "first": "first idea on {first}",
            "no_stop": "no idea since {stop_from} (funding ended {funding_end})",
            "last": "latest idea on {last}",
            "too_early": "too early to tell: funding started {funding_start}",
            "start_prompt": (
                "No ideas in the first {start_weeks} weeks of funding: involve young people "
                "from the start in the next club."
            ),
            "stop_prompt": (
                "No ideas in the last {end_weeks} funded weeks or since: ask young people how "
                "the club should carry on."
            ),
        },
    ),
    IndicatorSpec(
        key=ENGAGEMENT,
        title="Engagement after changes",
        short="After changes",
        grounding="Does co-production pay off? Young people who co-design a club engage more",
        population="changes made because of ideas, with enough sessions run since",
        numerator="those after which average attendance fell",
        params={"sessions": "OUTCOMES.BEFORE_AFTER_SESSIONS"},
        rule=(
            "{before_after} Red when, over the changes that have {sessions} sessions run "
            "since, average attendance after is lower than before; amber when it is not but "
            "fell after one of them; not enough data until a change has that many sessions "
            "after it. Judged on the club's whole record up to the end of the period."
        ),
        status=_engagement,
        sentences={
            "explanation": (
                "Over {changes} with {sessions} sessions run since, {after} came on average "
                "after against {before} before; attendance fell after {fell}."
            ),
            "none_measured": (
                "No change made because of young people's ideas has enough sessions after it yet."
            ),
            "too_early": " Too early to tell for {changes}.",
        },
        words=lambda v: {"before_after": rules.before_after_rule_text()},
        outcome=True,
    ),
    IndicatorSpec(
        key=KEEPS,
        title="Keeps coming",
        short="Keeps coming",
        grounding="Satellite Clubs are judged on whether young people keep coming",
        population="members whose first session was at least the retention weeks ago",
        numerator="those still coming that many weeks after it",
        params={
            "min": MIN,
            "weeks": "OUTCOMES.RETENTION_WEEKS[0]",
            "amber": "OUTCOMES.KEEPS_AMBER_UNDER_PCT",
            "red": "OUTCOMES.KEEPS_RED_UNDER_PCT",
        },
        rule=(
            "{retention} Amber under {amber}%, red under {red}%. Fewer than {min} members "
            "counted is not enough data. Judged on the club's whole record up to the end of "
            "the period."
        ),
        status=_share("still", "counted", under),
        sentences={
            "explanation": (
                "{still} of {members} whose first session was at least {weeks} weeks ago were "
                "still coming {weeks} weeks after it."
            ),
        },
        words=lambda v: {"retention": rules.retention_rule_text(v["weeks"])},
        outcome=True,
    ),
)

SPECS: Mapping[str, IndicatorSpec] = MappingProxyType({s.key: s for s in REGISTRY})

# key -> (name, short name for tables, grounding), in the registry's order.
INDICATORS: dict[str, tuple[str, str, str]] = {
    s.key: (s.title, s.short, s.grounding) for s in REGISTRY
}

# The facts that list record ids, across the registry (empty without evidence).
ID_FACTS: frozenset[str] = frozenset().union(*(s.id_facts for s in REGISTRY))


def rule_text(key: str) -> str:
    return SPECS[key].rule_text()
