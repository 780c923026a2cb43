"""Retention: young people's data is not kept for longer than the club needs it."""

from datetime import timedelta

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone

from feedback.models import Participant
from feedback.services import participant_delete


def inactive_participants(
    *, inactive_days: int | None = None, funding_ended_days: int | None = None
) -> QuerySet[Participant]:
    """Participants not seen for `inactive_days` in clubs whose funding ended over
    `funding_ended_days` ago."""
    rules = settings.COPRODUCE
    inactive_days = rules["RETENTION_INACTIVE_DAYS"] if inactive_days is None else inactive_days
    funding_ended_days = (
        rules["RETENTION_FUNDING_ENDED_DAYS"] if funding_ended_days is None else funding_ended_days
    )
    now = timezone.now()
    seen_before = now - timedelta(days=inactive_days)
    ended_before = timezone.localdate() - timedelta(days=funding_ended_days)
    return (
        Participant.objects.filter(club__funding_end__lt=ended_before)
        .filter(
            Q(last_seen_at__lt=seen_before)
            | Q(last_seen_at__isnull=True, joined_at__lt=seen_before)
        )
        .select_related("club")
        .order_by("club__slug", "pk")
    )


def purge_inactive(*, dry_run: bool = False, **rules) -> dict[str, int]:
    """Deletes inactive participants as 'delete my data' does: their proposals stay,
    shown as 'a former member'. Returns how many per club."""
    counts: dict[str, int] = {}
    for participant in inactive_participants(**rules):
        counts[participant.club.slug] = counts.get(participant.club.slug, 0) + 1
        if not dry_run:
            participant_delete(participant=participant)
    return counts


# Sessions and registers (#15)


def retention_periods() -> dict[str, str]:
    """How long a young person's data is kept, in the words the privacy page uses: the
    same rule `purge_inactive` applies (settings RETENTION_INACTIVE_DAYS and
    RETENTION_FUNDING_ENDED_DAYS)."""
    rules = settings.COPRODUCE
    inactive, ended = rules["RETENTION_INACTIVE_DAYS"], rules["RETENTION_FUNDING_ENDED_DAYS"]
    return {
        "inactive_days": inactive,
        "funding_ended_days": ended,
        "member": (
            "until you delete it, or until you have not visited for "
            f"{inactive} days once your club's funding ended over {ended} days ago: "
            "then we delete it for you"
        ),
    }
