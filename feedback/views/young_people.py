"""Young people's pages: joining, their club, proposing, supporting, their data."""

from django.shortcuts import render
from django.views.decorators.http import require_GET


@require_GET
def join(request):
    return render(request, "feedback/join.html", {"code": request.GET.get("code", "")})
