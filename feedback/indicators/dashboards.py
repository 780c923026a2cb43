"""Roll-ups for the partner and county dashboards: totals, district breakdowns, trends, CSV.

Everything here works from `compute()`'s results plus one monthly aggregate, so
a dashboard's queries stay the same however many clubs it shows. District
breakdowns suppress counts of members and proposals from 1 to 4 (shown as "fewer
than 5"); counts of clubs are shown, as the clubs are named on the same page.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Count
from django.db.models.functions import TruncMonth
from django.utils import timezone

from feedback.indicators.core import (
    INDICATORS,
    SEVERITY,
    STATUS_LABELS,
    ClubIndicators,
    Window,
    _fmt_pct,
    _pct,
    populations,
)
from feedback.models import Proposal
from feedback.rules import SUPPRESS_BELOW, is_suppressed

FEWER = f"fewer than {SUPPRESS_BELOW}"


def suppressed(n: int) -> str:
    """A count for a county-wide breakdown: 1 to 4 are never shown."""
    return FEWER if is_suppressed(n) else str(n)


# --- Sorting and roll-ups -----------------------------------------------------------


SORTS = {
    "name": "Club name",
    "partner": "Partner",
    "district": "District",
    **{key: f"{name} (worst first)" for key, (name, _, _) in INDICATORS.items()},
}


def sort_results(results: list[ClubIndicators], key: str) -> list[ClubIndicators]:
    by_name = sorted(results, key=lambda r: (r.club.name.lower(), r.club.pk))
    if key == "partner":
        return sorted(by_name, key=lambda r: r.club.partner.name.lower())
    if key == "district":
        return sorted(by_name, key=lambda r: r.club.district.name.lower())
    if key in INDICATORS:
        return sorted(by_name, key=lambda r: SEVERITY[r.indicators[key].status])
    return by_name


def status_tally(results: list[ClubIndicators]) -> list[dict]:
    """For each indicator, how many clubs are red, amber, green or without enough data."""
    rows = []
    for key, (name, short, _) in INDICATORS.items():
        tally = dict.fromkeys(SEVERITY, 0)
        for result in results:
            tally[result.indicators[key].status] += 1
        rows.append({"key": key, "name": name, "short": short, "tally": tally})
    return rows


def totals(results: list[ClubIndicators]) -> dict:
    proposals = sum(r.totals["proposals"] for r in results)
    published = sum(r.totals["published"] for r in results)
    answered = sum(r.totals["answered"] for r in results)
    decided = sum(r.totals["decided"] for r in results)
    adopted = sum(r.totals["adopted"] for r in results)
    days = [d for r in results for d in r.totals["answer_days"]]
    return {
        "clubs": len(results),
        "members": sum(r.totals["members"] for r in results),
        "proposals": proposals,
        "published": published,
        "answered": answered,
        "answered_pct": _pct(answered, published),
        "decided": decided,
        "adopted": adopted,
        "adopted_pct": _pct(adopted, decided),
        "median_days_to_answer": round(statistics.median(days), 1) if days else None,
        "listened": sum(r.totals["listened"] for r in results),
        "listened_yes": sum(r.totals["listened_yes"] for r in results),
    }


def judged_at(results: list[ClubIndicators]):
    """When the oldest of these clubs' figures was judged (summaries are up to a few minutes
    old, `summaries.py`); None when there is none."""
    return min((r.window.as_of for r in results), default=None)


@dataclass
class DistrictRow:
    name: str
    clubs: int = 0
    members: int = 0
    proposals: int = 0
    published: int = 0
    answered: int = 0
    red_clubs: int = 0

    def cell(self, name: str) -> str:
        return suppressed(getattr(self, name))

    @property
    def answered_pct(self) -> str:
        if is_suppressed(self.answered) or is_suppressed(self.published) or not self.published:
            return "-"
        return _fmt_pct(_pct(self.answered, self.published))

    @property
    def cells(self) -> list[str]:
        # Clubs are named on the page: only counts of young people and their ideas are hidden.
        return [
            str(self.clubs),
            self.cell("members"),
            self.cell("proposals"),
            self.cell("answered"),
            self.answered_pct,
            str(self.red_clubs),
        ]


DISTRICT_HEADINGS = [
    "Clubs",
    "Members",
    "Proposals",
    "Answered",
    "Answered %",
    "Clubs with any red",
]


def district_breakdown(results: list[ClubIndicators]) -> list[DistrictRow]:
    rows: dict[str, DistrictRow] = {}
    for r in results:
        row = rows.setdefault(r.club.district.name, DistrictRow(name=r.club.district.name))
        row.clubs += 1
        row.members += r.totals["members"]
        row.proposals += r.totals["proposals"]
        row.published += r.totals["published"]
        row.answered += r.totals["answered"]
        row.red_clubs += int(any(i.status == "red" for i in r))
    return sorted(rows.values(), key=lambda row: row.name)


# --- Monthly trends and their chart -------------------------------------------------


@dataclass
class Month:
    """One month of the period (clipped to it at either end), counted like the totals:
    proposals made, published and answered by the period's end go to the month they were
    made in; decisions and adoptions to the month they were decided in."""

    start: date
    end: date
    proposals: int = 0
    published: int = 0
    answered: int = 0
    decided: int = 0
    adopted: int = 0

    @property
    def label(self) -> str:
        if self.start.day == 1 and (self.end + timedelta(days=1)).day == 1:
            return f"{self.start:%b %Y}"
        if self.start == self.end:
            return f"{self.start.day} {self.start:%b %Y}"
        return f"{self.start.day}-{self.end.day} {self.start:%b %Y}"


SERIES = [
    ("proposals", "Proposals made", "#2b4c9c"),
    ("answered", "Answered", "#0b5d3b"),
    ("adopted", "Adopted", "#8a5a00"),
]


def _next_month(day: date) -> date:
    return date(day.year + (day.month == 12), day.month % 12 + 1, 1)


def period_months(window: Window) -> dict[date, Month]:
    """The months of the window, the first and last clipped to it."""
    months: dict[date, Month] = {}
    day = window.start.replace(day=1)
    while day <= window.end:
        following = _next_month(day)
        months[day] = Month(
            start=max(day, window.start), end=min(following - timedelta(days=1), window.end)
        )
        day = following
    return months


def _month_key(value) -> date | None:
    if value is None:
        return None
    day = timezone.localtime(value).date() if hasattr(value, "tzinfo") else value
    return day.replace(day=1)


def monthly_trends(club_ids: list[int], window: Window) -> list[Month]:
    """The period's totals month by month (one query). The rows add up to `totals()`:
    both count the same populations (`core.populations`)."""
    return add_months(window, monthly_counts(club_ids, window).values())


# A club's month, as `monthly_counts` gives it: these counts in this order.
MONTH_COUNTS = ("proposals", "published", "answered", "decided", "adopted")


def monthly_counts(club_ids: list[int], window: Window) -> dict[int, dict[str, list[int]]]:
    """Each club's counts month by month (one query): {club id: {"2026-09-01": [proposals,
    published, answered, decided, adopted]}}, proposals made, published and answered in
    the month they were made, decisions and adoptions in the month they were decided.
    Only months with something in them; what `add_months` adds up, and what a club's
    summary keeps (`summaries.py`)."""
    counts: dict[int, dict[str, list[int]]] = {pk: {} for pk in club_ids}
    if not club_ids:
        return counts
    months = period_months(window)
    c = populations(window)
    rows = (
        Proposal.objects.filter(club_id__in=club_ids)
        .filter(c["made"] | c["decided"])
        .annotate(made_in=TruncMonth("submitted_at"), decided_in=TruncMonth("decided_at"))
        .values("club_id", "made_in", "decided_in")
        .annotate(
            proposals=Count("pk", filter=c["made"]),
            published=Count("pk", filter=c["published"]),
            answered=Count("pk", filter=c["answered"]),
            decided=Count("pk", filter=c["decided"]),
            adopted=Count("pk", filter=c["adopted"]),
        )
        .order_by()
    )
    # Made, published and answered go to the month made; decided and adopted to the month
    # decided: the places in MONTH_COUNTS each month's column fills.
    by_month = (("made_in", range(0, 3)), ("decided_in", range(3, 5)))
    for row in rows:
        club = counts[row["club_id"]]
        for column, places in by_month:
            key = _month_key(row[column])
            if key not in months or not any(row[MONTH_COUNTS[i]] for i in places):
                continue
            month = club.setdefault(key.isoformat(), [0] * len(MONTH_COUNTS))
            for i in places:
                month[i] += row[MONTH_COUNTS[i]]
    return counts


def add_months(window: Window, clubs) -> list[Month]:
    """The months of the period, each the sum of these clubs' `monthly_counts`."""
    sums: dict[str, list[int]] = {}
    for club in clubs:
        for key, values in club.items():
            total = sums.get(key)
            if total is None:
                sums[key] = list(values)
            else:
                for i, value in enumerate(values):
                    total[i] += value
    months = period_months(window)
    for key, values in sums.items():
        month = months[date.fromisoformat(key)]
        for name, value in zip(MONTH_COUNTS, values, strict=True):
            setattr(month, name, getattr(month, name) + value)
    return list(months.values())


