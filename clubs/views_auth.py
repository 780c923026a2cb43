"""Sign-in and password reset with abuse limits, and each role's landing page.

Limits count the person's own address (`coproduce.http.client_ip`, behind trusted
proxies) and the account, so guessing is stopped without one shared connection
locking out everyone behind it, or anyone locking a coach out from elsewhere for
long (figures in docs/security.md).
"""

from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.utils.decorators import method_decorator
from django_ratelimit.decorators import ratelimit

from clubs import selectors
from coproduce.http import client_ip


def _rate(name):
    """Read when the request comes, so settings can change it (tests do)."""
    return lambda group, request: settings.RATE_LIMITS[name]


def _account(request, field: str) -> str:
    return (request.POST.get(field) or "").strip().lower()


def _account_key(field: str):
    return lambda group, request: _account(request, field)


def _account_from_here_key(field: str):
    return lambda group, request: f"{_account(request, field)}|{client_ip(request)}"


def sign_in_limits(field: str = "username"):
    """Wrong or right, sign-in POSTs count: per address, per account from that address
    (a person mistyping), and per account from every address (a spread-out attack)."""
    limits = (
        ("login", "ip"),
        ("login_account", _account_from_here_key(field)),
        ("login_account_total", _account_key(field)),
    )

    def decorate(view):
        for name, key in limits:
            view = ratelimit(group=f"login:{name}", key=key, rate=_rate(name), method="POST")(view)
        return view

    return decorate


@method_decorator(sign_in_limits(), name="post")
class LoginView(auth_views.LoginView):
    redirect_authenticated_user = True

    def get_default_redirect_url(self):
        """Without a `next` address, each role lands where their work is."""
        return selectors.landing_url(self.request.user)


# The admin site's own sign-in, with the same limits (its form also posts "username").
admin_login = sign_in_limits()(admin.site.login)


@method_decorator(
    ratelimit(group="password_reset", key="ip", rate=_rate("password_reset"), method="POST"),
    name="post",
)
@method_decorator(
    ratelimit(
        group="password_reset_account",
        key=_account_key("email"),
        rate=_rate("password_reset_account"),
        method="POST",
    ),
    name="post",
)
class PasswordResetView(auth_views.PasswordResetView):
    """Asking for a reset email: per address and per account, so nobody floods an inbox."""
