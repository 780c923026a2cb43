"""Who a young person is: a signed cookie on their phone holding their participant keys.

Young people have no account. Joining a club (or recovering with a phrase) puts
that club's `Participant.key` into a long-lived, signed, HTTP-only cookie; one
phone may belong to several clubs, so the cookie holds a list of keys. A key
whose participant was deleted simply no longer matches anyone: that phone is a
stranger again.
"""

from django.conf import settings
from django.core import signing
from django.http import HttpRequest, HttpResponse

from clubs.models import Club
from feedback.models import Participant

SALT = "coproduce.participant"
SEPARATOR = "."  # never in a token_urlsafe key
MAX_KEYS = 20  # keeps the cookie well under the browsers' 4 KB


def cookie_keys(request: HttpRequest) -> list[str]:
    """The participant keys this phone holds; an unsigned or tampered cookie holds none."""
    raw = request.get_signed_cookie(
        settings.PARTICIPANT_COOKIE_NAME,
        default="",
        salt=SALT,
        max_age=settings.PARTICIPANT_COOKIE_MAX_AGE,
    )
    return [key for key in raw.split(SEPARATOR) if key][:MAX_KEYS]


def signed_value(keys: list[str]) -> str:
    """The cookie's value for these keys (as `HttpResponse.set_signed_cookie` signs it)."""
    name = settings.PARTICIPANT_COOKIE_NAME
    return signing.get_cookie_signer(salt=name + SALT).sign(SEPARATOR.join(keys))


def set_cookie_keys(response: HttpResponse, keys: list[str]) -> None:
    keys = list(dict.fromkeys(k for k in keys if k))[:MAX_KEYS]
    if not keys:
        response.delete_cookie(settings.PARTICIPANT_COOKIE_NAME, samesite="Lax")
        return
    response.set_cookie(
        settings.PARTICIPANT_COOKIE_NAME,
        signed_value(keys),
        max_age=settings.PARTICIPANT_COOKIE_MAX_AGE,
        secure=settings.PARTICIPANT_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


def remember(request: HttpRequest, response: HttpResponse, participant: Participant) -> None:
    """Adds a participant to this phone, dropping keys whose participants are gone
    and any other participant of the same club (one identity per club per phone)."""
    keys = cookie_keys(request)
    alive = set(
        Participant.objects.filter(key__in=keys)
        .exclude(club_id=participant.club_id)
        .values_list("key", flat=True)
    )
    set_cookie_keys(response, [participant.key, *(k for k in keys if k in alive)])


def forget(request: HttpRequest, response: HttpResponse, participant_key: str) -> None:
    set_cookie_keys(response, [k for k in cookie_keys(request) if k != participant_key])


def current_participant(request: HttpRequest, club: Club) -> Participant | None:
    """This phone's participant in `club`, or None for a stranger."""
    keys = cookie_keys(request)
    if not keys:
        return None
    return Participant.objects.select_related("club").filter(club=club, key__in=keys).first()


def participant_for_slug(request: HttpRequest, slug: str) -> Participant | None:
    """This phone's participant in the club with `slug`, with the club, in one query."""
    keys = cookie_keys(request)
    if not keys:
        return None
    return Participant.objects.select_related("club").filter(club__slug=slug, key__in=keys).first()


def participants_on_phone(request: HttpRequest) -> list[Participant]:
    keys = cookie_keys(request)
    if not keys:
        return []
    return list(
        Participant.objects.select_related("club").filter(key__in=keys).order_by("club__name")
    )


def has_any_membership(request: HttpRequest) -> bool:
    keys = cookie_keys(request)
    return bool(keys) and Participant.objects.filter(key__in=keys).exists()
