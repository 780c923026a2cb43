"""The records behind the indicators, with links to where a coach can act on them."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse

from clubs.models import Aspect
from feedback.indicators.core import ClubIndicators
from feedback.models import Proposal


def proposal_url(club_slug: str, pk: int) -> str:
    """The coach's page for a proposal (the club's staff page if that route is missing)."""
    try:
        return reverse("feedback:coach-proposal", kwargs={"slug": club_slug, "pk": pk})
    except NoReverseMatch:
        return f"/clubs/{club_slug}/proposals/{pk}/"


def aspect_url(club_slug: str, pk: int) -> str:
    return reverse("clubs:club-detail", kwargs={"slug": club_slug}) + f"#aspect-{pk}"


@dataclass
class Record:
    pk: int
    kind: str
    title: str
    detail: str
    url: str


def evidence_records(result: ClubIndicators) -> dict[tuple[str, int], Record]:
    """Every record any indicator or prompt of the club points to, in two queries."""
    proposal_ids, aspect_ids = set(), set()
    for indicator in result.indicators.values():
        (aspect_ids if indicator.evidence_kind == "aspect" else proposal_ids).update(
            indicator.evidence
        )
    for prompt in result.prompts:
        (aspect_ids if prompt.evidence_kind == "aspect" else proposal_ids).update(prompt.evidence)
    slug = result.club.slug
    records: dict[tuple[str, int], Record] = {}
    if proposal_ids:
        for p in Proposal.objects.filter(pk__in=proposal_ids, club=result.club).only(
            "pk", "title", "state", "outcome", "submitted_at", "promised_by", "decided_at"
        ):
            detail = (
                f"submitted {p.submitted_at:%-d %b %Y}, {p.get_display_state_display().lower()}"
            )
            if p.outcome:
                detail += f" ({p.get_outcome_display().lower()})"
            if p.promised_by and p.display_state() == "lapsed":
                detail += f", promised by {p.promised_by:%-d %b %Y}"
            records[("proposal", p.pk)] = Record(
                pk=p.pk, kind="proposal", title=p.title, detail=detail, url=proposal_url(slug, p.pk)
            )
    if aspect_ids:
        for a in Aspect.objects.filter(pk__in=aspect_ids, club=result.club):
            detail = a.get_status_display()
            if a.is_fixed:
                detail += f": {a.reason}" if a.reason else ": no reason given"
            records[("aspect", a.pk)] = Record(
                pk=a.pk, kind="aspect", title=a.name, detail=detail, url=aspect_url(slug, a.pk)
            )
    return records


def attach(result: ClubIndicators) -> ClubIndicators:
    """Adds `records` lists to the club's indicators and prompts, for templates."""
    records = evidence_records(result)
    for item in [*result.indicators.values(), *result.prompts]:
        item.records_list = [
            records[(item.evidence_kind, pk)]
            for pk in item.evidence
            if (item.evidence_kind, pk) in records
        ]
    return result
