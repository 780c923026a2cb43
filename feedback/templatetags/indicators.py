"""Template tags for the tokenism indicators: a club's panel and status badges."""

from html import escape

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from clubs import permissions
from clubs.models import Stage
from coproduce.http import link_maker
from feedback import indicators as ind
from feedback.indicators import summaries

register = template.Library()


@register.inclusion_tag("feedback/dashboards/_club_indicators_panel.html", takes_context=True)
def club_indicators_panel(context, club):
    """The club's indicators over the default period (the last WINDOW_WEEKS weeks), for
    people who may see the club."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if club is None or not permissions.can_view_club(user, club):
        return {"result": None}
    sees_partner = permissions.is_county_staff(user) or permissions.is_lead_of(
        user, club.partner_id
    )
    return {
        "result": summaries.for_club(club),
        "club": club,
        "sees_partner": sees_partner,
        "window_weeks": ind.thresholds()["WINDOW_WEEKS"],
    }


def _badge(status: str) -> str:
    """A status badge's markup, escaped: a plain string, which the dashboards' rows build on."""
    label = escape(str(ind.STATUS_LABELS.get(status, status)))
    return f'<span class="badge status-badge status-{escape(status)}">{label}</span>'


@register.simple_tag
def status_badge(status, text=""):
    """A status badge (and its value). Built in Python, not an included template: the county
    dashboard draws eight per club, and the inclusion cost ~1 ms each (docs/performance.md)."""
    badge = mark_safe(_badge(status))  # noqa: S308 - escaped in _badge
    if text:
        badge += format_html(' <span class="status-value">{}</span>', text)
    return badge


@register.simple_tag(takes_context=True)
def club_table_row(context, result, show_partner=False, can_see_partner=False):
    """One club's row of a dashboard's table: its name (linking to its indicators), partner
    and district, Hart rung, and each indicator's badge and value.

    Built in Python, not in the template: the county dashboard draws a row per club, 400 at
    county scale, and the template's per-row tags, includes and loops cost ~0.3 ms a row
    (docs/performance.md). `_club_table.html` holds the table around it. Every value is
    escaped here (`html.escape`: the values are plain strings)."""
    club, window = result.club, result.window
    shared = context.render_context.get("club_table_row")
    if shared is None:  # once per page: URL patterns, stage names, the period's query string
        shared = context.render_context["club_table_row"] = {
            "club": link_maker("feedback:club-indicators", "slug"),
            "partner": link_maker("feedback:partner-dashboard", "partner_id"),
            "stages": {value: str(label) for value, label in Stage.choices},
            "help": reverse("feedback:placement-help"),
            "period": ""
            if window.is_default
            else f"?start={window.start:%Y-%m-%d}&amp;end={window.end:%Y-%m-%d}",
        }
    href = shared["club"](club.slug) + shared["period"]
    stage = shared["stages"].get(club.stage, club.stage)
    cells = [
        f'<tr><th scope="row"><a href="{href}">{escape(club.name)}</a> '
        f'<span class="small text-body-secondary d-block">'
        f"{escape(stage)}, {escape(club.activity)}</span>"
        # Outcomes (#15): "Still running 6 weeks after funding".
        + (
            f'<span class="small d-block club-sustain">{escape(result.sustainability)}</span>'
            if result.sustainability
            else ""
        )
        + "</th>"
    ]
    if show_partner:
        partner = escape(club.partner.name)
        if can_see_partner:
            partner = (
                f'<a href="{shared["partner"](club.partner_id)}{shared["period"]}">{partner}</a>'
            )
        cells.append(
            f'<td>{partner}<span class="d-block small text-body-secondary">'
            f"{escape(club.district.name)}</span></td>"
        )
    hart = result.hart
    cells.append(
        f'<td class="small"><a href="{shared["help"]}#hart-{escape(hart.key)}" '
        f'title="How we place clubs">{escape(hart.label)}</a></td>'
        if hart
        else '<td class="small"></td>'
    )
    for indicator in result:
        cells.append(
            f"<td>{_badge(indicator.status)}"
            f'<span class="d-block small">{escape(indicator.display)}</span></td>'
        )
    cells.append("</tr>")
    return mark_safe("".join(cells))  # noqa: S308 - every value above is escaped
