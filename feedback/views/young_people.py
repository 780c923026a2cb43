"""Young people's pages: joining, their club, proposing, supporting, their data.

A young person is whoever the signed cookie on their phone says (`feedback.identity`).
A phone with no membership at all is sent to /join/; a member of another club
gets 404 for this club's pages.
"""

import json
import uuid
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.staticfiles import finders
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django_ratelimit.core import is_ratelimited
from django_ratelimit.decorators import ratelimit
from django_ratelimit.exceptions import Ratelimited

from clubs.models import Club, normalise_join_code
from coproduce.http import client_ip, safe_next_url
from feedback import identity, push, services
from feedback import selectors_young_people as selectors
from feedback import sessions as club_sessions
from feedback.forms_young_people import (
    ConcernForm,
    ConfirmDeleteForm,
    JoinCodeForm,
    JoinForm,
    ListenedForm,
    NewPhraseForm,
    ProposeForm,
    RecoverForm,
)
from feedback.models import AgeBand, Proposal, Round, State
from feedback.words import pseudonym_suggestions


def _rate(name):
    """Reads the limit when the request comes, so settings can change it (tests do)."""
    return lambda group, request: settings.RATE_LIMITS[name]


def _phone_key(group, request):
    """Limits per phone (its cookie), falling back to the address."""
    return request.COOKIES.get(settings.PARTICIPANT_COOKIE_NAME) or client_ip(request)


def _check_join_guessing(request, *, failed: bool) -> None:
    """Wrong codes count against the address they come from (the person's own, behind
    trusted proxies: `client_ip`), and only there: guessing from one connection never
    stops anyone on another. Right codes do not count, so a class joining together
    behind one school address is not stopped; guessing is.
    """
    if is_ratelimited(
        request, group="join:join_client", key="ip", rate=_rate("join_client"), increment=failed
    ):
        raise Ratelimited()


def _check_join_member(request, club: Club):
    """New members of one club: per code and address (a burst of made-up identities from one
    connection is refused), and per club in an hour, which its coach sees and can lift.
    Returns the page to show when the club's hourly limit is reached, else None."""
    if is_ratelimited(
        request,
        group="join:join_member",
        key=lambda group, request: f"{client_ip(request)}:{club.join_code}",
        rate=_rate("join_member"),
        increment=True,
    ):
        raise Ratelimited()
    if selectors.join_limit(club=club).reached:
        return render(request, "feedback/young/join_paused.html", {"club": club}, status=429)
    return None


def _find_club(raw_code: str) -> Club | None:
    code = normalise_join_code(raw_code)
    if not code:
        return None
    return Club.objects.filter(join_code=code, is_active=True).first()


def _error_messages(error: ValidationError) -> list[str]:
    return [str(m) for m in error.messages]


def _add_errors(form, error: ValidationError) -> None:
    """Puts a service's ValidationError on the form, by field where it names one."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)


def member_required(view):
    """Loads this phone's participant in the club `slug`: `view(request, participant, ...)`."""

    @wraps(view)
    def wrapper(request, slug, *args, **kwargs):
        participant = identity.participant_for_slug(request, slug)
        if participant is None:
            if identity.has_any_membership(request):
                raise Http404("Not a member of this club.")
            messages.info(
                request,
                "Join your club first: type the code your coach gave you. "
                "Joined before on another phone? Get back in with your recovery phrase below.",
            )
            return redirect("feedback:join")
        return view(request, participant, *args, **kwargs)

    return wrapper


# --- Joining -------------------------------------------------------------------


