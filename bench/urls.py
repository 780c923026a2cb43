"""The benchmark's URL conf: the site's routes plus the floor page.

The bench command serves the app with `DJANGO_ROOT_URLCONF=bench.urls`, so the
site's own URL conf (`coproduce.urls`) knows nothing of the benchmark.
"""

from django.urls import path

from bench import views
from coproduce.urls import urlpatterns as site_urlpatterns

floor_urlpatterns = [path("bench/floor/", views.floor, name="bench-floor")]
urlpatterns = [*floor_urlpatterns, *site_urlpatterns]
