"""Indicator pages: a club's indicators, the partner dashboard and the county dashboard.

Read-only pages (GET). Who may see what: a club's indicators follow who may
see the club; a partner's dashboard is for its lead, county staff and
superusers; the county dashboard for county staff and superusers. Anything
else is a 404, so nothing's existence is revealed.
"""

import csv

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from clubs import permissions
from clubs.models import Club, Partner
from feedback import indicators, rules
from feedback.indicators import dashboards as dash
from feedback.indicators import summaries
from feedback.indicators.evidence import attach
from feedback.indicators.forms import CountyFilterForm, PartnerFilterForm, PeriodForm
from feedback.indicators.placement import LUNDY, VOICE_PUBLISHED_PCT, hart_rules

# Clubs in a page of the county dashboard's table (400 rows took 100 ms to draw, #12).
CLUBS_PER_PAGE = 50


def _form_errors(request, form) -> None:
    if form.is_bound and not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(
                    request,
                    f"{error} Showing the last {indicators.thresholds()['WINDOW_WEEKS']} weeks "
                    "instead.",
                )


def _bound(form_class, request, **kwargs):
    """A filter form bound to the query string only when it carries one of its fields."""
    data = request.GET if any(name in request.GET for name in form_class.base_fields) else None
    return form_class(data, **kwargs)


@require_safe
@login_required
def club_indicators(request, slug):
    club = get_object_or_404(Club.objects.select_related("partner", "district"), slug=slug)
    if not permissions.can_view_club(request.user, club):
        raise Http404("No such club.")
    form = _bound(PeriodForm, request, club=club)
    _form_errors(request, form)
    result = attach(indicators.for_club(club, form.window()))
    return render(
        request,
        "feedback/dashboards/club_indicators.html",
        {
            "club": club,
            "result": result,
            "form": form,
            "lundy_questions": LUNDY,
            "sees_partner": permissions.is_county_staff(request.user)
            or permissions.is_lead_of(request.user, club.partner_id),
        },
    )


def _partner_or_404(user, partner_id: int) -> Partner:
    partner = get_object_or_404(Partner.objects.select_related("district"), pk=partner_id)
    if not (permissions.is_county_staff(user) or permissions.is_lead_of(user, partner.pk)):
        raise Http404("No such partner.")
    return partner


def _partner_results(request, partner):
    form = _bound(PartnerFilterForm, request)
    window = form.window()
    results = summaries.results(partner.clubs.order_by("name"), window)
    return form, window, dash.sort_results(results, form.sort_key)


@require_safe
@login_required
def partner_dashboard(request, partner_id):
    partner = _partner_or_404(request.user, partner_id)
    form, window, results = _partner_results(request, partner)
    _form_errors(request, form)
    months = dash.monthly_trends([r.club.pk for r in results], window)
    return render(
        request,
        "feedback/dashboards/partner.html",
        {
            "partner": partner,
            "form": form,
            "window": window,
            "results": results,
            "headings": indicators.INDICATORS,
            "totals": dash.totals(results),
            "judged_at": dash.judged_at(results),
            "tally": dash.status_tally(results),
            "months": months,
            "chart": dash.trend_chart(months, f"Proposals per month at {partner.name}"),
            "query": request.GET.urlencode(),
        },
    )


@require_safe
@login_required
def partner_export(request, partner_id):
    partner = _partner_or_404(request.user, partner_id)
    form, _window, results = _partner_results(request, partner)
    if form.is_bound and not form.is_valid():
        return HttpResponseBadRequest(
            "Check the period: " + " ".join(form.errors.get("__all__", []))
        )
    return _csv(results, f"coproduce-partner-{partner.pk}.csv")


def _county_or_404(user) -> None:
    if not permissions.is_county_staff(user):
        raise Http404("No such page.")


def _county_results(request, *, brief=False):
    form = _bound(CountyFilterForm, request)
    clubs = form.filter(Club.objects.all())
    window = form.window()
    results = summaries.results(clubs.order_by("name"), window, brief=brief)
    return form, window, dash.sort_results(results, form.sort_key)


@require_safe
@login_required
def county_dashboard(request):
    _county_or_404(request.user)
    form, window, results = _county_results(request, brief=True)
    _form_errors(request, form)
    # The table draws a page of clubs, whole; every figure above and below it counts them
    # all, from the same results (the page's included).
    months = summaries.monthly_trends(results, window)
    page = Paginator(results, CLUBS_PER_PAGE).get_page(request.GET.get("page"))
    page.object_list = summaries.full(page.object_list)
    start = page.start_index() - 1 if results else 0
    results[start : start + len(page.object_list)] = page.object_list
    return render(
        request,
        "feedback/dashboards/county.html",
        {
            "form": form,
            "window": window,
            "results": results,
            "page": page,
            "headings": indicators.INDICATORS,
            "totals": dash.totals(results),
            "judged_at": dash.judged_at(results),
            "tally": dash.status_tally(results),
            "districts": dash.district_breakdown(results),
            "district_headings": dash.DISTRICT_HEADINGS,
            "months": months,
            "chart": dash.trend_chart(months, _trend_title(form)),
            "query": request.GET.urlencode(),
        },
    )


def _trend_title(form) -> str:
    """The trend chart's name: the whole county, or the filter chosen (as the headings)."""
    chosen = form.chosen()
    if not chosen:
        return "Proposals per month across the county"
    return "Proposals per month at clubs with " + ", ".join(chosen)


@require_safe
@login_required
def county_export(request):
    _county_or_404(request.user)
    form, _window, results = _county_results(request)
    if form.is_bound and not form.is_valid():
        return HttpResponseBadRequest("Check the filters: they were not valid.")
    return _csv(results, "coproduce-county.csv")


def _csv(results, filename: str) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    writer = csv.writer(response)
    writer.writerow(dash.csv_header())
    for result in results:
        writer.writerow(dash.csv_row(result))
    return response


@require_safe
def placement_help(request):
    """How we place clubs: Hart's rungs, Lundy's questions, the rules and thresholds. Public:
    it explains the method, not any club."""
    return render(
        request,
        "feedback/dashboards/placement_help.html",
        {
            "hart_rules": hart_rules(),
            "lundy_questions": LUNDY,
            "voice_published_pct": VOICE_PUBLISHED_PCT,
            "indicators": [
                (name, grounding, indicators.rule_text(key), indicators.SPECS[key])
                for key, (name, _, grounding) in indicators.INDICATORS.items()
            ],
            "thresholds": sorted(indicators.thresholds().items()),
            # Outcomes (#15)
            "outcome_thresholds": sorted(rules.outcomes_settings().items()),
        },
    )
