"""Routes for young people (participants): joining, their club, ideas, their data."""

from django.urls import path

from feedback.views import young_people

urlpatterns = [
    path("join/", young_people.join, name="join"),
]
