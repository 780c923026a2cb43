"""Roll-ups for the partner and county dashboards: totals, district breakdowns, trends, CSV.

Everything here works from `compute()`'s results plus one monthly aggregate, so
a dashboard's queries stay the same however many clubs it shows. District
breakdowns suppress counts from 1 to 4 (shown as "fewer than 5").
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone

from feedback.indicators.core import (
    INDICATORS,
    SEVERITY,
    STATUS_LABELS,
    ClubIndicators,
    Window,
    _day_start,
    _fmt_pct,
    _pct,
)
from feedback.models import CHANGE_OUTCOMES, Proposal, State

SUPPRESS_BELOW = 5
FEWER = "fewer than 5"


def suppressed(n: int) -> str:
    """A count for a county-wide breakdown: 1 to 4 are never shown."""
    return FEWER if 0 < n < SUPPRESS_BELOW else str(n)


def _is_hidden(n: int) -> bool:
    return 0 < n < SUPPRESS_BELOW


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
        if _is_hidden(self.answered) or _is_hidden(self.published) or not self.published:
            return "-"
        return _fmt_pct(_pct(self.answered, self.published))

    @property
    def cells(self) -> list[str]:
        return [
            self.cell("clubs"),
            self.cell("members"),
            self.cell("proposals"),
            self.cell("answered"),
            self.answered_pct,
            self.cell("red_clubs"),
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
    start: date
    proposals: int = 0
    answered: int = 0
    adopted: int = 0

    @property
    def label(self) -> str:
        return f"{self.start:%b %Y}"


SERIES = [
    ("proposals", "Proposals", "#2b4c9c"),
    ("answered", "Answered", "#0b5d3b"),
    ("adopted", "Adopted", "#8a5a00"),
]


def trend_start(window: Window, months: int = 6) -> date:
    """At least `months` months back from the window's end, and never after its start."""
    end = window.end.replace(day=1)
    year, month = end.year, end.month - (months - 1)
    while month < 1:
        month += 12
        year -= 1
    return min(date(year, month, 1), window.start.replace(day=1))


def monthly_trends(club_ids: list[int], window: Window) -> list[Month]:
    """Proposals made, and of those answered and adopted, per month (one query)."""
    first = trend_start(window)
    months: dict[date, Month] = {}
    day = first
    while day <= window.end:
        months[day] = Month(start=day)
        day = date(day.year + (day.month == 12), day.month % 12 + 1, 1)
    if club_ids:
        rows = (
            Proposal.objects.filter(
                club_id__in=club_ids,
                published_at__isnull=False,
                submitted_at__gte=_day_start(first),
                submitted_at__lte=window.as_of,
            )
            .exclude(state__in=[State.ESCALATED, State.WITHDRAWN])
            .annotate(month=TruncMonth("submitted_at"))
            .values("month")
            .annotate(
                proposals=Count("pk"),
                answered=Count("pk", filter=Q(decided_at__isnull=False)),
                adopted=Count("pk", filter=Q(outcome__in=CHANGE_OUTCOMES)),
            )
            .order_by("month")
        )
        for row in rows:
            month = row["month"]
            key = (timezone.localtime(month).date() if hasattr(month, "tzinfo") else month).replace(
                day=1
            )
            if key in months:
                months[key].proposals = row["proposals"]
                months[key].answered = row["answered"]
                months[key].adopted = row["adopted"]
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
            "" if indicator.value is None else indicator.value,
            indicator.records,
        ]
    return [_cell(value) for value in row]
