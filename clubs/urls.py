"""Staff side of clubs: coaches, partner leads and Energise Me staff."""

from django.urls import path

from clubs import views

app_name = "clubs"

urlpatterns = [
    path("clubs/", views.my_clubs, name="my-clubs"),
    path("clubs/new/", views.club_create, name="club-create"),
    path("clubs/<slug:slug>/", views.club_detail, name="club-detail"),
    path("clubs/<slug:slug>/edit/", views.club_edit, name="club-edit"),
    path("clubs/<slug:slug>/coaches/", views.club_coaches, name="club-coaches"),
    path("clubs/<slug:slug>/join-code/rotate/", views.join_code_rotate, name="join-code-rotate"),
    path("clubs/<slug:slug>/coaches/invite/", views.invite, name="invite"),
    path("clubs/<slug:slug>/join-limit/lift/", views.join_limit_lift, name="join-limit-lift"),
    path("clubs/<slug:slug>/aspects/new/", views.aspect_create, name="aspect-create"),
    path("clubs/<slug:slug>/aspects/<int:pk>/edit/", views.aspect_edit, name="aspect-edit"),
    path("clubs/<slug:slug>/poster/", views.poster, name="poster"),
]
