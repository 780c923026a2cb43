"""What the indicators give back: typed rows, per indicator and per club.

`core.compute` returns one `ClubIndicators` per club, holding one `Indicator` per spec
of the registry (`spec.REGISTRY`), its totals, and where its record places it (`Placement`)
with what to do next (`Prompt`). `summaries` saves and loads these rows as they are.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Q
from django.utils import timezone

from clubs.models import Club
from feedback.indicators.spec import NONE, SEVERITY, SPECS, STATUS_LABELS, rule_text, thresholds

# The totals every page, CSV and `manage.py indicators` show for a period, and what each counts.
TOTALS: dict[str, str] = {
    "members": "members who had joined by the period's end (blocked ones left out)",
    "proposals": "proposals made in the period (escalated ones left out)",
    "published": "of those, published and not withdrawn",
    "answered": "of those published, answered by the period's end (first decision)",
    "decided": "decisions made in the period that still stand (duplicates left out)",
    "adopted": "of those decisions, adopted, adapted or trialled",
}


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
        return SPECS[self.key].title

    @property
    def short_name(self) -> str:
        return SPECS[self.key].short

    @property
    def grounding(self) -> str:
        return SPECS[self.key].grounding

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
