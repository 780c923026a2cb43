"""factory_boy factories. Objects users create go through the services, as users do."""

import importlib
from datetime import date

import factory
from django.db import transaction
from factory.django import DjangoModelFactory

from clubs import services as club_services
from clubs.models import AspectStatus, Club, District, Partner, PartnerRole, Stage, User
from feedback import services as feedback_services
from feedback.models import AgeBand, Attendance, Participant, Proposal, Session
from feedback.words import pseudonym_suggestions

PASSWORD = "correct-horse-battery-staple"


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.org")
    name = factory.Sequence(lambda n: f"User {n}")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


def any_district() -> District:
    district = District.objects.order_by("ons_code").first()
    return district or load_districts()[0]


def load_districts() -> list[District]:
    """The 14 districts, as their data migration loads them.

    Transactional tests (browser, concurrency) end by emptying every table,
    migration data included; tests after them put the districts back this way.
    """
    migration = importlib.import_module("clubs.migrations.0003_districts")
    return [
        District.objects.get_or_create(ons_code=code, defaults={"name": name})[0]
        for name, code in migration.DISTRICTS
    ]


class PartnerFactory(DjangoModelFactory):
    class Meta:
        model = Partner

    name = factory.Sequence(lambda n: f"Partner {n}")
    kind = Partner.Kind.SPORTS_CLUB
    district = factory.LazyFunction(any_district)


class ClubFactory(DjangoModelFactory):
    """A club made as a lead makes one: with the usual aspects."""

    class Meta:
        model = Club

    partner = factory.SubFactory(PartnerFactory)
    name = factory.Sequence(lambda n: f"Club {n}")
    activity = "Football"
    venue_name = "Sports hall"
    district = factory.LazyAttribute(lambda o: o.partner.district)
    funding_start = date(2026, 1, 5)
    funding_end = date(2027, 7, 31)
    stage = "delivery"

    @classmethod
    def _create(cls, model_class, *args, declared: str = AspectStatus.NEGOTIABLE, **kwargs):
        """`declared`: the status the usual aspects start with. Most tests want a club whose
        lead said they can all change (no value yet, no history); `declared=""` leaves them
        as a new club's are, not decided yet, which only a club at Inception may be.

        Made as the services make it: created at Inception, then moved to its stage by
        `club_update`, which refuses a club past Inception with undeclared aspects."""
        partner = kwargs.pop("partner")
        stage = kwargs.pop("stage")
        with transaction.atomic():  # a refused club leaves nothing behind
            club = club_services.club_create(partner=partner, stage=Stage.INCEPTION, **kwargs)
            if declared:
                club.aspects.update(status=declared)
            if stage != Stage.INCEPTION:
                club_services.club_update(club=club, stage=stage)
        return club


def make_lead(partner: Partner, **kwargs) -> User:
    user = UserFactory(**kwargs)
    PartnerRole.objects.create(user=user, partner=partner, role=PartnerRole.Role.LEAD)
    return user


def make_coach(club: Club, **kwargs) -> User:
    user = UserFactory(**kwargs)
    PartnerRole.objects.get_or_create(user=user, partner=club.partner, role=PartnerRole.Role.COACH)
    club_services.coach_assign(club=club, user=user)
    return user


def make_participant(club: Club, age_band: str = AgeBand.B16_17) -> Participant:
    taken = set(club.participants.values_list("pseudonym", flat=True))
    pseudonym = pseudonym_suggestions(1, taken=taken)[0]
    participant, _phrase = feedback_services.participant_join(
        club=club, pseudonym=pseudonym, age_band=age_band
    )
    return participant


def make_proposal(participant: Participant, title: str = "Play on Thursdays", **kwargs) -> Proposal:
    return feedback_services.proposal_submit(participant=participant, title=title, **kwargs)


def make_published(participant: Participant, by: User, **kwargs) -> Proposal:
    proposal = make_proposal(participant, **kwargs)
    return feedback_services.proposal_publish(proposal=proposal, by=by)


# Sessions and registers (#15)


class SessionFactory(DjangoModelFactory):
    """A club's weekly session on `date` (its slot is its date unless given)."""

    class Meta:
        model = Session

    club = factory.SubFactory(ClubFactory)
    date = date(2026, 3, 5)
    scheduled_for = factory.LazyAttribute(lambda o: o.date)
    starts_at = "6pm"
    location = "Sports hall"
    activity = "Football"


class AttendanceFactory(DjangoModelFactory):
    """A member ticked on a session's register (the member is one of the session's club's)."""

    class Meta:
        model = Attendance

    session = factory.SubFactory(SessionFactory)
    participant = factory.LazyAttribute(lambda o: make_participant(o.session.club))
