"""The floor: the cheapest page the app can serve, for every other page to be compared with.

It goes through the same gunicorn workers and the same middleware as every
page, runs exactly one query and renders a tiny template, so "3 times the
floor" means three times what any request costs on this machine, this run.
Routed only by `bench.urls`, which the bench command serves (`COPRODUCE_BENCH_FLOOR=1`).
"""

from django.shortcuts import render
from django.views.decorators.http import require_safe

from clubs.models import District


@require_safe
def floor(request):
    district = District.objects.order_by("pk").only("name").first()
    return render(request, "bench/floor.html", {"district": district})
