"""The site's URL map: one include per app and audience."""

from django.contrib import admin
from django.urls import include, path

from clubs import views_auth
from coproduce import views

urlpatterns = [
    path("", views.home, name="home"),
    path("privacy/", views.privacy, name="privacy"),
    path("accounts/login/", views_auth.LoginView.as_view(), name="login"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
    path("", include("clubs.urls")),
    path("", include("feedback.urls")),
]
