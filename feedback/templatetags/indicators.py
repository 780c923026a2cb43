"""Template tags for the tokenism indicators: a club's panel and status badges."""

from django import template

from clubs import permissions
from feedback import indicators as ind

register = template.Library()


@register.inclusion_tag("feedback/dashboards/_club_indicators_panel.html", takes_context=True)
def club_indicators_panel(context, club):
    """The club's indicators over the last 12 weeks, for people who may see the club."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if club is None or not permissions.can_view_club(user, club):
        return {"result": None}
    sees_partner = permissions.is_county_staff(user) or permissions.is_lead_of(
        user, club.partner_id
    )
    return {"result": ind.for_club(club), "club": club, "sees_partner": sees_partner}


@register.inclusion_tag("feedback/dashboards/_status.html")
def status_badge(status, text=""):
    return {"status": status, "label": ind.STATUS_LABELS.get(status, status), "text": text}
