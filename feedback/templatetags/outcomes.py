"""Template tags for outcomes (#15): the activity check on a member's club page."""

from django import template
from django.utils import timezone

from feedback import rules
from feedback.forms_outcomes import ActivityCheckForm
from feedback.models import ActivityAnswer

register = template.Library()


@register.inclusion_tag("feedback/outcomes/_activity_check.html", takes_context=True)
def activity_check(context, participant):
    """The optional activity check, when it is due for the member (at joining, then every
    ACTIVITY_CHECK_WEEKS) and they have not said "Not now" on this phone. One query."""
    from feedback.views.outcomes import asked_later

    request = context.get("request")
    if request is None or participant is None or asked_later(request, participant.club_id):
        return {"due": False}
    last = (
        ActivityAnswer.objects.filter(participant=participant)
        .order_by("-answered_at")
        .values_list("answered_at", flat=True)
        .first()
    )
    if not rules.activity_check_due(last, timezone.now()):
        return {"due": False}
    return {
        "due": True,
        "club": participant.club,
        "form": ActivityCheckForm(),
        "csrf_token": context.get("csrf_token"),
    }
