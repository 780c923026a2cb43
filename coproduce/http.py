"""Small HTTP helpers shared by every app's views."""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

# Stands for the varying argument in a reversed URL; see `link_maker`. Digits, so that it
# fits both the int and the slug converters.
_STAND_IN = "987654321987654321"


def safe_next_url(request: HttpRequest, default: str) -> str:
    """The `next` address of the request if it is a path on this site, else `default`.

    Only absolute paths ("/...") are taken: anything else could be an open
    redirect, or a string `redirect()` would try to treat as a view name.
    """
    target = request.POST.get("next") or request.GET.get("next") or ""
    if (
        target.startswith("/")
        and not target.startswith("//")
        and url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return target
    return default


def link_maker(viewname: str, vary: str, **fixed) -> Callable[[object], str]:
    """Links to `viewname` that differ only in the URL argument `vary`, from one `reverse()`:
    a function of that argument's value. For pages that list many links (a club's ideas, a
    dashboard's clubs), where a `reverse()` or `{% url %}` per link was a good part of the
    page's time. `vary` must be the last argument in the path (the stand-in is looked for
    from the end, so a fixed argument containing it does no harm)."""
    head, _, tail = reverse(viewname, kwargs={**fixed, vary: _STAND_IN}).rpartition(_STAND_IN)
    return lambda value: f"{head}{value}{tail}"


def client_ip(request: HttpRequest) -> str:
    """The address of the person making the request, for the abuse limits.

    Behind `settings.TRUSTED_PROXIES` reverse proxies, each of which appends the address it
    was contacted from to X-Forwarded-For, the client is the address the outermost trusted
    proxy saw: that many entries from the right. Entries further left were written by the
    client itself and are not believed. Without trusted proxies, or with a header too short
    to have passed through them all, it is the connection's own address.
    """
    proxies = settings.TRUSTED_PROXIES
    if proxies > 0:
        hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        hops = [h for h in hops if h]
        if len(hops) >= proxies:
            return hops[-proxies]
    return request.META.get("REMOTE_ADDR") or "0.0.0.0"  # noqa: S104 - a key, not a bind
