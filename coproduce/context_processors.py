"""What the site's menu needs on every page, worked out only when a page shows it."""

from django.utils.functional import cached_property

from clubs import permissions
from feedback import identity
from feedback.selectors_coaches import needs_you_count


class StaffMenu:
    """The signed-in menu: county staff get the county dashboard, a lead their partner's
    dashboard, whoever runs clubs "Needs you" with how many things wait."""

    def __init__(self, user):
        self.user = user

    @cached_property
    def county(self) -> bool:
        return permissions.is_county_staff(self.user)

    @cached_property
    def partner_id(self) -> int | None:
        led = permissions.led_partner_ids(self.user)
        return min(led) if led else None

    @cached_property
    def runs_clubs(self) -> bool:
        """Read-only county staff change nothing, so nothing waits for them."""
        return not permissions.is_read_only(self.user)

    @cached_property
    def needs_you(self) -> int:
        return needs_you_count(user=self.user) if self.runs_clubs else 0


class PhoneMenu:
    """A young person's menu: "My clubs" only on a phone that is in more than one club."""

    def __init__(self, request):
        self.request = request

    @cached_property
    def clubs(self) -> int:
        return len(identity.cookie_keys(self.request))


def menu(request):
    user = getattr(request, "user", None)
    staff = StaffMenu(user) if user is not None and user.is_authenticated else None
    return {"staff_menu": staff, "phone_menu": PhoneMenu(request)}
