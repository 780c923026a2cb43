"""Signing in and the signed-in user, as Django's own ModelBackend does it, with one thing
more: each request's user is read with whether they lead any partner (an EXISTS in the same
query), so a coach's pages need no query to learn they lead none
(`permissions.led_partner_ids`, asked by the menu and every permission check).

The query is asked on every signed-in page and depends on the user's id only: its SQL is
built once per user and process (`coproduce.compiled`; building it through the ORM cost
three times running it)."""

from django.contrib.auth.backends import ModelBackend
from django.db.models import Exists, OuterRef

from clubs.models import PartnerRole, User
from coproduce.compiled import CompiledQueries

_USERS = CompiledQueries(maxsize=2048)


def _user_query(user_id):
    leads = PartnerRole.objects.filter(user=OuterRef("pk"), role=PartnerRole.Role.LEAD)
    return User._default_manager.annotate(leads_any_partner=Exists(leads)).filter(pk=user_id)


class UserBackend(ModelBackend):
    def get_user(self, user_id):
        try:
            key = int(user_id)  # as the session keeps it: text
        except (TypeError, ValueError):
            return None
        found = _USERS.objects(key, lambda: _user_query(key))
        if not found:
            return None
        user = found[0]
        return user if self.user_can_authenticate(user) else None
