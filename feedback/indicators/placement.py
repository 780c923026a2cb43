"""Placing a club on Hart's ladder and Lundy's four questions, and what to do next.

Every placement is made by an explicit rule over the indicators, and the rule
is returned with the result so screens can show why ("consulted and informed:
92% answered, 35% adopted, no moving goalposts").
"""

from __future__ import annotations

from feedback.indicators.rows import ClubIndicators, Placement, Prompt, _fmt_pct, _pct, _plural
from feedback.indicators.spec import (
    AMBER,
    CHANGES,
    GREEN,
    NEGOTIABLE,
    NONE,
    PROMISES,
    RED,
    SEVERITY,
    SILENT,
    SLOW,
    SPECS,
    TIMELINE,
    UNEXPLAINED,
    VOICE,
    thresholds,
)

# The placements' own thresholds (not indicators'): Youth-initiated needs at least this share
# of decisions adopted; Lundy's Voice is met when at least this share of ideas is published.
YOUTH_LED_ADOPTED_PCT = 50
VOICE_PUBLISHED_PCT = 80

HART_RUNGS = [
    ("non_participation", "Non-participation"),
    ("tokenism", "Tokenism"),
    ("consulted", "Consulted and informed"),
    ("shared", "Shared decisions"),
    ("youth_initiated", "Youth-initiated"),
]
HART_LABELS = dict(HART_RUNGS)
LUNDY = [
    ("space", "Space", "Do young people have a safe, inclusive space to give their views?"),
    ("voice", "Voice", "Are they helped to give their views?"),
    ("audience", "Audience", "Are their views listened to, by someone who can act?"),
    ("influence", "Influence", "Are their views acted upon, as appropriate?"),
]
LEVELS = {GREEN: "met", AMBER: "partly", RED: "not met", NONE: "not enough data"}

# Hart's ladder, rung by rung, in the order `hart()` tries them: the "How we place clubs"
# page lists them, so what places a club is written once, next to the code that does it.
HART_RULES = [
    (
        "non_participation",
        "Nothing is negotiable (Nothing negotiable is red); or no ideas at all from "
        "{min} or more members; or asked but not told (Silent consultation red and Nothing "
        "changes red or without enough data).",
    ),
    ("not_placed", "Fewer than {min} published proposals in the period: not placed."),
    (
        "tokenism",
        "Silent consultation amber or red, Nothing changes red, Broken promises red, or any "
        "answer that moved the goalposts ('not possible' citing an aspect that was negotiable "
        "when the idea was made). A single such answer is enough on purpose: it tells young "
        "people the rules change after they speak. The placement names it, and the record is "
        "listed under Unexplained no.",
    ),
    (
        "consulted",
        "Answered and not tokenistic, but not yet sharing decisions: Nothing changes amber, "
        "or Narrow voice red, or Broken promises amber.",
    ),
    (
        "shared",
        "Nothing changes green (at least {changes_amber}% adopted), Narrow voice not red and "
        "Broken promises green.",
    ),
    (
        "youth_initiated",
        "Shared decisions, with at least {youth_led}% adopted, Narrow voice green, and at least half "
        "of the adopted ideas young people's own (not asked for in a round).",
    ),
]


def hart_rules() -> list[tuple[str, str, str]]:
    """(key, label, rule) for each rung, with the thresholds from settings."""
    t, changes = thresholds(), SPECS[CHANGES].values()
    labels = HART_LABELS | {"not_placed": "Not placed"}
    return [
        (
            key,
            labels[key],
            text.format(
                min=t["MIN_RECORDS"],
                changes_amber=changes["amber"],
                youth_led=YOUTH_LED_ADOPTED_PCT,
            ),
        )
        for key, text in HART_RULES
    ]


def place(result: ClubIndicators) -> None:
    result.hart = hart(result)
    if result.has_evidence:  # a club's own page; a dashboard's summary shows Hart only
        result.lundy = lundy(result)
        result.prompts = prompts(result)


def _worst(*statuses: str) -> str:
    known = [s for s in statuses if s != NONE]
    return min(known, key=SEVERITY.__getitem__) if known else NONE


def _said(indicator, what: str = "") -> str:
    """An indicator's colour and value in a few words: "amber, 37.5% adopted"."""
    if indicator.value is None:
        return indicator.status_label.lower()
    suffix = f" {what}" if what else ""
    return f"{indicator.status_label.lower()}, {indicator.display}{suffix}"


