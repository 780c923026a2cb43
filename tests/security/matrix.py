"""The site's URLs, the roles that visit them, and the real objects behind each URL.

Shared by the URL-wide permission matrix and the hostile-input tests.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core import signing
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from feedback import identity, services
from feedback.models import Concern, Outcome, Participant, Proposal, Round
from tests import factories

STAFF_ROLES = [
    "anonymous",
    "coach",
    "other_coach",
    "far_coach",
    "lead",
    "far_lead",
    "staff",
    "superuser",
]
MEMBER_ROLES = ["member", "member_other", "member_blocked", "member_deleted"]
ROLES = [STAFF_ROLES[0], *MEMBER_ROLES, *STAFF_ROLES[1:]]


def url_names(urlconf=None) -> set[str]:
    """Every named URL of the URL conf; the admin's count as one, "admin:*"."""
    names: set[str] = set()

    def walk(patterns, namespace: str | None):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if pattern.namespace == "admin":
                    names.add("admin:*")
                    continue
                inner = pattern.namespace
                ns = f"{namespace}:{inner}" if namespace and inner else (inner or namespace)
                walk(pattern.url_patterns, ns)
            elif isinstance(pattern, URLPattern):
                if pattern.name is None:
                    names.add(f"<unnamed {pattern.pattern}>")
                else:
                    names.add(f"{namespace}:{pattern.name}" if namespace else pattern.name)

    walk(get_resolver(urlconf).url_patterns, None)
    return names


@dataclass
class Site:
    """A world (tests/conftest.py) plus young people and proposals in every state."""

    world: object
    club: object
    member: Participant
    author: Participant
    member_other: Participant
    member_blocked: Participant
    deleted_key: str
    submitted: Proposal
    returned: Proposal
    published: Proposal
    decided: Proposal
    round: Round
    concern: Concern
    resetting: object  # an account mid-way through a password reset; never signs in

    def kwargs(self, name: str) -> dict:
        club = self.club
        pk = {
            "clubs:aspect-edit": lambda: club.aspects.get(kind="day").pk,
            "feedback:proposal-detail": lambda: self.published.pk,
            "feedback:proposal-edit": lambda: self.returned.pk,
            "feedback:proposal-withdraw": lambda: self.submitted.pk,
            "feedback:proposal-support": lambda: self.published.pk,
            "feedback:proposal-unsupport": lambda: self.published.pk,
            "feedback:proposal-listened": lambda: self.decided.pk,
            "feedback:coach-proposal": lambda: self.submitted.pk,
            "feedback:coach-proposal-publish": lambda: self.submitted.pk,
            "feedback:coach-proposal-return": lambda: self.submitted.pk,
            "feedback:coach-proposal-escalate": lambda: self.submitted.pk,
            "feedback:coach-proposal-acknowledge": lambda: self.published.pk,
            "feedback:coach-proposal-decide": lambda: self.published.pk,
            "feedback:coach-proposal-change": lambda: self.decided.pk,
            "feedback:coach-proposal-reopen": lambda: self.decided.pk,
            "feedback:concern-handle": lambda: self.concern.pk,
            "feedback:round-edit": lambda: self.round.pk,
            "feedback:round-close": lambda: self.round.pk,
            "feedback:participant-block": lambda: self.member.pk,
            # Sessions and registers (#15): today's session (its register is open).
            "feedback:register": self.session_pk,
            "feedback:session-change": self.session_pk,
        }
        special = {
            "feedback:join-code": {"code": club.join_code},
            "invitation-accept": {"token": self.invitation_token()},
            "password_reset_confirm": {
                "uidb64": urlsafe_base64_encode(force_bytes(self.resetting.pk)),
                "token": default_token_generator.make_token(self.resetting),
            },
        }
        if name in special:
            return special[name]
        params = pattern_kwargs(name)
        values = {}
        if "slug" in params:
            values["slug"] = club.slug
        if "partner_id" in params:
            values["partner_id"] = club.partner_id
        if "pk" in params:
            values["pk"] = pk[name]()
        return values

    def invitation_token(self) -> str:
        """An open invitation to coach the club: its link works for anyone holding it."""
        from clubs.models import Invitation
        from clubs.services import invitation_token

        invitation, _ = Invitation.objects.get_or_create(
            email="invited@example.org", partner=self.club.partner, role="coach"
        )
        return invitation_token(invitation)

    def object_pk(self, name: str) -> int | None:
        """The primary key in `name`'s address, if it has one."""
        return self.kwargs(name).get("pk")

    def url(self, name: str) -> str:
        return reverse(name, kwargs=self.kwargs(name))

    def sign_in(self, client, role: str) -> None:
        """Makes the test client be `role`: a staff account or a young person's phone."""
        client.logout()
        client.cookies.pop(settings.PARTICIPANT_COOKIE_NAME, None)
        if role in MEMBER_ROLES:
            key = self.deleted_key if role == "member_deleted" else getattr(self, role).key
            client.cookies[settings.PARTICIPANT_COOKIE_NAME] = participant_cookie(key)
            return
        user = self.world.role(role)
        if user is not None:
            client.force_login(user)


