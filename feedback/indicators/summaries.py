"""Per-club indicator summaries, so that a dashboard reads one row per club (#12, item 8).

A summary (`ClubSummary`) holds one club's indicators and totals over the default period
(the last WINDOW_WEEKS weeks to today) exactly as `core.compute` gives them, as data. It
is not a second definition of anything: it is `compute`'s own result, saved, and used only
while it is still what `compute` would say:

- every service that writes a club's records calls `touch(club_id)` in its transaction,
  which moves the summary's `version` on; a summary computed at an older version is not
  used. A summary is saved with the version read *before* its records were read, so a
  write that lands while it is being computed leaves it stale, never wrongly fresh;
- time alone moves some indicators (an idea passes 28 days without an answer, a promised
  date passes): a summary older than COPRODUCE_SUMMARY_MAX_AGE_MINUTES is computed again,
  and the page says when its figures were judged (each result's `window.as_of`);
- any other period is computed live, as before.

Whatever is not usable is computed in one `compute` call for all those clubs and saved in
one query, so a dashboard's queries stay the same however many clubs it shows.
`manage.py refresh_summaries` (cron, every few minutes) keeps them warm.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping
from dataclasses import dataclass, fields
from types import MappingProxyType

from django.utils import timezone

from clubs.models import Club
from feedback.indicators import dashboards
from feedback.indicators.core import (
    INDICATORS,
    SEVERITY,
    ClubIndicators,
    Indicator,
    Window,
    club_list,
    compute,
)
from feedback.indicators.placement import place
from feedback.indicators.spec import ID_FACTS
from feedback.models import ClubSummary

_INDICATOR_FIELDS = [f.name for f in fields(Indicator)]
# The facts that list record ids (empty without evidence) are the specs' `id_facts`.
_ROW = ("club_id", "version", "data_version", "start", "end", "as_of")


touch = ClubSummary.touch
max_age = ClubSummary.max_age


def results(clubs, window: Window | None = None, *, evidence: bool = False, brief: bool = False):
    """`core.compute(clubs, window, evidence=evidence)`, read from the summaries for the
    default period (live for any other), in the clubs' order.

    With `brief=True`, a club whose summary is read comes as a `Brief` (its statuses and
    totals: what a dashboard counts, sorts and adds up); `full()` turns the ones a page
    draws into whole results."""
    window = window or Window.make()
    clubs = club_list(clubs)
    if not clubs:
        return []
    if not window.is_default:
        return compute(clubs, window, evidence=evidence)
    return _from_summaries(clubs, window, evidence=evidence, brief=brief)


def full(results_: list) -> list[ClubIndicators]:
    """These results whole: briefs read again in full (one query for all of them)."""
    briefs = [r for r in results_ if isinstance(r, Brief)]
    if not briefs:
        return list(results_)
    whole = {r.club.pk: r for r in _from_summaries([b.club for b in briefs], Window.make())}
    return [whole[r.club.pk] if isinstance(r, Brief) else r for r in results_]


def monthly_trends(results_: list, window: Window) -> list:
    """The period's months for these results (`dashboards.monthly_trends`): added up from
    their briefs when every one is a brief, as a page's totals are; counted live otherwise.
    Call it before `full()`, which turns a page's briefs into whole results."""
    if results_ and all(isinstance(r, Brief) for r in results_):
        return dashboards.add_months(window, (r.months for r in results_))
    return dashboards.monthly_trends([r.club.pk for r in results_], window)


def for_club(club, window: Window | None = None) -> ClubIndicators:
    """One club's indicators with their evidence, from its summary when it can be used."""
    return results([club], window, evidence=True)[0]


def refresh(clubs=None, *, batch: int = 200) -> int:
    """Computes the summaries of `clubs` (all by default) that are not usable now, in batches;
    returns how many were computed. A club without a row gets it in a first pass and its
    figures in a second (see `_from_summaries`)."""
    ids = list(
        (Club.objects.all() if clubs is None else clubs).order_by("pk").values_list("pk", flat=True)
    )
    window = Window.make()
    computed = 0
    for i in range(0, len(ids), batch):
        part = list(Club.objects.filter(pk__in=ids[i : i + batch]).order_by("pk"))
        had = set(
            ClubSummary.objects.filter(club_id__in=ids[i : i + batch]).values_list(
                "club_id", flat=True
            )
        )
        computed += _from_summaries(part, window, evidence=True, count_only=True)
        new = [c for c in part if c.pk not in had]
        if new:
            _from_summaries(new, window, evidence=True, count_only=True)
    return computed


def _usable(row, window: Window, now, oldest=None) -> bool:
    """Whether a summary row can be used now (see the module's docstring); `oldest`, the
    oldest judgement still usable, is `now - max_age()` unless given."""
    return (
        row.start == window.start
        and row.end == window.end
        and ClubSummary.is_current(row.version, row.data_version, row.as_of, now, oldest)
    )


