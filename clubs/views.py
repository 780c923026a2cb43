"""Staff-side club pages. Views parse input, check permission, call a service or selector."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from clubs import permissions, selectors
from clubs.models import Club


def _visible_club_or_404(user, slug: str) -> Club:
    club = get_object_or_404(Club.objects.select_related("partner", "district"), slug=slug)
    if not permissions.can_view_club(user, club):
        raise Http404("No such club.")
    return club


@require_GET
@login_required
def my_clubs(request):
    clubs = selectors.clubs_for_user(user=request.user)
    return render(request, "clubs/my_clubs.html", {"clubs": clubs})


@require_GET
@login_required
def club_detail(request, slug):
    club = _visible_club_or_404(request.user, slug)
    return render(request, "clubs/club_detail.html", {"club": club})
