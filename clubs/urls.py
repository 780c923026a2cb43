"""Staff side of clubs: coaches, partner leads and Energise Me staff."""

from django.urls import path

from clubs import views

app_name = "clubs"

urlpatterns = [
    path("clubs/", views.my_clubs, name="my-clubs"),
    path("clubs/<slug:slug>/", views.club_detail, name="club-detail"),
]