def _from_summaries(
    clubs, window: Window, *, evidence: bool = False, brief: bool = False, count_only=False
):
    now = timezone.now()
    ids = [c.pk for c in clubs]
    # The versions are read before any record is (see the module's docstring).
    # Plain tuples, not model instances: a county is 400 of them.
    rows = {
        row.club_id: row
        for row in ClubSummary.objects.filter(club_id__in=ids).values_list(
            *_ROW, "brief" if brief else "data", named=True
        )
    }
    oldest = now - max_age()
    stale = [c for c in clubs if c.pk not in rows or not _usable(rows[c.pk], window, now, oldest)]
    fresh: dict[int, ClubIndicators] = {}
    briefs: dict[int, str] = {}
    if stale:
        computed = compute(stale, window, evidence=True)
        months = dashboards.monthly_counts([c.pk for c in stale], window)
        saved = []
        for result in sorted(computed, key=lambda r: r.club.pk):  # one lock order
            fresh[result.club.pk] = result
            row = rows.get(result.club.pk)
            briefs[result.club.pk] = dump_brief(result, months[result.club.pk])
            saved.append(
                ClubSummary(
                    club_id=result.club.pk,
                    data=dump(result),
                    brief=briefs[result.club.pk],
                    # The version read before computing. A club read for the first time
                    # gets its row now, not usable until the next read: a write that came
                    # before the row existed could not move its version.
                    data_version=row.version if row else -1,
                    start=window.start,
                    end=window.end,
                    as_of=window.as_of,
                )
            )
        ClubSummary.objects.bulk_create(
            saved,
            update_conflicts=True,
            unique_fields=["club"],
            update_fields=["data", "brief", "data_version", "start", "end", "as_of"],
        )
    if count_only:
        return len(stale)
    out = []
    for club in clubs:
        if club.pk in fresh:
            result = fresh[club.pk]
            if brief:
                out.append(load_brief(club, result.window, briefs[club.pk]))
            else:
                out.append(result if evidence else load(club, result.window, dump(result), False))
            continue
        row = rows[club.pk]
        judged = Window(start=window.start, end=window.end, as_of=row.as_of)
        if brief:
            out.append(load_brief(club, judged, row.brief))
        else:
            out.append(load(club, judged, row.data, evidence))
    return out


# --- As data ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Status:
    """An indicator's colour, all a dashboard counts of a club it does not draw."""

    status: str


@dataclass
class Brief:
    """A club's result as a dashboard counts it (`dashboards.totals`, `status_tally`,
    `district_breakdown`, `sort_results`): its statuses and totals, from the same summary
    as its whole result. `full()` gives the whole result."""

    club: object
    window: Window
    indicators: Mapping[str, Status]
    totals: dict
    months: dict  # dashboards.monthly_counts for this club

    def __iter__(self):
        return iter(self.indicators.values())


# What a brief keeps of the totals (what the dashboards add up).
BRIEF_TOTALS = (
    "members",
    "proposals",
    "published",
    "answered",
    "decided",
    "adopted",
    "answer_days",
    "listened",
    "listened_yes",
)
_STATUSES = {status: status[0] for status in SEVERITY}  # "green" -> "g"
_FROM_LETTER = {letter: Status(status) for status, letter in _STATUSES.items()}


def dump_brief(result: ClubIndicators, months: dict) -> str:
    return json.dumps(
        {
            "s": "".join(_STATUSES[result.indicators[key].status] for key in INDICATORS),
            "t": {name: result.totals[name] for name in BRIEF_TOTALS},
            "m": months,
        },
        separators=(",", ":"),
    )


@functools.lru_cache(maxsize=4096)
def _statuses(letters: str) -> MappingProxyType:
    """A brief's statuses by indicator, from its letters; read-only, so that the briefs
    with the same colours share one (4,000 clubs: 20 ms less on the national dashboard)."""
    return MappingProxyType(
        {key: _FROM_LETTER[letter] for key, letter in zip(INDICATORS, letters, strict=True)}
    )


def load_brief(club, window: Window, brief: str) -> Brief:
    saved = json.loads(brief)
    return Brief(
        club=club,
        window=window,
        indicators=_statuses(saved["s"]),
        totals=saved["t"],
        months=saved["m"],
    )


# An indicator is saved as a list of these fields, in this order (its key is its place).
_SAVED = [name for name in _INDICATOR_FIELDS if name != "key"]


def dump(result: ClubIndicators) -> str:
    """A club's computed indicators (with their evidence) as compact JSON text."""
    return json.dumps(
        {
            "indicators": [
                [getattr(result.indicators[key], name) for name in _SAVED] for key in INDICATORS
            ],
            "totals": result.totals,
            "sustainability": result.sustainability,
        },
        separators=(",", ":"),
    )


def load(club, window: Window, data: str, evidence: bool) -> ClubIndicators:
    """The `ClubIndicators` that `dump` saved; without evidence, as `compute(evidence=False)`
    gives them (no record ids, Hart only)."""
    saved = json.loads(data)
    indicators = {}
    for key, values in zip(INDICATORS, saved["indicators"], strict=True):
        fields_ = dict(zip(_SAVED, values, strict=True))
        fields_["key"] = key
        if fields_["display_count"] is not None:
            fields_["display_count"] = tuple(fields_["display_count"])
        if not evidence:  # record ids: the evidence, and the facts that list ids
            fields_["evidence"] = []
            ids = ID_FACTS.intersection(fields_["facts"])
            if ids:
                fields_["facts"] = fields_["facts"] | {name: [] for name in ids}
        # Built without __init__: `display` was finished when it was computed.
        indicator = Indicator.__new__(Indicator)
        indicator.__dict__.update(fields_)
        indicators[key] = indicator
    totals = saved["totals"]
    if not evidence:
        totals["waiting"], totals["stalled"] = [], []
    result = ClubIndicators(
        club=club,
        window=window,
        indicators=indicators,
        totals=totals,
        has_evidence=evidence,
        sustainability=saved["sustainability"],
    )
    place(result)
    return result
