"""Young people's pages, coaches' work on proposals, and dashboards."""

from django.urls import path

from feedback.views import coaches, young_people

app_name = "feedback"

urlpatterns = [
    path("join/", young_people.join, name="join"),
    path("coach/needs-you/", coaches.needs_you, name="needs-you"),
]
