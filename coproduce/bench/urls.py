"""Routes for the benchmark only; `coproduce.urls` includes them when COPRODUCE_BENCH_FLOOR=1."""

from django.urls import path

from coproduce.bench import views

urlpatterns = [path("bench/floor/", views.floor, name="bench-floor")]
