"""Routes for indicators and dashboards (coaches, partner leads, Energise Me staff)."""

from django.urls import path

from feedback.views import dashboards

urlpatterns = [
    path("clubs/<slug:slug>/indicators/", dashboards.club_indicators, name="club-indicators"),
    path(
        "dashboards/partner/<int:partner_id>/",
        dashboards.partner_dashboard,
        name="partner-dashboard",
    ),
    path(
        "dashboards/partner/<int:partner_id>/export.csv",
        dashboards.partner_export,
        name="partner-export",
    ),
    path("dashboards/county/", dashboards.county_dashboard, name="county-dashboard"),
    path("dashboards/county/export.csv", dashboards.county_export, name="county-export"),
    path("how-we-place-clubs/", dashboards.placement_help, name="placement-help"),
]
