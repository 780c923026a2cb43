"""A club's outcomes page (#15): sessions run, attendance, regulars, retention, before
and after each change, sustainability and the activity check, for the club's coaches, its
partner's leads and Energise Me staff. Young people have no account: never shown it."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from clubs.models import Club
from feedback import outcomes, rules
from feedback.permissions import can_read_coach_pages


@login_required
def club_outcomes(request, slug):
    club = get_object_or_404(Club.objects.select_related("partner", "district"), slug=slug)
    if not can_read_coach_pages(request.user, club):
        raise Http404("No such club.")
    today = timezone.localdate()
    result = outcomes.for_club(club, as_of=today)
    context = {
        "club": club,
        "result": result,
        "district_activity": outcomes.district_activity(club.district_id, as_of=today),
        "retention_weeks": rules.outcomes_settings()["RETENTION_WEEKS"],
        "regulars_rule": rules.regulars_rule_text(),
        "retention_rule": rules.retention_rule_text(),
        "before_after_rule": rules.before_after_rule_text(),
        "activity_rule": outcomes.activity_rule_text(),
    }
    return render(request, "feedback/outcomes/club_outcomes.html", context)
