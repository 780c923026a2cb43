"""Routes for coaches and partner leads: moderation, answers, changes, learning."""

from django.urls import path

from feedback.views import coaches

urlpatterns = [
    path("coach/needs-you/", coaches.needs_you, name="needs-you"),
]
