"""Web push: telling a member's phone that their idea (or one they support) got an answer.

Off by default: a member turns it on from their club page, on that phone. A message
holds no personal data (not the idea, the club or the name): only "Your idea got an
answer: open Coproduce". Messages go out as background tasks enqueued with the
decision, so a rolled-back decision sends nothing.
"""

import json
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django_tasks import task
from pywebpush import WebPushException, webpush

from coproduce.tasks import enqueue_with_transaction
from feedback.models import Participant, Proposal, PushSubscription

MESSAGE = {"title": "Coproduce", "body": "Your idea got an answer: open Coproduce", "url": "/my/"}


def push_enabled() -> bool:
    return bool(settings.VAPID_PUBLIC_KEY and settings.VAPID_PRIVATE_KEY)


def _allowed_endpoint(endpoint: str) -> bool:
    """Only the browsers' push services (the server posts to this address)."""
    parts = urlsplit(endpoint)
    host = (parts.hostname or "").lower()
    if not host or parts.username or parts.password:
        return False
    for allowed in settings.PUSH_SERVICE_HOSTS:
        scheme, _, suffix = allowed.rpartition("://")
        same_host = suffix in (host, parts.netloc.lower()) or host.endswith("." + suffix)
        if (scheme or "https") == parts.scheme and same_host:
            return True
    return False


@transaction.atomic
def push_subscribe(
    *, participant: Participant, endpoint: str, p256dh: str, auth: str
) -> PushSubscription:
    if not push_enabled():
        raise ValidationError("This site does not send notifications.", code="push_off")
    if not _allowed_endpoint(endpoint or ""):
        raise ValidationError("That is not a browser's push service.", code="endpoint")
    subscription = PushSubscription(
        participant=participant, endpoint=endpoint, p256dh=p256dh or "", auth=auth or ""
    )
    subscription.full_clean(validate_unique=False, validate_constraints=False)
    subscription, _ = PushSubscription.objects.update_or_create(
        participant=participant, endpoint=endpoint, defaults={"p256dh": p256dh, "auth": auth}
    )
    return subscription


@transaction.atomic
def push_unsubscribe(*, participant: Participant) -> int:
    """Turns push off for the member on every phone; returns how many were removed."""
    deleted, _ = PushSubscription.objects.filter(participant=participant).delete()
    return deleted


def push_answer(*, proposal: Proposal) -> int:
    """Enqueues one message per subscription of the idea's author and supporters, in the
    current transaction. Returns how many."""
    if not push_enabled():
        return 0
    ids = list(
        PushSubscription.objects.filter(
            Q(participant_id=proposal.author_id) | Q(participant__supports__proposal=proposal)
        )
        .values_list("pk", flat=True)
        .distinct()
    )
    for pk in ids:
        enqueue_with_transaction(push_send, pk)
    return len(ids)


@task()
def push_send(subscription_id: int) -> str:
    subscription = PushSubscription.objects.filter(pk=subscription_id).first()
    if subscription is None or not push_enabled():
        return "gone"  # turned off, or the member deleted their data, since
    try:
        webpush(
            subscription.as_subscription_info(),
            data=json.dumps(MESSAGE),
            vapid_private_key=settings.VAPID_PRIVATE_KEY,
            vapid_claims={"sub": settings.VAPID_SUBJECT},
            ttl=24 * 60 * 60,
            timeout=10,
        )
    except WebPushException as error:
        status = getattr(error.response, "status_code", None)
        if status in (404, 410):  # the phone unsubscribed: forget it
            subscription.delete()
            return "expired"
        raise
    return "sent"
