"""Template tags for the tokenism indicators: a club's panel and status badges."""

from django import template
from django.utils.html import format_html

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


@register.simple_tag
def status_badge(status, text=""):
    """A status badge (and its value). Built in Python, not an included template: the county
    dashboard draws eight per club, and the inclusion cost ~1 ms each (docs/performance.md)."""
    label = ind.STATUS_LABELS.get(status, status)
    badge = format_html('<span class="badge status-badge status-{}">{}</span>', status, label)
    if text:
        badge += format_html(' <span class="status-value">{}</span>', text)
    return badge
