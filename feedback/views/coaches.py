"""Coaches' pages: moderation, answering, changes and learning."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET


@require_GET
@login_required
def needs_you(request):
    return render(request, "feedback/needs_you.html", {})
