"""The site's URL map: one include per app and audience."""

from django.contrib import admin
from django.urls import include, path

from clubs import views as club_views
from clubs import views_auth
from coproduce import views

urlpatterns = [
    path("", views.home, name="home"),
    path("privacy/", views.privacy, name="privacy"),
    path("accounts/login/", views_auth.LoginView.as_view(), name="login"),
    path(
        "accounts/password_reset/",
        views_auth.PasswordResetView.as_view(),
        name="password_reset",
    ),
    path(
        "accounts/invitation/<str:token>/",
        club_views.invitation_accept,
        name="invitation-accept",
    ),
    path("accounts/", include("django.contrib.auth.urls")),
    # Before the admin's own routes, so its sign-in has the abuse limits.
    path("admin/login/", views_auth.admin_login, name="admin-login"),
    path("admin/", admin.site.urls),
    path("", include("clubs.urls")),
    path("", include("feedback.urls")),
]