def participant_cookie(*keys: str) -> str:
    name = settings.PARTICIPANT_COOKIE_NAME
    return signing.get_cookie_signer(salt=name + identity.SALT).sign(identity.SEPARATOR.join(keys))


def pattern_kwargs(name: str) -> set[str]:
    resolver = get_resolver()
    possibilities = resolver.reverse_dict.getlist(name.split(":")[-1])
    if ":" in name:
        namespace = name.split(":")[0]
        _, sub = resolver.namespace_dict[namespace]
        possibilities = sub.reverse_dict.getlist(name.split(":")[-1])
    params: set[str] = set()
    for possibility in possibilities:
        for _, names in possibility[0]:
            params.update(names)
    return params


def build_site(world, club=None, coach=None, other_club=None) -> Site:
    """Young people and records in `club` (default: the world's club, its coach)."""
    club, coach = club or world.club, coach or world.coach
    member = factories.make_participant(club)
    author = factories.make_participant(club)
    member_other = factories.make_participant(other_club or world.sibling)
    member_blocked = factories.make_participant(club)
    services.participant_block(participant=member_blocked, by=coach)
    gone = factories.make_participant(club)
    deleted_key = gone.key
    services.participant_delete(participant=gone)

    today = timezone.localdate()
    round_ = services.round_create(
        club=club,
        by=coach,
        question="What should we play next term?",
        opens_on=today - timedelta(days=3),
        closes_on=today + timedelta(days=20),
    )
    submitted = factories.make_proposal(member, title="Later start")
    returned = services.proposal_return(
        proposal=factories.make_proposal(member, title="Music please"),
        by=coach,
        reason="Which music?",
    )
    published = factories.make_published(author, coach, title="Basketball too")
    decided = factories.make_published(member, coach, title="Thursdays")
    services.proposal_decide(
        proposal=decided,
        by=coach,
        outcome=Outcome.ADOPTED,
        answer="Yes, from next month.",
        promised_by=date.today() + timedelta(days=30),
    )
    decided.refresh_from_db()
    concern = services.concern_report(participant=member, text="Someone was unkind.")
    return Site(
        world=world,
        club=club,
        member=member,
        author=author,
        member_other=member_other,
        member_blocked=member_blocked,
        deleted_key=deleted_key,
        submitted=submitted,
        returned=returned,
        published=published,
        decided=decided,
        round=round_,
        concern=concern,
        resetting=factories.UserFactory(),
    )


# Sessions and registers (#15)


def _session_pk(self) -> int:
    """Today's session of the club (made once, before the requests' savepoints): a one-off,
    so opening the sessions list (which makes the weekly ones) keeps it."""
    from feedback.models import Session

    today = timezone.localdate()
    session, _ = Session.objects.get_or_create(
        club=self.club,
        scheduled_for=today,
        defaults={"date": today, "starts_at": "6pm", "location": "Hall", "is_one_off": True},
    )
    return session.pk


Site.session_pk = _session_pk
