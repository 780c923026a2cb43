"""The site's URLs plus one page with no entry in the permission matrix."""

from django.http import HttpResponse
from django.urls import path

from coproduce.urls import urlpatterns as site_urlpatterns

urlpatterns = [
    *site_urlpatterns,
    path("an-extra-page/", lambda request: HttpResponse("new"), name="an-extra-page"),
]