@require_safe
def join(request):
    """Type the club's code; a good one leads on to picking a name."""
    if "code" not in request.GET:
        return render(request, "feedback/young/join.html", {"form": JoinCodeForm()})
    form = JoinCodeForm(request.GET)
    if form.is_valid():
        _check_join_guessing(request, failed=False)
        club = _find_club(form.cleaned_data["code"])
        if club is not None:
            return redirect("feedback:join-code", code=club.join_code)
        _check_join_guessing(request, failed=True)
        form.add_error(
            "code",
            ValidationError(
                "We don't know that code. Check it with your coach: "
                "codes sometimes change, so an old one won't work.",
                code="unknown_code",
            ),
        )
    return render(request, "feedback/young/join.html", {"form": form})


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def join_code(request, code):
    """The QR code's target: pick a made-up name and an age group, then join."""
    _check_join_guessing(request, failed=False)
    club = _find_club(code)
    if club is None:
        _check_join_guessing(request, failed=True)
        form = JoinCodeForm({"code": code})
        form.add_error(
            "code",
            ValidationError(
                "That code doesn't work. Ask your coach for the club's code: it may have changed.",
                code="unknown_code",
            ),
        )
        return render(request, "feedback/young/join.html", {"form": form}, status=404)
    existing = identity.current_participant(request, club)
    if existing is not None:
        messages.info(request, f"You're already in {club.name} as {existing.pseudonym}.")
        return redirect("feedback:member-home", slug=club.slug)
    taken = set(club.participants.values_list("pseudonym", flat=True))
    suggestions = pseudonym_suggestions(6, taken=taken)
    if request.method == "POST":
        if request.POST.get("age_band") == AgeBand.UNDER_13:
            return render(request, "feedback/young/too_young.html", {"club": club})
        form = JoinForm(request.POST, suggestions=suggestions)
        if form.is_valid():
            token = form.cleaned_data["client_token"]
            # A second tap on Join is not a new member: the limits on new members don't apply.
            new_member = not selectors.joined_with_token(club=club, client_token=token)
            if new_member and (paused := _check_join_member(request, club)):
                return paused
            try:
                participant, phrase = services.participant_join(
                    club=club,
                    pseudonym=form.cleaned_data["pseudonym"],
                    age_band=form.cleaned_data["age_band"],
                    client_token=token,
                )
            except ValidationError as error:
                if error.code == "already_joined":
                    messages.info(request, error.messages[0])
                    return redirect(f"{reverse('feedback:join-recover')}?code={club.join_code}")
                if error.code in ("pseudonym", "pseudonym_taken"):
                    form.add_error("pseudonym", error)
                elif error.code == "age_band":
                    form.add_error("age_band", error)
                else:
                    form.add_error(None, error)
            else:
                response = render(
                    request,
                    "feedback/young/joined.html",
                    {"club": club, "participant": participant, "phrase": phrase},
                )
                identity.remember(request, response, participant)
                return response
    else:
        form = JoinForm(suggestions=suggestions)
    return render(
        request,
        "feedback/young/join_club.html",
        {"club": club, "form": form, "code": code, "client_token": _new_token(request)},
    )


@never_cache
@ratelimit(group="recover", key="ip", rate=_rate("recover"), method="POST", block=True)
@require_http_methods(["GET", "HEAD", "POST"])
def join_recover(request):
    """Back on another phone with the club's code and the recovery phrase."""
    if request.method == "POST":
        form = RecoverForm(request.POST)
    else:
        form = RecoverForm(initial={"code": normalise_join_code(request.GET.get("code", ""))})
    if request.method == "POST" and form.is_valid():
        club = _find_club(form.cleaned_data["code"])
        if club is None:
            _check_join_guessing(request, failed=True)
            form.add_error(
                "code",
                ValidationError(
                    "We don't know that code. Check it with your coach: "
                    "codes sometimes change, so an old one won't work.",
                    code="unknown_code",
                ),
            )
        else:
            try:
                participant = services.participant_recover(
                    club=club, phrase=form.cleaned_data["phrase"]
                )
            except ValidationError as error:
                form.add_error("phrase", error)
            else:
                messages.success(
                    request,
                    f"Welcome back, {participant.pseudonym}! This phone remembers you now.",
                )
                response = redirect("feedback:member-home", slug=club.slug)
                identity.remember(request, response, participant)
                return response
    return render(request, "feedback/young/recover.html", {"form": form})


