"""The benchmarked pages: what is asked for, by whom, and what the issue's targets are.

Plain data (no Django imports): the load driver reads it in its own process.
A path holds `{placeholders}` that the plan fills from the seeded dataset:
`{slug}` (the busiest club of the biggest partner), `{partner}`, `{district}`
and `{county}` (that club's), `{proposal}` (an open idea of that club, one per young person),
`{session}` (that club's latest session, for its register), `{start}` and `{end}` (the dashboards' default 12 weeks, given explicitly).
"""

from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class Page:
    name: str
    method: str
    path: str
    role: str  # anonymous, young, coach, lead, staff
    title: str
    young: bool = False  # a young person's page or action (the 60 ms and 3x floor targets)
    p95_target_ms: float | None = None
    # Other targets a page has: its median at most this many times the floor's, at most
    # this many SQL queries per request, and a p95 that applies at national scale only.
    floor_ratio_target: float | None = None
    max_queries: int | None = None
    national_p95_target_ms: float | None = None

    @property
    def floor_ratio_limit(self) -> float | None:
        """At most this many times the floor's median (a young person's pages: 3x)."""
        return YOUNG_FLOOR_RATIO_LIMIT if self.young else self.floor_ratio_target

    def as_dict(self) -> dict:
        return {**asdict(self), "floor_beside": self.floor_ratio_limit is not None}


FLOOR = "floor"
YOUNG_CLUB_PAGE = "young_club_page"

PAGES = [
    Page(FLOOR, "GET", "/bench/floor/", "anonymous", "Floor: one query, a tiny template"),
    Page(
        YOUNG_CLUB_PAGE,
        "GET",
        "/club/{slug}/",
        "young",
        "A young person's club page",
        young=True,
        p95_target_ms=60,
    ),
    Page(
        "support",
        "POST",
        "/club/{slug}/ideas/{proposal}/support/",
        "young",
        "Supporting an idea (POST, toggles)",
        young=True,
        p95_target_ms=60,
    ),
    Page("needs_you", "GET", "/coach/needs-you/", "coach", "The coach's Needs you page"),
    Page(
        "coach_club_page",
        "GET",
        "/clubs/{slug}/",
        "coach",
        "The coach's club page (its indicators included)",
        max_queries=12,
    ),
    Page(
        "club_record",
        "GET",
        "/clubs/{slug}/record/",
        "coach",
        "A club's record",
        p95_target_ms=100,
    ),
    Page(
        "club_record_12_weeks",
        "GET",
        "/clubs/{slug}/record/?start={start}&end={end}",
        "coach",
        "A club's record, filtered to the last 12 weeks",
    ),
    Page(
        "club_record_whole",
        "GET",
        "/clubs/{slug}/record/?start=&end=",
        "coach",
        "A club's whole record (two years; the record shows 12 weeks by default)",
    ),
    # Outcomes (#15): a session's register, and what the club's registers show.
    Page(
        "register",
        "GET",
        "/clubs/{slug}/sessions/{session}/register/",
        "coach",
        "A session's register (the club's latest session)",
        floor_ratio_target=5,
    ),
    Page(
        "club_outcomes",
        "GET",
        "/clubs/{slug}/outcomes/",
        "coach",
        "A club's outcomes (sessions, attendance, retention, before and after each change)",
        floor_ratio_target=5,
    ),
    Page(
        "partner_dashboard",
        "GET",
        "/dashboards/partner/{partner}/",
        "lead",
        "A partner's dashboard",
        p95_target_ms=100,
    ),
    Page(
        "county_dashboard",
        "GET",
        "/dashboards/county/?county={county}&start={start}&end={end}",
        "staff",
        "The county dashboard: one county's clubs, 12 weeks (all clubs below national scale)",
        p95_target_ms=100,
        floor_ratio_target=10,
    ),
    Page(
        "national_dashboard",
        "GET",
        "/dashboards/county/?start={start}&end={end}",
        "staff",
        "The dashboard of every club, all counties, 12 weeks (the county's at county scale)",
        national_p95_target_ms=500,
    ),
    # Hostile periods: a form error, never a 500, and an answer in under a second.
    Page(
        "county_dashboard_start_0001",
        "GET",
        "/dashboards/county/?county={county}&start=0001-01-01",
        "staff",
        "The county dashboard asked for a period from the year 1 (a form error)",
        p95_target_ms=1000,
    ),
    Page(
        "county_dashboard_end_9999",
        "GET",
        "/dashboards/county/?county={county}&end=9999-12-31",
        "staff",
        "The county dashboard asked for a period to the year 9999 (a form error)",
        p95_target_ms=1000,
    ),
    Page(
        "county_dashboard_year_1",
        "GET",
        "/dashboards/county/?county={county}&start=0001-01-01&end=0001-01-02",
        "staff",
        "The county dashboard asked for two days in the year 1 (a form error)",
        p95_target_ms=1000,
    ),
    Page(
        "county_dashboard_district",
        "GET",
        "/dashboards/county/?district={district}&start={start}&end={end}",
        "staff",
        "The county dashboard, one district's clubs (12 weeks)",
    ),
    Page(
        "county_export_csv",
        "GET",
        "/dashboards/county/export.csv?county={county}&start={start}&end={end}",
        "staff",
        "The county CSV export (the county dashboard's clubs, 12 weeks)",
    ),
    # Last: the ideas it posts wait for moderation, and would swell the coach's pages.
    Page(
        "propose",
        "POST",
        "/club/{slug}/propose/",
        "young",
        "Proposing an idea (POST)",
        young=True,
        p95_target_ms=60,
    ),
]

PAGES_BY_NAME = {page.name: page for page in PAGES}

# The page-weight targets for a young person's club page, compressed.
FIRST_VISIT_LIMIT_BYTES = 60 * 1024
REPEAT_VISIT_LIMIT_BYTES = 15 * 1024
# A young person's page's median may be at most this many times the floor's.
YOUNG_FLOOR_RATIO_LIMIT = 3.0