def hart(result: ClubIndicators) -> Placement:
    ind, totals, minimum = result.indicators, result.totals, thresholds()["MIN_RECORDS"]
    silent, changes = ind[SILENT], ind[CHANGES]
    answered = silent.facts["answered_pct"]
    adopted = changes.value
    goalposts = ind[UNEXPLAINED].facts["goalposts"]
    summary = (
        SPECS[SILENT].say("placement", answered=_fmt_pct(answered))
        + ", "
        + (f"{_fmt_pct(adopted)} adopted, " if adopted is not None else "nothing decided, ")
        + (f"{goalposts} moving goalposts" if goalposts else "no moving goalposts")
    )

    def placed(key: str, why: str) -> Placement:
        return Placement(key=key, label=HART_LABELS[key], rule=f"{HART_LABELS[key]}: {why}")

    if ind[NEGOTIABLE].status == RED:
        return placed("non_participation", "nothing is negotiable, so ideas cannot change anything")
    if totals["published"] < minimum:
        if totals["proposals"] == 0 and totals["members"] >= minimum:
            return placed(
                "non_participation",
                f"no ideas from {_plural(totals['members'], 'member')} in the period",
            )
        return Placement(
            key="not_placed",
            label="Not enough data",
            rule=(
                f"Not placed: fewer than {minimum} published proposals in the period "
                f"({totals['published']})"
            ),
        )
    if silent.status == RED and changes.status in (RED, NONE):
        return placed("non_participation", f"asked but not told: {summary}")
    if (
        silent.status in (AMBER, RED)
        or goalposts
        or changes.status == RED
        or ind[PROMISES].status == RED
    ):
        reasons = []
        if silent.status in (AMBER, RED):
            reasons.append(SPECS[SILENT].say("unanswered", share=_fmt_pct(silent.value)))
        if goalposts:
            reasons.append(f"{goalposts} moving goalposts")
        if changes.status == RED:
            reasons.append(f"only {_fmt_pct(adopted)} adopted")
        if ind[PROMISES].status == RED:
            reasons.append(f"{_fmt_pct(ind[PROMISES].value)} of promises broken")
        return placed("tokenism", "; ".join(reasons))
    shared = changes.status == GREEN and ind[VOICE].status != RED and ind[PROMISES].status != AMBER
    if not shared:
        return placed("consulted", summary)
    own = changes.facts["adopted_own"]
    youth_led = (
        adopted is not None
        and adopted >= YOUTH_LED_ADOPTED_PCT
        and ind[VOICE].status == GREEN
        and changes.facts["adopted"] > 0
        and own * 2 >= changes.facts["adopted"]
    )
    if youth_led:
        return placed(
            "youth_initiated",
            f"{summary}; {own} of {changes.facts['adopted']} adopted ideas were young people's "
            "own (not asked for in a round), and at least half of members took part",
        )
    return placed(
        "shared",
        f"{summary}; at least {SPECS[CHANGES].values()['amber']}% adopted and a broad voice",
    )


def lundy(result: ClubIndicators) -> list[Placement]:
    ind, totals, minimum = result.indicators, result.totals, thresholds()["MIN_RECORDS"]
    out = []
    # Space: room to change things, and room for everyone.
    space = _worst(ind[NEGOTIABLE].status, ind[VOICE].status)
    out.append(
        Placement(
            key="space",
            label="Space",
            level=LEVELS[space],
            rule=(
                f"Worst of Nothing negotiable ({_said(ind[NEGOTIABLE])}) and Narrow voice "
                f"({_said(ind[VOICE], 'of members took part')})"
            ),
        )
    )
    # Voice: ideas are made and reach the club.
    submitted, published = totals["proposals"], totals["published"]
    if submitted == 0:
        voice = RED if totals["members"] >= minimum else NONE
    elif submitted < minimum or published * 100 < VOICE_PUBLISHED_PCT * submitted:
        voice = AMBER
    else:
        voice = GREEN
    out.append(
        Placement(
            key="voice",
            label="Voice",
            level=LEVELS[voice],
            rule=(
                f"{_plural(submitted, 'idea')} made, {published} published to the club: met with "
                f"{minimum} or more ideas and at least {VOICE_PUBLISHED_PCT}% published"
            ),
        )
    )
    out.append(
        Placement(
            key="audience",
            label="Audience",
            level=LEVELS[ind[SLOW].status],
            rule=f"Slow response ({ind[SLOW].status_label.lower()}): "
            + ind[SLOW].explanation.rstrip("."),
        )
    )
    influence = _worst(ind[SILENT].status, ind[CHANGES].status, ind[PROMISES].status)
    out.append(
        Placement(
            key="influence",
            label="Influence",
            level=LEVELS[influence],
            rule=(
                f"Worst of Silent consultation ({_said(ind[SILENT], 'unanswered')}), Nothing "
                f"changes ({_said(ind[CHANGES], 'adopted')}) and Broken promises "
                f"({_said(ind[PROMISES], 'broken')})"
            ),
        )
    )
    questions = {key: question for key, _, question in LUNDY}
    for placement in out:
        placement.rule = f"{questions[placement.key]} {placement.rule}."
    return out


