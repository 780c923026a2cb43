"""What the benchmark asks for, picked from the seeded data, and SQL queries per request.

`pick_targets` chooses the worst realistic case: the partner with the most
clubs, its club with the most ideas, that club's coach, the partner's lead,
the county staff account, and members of that club (each with open ideas of
others to support). `count_queries` makes each benchmarked request once
in-process with Django's test client (after one warm-up request) and counts
its SQL queries; the tests call it at two sizes and compare.
"""

import uuid
from datetime import timedelta
from urllib.parse import quote_plus

from django.conf import settings
from django.db import connection
from django.db.models import Count
from django.http import HttpResponse
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import Resolver404, resolve
from django.utils import timezone

from bench.pages import PAGES, Page
from bench.seed import BENCH_PASSWORD, recovery_phrase
from clubs.models import Club, PartnerRole, User
from feedback import identity, services
from feedback.models import Participant, Proposal, Session, State, Support

OPEN_STATES = [State.PUBLISHED, State.ACKNOWLEDGED]
# Ideas the benchmark posts carry this title, so a kept database can drop them.
BENCH_IDEA_PREFIX = "Bench idea"


def pick_targets(*, prefix: str = "bench", young_users: int = 4) -> dict:
    """The entities the benchmarked requests are about, as plain data (JSON-ready)."""
    clubs = Club.objects.filter(slug__startswith=f"{prefix}-club-")
    partner_id = (
        clubs.values("partner")
        .annotate(n=Count("id"))
        .order_by("-n", "partner")
        .values_list("partner", flat=True)
        .first()
    )
    club = (
        clubs.filter(partner_id=partner_id)
        .annotate(n=Count("proposals"))
        .order_by("-n", "pk")
        .first()
    )
    coach = User.objects.filter(coach_assignments__club=club).order_by("pk").first()
    lead = (
        User.objects.filter(
            partner_roles__partner_id=partner_id, partner_roles__role=PartnerRole.Role.LEAD
        )
        .order_by("pk")
        .first()
    )
    staff = (
        User.objects.filter(is_county_staff=True, email__endswith=f"@{prefix}.bench.test")
        .order_by("pk")
        .first()
    )
    members = list(
        Participant.objects.filter(club=club, is_blocked=False)
        .annotate(n=Count("proposals"))
        .order_by("-n", "pk")[: max(1, young_users)]
    )
    open_ideas = list(
        Proposal.objects.filter(club=club, state__in=OPEN_STATES)
        .order_by("pk")
        .values_list("pk", "author_id")
    )
    young = []
    for i, member in enumerate(members):
        others = [pk for pk, author in open_ideas if author != member.pk]
        # Each young person gets their own ideas to support, so no two support one row at once.
        mine = others[i :: len(members)] or others
        young.append(
            {
                "participant": member.pk,
                "pseudonym": member.pseudonym,
                "phrase": recovery_phrase(member.pk),
                "code": club.join_code,
                "cookie": signed_participant_cookie(member),
                "proposals": mine[:50],
            }
        )
    today = timezone.localdate()
    # The register page: the club's latest session on or before today (its register open).
    session = Session.objects.filter(club=club, date__lte=today).order_by("-date").first()
    return {
        "prefix": prefix,
        "session": session.pk if session else 0,
        "club": {
            "id": club.pk,
            "slug": club.slug,
            "name": club.name,
            "district": club.district_id,
            "county": club.district.county,
        },
        "partner": partner_id,
        "start": (today - timedelta(weeks=12)).isoformat(),
        "end": today.isoformat(),
        "accounts": {
            "coach": {"id": coach.pk, "email": coach.email, "password": BENCH_PASSWORD},
            "lead": {"id": lead.pk, "email": lead.email, "password": BENCH_PASSWORD},
            "staff": {"id": staff.pk, "email": staff.email, "password": BENCH_PASSWORD},
        },
        "young": young,
    }


def signed_participant_cookie(participant: Participant) -> dict:
    """The identity cookie the app would give this member's phone (feedback.identity)."""
    response = HttpResponse()
    identity.set_cookie_keys(response, [participant.key])
    morsel = response.cookies[settings.PARTICIPANT_COOKIE_NAME]
    return {"name": settings.PARTICIPANT_COOKIE_NAME, "value": morsel.value}


