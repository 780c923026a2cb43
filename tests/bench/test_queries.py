"""SQL queries per request do not grow with the data, for every benchmarked page.

The bench's own seeding writes two datasets of different sizes into the test
database; each benchmarked request is made once (after a warm-up) against the
busiest club of the biggest partner of each, through the same code the bench
command uses (`bench.plan.count_queries`).
"""

from datetime import UTC, datetime

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from bench import plan
from bench.pages import PAGES
from bench.seed import Scale, seed
from bench.urls import urlpatterns  # noqa: F401 (the site plus the floor, as the bench serves it)
from clubs.models import Club
from feedback.models import Support

# Two sizes; no indicator's query depends on the data (the narrow-voice indicator's
# evidence comes from the rows the period's query reads anyway).
SMALL = Scale(
    "small", 14, partners=2, clubs=6, participants=30, proposals=180, supports=300,
    decisions=60, changes=60, rounds_per_club=2, days=180,
)  # fmt: skip
LARGER = Scale(
    "larger", 14, partners=3, clubs=12, participants=120, proposals=900, supports=3_000,
    decisions=500, changes=500, rounds_per_club=4, days=180,
)  # fmt: skip
# The windows (12 weeks to today) and the seeded times are fixed, so the data each
# page sees is the same on every run.
FROZEN = datetime(2026, 6, 10, 11, 0, tzinfo=UTC)


def _counts(scale: Scale, prefix: str) -> tuple[dict, dict]:
    seed(scale, prefix=prefix)
    targets = plan.pick_targets(prefix=prefix, young_users=2)
    return plan.count_queries(targets), targets


@pytest.mark.urls(__name__)
@time_machine.travel(FROZEN, tick=False)
def test_queries_per_request_are_the_same_at_two_sizes_for_every_benchmarked_page(db):
    small, small_targets = _counts(SMALL, "small")
    larger, larger_targets = _counts(LARGER, "larger")

    # The larger dataset really is larger where it matters.
    def sizes(targets):
        club = Club.objects.get(pk=targets["club"]["id"])
        return (
            Club.objects.filter(partner_id=club.partner_id).count(),
            club.proposals.count(),
            Support.objects.filter(proposal__club=club).count(),
            club.participants.count(),
        )

    smaller_sizes, larger_sizes = sizes(small_targets), sizes(larger_targets)
    assert all(3 <= s < n for s, n in zip(smaller_sizes, larger_sizes, strict=True)), (
        smaller_sizes,
        larger_sizes,
    )
    for page in PAGES:
        assert small[page.name]["available"], f"{page.name} is not routed: {small[page.name]}"
        assert small[page.name]["status"] < 400, (page.name, small[page.name]["status"])
        assert larger[page.name]["status"] == small[page.name]["status"], page.name
    differing = {
        name: (small[name]["queries"], larger[name]["queries"])
        for name in small
        if small[name]["queries"] != larger[name]["queries"]
    }
    assert not differing, f"queries grow with the data (small, larger): {differing}"


@pytest.mark.urls(__name__)
def test_the_floor_renders_after_exactly_one_query(db):
    with CaptureQueriesContext(connection) as captured:
        response = Client().get("/bench/floor/")
    assert response.status_code == 200
    assert len(captured.captured_queries) == 1
    assert b"Floor" in response.content


def test_the_floor_is_not_routed_without_the_bench_flag(db):
    # COPRODUCE_BENCH_FLOOR is unset in the tests, so the site has no floor.
    assert Client().get("/bench/floor/").status_code == 404


@pytest.mark.urls(__name__)
def test_a_benchmarked_proposal_post_really_makes_an_idea(db):
    from feedback.models import Proposal

    seed(SMALL, prefix="post")
    targets = plan.pick_targets(prefix="post", young_users=1)
    before = Proposal.objects.count()
    counted = plan.count_queries(
        targets, pages=[p for p in PAGES if p.name in ("propose", "support")]
    )
    assert counted["propose"]["status"] == 302
    assert counted["support"]["status"] == 302
    # One warm-up and one counted idea.
    assert Proposal.objects.count() == before + 2


@pytest.mark.urls(__name__)
def test_a_member_who_supports_every_idea_given_gets_two_withdrawn_to_support_again(db):
    # What earlier runs on a kept database leave behind.
    from feedback import services
    from feedback.models import Participant, Proposal

    seed(SMALL, prefix="kept")
    targets = plan.pick_targets(prefix="kept", young_users=1)
    young = targets["young"][0]
    member = Participant.objects.get(pk=young["participant"])
    for proposal in Proposal.objects.filter(pk__in=young["proposals"]):
        if not Support.objects.filter(proposal=proposal, participant=member).exists():
            services.support_set(proposal=proposal, participant=member)
    assert len(young["proposals"]) >= 2
    counted = plan.count_queries(targets, pages=[p for p in PAGES if p.name == "support"])
    assert counted["support"]["available"]
    assert counted["support"]["status"] == 302
    supports = Support.objects.filter(participant=member, proposal_id__in=young["proposals"])
    assert supports.count() == len(young["proposals"])  # withdrawn, then given again


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only")
def test_postgres_connections_run_without_jit(db):
    # JIT compiled each indicator aggregate for about a second (docs/performance.md).
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"