@dataclass
class Bar:
    x: float
    y: float
    width: float
    height: float
    fill: str
    label: str


@dataclass
class Chart:
    """A grouped bar chart laid out for server-rendered SVG."""

    title: str
    description: str
    width: int
    height: int
    bars: list[Bar] = field(default_factory=list)
    ticks: list[dict] = field(default_factory=list)
    labels: list[dict] = field(default_factory=list)
    legend: list[dict] = field(default_factory=list)
    baseline: float = 0


def _nice_step(peak: int) -> int:
    """A round step for the axis (1, 2, 5, 10, 20, 50...) giving at most five ticks."""
    magnitude = 1
    while True:
        for step in (magnitude, 2 * magnitude, 5 * magnitude):
            if peak <= step * 5:
                return step
        magnitude *= 10


def trend_chart(months: list[Month], title: str) -> Chart:
    width, height = 640, 240
    left, right, top, bottom = 44, 8, 12, 36
    plot_w, plot_h = width - left - right, height - top - bottom
    peak = max([m.proposals for m in months] + [1])
    step = _nice_step(peak)
    axis_top = ((peak + step - 1) // step) * step
    chart = Chart(title=title, description="", width=width, height=height)
    chart.baseline = top + plot_h
    for value in range(0, axis_top + 1, step):
        y = top + plot_h - plot_h * value / axis_top
        chart.ticks.append({"y": round(y, 1), "label": value, "text_y": round(y + 4, 1)})
    group_w = plot_w / max(len(months), 1)
    bar_w = min(group_w * 0.8 / len(SERIES), 28)
    for i, month in enumerate(months):
        gx = left + group_w * i + (group_w - bar_w * len(SERIES)) / 2
        for j, (attr, name, colour) in enumerate(SERIES):
            value = getattr(month, attr)
            h = plot_h * value / axis_top
            chart.bars.append(
                Bar(
                    x=round(gx + j * bar_w, 1),
                    y=round(top + plot_h - h, 1),
                    width=round(bar_w - 2, 1),
                    height=round(h, 1),
                    fill=colour,
                    label=f"{month.label}: {value} {name.lower()}",
                )
            )
        chart.labels.append(
            {"x": round(left + group_w * i + group_w / 2, 1), "y": height - 14, "text": month.label}
        )
    chart.legend = [{"name": name, "fill": colour} for _, name, colour in SERIES]
    total = {attr: sum(getattr(m, attr) for m in months) for attr, _, _ in SERIES}
    busiest = max(months, key=lambda m: m.proposals) if months else None
    description = (
        f"From {months[0].label} to {months[-1].label}: {total['proposals']} proposals, "
        f"{total['answered']} answered and {total['adopted']} adopted."
        if months
        else "No months to show."
    )
    if busiest and busiest.proposals:
        description += f" Busiest month: {busiest.label} with {busiest.proposals} proposals."
    chart.description = description + " The numbers are in the table that follows."
    return chart


# --- CSV --------------------------------------------------------------------------------


def csv_header() -> list[str]:
    head = [
        "club",
        "slug",
        "partner",
        "district",
        "stage",
        "activity",
        "period_start",
        "period_end",
        "members",
        "proposals",
        "published",
        "answered",
        "decided",
        "adopted",
        "median_days_to_answer",
        "hart",
    ]
    for key in INDICATORS:
        head += [f"{key}_status", f"{key}_value", f"{key}_records"]
    return head


def _cell(value):
    """Text a spreadsheet will not run as a formula."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def csv_row(result: ClubIndicators) -> list:
    club, t = result.club, result.totals
    row = [
        club.name,
        club.slug,
        club.partner.name,
        club.district.name,
        club.get_stage_display(),
        club.activity,
        result.window.start.isoformat(),
        result.window.end.isoformat(),
        t["members"],
        t["proposals"],
        t["published"],
        t["answered"],
        t["decided"],
        t["adopted"],
        "" if t["median_days_to_answer"] is None else t["median_days_to_answer"],
        result.hart.label if result.hart else "",
    ]
    for indicator in result.indicators.values():
        row += [
            STATUS_LABELS[indicator.status],
            # Like the pages: "Not enough data" comes without a value.
            "" if indicator.value is None or indicator.status == "none" else indicator.value,
            indicator.records,
        ]
    return [_cell(value) for value in row]
