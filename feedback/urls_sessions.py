"""Routes for a club's sessions and registers (#15): coaches and partner leads."""

from django.urls import path

from feedback.views import sessions

club = "clubs/<slug:slug>/sessions/"

urlpatterns = [
    path(club, sessions.session_list, name="sessions"),
    path(club + "new/", sessions.session_new, name="session-new"),
    path(club + "<int:pk>/register/", sessions.register, name="register"),
    path(club + "<int:pk>/change/", sessions.session_edit, name="session-change"),
]
