"""seed_demo: the county in every district and stage; running it twice changes nothing."""

import io
from datetime import date

import pytest
from django.core.management import call_command
from django.db.models import Count

from clubs.models import Aspect, AspectChange, Club, District, Partner, PartnerRole, Stage, User
from demo import clubs as demo
from tests import factories


def counts():
    return {
        model.__name__: model.objects.count()
        for model in (User, Partner, PartnerRole, Club, Aspect, AspectChange)
    }


@pytest.fixture
def seeded(db):
    """The clubs' part of the demo (seed_demo itself is run in the idempotence test)."""
    return demo.build()


def test_the_demo_covers_every_district_and_stage(seeded):
    clubs = Club.objects.all()
    assert clubs.count() >= 40
    assert Partner.objects.count() >= 14
    assert set(clubs.values_list("district__ons_code", flat=True)) == set(
        District.objects.values_list("ons_code", flat=True)
    )
    assert len(District.objects.all()) == 14
    assert set(clubs.values_list("stage", flat=True)) == set(Stage.values)
    assert len(set(Partner.objects.values_list("kind", flat=True))) >= 5
    assert len(set(clubs.values_list("activity", flat=True))) >= 15
    # Funding periods: some ended, some just started, some running.
    today = date.today()
    periods = list(clubs.values_list("funding_start", "funding_end"))
    assert any(end < today for _, end in periods)
    assert any(abs((start - today).days) <= 30 for start, _ in periods)
    assert any(start < today < end for start, end in periods)


def test_every_demo_club_has_six_to_ten_aspects_a_coach_and_an_honest_mix(seeded):
    clubs = Club.objects.annotate(
        n=Count("aspects", distinct=True), c=Count("coach_assignments", distinct=True)
    )
    for club in clubs:
        assert 6 <= club.n <= 10, club
        assert club.c >= 1, club
    # Some clubs generous with negotiable aspects, some with nearly everything fixed.
    open_counts = [club.aspects.negotiable().count() for club in Club.objects.all()]
    assert max(open_counts) >= 6
    assert min(open_counts) == 1
    forgotten = AspectChange.objects.filter(new_status="fixed", new_reason="")
    assert forgotten.count() == 1
    # The aspect itself is not left without a reason: the database would refuse that.
    assert forgotten.get().aspect.reason


def test_the_demo_logins_have_their_clubs(seeded):
    coach = User.objects.get(email="coach@demo.coproduce.test")
    lead = User.objects.get(email="lead@demo.coproduce.test")
    partner = Partner.objects.get(roles__user=lead, roles__role="lead")
    assert partner.clubs.count() >= 3
    coached = coach.coached_clubs.all()
    assert 2 <= coached.count() <= 3
    assert {club.partner for club in coached} == {partner}
    assert all(u.email.endswith("@demo.coproduce.test") for u in demo.demo_users())
    assert {email for email, _, _ in demo.demo_accounts()} <= set(
        User.objects.values_list("email", flat=True)
    )
    assert lead.check_password(demo.DEMO_PASSWORD)


def test_running_seed_demo_twice_changes_no_counts(db):
    call_command("seed_demo", stdout=io.StringIO())
    before = counts()
    output = io.StringIO()
    call_command("seed_demo", stdout=output)
    assert counts() == before
    assert before["Club"] >= 40
    assert "lead@demo.coproduce.test" in output.getvalue()
    clubs = demo.build()
    assert [club.name for club in clubs] == [planned.name for planned in demo.plan()]
    assert counts() == before


def test_the_plan_is_deterministic():
    today = date(2026, 11, 26)
    assert demo.plan(today) == demo.plan(today)


def test_wipe_removes_demo_data_only(seeded):
    real = factories.ClubFactory(name="A real club")
    real_lead = factories.make_lead(real.partner, email="real-lead@example.org")
    demo.wipe()
    assert list(Club.objects.all()) == [real]
    assert list(Partner.objects.all()) == [real.partner]
    assert list(User.objects.all()) == [real_lead]


def test_every_demo_club_past_inception_has_every_aspect_declared(db):
    """The whole demo (clubs, showcase, members' voices) keeps the rule a lead keeps."""
    call_command("seed_demo", stdout=io.StringIO())
    past_inception = Club.objects.exclude(stage=Stage.INCEPTION)
    assert past_inception.count() >= 40
    undeclared = Aspect.objects.filter(club__in=past_inception).undeclared()
    assert list(undeclared.values_list("club__name", "kind")) == []
    # Only Inception may wait: a demo club there is allowed its undecided aspects.
    assert set(Club.objects.values_list("stage", flat=True)) == set(Stage.values)
