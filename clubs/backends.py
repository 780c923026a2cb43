"""Signing in and the signed-in user, as Django's own ModelBackend does it, with one thing
more: each request's user is read with whether they lead any partner (an EXISTS in the same
query), so a coach's pages need no query to learn they lead none
(`permissions.led_partner_ids`, asked by the menu and every permission check)."""

from django.contrib.auth.backends import ModelBackend
from django.db.models import Exists, OuterRef

from clubs.models import PartnerRole, User


class UserBackend(ModelBackend):
    def get_user(self, user_id):
        leads = PartnerRole.objects.filter(user=OuterRef("pk"), role=PartnerRole.Role.LEAD)
        try:
            user = User._default_manager.annotate(leads_any_partner=Exists(leads)).get(pk=user_id)
        except User.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