def prompts(result: ClubIndicators) -> list[Prompt]:
    ind, totals = result.indicators, result.totals
    out: list[Prompt] = []

    def add(text, key, evidence=(), kind="proposal"):
        out.append(
            Prompt(
                text=text,
                indicator=key,
                status=ind[key].status,
                evidence=list(evidence),
                evidence_kind=kind,
            )
        )

    waiting = totals["waiting"]
    if waiting:
        add(
            SPECS[SLOW].say(
                "waiting_prompt",
                proposals=_plural(len(waiting), "proposal has", "proposals have"),
                them="it" if len(waiting) == 1 else "them",
            ),
            SLOW,
            waiting,
        )
    stalled = totals["stalled"]
    if stalled:
        add(
            SPECS[SLOW].say(
                "stalled_prompt",
                proposals=_plural(len(stalled), "proposal has", "proposals have"),
            ),
            SLOW,
            stalled,
        )
    if ind[SILENT].status in (AMBER, RED) and ind[SILENT].evidence:
        n = len(ind[SILENT].evidence)
        add(
            SPECS[SILENT].say("prompt", proposals=_plural(n, "proposal")),
            SILENT,
            ind[SILENT].evidence,
        )
    goalposts = ind[UNEXPLAINED].facts["goalpost_ids"]
    if goalposts:
        add(
            f"{_plural(len(goalposts), 'not possible answer cites', 'not possible answers cite')} "
            "an aspect that was negotiable when the idea was made: reopen and explain honestly.",
            UNEXPLAINED,
            goalposts,
        )
    unexplained = ind[UNEXPLAINED].facts["unexplained_ids"]
    if ind[UNEXPLAINED].status == AMBER and unexplained:
        add(
            f"{_plural(len(unexplained), 'not adopted answer gives', 'not adopted answers give')} "
            "no real reason: record why.",
            UNEXPLAINED,
            unexplained,
        )
    if ind[CHANGES].status in (AMBER, RED):
        add(
            f"Only {ind[CHANGES].display} of decisions changed something: look again at the "
            "ideas not adopted; could any be trialled?",
            CHANGES,
            ind[CHANGES].evidence,
        )
    if ind[PROMISES].status in (AMBER, RED) and ind[PROMISES].evidence:
        n = len(ind[PROMISES].evidence)
        add(
            f"{_plural(n, 'adopted idea is', 'adopted ideas are')} past the promised date: record "
            "the change, or tell young people what is happening.",
            PROMISES,
            ind[PROMISES].evidence,
        )
    neg = ind[NEGOTIABLE]
    if neg.status == RED:
        add(
            "Nothing is negotiable: mark the aspects young people can change (day, time, "
            "activity...) before asking for ideas.",
            NEGOTIABLE,
            neg.evidence,
            "aspect",
        )
    elif neg.status == AMBER:
        if neg.facts["no_reason"]:
            add(
                f"{_plural(neg.facts['no_reason'], 'fixed aspect has', 'fixed aspects have')} no "
                "reason young people can read: say why it can't change.",
                NEGOTIABLE,
                neg.evidence,
                "aspect",
            )
        negotiable = neg.facts["negotiable"]
        if negotiable <= SPECS[NEGOTIABLE].values()["amber_at_most"]:
            add(
                "No aspect is negotiable yet: is there anything young people could decide?"
                if not negotiable
                else f"Only {_count_words(negotiable, 'aspect is', 'aspects are')} negotiable: "
                "is there more young people could decide?",
                NEGOTIABLE,
                neg.evidence,
                "aspect",
            )
    voice = ind[VOICE]
    if voice.status in (AMBER, RED):
        if voice.value is not None and voice.value < SPECS[VOICE].values()["amber"]:
            add(
                f"Only {totals['voices']} of {_plural(totals['members'], 'member')} had a say: "
                "ask quieter members, or open a round of ideas.",
                VOICE,
            )
        if voice.facts["top_heavy"]:
            add(
                f"The three most active members made {voice.facts['top_three_pct']:.0f}% of "
                "proposals: make room for other voices.",
                VOICE,
                voice.evidence,
            )
    gaps = ind[TIMELINE].facts["gaps"]
    if "start" in gaps:
        add(
            SPECS[TIMELINE].say("start_prompt"),
            TIMELINE,
        )
    if "stop" in gaps:
        add(
            SPECS[TIMELINE].say("stop_prompt"),
            TIMELINE,
        )
    return out


def _count_words(n: int, one: str, many: str) -> str:
    """'one aspect is', '2 aspects are': a prompt reads 'one' where a table would show 1."""
    return f"one {one}" if n == 1 else f"{n} {many}"


def percent(part: int, whole: int) -> str:
    return _fmt_pct(_pct(part, whole))
