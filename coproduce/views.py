"""Site-wide pages: home, privacy, and the friendly rate-limit page."""

from django.shortcuts import render
from django.views.decorators.http import require_GET


@require_GET
def home(request):
    return render(request, "home.html")


@require_GET
def privacy(request):
    return render(request, "privacy.html")


def rate_limited(request, exception=None):
    """Shown with status 429 when someone tries something too often."""
    return render(request, "429.html", status=429)
