"""Coaches' pages: what needs them, moderation, answering, changes, rounds, members, learning.

Views parse input, check permission, call one service or selector, then render
or redirect. A club the user may not see is a 404; county staff may read but
every POST of theirs is a 403.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from clubs.models import AspectStatus, Club
from clubs.permissions import coach_checked
from coproduce.compiled import CompiledQueries
from coproduce.http import safe_next_url
from feedback import forms_coaches as forms
from feedback import outcomes, services
from feedback import selectors_coaches as selectors
from feedback.models import CHANGE_OUTCOMES, Concern, Outcome, Participant, Proposal, State
from feedback.permissions import can_act_for_club, can_read_coach_pages
from feedback.selectors_young_people import OUTCOME_WORDS
from feedback.states import InvalidTransition, allowed_events

# A coach's page's club, with whether the user coaches it (and, for the outcomes page, its
# summary): asked on every coach's page, its SQL depends on the slug, the user's id and
# `with_summary` only, so it is built once per those and process (`coproduce.compiled`).
_CLUBS = CompiledQueries(maxsize=2048)


def _club(request, slug: str, *, act: bool = False, with_summary: bool = False) -> Club:
    def build():
        clubs = Club.objects.select_related("partner", "district")
        if with_summary:
            # Its ClubSummary too, in the same query: the outcomes page reads its kept
            # figures without a query of its own.
            clubs = outcomes.with_summary(clubs)
        return coach_checked(clubs, request.user).filter(slug=slug)

    found = _CLUBS.objects((slug, request.user.pk, with_summary), build)
    if not found:
        raise Http404("No such club.")
    club = found[0]
    if not can_read_coach_pages(request.user, club):
        raise Http404("No such club.")
    if act and not can_act_for_club(request.user, club):
        raise PermissionDenied("You can read this club but not change it.")
    return club


def _proposal_url(club: Club, pk: int) -> str:
    return reverse("feedback:coach-proposal", kwargs={"slug": club.slug, "pk": pk})


def _refused(request, club: Club, pk: int, error: InvalidTransition):
    """Someone else acted first (or the step no longer fits): say so plainly, show where it is."""
    state = Proposal.objects.filter(pk=pk).first()
    now = f" It is now: {state.get_display_state_display().lower()}." if state else ""
    messages.error(
        request,
        "That could not be done: someone may have just acted on this idea. "
        + " ".join(error.messages)
        + now,
    )
    return redirect(_proposal_url(club, pk))


# --- Needs you and moderation ----------------------------------------------------


# "Needs you" lists this many of each kind of thing; "Show all" pages through the rest.
NEEDS_YOU_CAP = 10
NEEDS_YOU_PAGE = 50
NEEDS_YOU_SECTIONS = (
    "to_moderate",
    "to_acknowledge",
    "to_decide",
    "changes_due",
    "deferrals_due",
    "concerns",
)


@require_safe
@login_required
def needs_you(request):
    data = selectors.needs_you(user=request.user)
    show = request.GET.get("show", "")
    context = {"data": data, "cap": NEEDS_YOU_CAP, "show": "", "shown": {}}
    if show in NEEDS_YOU_SECTIONS:
        page = Paginator(getattr(data, show), NEEDS_YOU_PAGE).get_page(request.GET.get("page"))
        context.update(show=show, page=page, shown={show: page.object_list})
    else:
        context["shown"] = {key: getattr(data, key)[:NEEDS_YOU_CAP] for key in NEEDS_YOU_SECTIONS}
    return render(request, "feedback/needs_you.html", context)


@require_POST
@login_required
def weekly_digest(request):
    """Turns the Monday email (coaches: what needs you; leads: red indicators) on or off."""
    if not request.user.partner_roles.exists():
        raise PermissionDenied("Only coaches and partner leads get the weekly email.")
    services.user_weekly_digest_set(user=request.user, on=request.POST.get("weekly_digest") == "on")
    if request.user.weekly_digest:
        messages.success(request, "You'll get an email of what needs you every Monday.")
    else:
        messages.success(request, "You won't get the Monday email any more.")
    return redirect("feedback:needs-you")


@require_safe
@login_required
def moderation(request):
    queue = selectors.moderation_queue(user=request.user)
    return render(request, "feedback/coach/moderation.html", {"queue": queue})


@require_POST
@login_required
def concern_handle(request, slug, pk):
    club = _club(request, slug, act=True)
    concern = get_object_or_404(Concern, club=club, pk=pk)
    form = forms.ConcernHandleForm(request.POST)
    if form.is_valid():
        try:
            services.concern_handle(
                concern=concern, by=request.user, note=form.cleaned_data["note"]
            )
            messages.success(request, "Marked as handled.")
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
    return redirect(reverse("feedback:needs-you"))


# --- A proposal ---------------------------------------------------------------------


def _decide_preview(form: forms.DecideForm) -> dict:
    """What the young people will read if the form is decided as it stands: the
    arguments of their `_answer.html`, so the preview cannot drift from their page."""
    data = form.cleaned_data if hasattr(form, "cleaned_data") else {}
    answer = (form["answer"].value() or "").strip() or "(your answer)"
    preview = {
        "outcome_words": OUTCOME_WORDS.get(form.chosen, ""),
        "answer": answer,
        "today": timezone.localdate(),
        "changes": [],
    }
    if form.chosen == Outcome.DEFERRED:
        preview["deferred_until"] = data.get("deferred_until")
    if form.chosen in CHANGE_OUTCOMES:
        aspect, value = data.get("change_aspect"), data.get("change_value")
        if aspect and value:
            effective = data.get("change_effective") or preview["today"]
            preview["changes"] = [
                {"aspect": aspect, "new_value": value, "effective_date": effective}
            ]
        else:  # a promise: the idea stays decided until the change is recorded
            preview["promised_by"] = data.get("promised_by")
    return preview


def _render_proposal(request, club: Club, pk: int, status: int = 200, **bound):
    try:
        data = selectors.coach_proposal(club=club, pk=pk)
    except Proposal.DoesNotExist as missing:
        raise Http404("No such idea.") from missing
    proposal = data.proposal
    allowed = set(allowed_events(proposal.state))
    decide_form = bound.get("decide_form") or forms.DecideForm(
        club=club, duplicates=data.duplicate_choices, outcome=request.GET.get("outcome", "")
    )
    context = {
        "club": club,
        "data": data,
        "proposal": proposal,
        "can_act": can_act_for_club(request.user, club),
        "allowed": allowed,
        "can_record_change": proposal.state == State.DECIDED
        and proposal.outcome in CHANGE_OUTCOMES,
        "return_form": bound.get("return_form") or forms.ReturnForm(),
        "acknowledge_form": bound.get("acknowledge_form")
        or forms.AcknowledgeForm(
            club=club,
            initial={"decider": proposal.decider or "coach", "decide_by": proposal.decide_by},
        ),
        "decide_form": decide_form,
        "decide_url": reverse(
            "feedback:coach-proposal-decide", kwargs={"slug": club.slug, "pk": proposal.pk}
        ),
        "preview": _decide_preview(decide_form),
        "change_form": bound.get("change_form")
        or forms.ChangeForm(club=club, initial={"aspect": proposal.aspect_id}),
        "reopen_form": forms.ReopenForm(),
        "learning_form": forms.LearningForm(club=club, initial={"proposal": proposal.pk}),
        "goalposts_warning": bound.get("goalposts_warning", False),
    }
    return render(request, "feedback/coach/proposal.html", context, status=status)


def _proposal(club: Club, pk: int) -> Proposal:
    return get_object_or_404(Proposal, club=club, pk=pk)


@require_safe
@login_required
def proposal_detail(request, slug, pk):
    club = _club(request, slug)
    return _render_proposal(request, club, pk)


@require_POST
@login_required
def proposal_publish(request, slug, pk):
    club = _club(request, slug, act=True)
    proposal = _proposal(club, pk)
    try:
        services.proposal_publish(proposal=proposal, by=request.user)
    except InvalidTransition as error:
        return _refused(request, club, pk, error)
    messages.success(
        request, f"Published \u201c{proposal.title}\u201d: members can now support it."
    )
    return redirect(safe_next_url(request, _proposal_url(club, pk)))


@require_POST
@login_required
def proposal_return(request, slug, pk):
    club = _club(request, slug, act=True)
    proposal = _proposal(club, pk)
    form = forms.ReturnForm(request.POST)
    if form.is_valid():
        try:
            services.proposal_return(
                proposal=proposal, by=request.user, reason=form.cleaned_data["reason"]
            )
        except InvalidTransition as error:
            return _refused(request, club, pk, error)
        except ValidationError as error:
            forms.add_service_errors(form, error)
        else:
            messages.success(request, "Returned to the author with your reason.")
            return redirect(safe_next_url(request, _proposal_url(club, pk)))
    return _render_proposal(request, club, pk, return_form=form)


@require_POST
@login_required
def proposal_escalate(request, slug, pk):
    club = _club(request, slug, act=True)
    proposal = _proposal(club, pk)
    try:
        services.proposal_escalate(proposal=proposal, by=request.user)
    except InvalidTransition as error:
        return _refused(request, club, pk, error)
    messages.warning(
        request,
        "Escalated as a safeguarding concern: it will never be published. "
        "Follow your organisation's safeguarding procedure now.",
    )
    return redirect(safe_next_url(request, _proposal_url(club, pk)))


@require_POST
@login_required
def proposal_acknowledge(request, slug, pk):
    club = _club(request, slug, act=True)
    proposal = _proposal(club, pk)
    form = forms.AcknowledgeForm(request.POST, club=club)
    if form.is_valid():
        try:
            services.proposal_acknowledge(proposal=proposal, by=request.user, **form.cleaned_data)
        except InvalidTransition as error:
            return _refused(request, club, pk, error)
        except ValidationError as error:
            forms.add_service_errors(form, error)
        else:
            messages.success(
                request, "Acknowledged: the young people can see who decides and when."
            )
            return redirect(_proposal_url(club, pk))
    return _render_proposal(request, club, pk, acknowledge_form=form)


@require_POST
@login_required
def proposal_decide(request, slug, pk):
    club = _club(request, slug, act=True)
    proposal = _proposal(club, pk)
    duplicates = selectors.duplicate_choices(club=club, exclude=proposal)
    form = forms.DecideForm(request.POST, club=club, duplicates=duplicates)
    step = request.POST.get("step", "")
    if step == "pick" and form.chosen:  # the outcome is chosen: its fields come next
        form = forms.DecideForm(
            club=club, duplicates=duplicates, outcome=form.chosen, initial=request.POST.dict()
        )
    if step in ("pick", "preview"):
        if form.is_bound:
            form.is_valid()  # the preview reads what is valid; the errors say what is not
        if request.htmx:
            context = {
                "decide_form": form,
                "decide_url": request.path,
                "preview": _decide_preview(form),
            }
            return render(request, "feedback/coach/_decide_fields.html", context)
        return _render_proposal(request, club, pk, decide_form=form)
    if not form.is_valid():
        return _render_proposal(request, club, pk, decide_form=form)
    data = form.cleaned_data
    aspect = data["not_possible_aspect"]
    if data["outcome"] == Outcome.NOT_POSSIBLE and aspect and not data["confirm_moving_goalposts"]:
        then = selectors.aspect_statuses_on(club=club, moment=proposal.submitted_at)
        if then.get(aspect.pk) == AspectStatus.NEGOTIABLE:
            confirmed = request.POST.copy()
            confirmed["confirm_moving_goalposts"] = "on"
            form = forms.DecideForm(confirmed, club=club, duplicates=duplicates)
            form.is_valid()
            return _render_proposal(request, club, pk, decide_form=form, goalposts_warning=True)
    try:
        decision = services.proposal_decide(
            proposal=proposal,
            by=request.user,
            outcome=data["outcome"],
            answer=data["answer"],
            reason=data["reason"],
            deferred_until=data["deferred_until"],
            not_possible_aspect=aspect,
            duplicate_of=data["duplicate_of"],
            promised_by=data["promised_by"],
            change_aspect=data["change_aspect"],
            change_value=data["change_value"],
            change_effective=data["change_effective"],
        )
    except InvalidTransition as error:
        return _refused(request, club, pk, error)
    except ValidationError as error:
        forms.add_service_errors(form, error, rename={"new_value": "change_value"})
        return _render_proposal(request, club, pk, decide_form=form)
    messages.success(request, "Decided: the answer is on the young people's club page.")
    if decision.moving_goalposts:
        messages.warning(
            request,
            f"{aspect.name} was negotiable when this idea was proposed: "
            "this is recorded as moving the goalposts.",
        )
    if form.has_change:
        messages.success(request, "The change is recorded and the idea is done.")
    return redirect(_proposal_url(club, pk))


@require_POST
@login_required
def proposal_change(request, slug, pk):
    club = _club(request, slug, act=True)
    proposal = _proposal(club, pk)
    form = forms.ChangeForm(request.POST, club=club)
    if form.is_valid():
        try:
            services.change_record(
                aspect=form.cleaned_data["aspect"],
                by=request.user,
                new_value=form.cleaned_data["new_value"],
                effective_date=form.cleaned_data["effective_date"],
                note=form.cleaned_data["note"],
                proposals=[proposal],
            )
        except InvalidTransition as error:
            return _refused(request, club, pk, error)
        except ValidationError as error:
            forms.add_service_errors(form, error)
        else:
            messages.success(request, "The change is recorded and the idea is done.")
            return redirect(_proposal_url(club, pk))
    return _render_proposal(request, club, pk, change_form=form)


@require_POST
@login_required
def proposal_reopen(request, slug, pk):
    club = _club(request, slug, act=True)
    proposal = _proposal(club, pk)
    form = forms.ReopenForm(request.POST)
    form.is_valid()
    try:
        services.proposal_reopen(
            proposal=proposal, by=request.user, note=form.cleaned_data.get("note", "")
        )
    except InvalidTransition as error:
        return _refused(request, club, pk, error)
    messages.success(request, "Reopened: you can decide it again.")
    return redirect(_proposal_url(club, pk))


# --- Rounds ------------------------------------------------------------------------


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def rounds(request, slug):
    club = _club(request, slug, act=request.method == "POST")
    form = forms.RoundForm(request.POST or None, club=club)
    if request.method == "POST" and form.is_valid():
        try:
            services.round_create(club=club, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            forms.add_service_errors(form, error)
        else:
            messages.success(request, "The question is open to the club's members.")
            return redirect(reverse("feedback:rounds", kwargs={"slug": club.slug}))
    context = {
        "club": club,
        "rounds": selectors.club_rounds(club=club),
        "today": timezone.localdate(),
        "form": form,
        "can_act": can_act_for_club(request.user, club),
    }
    return render(request, "feedback/coach/rounds.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def round_edit(request, slug, pk):
    club = _club(request, slug, act=True)
    round_ = get_object_or_404(club.rounds, pk=pk)
    initial = {
        "question": round_.question,
        "description": round_.description,
        "aspect": round_.aspect_id,
        "opens_on": round_.opens_on,
        "closes_on": round_.closes_on,
    }
    form = forms.RoundForm(request.POST or None, club=club, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.round_update(round_=round_, **form.cleaned_data)
        except ValidationError as error:
            forms.add_service_errors(form, error)
        else:
            messages.success(request, "Saved.")
            return redirect(reverse("feedback:rounds", kwargs={"slug": club.slug}))
    return render(
        request, "feedback/coach/round_edit.html", {"club": club, "round": round_, "form": form}
    )


@require_POST
@login_required
def round_close(request, slug, pk):
    club = _club(request, slug, act=True)
    round_ = get_object_or_404(club.rounds, pk=pk)
    services.round_close(round_=round_, by=request.user)
    messages.success(request, f"Closed \u201c{round_.question}\u201d: it takes no more ideas.")
    return redirect(reverse("feedback:rounds", kwargs={"slug": club.slug}))


# --- Members -----------------------------------------------------------------------


@require_safe
@login_required
def participants(request, slug):
    club = _club(request, slug)
    context = {
        "club": club,
        "participants": selectors.club_participants(club=club),
        "can_act": can_act_for_club(request.user, club),
    }
    return render(request, "feedback/coach/participants.html", context)


@require_POST
@login_required
def participant_block(request, slug, pk):
    club = _club(request, slug, act=True)
    participant = get_object_or_404(Participant, club=club, pk=pk)
    blocked = request.POST.get("blocked") == "1"
    services.participant_block(participant=participant, by=request.user, blocked=blocked)
    if blocked:
        messages.success(
            request, f"{participant.pseudonym} can still read but can no longer post or support."
        )
    else:
        messages.success(request, f"{participant.pseudonym} can post and support again.")
    return redirect(reverse("feedback:participants", kwargs={"slug": club.slug}))


# --- Learning and the club record -----------------------------------------------------


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def learning_new(request, slug):
    club = _club(request, slug, act=True)
    initial = {"round": request.GET.get("round"), "proposal": request.GET.get("proposal")}
    form = forms.LearningForm(request.POST or None, club=club, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.learning_record(
                club=club,
                by=request.user,
                getting=data["getting"],
                learning=data["learning"],
                acting=data["acting"],
                round_=data["round"],
                proposal=data["proposal"],
                period_start=data["period_start"],
                period_end=data["period_end"],
            )
        except ValidationError as error:
            forms.add_service_errors(form, error)
        else:
            messages.success(request, "Your learning is recorded in the club record.")
            default = reverse("feedback:club-record", kwargs={"slug": club.slug})
            return redirect(safe_next_url(request, default))
    return render(request, "feedback/coach/learning_new.html", {"club": club, "form": form})


@require_safe
@login_required
def club_record(request, slug):
    club = _club(request, slug)
    form = forms.RecordFilterForm(request.GET or None, club=club)
    period, aspect = form.choice()
    record = selectors.club_record(club=club, start=period.start, end=period.end, aspect=aspect)
    earlier, later = period.earlier(), period.later()
    default = selectors.RecordPeriod.default()
    context = {
        "club": club,
        "record": record,
        "form": form,
        "period": period,
        "aspect": aspect,
        "earlier": earlier and earlier.query(aspect),
        "later": later and later.query(aspect),
        "whole": None if period.is_whole else selectors.RecordPeriod(None, None).query(aspect),
        # A link back to the default period, unless it is this one or the one just after.
        "recent": None
        if default in (period, later)
        else (urlencode({"aspect": aspect.pk}) if aspect else ""),
        "default_length": default.length,
        "can_act": can_act_for_club(request.user, club),
        # Outcomes (#15): attendance after each change, and the club still running.
        "sustainability": outcomes.club_record_outcomes(
            club, [e.obj for e in record.entries if e.kind == "change"]
        ),
    }
    return render(request, "feedback/coach/club_record.html", context)
