"""Young people's pages, coaches' work on proposals, and dashboards: one namespace.

Each audience keeps its routes in its own module.
"""

from feedback.urls_coaches import urlpatterns as coach_urls
from feedback.urls_dashboards import urlpatterns as dashboard_urls
from feedback.urls_outcomes import urlpatterns as outcome_urls
from feedback.urls_sessions import urlpatterns as session_urls
from feedback.urls_young_people import urlpatterns as young_people_urls

app_name = "feedback"

urlpatterns = [*young_people_urls, *coach_urls, *dashboard_urls]

# Sessions and registers (#15)
urlpatterns += session_urls
# Outcomes (#15)
urlpatterns += outcome_urls
