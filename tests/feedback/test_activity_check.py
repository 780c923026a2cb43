"""The optional activity check on a member's club page (#15)."""

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from feedback.models import ActivityAnswer
from tests import factories
from tests.feedback.test_yp_support import phone_of

pytestmark = pytest.mark.django_db

QUESTION = (
    "In the last 7 days, on how many days did you do at least 60 minutes of sport or activity?"
)


@pytest.fixture
def member(world):
    return factories.make_participant(world.club)


def home(client, club):
    return client.get(reverse("feedback:member-home", args=[club.slug])).content.decode()


def answer(client, club, data):
    return client.post(reverse("feedback:member-activity-check", args=[club.slug]), data)


def test_a_new_member_is_asked_on_their_club_page(world, member):
    page = home(phone_of(member), world.club)
    assert QUESTION in page
    assert "I&#x27;d rather not say" in page or "I'd rather not say" in page
    assert 'name="not_now"' in page


@pytest.mark.parametrize(("value", "stored"), [("0", 0), ("3", 3), ("7", 7), ("none", None)])
def test_an_answer_is_kept_and_the_question_goes(world, member, value, stored):
    phone = phone_of(member)
    response = answer(phone, world.club, {"days": value})
    assert response.status_code == 302
    assert list(ActivityAnswer.objects.values_list("participant_id", "days")) == [
        (member.pk, stored)
    ]
    page = home(phone, world.club)
    assert QUESTION not in page
    assert "only totals for the whole club" in page


@pytest.mark.parametrize("data", [{}, {"days": "8"}, {"days": "-1"}, {"days": "x" * 500}])
def test_bad_input_says_so_and_keeps_nothing(world, member, data):
    phone = phone_of(member)
    response = answer(phone, world.club, data)
    assert response.status_code == 302
    assert not ActivityAnswer.objects.exists()
    page = home(phone, world.club)
    assert "Choose a number of days, or" in page
    assert QUESTION in page


def test_not_now_hides_it_on_this_phone_and_stores_nothing(world, member):
    phone = phone_of(member)
    response = answer(phone, world.club, {"not_now": "1", "days": "4"})
    assert response.status_code == 302
    assert not ActivityAnswer.objects.exists()
    assert QUESTION not in home(phone, world.club)
    # Another phone of the same member (the recovery phrase) is asked: nothing was kept.
    assert QUESTION in home(phone_of(member), world.club)


def test_a_second_tap_keeps_the_first_answer(world, member):
    phone = phone_of(member)
    answer(phone, world.club, {"days": "2"})
    answer(phone, world.club, {"days": "5"})
    assert list(ActivityAnswer.objects.values_list("days", flat=True)) == [2]


def test_asked_again_every_ten_weeks(world, member):
    phone = phone_of(member)
    answer(phone, world.club, {"days": "2"})
    now = timezone.now()
    with time_machine.travel(now + timedelta(weeks=10) - timedelta(minutes=1), tick=False):
        assert QUESTION not in home(phone, world.club)
    with time_machine.travel(now + timedelta(weeks=10, minutes=1), tick=False):
        assert QUESTION in home(phone, world.club)
        answer(phone, world.club, {"days": "6"})
    assert list(ActivityAnswer.objects.order_by("answered_at").values_list("days", flat=True)) == [
        2,
        6,
    ]


def test_only_members_of_the_club_can_answer(world, member, client_as):
    outsider = factories.make_participant(world.far_club)
    assert answer(phone_of(outsider), world.club, {"days": "3"}).status_code == 404
    assert answer(Client(), world.club, {"days": "3"}).status_code == 302  # to join
    assert answer(client_as("coach"), world.club, {"days": "3"}).status_code == 302
    assert not ActivityAnswer.objects.exists()
    get = phone_of(member).get(reverse("feedback:member-activity-check", args=[world.club.slug]))
    assert get.status_code == 405


def test_each_members_latest_answer_by_the_day_is_added_up_per_club_and_district(world):
    """A hand-computed table: earlier answers are not counted twice, an answer given after
    the day is not counted yet, "rather not say" is answered but not told, and two answers
    at the same moment count once (the later row)."""
    from feedback import outcomes

    day = timezone.localdate() - timedelta(days=20)
    at = timezone.make_aware(timezone.datetime.combine(day, timezone.datetime.min.time()))
    club, sibling = world.club, world.sibling
    a, b, c, d, e = (factories.make_participant(club) for _ in range(5))
    f = factories.make_participant(sibling)
    rows = [
        (a, 2, at - timedelta(weeks=10)),  # a's earlier answer: replaced by the next
        (a, 7, at - timedelta(days=1)),
        (b, 3, at - timedelta(days=3)),
        (b, 5, at + timedelta(days=2)),  # after the day: b still counts as 3
        (c, None, at),  # rather not say
        (d, 1, at - timedelta(days=5)),
        (d, 4, at - timedelta(days=5)),  # the same moment: the later row counts
        (f, 7, at - timedelta(days=2)),
    ]
    for member, days, when in rows:
        ActivityAnswer.objects.create(participant=member, days=days, answered_at=when)
    summaries = outcomes.activity_summaries([club.pk, sibling.pk], as_of=day)
    mine = summaries[club.pk]
    # a 7, b 3, c rather not say, d 4; e never answered.
    assert (mine.answered, mine.told, mine.days_total, mine.active_every_day) == (4, 3, 14, 1)
    theirs = summaries[sibling.pk]
    assert (theirs.answered, theirs.told, theirs.days_total, theirs.active_every_day) == (
        1,
        1,
        7,
        1,
    )
    assert mine.suppressed  # fewer than five members gave a number
    district = outcomes.district_activity(club.district_id, as_of=day)
    same_district = sibling.district_id == club.district_id
    assert district.told == 3 + (1 if same_district else 0)
    # On the later day b's newer answer replaces the older one.
    later = outcomes.activity_summaries([club.pk], as_of=day + timedelta(days=3))[club.pk]
    assert later.days_total == 7 + 5 + 4