def page_path(page: Page, targets: dict, proposal: int | str | None = None) -> str:
    """The page's path for these targets; `proposal="{proposal}"` keeps that placeholder."""
    young = targets["young"][0] if targets["young"] else {"proposals": []}
    if proposal is None:
        proposal = young["proposals"][0] if young["proposals"] else 0
    return page.path.format(
        slug=targets["club"]["slug"],
        partner=targets["partner"],
        district=targets["club"]["district"],
        county=quote_plus(targets["club"]["county"]),
        proposal=proposal,
        session=targets.get("session", 0),
        start=targets["start"],
        end=targets["end"],
    )


def is_routed(path: str) -> bool:
    try:
        resolve(path.split("?", 1)[0])
    except Resolver404:
        return False
    return True


def propose_form(n: int | str) -> dict:
    return {
        "title": f"{BENCH_IDEA_PREFIX} {n}",
        "text": "Could we try this next week?",
        "client_token": str(uuid.uuid4()),
    }


def _client_for(role: str, targets: dict) -> Client:
    client = Client()
    if role in targets["accounts"]:
        client.force_login(User.objects.get(pk=targets["accounts"][role]["id"]))
    elif role == "young":
        young = targets["young"][0]
        client.cookies[young["cookie"]["name"]] = young["cookie"]["value"]
    return client


def _unsupported(participant_id: int, candidates: list[int]) -> list[int]:
    supported = set(
        Support.objects.filter(
            participant_id=participant_id, proposal_id__in=candidates
        ).values_list("proposal_id", flat=True)
    )
    return [pk for pk in candidates if pk not in supported]


def _withdraw_supports(young: dict, how_many: int) -> None:
    member = Participant.objects.get(pk=young["participant"])
    supported = (
        Support.objects.filter(participant=member, proposal_id__in=young["proposals"])
        .order_by("proposal_id")
        .values_list("proposal_id", flat=True)[:how_many]
    )
    for proposal in Proposal.objects.filter(pk__in=list(supported)):
        services.support_set(proposal=proposal, participant=member, supporting=False)


def count_queries(targets: dict, pages: list[Page] = PAGES) -> dict[str, dict]:
    """SQL queries of one request to each page (after a warm-up request), with its status.

    A POST is measured doing the same thing both times: proposing a new idea, or
    adding a support (to an idea the member did not support yet).
    """
    results: dict[str, dict] = {}
    for page in pages:
        path = page_path(page, targets)
        if not is_routed(path):
            results[page.name] = {"available": False, "path": path}
            continue
        client = _client_for(page.role, targets)
        if page.name == "support":
            young = targets["young"][0]
            fresh = _unsupported(young["participant"], young["proposals"])
            if len(fresh) < 2:
                # A kept database's earlier runs left this member supporting them all:
                # withdraw two of those supports (through the service, counts and all).
                _withdraw_supports(young, 2 - len(fresh))
                fresh = _unsupported(young["participant"], young["proposals"])
            if len(fresh) < 2:
                results[page.name] = {
                    "available": False,
                    "path": path,
                    "why": "no two open ideas the member does not support yet",
                }
                continue
            paths = [page_path(page, targets, proposal=pk) for pk in fresh[:2]]
        else:
            paths = [path, path]
        statuses = []
        for i, each in enumerate(paths):
            with CaptureQueriesContext(connection) as captured:
                if page.method == "POST":
                    data = propose_form(f"q{i}") if page.name == "propose" else {}
                    response = client.post(each, data)
                else:
                    response = client.get(each)
            statuses.append(response.status_code)
        results[page.name] = {
            "available": True,
            "path": path,
            "queries": len(captured.captured_queries),
            "status": statuses[-1],
            "sql": [q["sql"][:300] for q in captured.captured_queries],
        }
    return results


def explain(targets: dict, page: Page, *, top: int | None = None) -> list[dict]:
    """EXPLAIN (ANALYZE, BUFFERS) of each query one request to `page` makes (after a
    warm-up), slowest first; the page's GET only (a POST would change data twice)."""
    client = _client_for(page.role, targets)
    path = page_path(page, targets)
    client.get(path)
    with CaptureQueriesContext(connection) as captured:
        client.get(path)
    queries = sorted(captured.captured_queries, key=lambda q: -float(q["time"]))
    plans = []
    with connection.cursor() as cursor:
        for query in queries[:top]:
            sql = query["sql"]
            if not sql.lstrip().upper().startswith("SELECT"):
                continue
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
            plans.append(
                {
                    "seconds": float(query["time"]),
                    "sql": sql,
                    "plan": "\n".join(row[0] for row in cursor.fetchall()),
                }
            )
    return plans
