"""Response headers Django has no setting for."""

from django.conf import settings
from django.utils.cache import patch_cache_control


class PermissionsPolicyMiddleware:
    """Adds a Permissions-Policy header that turns off powerful browser features."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response


class PrivatePagesMiddleware:
    """Pages for a signed-in person or a young person's phone (their club, their words, other
    members' ideas) are never stored by a browser or a shared cache: `private, no-store`.
    Public pages (home, join, privacy) and static files (served before this) are left alone;
    a page that set its own Cache-Control keeps it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if "Cache-Control" in response.headers:
            return response
        user = getattr(request, "user", None)
        cookie = settings.PARTICIPANT_COOKIE_NAME
        if (
            (user is not None and user.is_authenticated)
            or cookie in request.COOKIES
            or cookie in response.cookies
        ):
            patch_cache_control(response, private=True, no_store=True)
        return response
