"""A club's sessions and registers (#15): the coach's list, cancelling or changing a
session, adding a one-off, and the register taken at the side of the pitch.

Coaches of the club and its partner's lead act; county staff read (every POST of theirs
is a 403); anyone else gets a 404, as on the other coaches' pages.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_safe

from feedback import rules
from feedback import sessions as services
from feedback.forms_coaches import add_service_errors
from feedback.forms_sessions import AddForm, CancelForm, ChangeForm, RegisterForm
from feedback.models import Session
from feedback.permissions import can_act_for_club
from feedback.views.coaches import _club


def _session(club, pk) -> Session:
    session = services.club_session(club, pk)
    if session is None:
        raise Http404("No such session.")
    return session


def _list_url(club) -> str:
    return reverse("feedback:sessions", kwargs={"slug": club.slug})


@require_safe
@login_required
def session_list(request, slug):
    club = _club(request, slug)
    today = timezone.localdate()
    # Cheap and idempotent: the coach sees this week's sessions even before the cron runs.
    generated = services.generate_sessions(club, today=today)
    context = {
        "club": club,
        "today": today,
        "problem": generated.problem,
        "can_act": can_act_for_club(request.user, club),
        "correctable_days": rules.register_correctable_days(),
        **services.club_sessions(club, today=today),
    }
    return render(request, "feedback/sessions/list.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def session_new(request, slug):
    club = _club(request, slug, act=True)
    form = AddForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            session = services.session_add(club=club, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Added a session on {session.date:%A %-d %B}.")
            return redirect(_list_url(club))
    return render(request, "feedback/sessions/new.html", {"club": club, "form": form})


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def session_edit(request, slug, pk):
    club = _club(request, slug, act=request.method == "POST")
    session = _session(club, pk)
    action = request.POST.get("action") if request.method == "POST" else None
    cancel_form = CancelForm(request.POST if action == "cancel" else None, prefix="cancel")
    change_form = ChangeForm(
        request.POST if action == "change" else None,
        prefix="change",
        initial={"starts_at": session.starts_at, "location": session.location},
    )
    form = {"cancel": cancel_form, "change": change_form}.get(action)
    if form is not None and form.is_valid():
        try:
            if action == "cancel":
                services.session_cancel(session=session, by=request.user, **form.cleaned_data)
                messages.success(request, "Cancelled. The members see why on their club page.")
            else:
                services.session_change(session=session, by=request.user, **form.cleaned_data)
                messages.success(request, "Changed. The members see the change and why.")
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect(_list_url(club))
    today = timezone.localdate()
    context = {
        "club": club,
        "session": session,
        "cancel_form": cancel_form,
        "change_form": change_form,
        "can_act": can_act_for_club(request.user, club),
        "changeable": session.status == Session.Status.PLANNED and session.date >= today,
    }
    return render(request, "feedback/sessions/change.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def register(request, slug, pk):
    club = _club(request, slug, act=request.method == "POST")
    session = _session(club, pk)
    today = timezone.localdate()
    members = services.register_members(session)
    form = RegisterForm(
        request.POST if request.method == "POST" else None,  # nobody ticked is a register too
        members=members,
        initial={"present": [m.pk for m in members if m.present], "drop_ins": session.drop_ins},
    )
    refusal = rules.register_refusal(
        session_date=session.date,
        cancelled=session.status == Session.Status.CANCELLED,
        today=today,
    )
    if request.method == "POST" and refusal:
        messages.error(request, refusal + " Nothing was saved.")
        return redirect(request.path)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.register_save(
                session=session,
                by=request.user,
                participant_ids=data["present"],
                drop_ins=data["drop_ins"] or 0,
                today=today,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            count, drop_ins = len(data["present"]), data["drop_ins"] or 0
            messages.success(
                request,
                f"Saved: {count} member{'s' if count != 1 else ''} and "
                f"{drop_ins} drop-in{'s' if drop_ins != 1 else ''}.",
            )
            return redirect(request.path)
    ticked = {m.pk for m in members if m.present}
    if form.is_bound:
        # isdigit() alone lets through digits int() refuses ("²"): ASCII digits only.
        ticked = {int(v) for v in request.POST.getlist("present") if v.isascii() and v.isdigit()}
    context = {
        "club": club,
        "session": session,
        "members": members,
        "ticked": ticked,
        "form": form,
        "refusal": refusal,
        "can_act": can_act_for_club(request.user, club),
        "last_day": rules.register_last_day(session.date),
        "present_count": sum(1 for m in members if m.present),
    }
    return render(request, "feedback/sessions/register.html", context)