@require_safe
def my_clubs(request):
    """The clubs this phone belongs to."""
    participants = identity.participants_on_phone(request)
    return render(request, "feedback/young/my_clubs.html", {"participants": participants})


# --- The club ------------------------------------------------------------------


@require_safe
@member_required
def member_home(request, participant):
    services.participant_visit(participant=participant)
    home = selectors.member_home(participant=participant, today=timezone.localdate())
    return render(
        request,
        "feedback/young/club.html",
        {
            "club": participant.club,
            "participant": participant,
            "home": home,
            "notice_count": len(home.notices),
            "push_key": settings.VAPID_PUBLIC_KEY if push.push_enabled() else "",
            "today": timezone.localdate(),
            # Sessions and registers (#15): the next three, with cancellations and changes.
            "next_sessions": club_sessions.next_sessions(
                participant.club_id, today=timezone.localdate()
            ),
        },
    )


@require_POST
@member_required
def notices_seen(request, participant):
    """'Got it' under the answer notice: what it showed is now seen."""
    try:
        upto = int(request.POST.get("upto", ""))
    except ValueError:
        upto = 0
    services.notices_mark_seen(participant=participant, upto=upto)
    return redirect("feedback:member-home", slug=participant.club.slug)


@ratelimit(group="propose", key=_phone_key, rate=_rate("propose"), method="POST", block=True)
@require_http_methods(["GET", "HEAD", "POST"])
@member_required
def member_propose(request, participant):
    club = participant.club
    today = timezone.localdate()
    aspects = club.aspects.all()
    rounds = Round.objects.filter(club=club).open_on(today)
    initial = {}
    if request.GET.get("round", "").isdigit():
        initial["round"] = int(request.GET["round"])
    if request.method == "POST":
        form = ProposeForm(request.POST, aspects=aspects, rounds=rounds)
        if form.is_valid():
            data = form.cleaned_data
            try:
                proposal = services.proposal_submit(
                    participant=participant,
                    title=data["title"],
                    text=data["text"],
                    aspect=data["aspect"],
                    round_=data.get("round"),
                    client_token=data["client_token"],
                )
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(request, "Thanks for sharing your idea!")
                return redirect(proposal.get_absolute_url())
    else:
        form = ProposeForm(aspects=aspects, rounds=rounds, initial=initial)
    return render(
        request,
        "feedback/young/propose.html",
        {
            "club": club,
            "participant": participant,
            "form": form,
            "aspects": list(aspects),
            "rounds": list(rounds),
            "client_token": _new_token(request),
        },
    )


def _new_token(request) -> str:
    """The form keeps its token when shown again with errors, so a retry is still one idea."""
    posted = request.POST.get("client_token", "") if request.method == "POST" else ""
    try:
        return str(uuid.UUID(posted))
    except ValueError:
        return str(uuid.uuid4())


@require_safe
@member_required
def proposal_detail(request, participant, pk):
    proposal = selectors.proposal_for_member(
        participant=participant, pk=pk, today=timezone.localdate()
    )
    if proposal is None:
        raise Http404("No such idea.")
    return render(
        request,
        "feedback/young/proposal.html",
        {
            "club": participant.club,
            "participant": participant,
            "proposal": proposal,
            "today": timezone.localdate(),
            "listened_form": ListenedForm() if proposal.can_answer_listened else None,
        },
    )


def _own_proposal(participant, pk) -> Proposal:
    return get_object_or_404(Proposal, pk=pk, club=participant.club, author=participant)


