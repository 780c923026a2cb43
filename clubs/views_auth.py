"""Sign-in with throttling: repeated failed attempts are refused for a while."""

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.utils.decorators import method_decorator
from django_ratelimit.decorators import ratelimit

from clubs import selectors


def _login_account_key(group, request):
    return (request.POST.get("username") or "").strip().lower()


@method_decorator(
    ratelimit(key="ip", rate=lambda g, r: settings.RATE_LIMITS["login"], method="POST"),
    name="post",
)
@method_decorator(
    ratelimit(
        key=_login_account_key,
        rate=lambda g, r: settings.RATE_LIMITS["login_account"],
        method="POST",
    ),
    name="post",
)
class LoginView(auth_views.LoginView):
    redirect_authenticated_user = True

    def get_default_redirect_url(self):
        """Without a `next` address, each role lands where their work is."""
        return selectors.landing_url(self.request.user)
