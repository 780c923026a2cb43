"""Privacy of the register and the activity check (#15): no column about a person; a
member's attendance and answers are in their download and go when they delete their data;
the privacy page says what is kept and for how long."""

import json
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from feedback import services
from feedback.models import ActivityAnswer, Attendance, Session
from feedback.sessions import register_save
from tests.factories import SessionFactory, make_participant
from tests.feedback.test_yp_support import phone_of

pytestmark = pytest.mark.django_db


def test_the_register_adds_no_column_about_a_person():
    assert {f.name for f in Attendance._meta.concrete_fields} == {
        "id",
        "session",
        "participant",
        "marked_at",
    }
    # drop-ins are a number on the session, nothing else
    assert Session._meta.get_field("drop_ins").get_internal_type() == "PositiveSmallIntegerField"


@pytest.fixture
def ticked(world):
    me, other = make_participant(world.club), make_participant(world.club)
    today = timezone.localdate()
    sessions = [SessionFactory(club=world.club, date=today - timedelta(days=d)) for d in (7, 0)]
    for session in sessions:
        register_save(
            session=session, by=world.coach, participant_ids=[me.pk, other.pk], drop_ins=1
        )
    ActivityAnswer.objects.create(participant=me, days=4)
    ActivityAnswer.objects.create(participant=me, days=None)
    ActivityAnswer.objects.create(participant=other, days=2)
    return me, other, sessions


def test_delete_my_data_removes_my_attendance_and_activity_answers(world, ticked):
    me, other, sessions = ticked
    client = phone_of(me)
    url = reverse("feedback:member-my-data-delete", args=[world.club.slug])
    response = client.post(url, {"confirm": "on"})
    assert response.status_code == 200
    assert not Attendance.objects.filter(participant_id=me.pk).exists()
    assert not ActivityAnswer.objects.filter(participant_id=me.pk).exists()
    # the others' rows and the session's own counts stay
    assert Attendance.objects.filter(participant=other).count() == 2
    assert ActivityAnswer.objects.filter(participant=other).count() == 1
    assert [s.drop_ins for s in Session.objects.filter(pk__in=[s.pk for s in sessions])] == [1, 1]


def test_the_service_removes_them_too(world, ticked):
    me, _other, _sessions = ticked
    services.participant_delete(participant=me)
    assert not Attendance.objects.filter(participant_id=me.pk).exists()
    assert not ActivityAnswer.objects.filter(participant_id=me.pk).exists()


def test_download_my_data_has_my_sessions_and_activity_answers(world, ticked):
    me, _other, sessions = ticked
    url = reverse("feedback:member-my-data-download", args=[world.club.slug])
    data = json.loads(phone_of(me).get(url).content)
    assert [a["session_date"] for a in data["attendances"]] == [
        s.date.isoformat() for s in sessions
    ]
    assert [a["days"] for a in data["activity_answers"]] == [4, None]


def test_the_privacy_page_says_what_is_kept_and_for_how_long(client, settings):
    settings.COPRODUCE = {
        **settings.COPRODUCE,
        "RETENTION_INACTIVE_DAYS": 200,
        "RETENTION_FUNDING_ENDED_DAYS": 90,
    }
    html = client.get(reverse("privacy")).content.decode()
    assert "which sessions you were ticked at" in html
    assert "your answers (a number of days)" in html
    assert "not visited for 200 days once your club&#x27;s funding ended over 90 days ago" in html
