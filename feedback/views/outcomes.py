"""A club's outcomes page (#15): sessions run, attendance, regulars, retention, before
and after each change, sustainability and the activity check, for the club's coaches, its
partner's leads and Energise Me staff. Young people have no account: never shown it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from coproduce.http import link_maker
from feedback import outcomes, rules, services
from feedback.forms_outcomes import ActivityCheckForm
from feedback.views.coaches import _club
from feedback.views.young_people import member_required

# Sessions the attendance table shows, and changes the before-and-after table shows,
# unless `?all=1` asks for every one.
SESSIONS_SHOWN = 12
CHANGES_SHOWN = 12


@require_safe
@login_required
def club_outcomes(request, slug):
    club = _club(request, slug, with_summary=True)
    today = timezone.localdate()
    result = outcomes.for_club(club, as_of=today, summary=outcomes.kept_summary(club))
    # Two years of weekly sessions is a hundred rows, and a busy club's changes dozens: the
    # latest of each by default, all on asking.
    show_all = request.GET.get("all") == "1"
    shown = result.sessions if show_all else result.sessions[-SESSIONS_SHOWN:]
    changes = result.changes if show_all else result.changes[-CHANGES_SHOWN:]
    url = link_maker("feedback:coach-proposal", "pk", slug=club.slug)
    for change in changes:
        change.links = [(url(pk), title) for pk, title in change.proposals]
    context = {
        "club": club,
        "result": result,
        "shown_sessions": shown,
        "show_all": show_all,
        "sessions_hidden": len(result.sessions) - len(shown),
        "sessions_shown": SESSIONS_SHOWN,
        "shown_changes": changes,
        "changes_hidden": len(result.changes) - len(changes),
        "max_attendance": result.max_attendance,  # each row's bar: worked out once
        "district_activity": outcomes.district_activity(club.district_id, as_of=today),
        "retention_weeks": rules.outcomes_settings()["RETENTION_WEEKS"],
        "regulars_rule": rules.regulars_rule_text(),
        "retention_rule": rules.retention_rule_text(),
        "before_after_rule": rules.before_after_rule_text(),
        "activity_rule": outcomes.activity_rule_text(),
    }
    return render(request, "feedback/outcomes/club_outcomes.html", context)


# --- The activity check (young people) ------------------------------------------------------


def later_cookie_name(club_id: int) -> str:
    return f"activity_later_{club_id}"


LATER_SALT = "coproduce.activity-later"


def asked_later(request, club_id: int) -> bool:
    """The member chose "Not now" on this phone: a signed cookie, nothing kept on the site."""
    return bool(
        request.get_signed_cookie(
            later_cookie_name(club_id), default="", salt=LATER_SALT, max_age=_later_seconds()
        )
    )


def _later_seconds() -> int:
    return rules.outcomes_settings()["ACTIVITY_CHECK_WEEKS"] * 7 * 24 * 3600


@require_POST
@member_required
def activity_check(request, participant):
    """Saves the member's answer, or with "Not now" hides the question on this phone until
    the next check is due (a signed cookie; nothing about them is stored)."""
    club = participant.club
    home = redirect("feedback:member-home", slug=club.slug)
    if "not_now" in request.POST:
        home.set_signed_cookie(
            later_cookie_name(club.pk),
            "1",
            salt=LATER_SALT,
            max_age=_later_seconds(),
            httponly=True,
            secure=request.is_secure(),
            samesite="Lax",
        )
        return home
    form = ActivityCheckForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors["days"]))
        return home
    services.activity_answer_record(participant=participant, days=form.answer())
    messages.success(
        request, "Thanks. Your coach never sees your answer: only totals for the whole club."
    )
    return home