@require_http_methods(["GET", "HEAD", "POST"])
@member_required
def proposal_edit(request, participant, pk):
    """The author changes an idea their coach sent back, and sends it again."""
    proposal = _own_proposal(participant, pk)
    if proposal.state != State.RETURNED:
        messages.info(request, "Only an idea your coach sent back can be changed.")
        return redirect(proposal.get_absolute_url())
    aspects = participant.club.aspects.all()
    if request.method == "POST":
        form = ProposeForm(request.POST, aspects=aspects)
        if form.is_valid():
            try:
                services.proposal_resubmit(
                    proposal=proposal,
                    participant=participant,
                    title=form.cleaned_data["title"],
                    text=form.cleaned_data["text"],
                    aspect=form.cleaned_data["aspect"],
                )
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(request, "Sent again. It's waiting for your coach.")
                return redirect(proposal.get_absolute_url())
    else:
        form = ProposeForm(
            aspects=aspects,
            initial={"title": proposal.title, "text": proposal.text, "aspect": proposal.aspect_id},
        )
    return render(
        request,
        "feedback/young/propose.html",
        {
            "club": participant.club,
            "participant": participant,
            "form": form,
            "aspects": list(aspects),
            "proposal": proposal,
            "editing": True,
        },
    )


@require_POST
@member_required
def proposal_withdraw(request, participant, pk):
    proposal = _own_proposal(participant, pk)
    try:
        services.proposal_withdraw(proposal=proposal, participant=participant)
    except ValidationError as error:
        for message in _error_messages(error):
            messages.error(request, message)
    else:
        messages.success(request, "You withdrew your idea.")
    return redirect(proposal.get_absolute_url())


@ratelimit(group="support", key=_phone_key, rate=_rate("support"), method="POST", block=True)
@require_POST
@member_required
def proposal_support(request, participant, pk):
    """Supports the idea (again is no change). A plain form POST redirects back; htmx
    gets the card."""
    return _support_set(request, participant, pk, supporting=True)


@ratelimit(group="support", key=_phone_key, rate=_rate("support"), method="POST", block=True)
@require_POST
@member_required
def proposal_unsupport(request, participant, pk):
    """Withdraws the support (again is no change), as `proposal_support` answers."""
    return _support_set(request, participant, pk, supporting=False)


def _support_set(request, participant, pk, *, supporting: bool):
    today = timezone.localdate()
    home_url = reverse("feedback:member-home", kwargs={"slug": participant.club.slug})
    proposal = selectors.proposal_to_support(participant=participant, pk=pk)
    if proposal is None:
        raise Http404("No such idea.")
    error_text = ""
    try:
        services.support_set(proposal=proposal, participant=participant, supporting=supporting)
    except ValidationError as error:
        error_text = " ".join(_error_messages(error))
    if request.htmx:
        card = selectors.proposal_card(participant=participant, pk=pk, today=today)
        return render(
            request,
            "feedback/young/_proposal_card.html",
            {
                "proposal": card,
                "club": participant.club,
                "card_error": error_text,
                "compact": request.POST.get("compact") == "1",
                "next": safe_next_url(request, home_url),
            },
        )
    if error_text:
        messages.error(request, error_text)
    elif supporting:
        messages.success(request, f"You support \u201c{proposal.title}\u201d.")
    else:
        messages.info(request, f"You no longer support \u201c{proposal.title}\u201d.")
    return HttpResponseRedirect(safe_next_url(request, home_url))


@require_POST
@member_required
def proposal_listened(request, participant, pk):
    proposal = _own_proposal(participant, pk)
    form = ListenedForm(request.POST)
    if form.is_valid():
        try:
            services.listened_answer_record(
                proposal=proposal,
                participant=participant,
                answer=form.cleaned_data["answer"],
                comment=form.cleaned_data["comment"],
            )
        except ValidationError as error:
            for message in _error_messages(error):
                messages.error(request, message)
        else:
            messages.success(request, "Thank you for telling us. Your coach will see it.")
    else:
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
    return redirect(proposal.get_absolute_url())


# --- Safety and data -------------------------------------------------------------


