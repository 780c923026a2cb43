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

from dataclasses import fields
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from feedback.indicators.core import (
    INDICATORS,
    ClubIndicators,
    Indicator,
    Window,
    compute,
)
from feedback.models import ClubSummary

_INDICATOR_FIELDS = [f.name for f in fields(Indicator)]


touch = ClubSummary.touch


def max_age() -> timedelta:
    return timedelta(minutes=settings.COPRODUCE_SUMMARY_MAX_AGE_MINUTES)


def results(clubs, window: Window | None = None, *, evidence: bool = False):
    """`core.compute(clubs, window, evidence=evidence)`, read from the summaries for the
    default period (live for any other), in the clubs' order."""
    window = window or Window.make()
    if hasattr(clubs, "select_related"):
        clubs = list(clubs.select_related("partner", "district"))
    clubs = list(clubs)
    if not clubs:
        return []
    if not window.is_default:
        return compute(clubs, window, evidence=evidence)
    return _from_summaries(clubs, window, evidence=evidence)


def for_club(club, window: Window | None = None) -> ClubIndicators:
    """One club's indicators with their evidence, from its summary when it can be used."""
    return results([club], window, evidence=True)[0]


def refresh(clubs=None, *, batch: int = 200) -> int:
    """Computes the summaries of `clubs` (all by default) that are not usable now, in batches;
    returns how many were computed. A club without a row gets it in a first pass and its
    figures in a second (see `_from_summaries`)."""
    from clubs.models import Club

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


def _usable(row: ClubSummary, window: Window, now) -> bool:
    return (
        row.data_version == row.version
        and row.start == window.start
        and row.end == window.end
        and row.as_of is not None
        and row.as_of > now - max_age()
        and row.as_of <= now
        and bool(row.data)
    )


def _from_summaries(clubs, window: Window, *, evidence: bool, count_only: bool = False):
    now = timezone.now()
    ids = [c.pk for c in clubs]
    # The versions are read before any record is (see the module's docstring).
    rows = {row.club_id: row for row in ClubSummary.objects.filter(club_id__in=ids)}
    stale = [c for c in clubs if c.pk not in rows or not _usable(rows[c.pk], window, now)]
    fresh: dict[int, ClubIndicators] = {}
    if stale:
        computed = compute(stale, window, evidence=True)
        saved = []
        for result in sorted(computed, key=lambda r: r.club.pk):  # one lock order
            fresh[result.club.pk] = result
            row = rows.get(result.club.pk)
            saved.append(
                ClubSummary(
                    club_id=result.club.pk,
                    data=dump(result),
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
            update_fields=["data", "data_version", "start", "end", "as_of"],
        )
    if count_only:
        return len(stale)
    out = []
    for club in clubs:
        if club.pk in fresh:
            result = fresh[club.pk]
            out.append(result if evidence else load(club, result.window, dump(result), False))
        else:
            row = rows[club.pk]
            judged = Window(start=window.start, end=window.end, as_of=row.as_of)
            out.append(load(club, judged, row.data, evidence))
    return out


# --- As data ----------------------------------------------------------------------------


def dump(result: ClubIndicators) -> dict:
    """A club's computed indicators as JSON-ready data (with their evidence)."""
    return {
        "indicators": {
            key: {name: getattr(ind, name) for name in _INDICATOR_FIELDS}
            for key, ind in result.indicators.items()
        },
        "totals": result.totals,
        "sustainability": result.sustainability,
    }


def load(club, window: Window, data: dict, evidence: bool) -> ClubIndicators:
    """The `ClubIndicators` that `dump` saved; without evidence, as `compute(evidence=False)`
    gives them (no record ids, Hart only)."""
    from feedback.indicators.placement import place

    indicators = {}
    for key in INDICATORS:  # PostgreSQL's jsonb does not keep the keys' order
        saved = dict(data["indicators"][key])
        if saved["display_count"] is not None:
            saved["display_count"] = tuple(saved["display_count"])
        if not evidence:  # record ids, in the evidence and in facts named "..._ids"
            saved["evidence"] = []
            saved["facts"] = {
                name: [] if name.endswith("_ids") else value
                for name, value in saved["facts"].items()
            }
        # Built without __init__: `display` was finished when it was computed.
        indicator = Indicator.__new__(Indicator)
        indicator.__dict__.update(saved)
        indicators[key] = indicator
    totals = dict(data["totals"])
    if not evidence:
        totals["waiting"], totals["stalled"] = [], []
    result = ClubIndicators(
        club=club,
        window=window,
        indicators=indicators,
        totals=totals,
        has_evidence=evidence,
        sustainability=data["sustainability"],
    )
    place(result)
    return result
