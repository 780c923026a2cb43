"""Staff-side club pages. Views parse input, check permission, call a service or selector.

Who may do what is decided in `clubs.permissions`: a club a user may not see is
answered 404 (its existence is not revealed); a club they may see but not
change is answered 403; Energise Me staff read everything and every POST of
theirs is refused (403).
"""

from functools import wraps

import segno
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import dateformat, timezone
from django.utils.safestring import mark_safe
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from clubs import permissions, selectors, services
from clubs.forms import (
    AcceptInvitationForm,
    AspectForm,
    ClubFilterForm,
    ClubForm,
    CoachAssignForm,
    CoachUnassignForm,
    InviteForm,
)
from clubs.models import Aspect, AspectKind, Club, User
from feedback.selectors_young_people import join_limit


def read_only_for_county_staff(view):
    """Energise Me staff read every club but change nothing: any POST of theirs is 403."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.method == "POST" and permissions.is_read_only(request.user):
            raise PermissionDenied("Energise Me staff can read clubs but not change them.")
        return view(request, *args, **kwargs)

    return wrapped


def _visible_club_or_404(user, slug: str) -> Club:
    club = get_object_or_404(Club.objects.select_related("partner", "district"), slug=slug)
    if not permissions.can_view_club(user, club):
        raise Http404("No such club.")
    return club


def _club_for(user, slug: str, may) -> Club:
    """The club if `may(user, club)`; 404 if the user can't see it, 403 if they can't change it."""
    club = _visible_club_or_404(user, slug)
    if not may(user, club):
        raise PermissionDenied("You can see this club but not change this.")
    return club


def _add_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


@login_required
@read_only_for_county_staff
@require_safe
def my_clubs(request):
    # Energise Me staff and superusers see every club: they can narrow the list.
    filters = (
        ClubFilterForm(request.GET or None)
        if request.user.is_county_staff or request.user.is_superuser
        else None
    )
    chosen = filters.cleaned_data if filters is not None and filters.is_valid() else {}
    district = chosen.get("district")
    clubs = list(
        selectors.clubs_for_user(
            user=request.user,
            district_id=district.pk if district else None,
            stage=chosen.get("stage", ""),
        )
    )
    for club in clubs:
        club.next_session = selectors.next_session(club)
    context = {
        "clubs": clubs,
        "filters": filters,
        "filtered": bool(district or chosen.get("stage")),
        "can_create": permissions.can_create_club(request.user),
    }
    return render(request, "clubs/my_clubs.html", context)


@login_required
@read_only_for_county_staff
@require_safe
def club_detail(request, slug):
    try:
        club = selectors.club_page(slug=slug)
    except Club.DoesNotExist:
        raise Http404("No such club.") from None
    if not permissions.can_view_club(request.user, club):
        raise Http404("No such club.")
    can_edit = permissions.can_edit_club(request.user, club)
    aspects = club.aspect_list
    context = {
        "club": club,
        "can_manage": permissions.can_manage_club(request.user, club),
        "can_edit": can_edit,
        **selectors.aspect_groups(aspects),
        "next_session": selectors.next_session(club),
        "join_limit": join_limit(club=club, joined=club.joined_last_hour),
    }
    return render(request, "clubs/club_detail.html", context)


@login_required
@read_only_for_county_staff
@require_http_methods(["GET", "HEAD", "POST"])
def club_create(request):
    if not permissions.can_create_club(request.user):
        raise PermissionDenied("Only a partner's lead can start a club.")
    partners = permissions.led_partners(request.user)
    first = partners.first()
    initial = {"district": first.district_id} if first else {}
    form = ClubForm(request.POST or None, partners=partners, initial=initial)
    if request.method == "POST" and form.is_valid():
        declarations = form.declarations()
        fields = dict(form.cleaned_data)
        partner = fields.pop("partner")
        try:
            club = services.club_create(
                partner=partner, by=request.user, declarations=declarations, **fields
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(
                request,
                f"{club.name} is set up: young people can see what they can change and why.",
            )
            return redirect(club)
    return render(request, "clubs/club_form.html", {"form": form, "club": None})


@login_required
@read_only_for_county_staff
@require_http_methods(["GET", "HEAD", "POST"])
def club_edit(request, slug):
    club = _club_for(request.user, slug, permissions.can_edit_club)
    form = ClubForm(request.POST or None, instance=club)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in form.changed_data}
        club = Club.objects.select_related("partner", "district").get(pk=club.pk)
        try:
            services.club_update(club=club, **fields)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, "Club details saved.")
            return redirect(club)
    return render(request, "clubs/club_form.html", {"form": form, "club": club})


@login_required
@read_only_for_county_staff
@require_http_methods(["GET", "HEAD", "POST"])
def club_coaches(request, slug):
    club = _club_for(request.user, slug, permissions.can_edit_club)
    form = CoachAssignForm(request.POST if request.POST.get("action") == "assign" else None)
    if request.method == "POST":
        if request.POST.get("action") == "unassign":
            unassign = CoachUnassignForm(request.POST, club=club)
            if unassign.is_valid():
                user = unassign.cleaned_data["user"]
                services.coach_unassign(club=club, user=user, by=request.user)
                messages.success(request, f"{user} no longer coaches {club.name}.")
            else:
                messages.error(request, "Choose one of this club's coaches.")
            return redirect("clubs:club-coaches", slug=club.slug)
        if form.is_valid():
            user = User.objects.filter(email__iexact=form.cleaned_data["email"]).first()
            try:
                if user is None:
                    raise ValidationError("No such coach.", code="coach_of_other_partner")
                services.coach_assign(club=club, user=user, by=request.user)
            except ValidationError:
                # One message whether or not the account exists: a lead learns nothing
                # about other partners' people.
                form.add_error(
                    "email",
                    ValidationError(
                        "Only coaches of %(partner)s can coach this club. Ask the site "
                        "administrator to add them to %(partner)s first.",
                        code="coach_of_other_partner",
                        params={"partner": club.partner.name},
                    ),
                )
                messages.error(request, "Nothing was saved: check the form below.")
            else:
                messages.success(request, f"{user} now coaches {club.name}.")
                return redirect("clubs:club-coaches", slug=club.slug)
    context = {
        "club": club,
        "form": form,
        "coaches": club.coach_assignments.select_related("user").order_by("user__name"),
        "available": selectors.partner_people(partner=club.partner, exclude_club=club),
        "history": selectors.coach_history(club=club),
    }
    return render(request, "clubs/club_coaches.html", context)


@login_required
@read_only_for_county_staff
@require_POST
def join_code_rotate(request, slug):
    club = _club_for(request.user, slug, permissions.can_edit_club)
    code = services.join_code_rotate(club=club)
    messages.success(
        request, f"The new join code is {code}. The old code no longer works: print a new poster."
    )
    return redirect(club)


@login_required
@read_only_for_county_staff
@require_http_methods(["GET", "HEAD", "POST"])
def invite(request, slug):
    """A lead invites a new coach (of this club) or lead (of the partner) by email."""
    club = _club_for(request.user, slug, permissions.can_edit_club)
    form = InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        role = form.cleaned_data["role"]
        invitation = services.invitation_send(
            partner=club.partner,
            email=form.cleaned_data["email"],
            role=role,
            club=club if role == "coach" else None,
            by=request.user,
            accept_url=lambda token: request.build_absolute_uri(
                reverse("invitation-accept", args=[token])
            ),
        )
        messages.success(
            request, f"Invitation sent to {invitation.email}. The link works once, for a week."
        )
        return redirect("clubs:club-coaches", slug=club.slug)
    return render(request, "clubs/invite.html", {"club": club, "form": form})


@sensitive_post_parameters("password1", "password2")
@require_http_methods(["GET", "HEAD", "POST"])
def invitation_accept(request, token):
    """The emailed link: choose a password, and start where the work is."""
    try:
        invitation = services.invitation_for_token(token)
    except ValidationError as error:
        return render(request, "clubs/invitation_accept.html", {"error": error}, status=404)
    form = AcceptInvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.invitation_accept(
                token=token,
                name=form.cleaned_data["name"],
                password=form.cleaned_data["password1"],
            )
        except ValidationError as error:
            form.add_error(None if getattr(error, "code", None) == "used" else "password1", error)
        else:
            auth_login(request, user)  # the one backend (settings.AUTHENTICATION_BACKENDS)
            messages.success(request, f"Welcome to Coproduce, {user}.")
            return redirect(selectors.landing_url(user))
    context = {"invitation": invitation, "form": form}
    return render(request, "clubs/invitation_accept.html", context)


@login_required
@read_only_for_county_staff
@require_POST
def join_limit_lift(request, slug):
    club = _club_for(request.user, slug, permissions.can_manage_club)
    services.join_limit_lift(club=club, by=request.user)
    until = dateformat.format(timezone.localtime(club.joins_unlimited_until), "H:i, j M")
    messages.success(request, f"Any number of young people can join {club.name} until {until}.")
    return redirect(club)


@login_required
@read_only_for_county_staff
@require_http_methods(["GET", "HEAD", "POST"])
def aspect_create(request, slug):
    club = _club_for(request.user, slug, permissions.can_manage_club)
    taken = list(club.aspects.values_list("kind", "label"))
    form = AspectForm(
        request.POST or None,
        initial={"status": "negotiable"},
        taken_kinds=[kind for kind, label in taken if not label],
        taken_labels=[label for kind, label in taken if kind == AspectKind.OTHER],
    )
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                aspect = services.aspect_create(
                    club=club,
                    kind=data["kind"],
                    label=data["label"],
                    value=data["value"],
                    status=data["status"],
                    room=data["room"],
                    reason=data["reason"],
                    by=request.user,
                    effective_date=data["effective_date"],
                )
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(request, f"{aspect.name} added.")
                return redirect(club)
        messages.error(request, "Nothing was saved: check the form below.")
    return render(request, "clubs/aspect_form.html", {"form": form, "club": club, "aspect": None})


@login_required
@read_only_for_county_staff
@require_http_methods(["GET", "HEAD", "POST"])
def aspect_edit(request, slug, pk):
    club = _club_for(request.user, slug, permissions.can_manage_club)
    aspect = get_object_or_404(Aspect, pk=pk, club=club)
    initial = {
        "value": aspect.value,
        "status": aspect.status,
        "room": aspect.room,
        "reason": aspect.reason,
    }
    form = AspectForm(request.POST or None, initial=initial, editing=True)
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                change = services.aspect_update(
                    aspect=aspect,
                    by=request.user,
                    value=data["value"],
                    status=data["status"],
                    room=data["room"],
                    reason=data["reason"],
                    effective_date=data["effective_date"],
                    note=data["note"],
                )
            except ValidationError as error:
                _add_errors(form, error)
            else:
                if change is None:
                    messages.info(request, f"{aspect.name}: nothing changed.")
                else:
                    messages.success(request, f"{aspect.name} saved; the change is in its history.")
                return redirect(club)
        messages.error(request, "Nothing was saved: check the form below.")
    return render(request, "clubs/aspect_form.html", {"form": form, "club": club, "aspect": aspect})


def qr_svg(url: str) -> str:
    """The URL as a QR code, inline SVG without style attributes (strict CSP)."""
    qr = segno.make(url, error="m")
    svg = qr.svg_inline(scale=10, border=4, omitsize=True, svgclass="qr-code", title="QR code")
    return mark_safe(svg)  # noqa: S308 - segno's own markup: modules as a path, no user text


def join_url(request, club: Club) -> str:
    # Built by hand: the young people's join page lives at /join/<code>/.
    return request.build_absolute_uri(f"/join/{club.join_code}/")


@login_required
@read_only_for_county_staff
@require_safe
def poster(request, slug):
    club = _visible_club_or_404(request.user, slug)
    aspects = list(club.aspects.order_by("order", "id").prefetch_related("changes"))
    selectors.settle_effective_values(aspects, today=timezone.localdate(), changes_attr="changes")
    url = join_url(request, club)
    context = {
        "club": club,
        "join_url": url,
        "qr": qr_svg(url),
        **selectors.aspect_groups(aspects),
    }
    return render(request, "clubs/poster.html", context)