@ratelimit(group="concern", key=_phone_key, rate=_rate("concern"), method="POST", block=True)
@require_http_methods(["GET", "HEAD", "POST"])
@member_required
def member_concern(request, participant):
    proposals = selectors.proposals_for_member(participant).exclude(state=State.WITHDRAWN)
    initial = {}
    if request.GET.get("proposal", "").isdigit():
        initial["proposal"] = int(request.GET["proposal"])
    form = ConcernForm(
        request.POST if request.method == "POST" else None, proposals=proposals, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        try:
            concern = services.concern_report(
                participant=participant,
                text=form.cleaned_data["text"],
                proposal=form.cleaned_data["proposal"],
                client_token=form.cleaned_data["client_token"],
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            return render(
                request,
                "feedback/young/concern_sent.html",
                {"club": participant.club, "participant": participant, "concern": concern},
            )
    return render(
        request,
        "feedback/young/concern.html",
        {
            "club": participant.club,
            "participant": participant,
            "form": form,
            "client_token": _new_token(request),
        },
    )


# --- Web push (optional) ----------------------------------------------------------


@require_POST
@member_required
def push_subscribe(request, participant):
    """The club page's script posts this phone's push subscription (JSON)."""
    try:
        data = json.loads(request.body or b"{}")
        keys = data.get("keys") or {}
        push.push_subscribe(
            participant=participant,
            endpoint=str(data.get("endpoint", "")),
            p256dh=str(keys.get("p256dh", "")),
            auth=str(keys.get("auth", "")),
        )
    except (ValueError, AttributeError, ValidationError):
        return HttpResponse("That subscription can't be used.", status=400)
    return HttpResponse(status=204)


@require_POST
@member_required
def push_unsubscribe(request, participant):
    """Turns notifications off (works without JavaScript too)."""
    push.push_unsubscribe(participant=participant)
    if request.headers.get("Accept") == "application/json":
        return HttpResponse(status=204)
    messages.success(request, "Done: no more notifications on your phones.")
    return redirect("feedback:member-home", slug=participant.club.slug)


def _static_text(name: str, content_type: str) -> HttpResponse:
    """A file from static/ served from the site's root (a service worker's scope is
    where it is served from)."""
    path = finders.find(name)
    with open(path, encoding="utf-8") as handle:
        response = HttpResponse(handle.read(), content_type=content_type)
    response["Cache-Control"] = "no-cache"
    return response


@require_safe
def service_worker(request):
    return _static_text("js/sw.js", "application/javascript; charset=utf-8")


@require_safe
def manifest(request):
    return _static_text("manifest.webmanifest", "application/manifest+json")


@never_cache
@require_http_methods(["GET", "POST"])
@member_required
def member_new_phrase(request, participant):
    """A new recovery phrase, shown once; the old one stops working."""
    context = {"club": participant.club, "participant": participant}
    if request.method == "POST" and NewPhraseForm(request.POST).is_valid():
        context["phrase"] = services.participant_new_phrase(participant=participant)
    return render(request, "feedback/young/new_phrase.html", context)


@require_safe
@member_required
def my_data(request, participant):
    return render(
        request,
        "feedback/young/my_data.html",
        {"club": participant.club, "participant": participant},
    )


@require_safe
@member_required
def my_data_download(request, participant):
    data = selectors.my_data(participant=participant)
    response = HttpResponse(
        json.dumps(data, indent=2, ensure_ascii=False),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = 'attachment; filename="my-coproduce-data.json"'
    response["Cache-Control"] = "no-store"
    return response


@require_http_methods(["GET", "HEAD", "POST"])
@member_required
def my_data_delete(request, participant):
    form = ConfirmDeleteForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        club, key = participant.club, participant.key
        services.participant_delete(participant=participant)
        response = render(request, "feedback/young/deleted.html", {"deleted_club": club})
        identity.forget(request, response, key)
        return response
    return render(
        request,
        "feedback/young/my_data_delete.html",
        {"club": participant.club, "participant": participant, "form": form},
    )
