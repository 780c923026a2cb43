"""Site-wide pages: home, privacy, and the friendly rate-limit and form-expired pages."""

from django.shortcuts import render
from django.views.decorators.http import require_safe


@require_safe
def home(request):
    return render(request, "home.html")


@require_safe
def privacy(request):
    from feedback.retention import retention_periods

    return render(request, "privacy.html", {"retention": retention_periods()})


def rate_limited(request, exception=None):
    """Shown with status 429 when someone tries something too often."""
    return render(request, "429.html", status=429)


def csrf_failure(request, reason=""):
    """A form sent without its security token (an old tab, cookies off): say what to do."""
    return render(request, "403_csrf.html", status=403)
