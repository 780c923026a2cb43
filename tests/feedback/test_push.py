"""Optional web push: off by default; a member's phone subscribes from the club page; a
decision about their idea (or one they support) sends one encrypted, content-free
message per subscription, through a task enqueued with the decision."""

import json
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from feedback import services
from feedback.management.commands.vapid_keys import new_vapid_keys
from feedback.models import Outcome, PushSubscription
from tests import factories
from tests.feedback import fake_push
from tests.feedback.test_yp_support import phone_of

pytestmark = pytest.mark.django_db

PUBLIC, PRIVATE = new_vapid_keys()


@pytest.fixture
def push_service():
    service, server = fake_push.start(PUBLIC)
    with override_settings(
        VAPID_PUBLIC_KEY=PUBLIC, VAPID_PRIVATE_KEY=PRIVATE, PUSH_SERVICE_HOSTS=[service.origin]
    ):
        yield service
    server.shutdown()
    server.server_close()


def subscribe(participant, phone):
    return phone_of(participant).post(
        reverse("feedback:member-push-subscribe", args=[participant.club.slug]),
        json.dumps(phone.subscription),
        content_type="application/json",
    )


def decide(world, proposal):
    services.proposal_decide(
        proposal=proposal,
        by=world.coach,
        outcome=Outcome.ADOPTED,
        answer="Yes, from May.",
        promised_by=timezone.localdate() + timedelta(days=14),
    )


@pytest.fixture
def idea(world):
    author = factories.make_participant(world.club)
    return factories.make_published(author, world.coach, title="Swimming on Saturdays")


def test_push_is_off_by_default_and_offered_only_with_vapid_keys(world, idea):
    home = reverse("feedback:member-home", args=[world.club.slug])
    html = phone_of(idea.author).get(home).content.decode()
    assert "Tell me on this phone" not in html
    with override_settings(VAPID_PUBLIC_KEY=PUBLIC, VAPID_PRIVATE_KEY=PRIVATE):
        html = phone_of(idea.author).get(home).content.decode()
    assert "Tell me on this phone when my idea gets an answer" in html
    assert f'data-key="{PUBLIC}"' in html
    assert PushSubscription.objects.count() == 0


def test_a_decision_sends_one_encrypted_message_with_no_personal_data(
    world, idea, push_service, django_capture_on_commit_callbacks
):
    phone = push_service.new_phone()
    assert subscribe(idea.author, phone).status_code == 204
    fan = factories.make_participant(world.club)
    services.support_set(proposal=idea, participant=fan)
    fan_phone = push_service.new_phone()
    assert subscribe(fan, fan_phone).status_code == 204
    bystander = factories.make_participant(world.club)
    assert subscribe(bystander, push_service.new_phone()).status_code == 204
    with django_capture_on_commit_callbacks(execute=True):
        decide(world, idea)
    assert push_service.refused == []
    assert sorted(pid for pid, _ in push_service.received) == sorted(
        p.endpoint.rsplit("/", 1)[1] for p in (phone, fan_phone)
    )
    for _pid, message in push_service.received:
        assert message == {
            "title": "Coproduce",
            "body": "Your idea got an answer: open Coproduce",
            "url": "/my/",
        }
        text = json.dumps(message)
        for personal in (idea.title, idea.author.pseudonym, world.club.name, world.club.slug):
            assert personal not in text


def test_unsubscribing_or_deleting_my_data_means_no_message(
    world, idea, push_service, django_capture_on_commit_callbacks
):
    subscribe(idea.author, push_service.new_phone())
    response = phone_of(idea.author).post(
        reverse("feedback:member-push-unsubscribe", args=[world.club.slug])
    )
    assert response.status_code == 302
    assert PushSubscription.objects.count() == 0
    other = factories.make_published(idea.author, world.coach, title="Second idea")
    fan = factories.make_participant(world.club)
    services.support_set(proposal=other, participant=fan)
    subscribe(fan, push_service.new_phone())
    assert PushSubscription.objects.count() == 1
    response = phone_of(fan).post(
        reverse("feedback:member-my-data-delete", args=[world.club.slug]), {"confirm": "on"}
    )
    assert response.status_code == 200
    assert PushSubscription.objects.count() == 0
    with django_capture_on_commit_callbacks(execute=True):
        decide(world, idea)
        decide(world, other)
    assert push_service.received == []


def test_a_phone_the_service_has_forgotten_is_forgotten_here_too(
    world, idea, push_service, django_capture_on_commit_callbacks
):
    phone = push_service.new_phone()
    subscribe(idea.author, phone)
    push_service.gone.add(phone.endpoint.rsplit("/", 1)[1])
    with django_capture_on_commit_callbacks(execute=True):
        decide(world, idea)
    assert PushSubscription.objects.count() == 0


@pytest.mark.parametrize(
    "body",
    [
        "not json",
        json.dumps(
            {"endpoint": "https://evil.example.org/x", "keys": {"p256dh": "a", "auth": "b"}}
        ),
        json.dumps({"endpoint": "http://169.254.169.254/latest", "keys": {}}),
        json.dumps([1, 2]),
    ],
)
def test_a_bad_or_foreign_subscription_is_refused(world, idea, push_service, body):
    response = phone_of(idea.author).post(
        reverse("feedback:member-push-subscribe", args=[world.club.slug]),
        body,
        content_type="application/json",
    )
    assert response.status_code == 400
    assert PushSubscription.objects.count() == 0


# The worker closes its database connection between tasks, as in production: so
# outside a test transaction.
@pytest.mark.django_db(transaction=True)
@override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}})
def test_tasks_are_enqueued_with_the_decision_and_the_worker_sends_them(world, idea, push_service):
    phones = [push_service.new_phone() for _ in range(2)]
    for phone in phones:
        subscribe(idea.author, phone)

    def decide_then_fail():
        with transaction.atomic():
            decide(world, idea)
            raise RuntimeError("rolled back")

    with pytest.raises(RuntimeError):
        decide_then_fail()
    assert DBTaskResult.objects.count() == 0
    decide(world, idea)
    assert DBTaskResult.objects.filter(task_path="feedback.push.push_send").count() == 2
    assert push_service.received == []
    call_command("db_worker", batch=True, reload=False, startup_delay=False, verbosity=0)
    assert len(push_service.received) == 2
    assert set(DBTaskResult.objects.values_list("status", flat=True)) == {"SUCCESSFUL"}


def test_vapid_keys_command_prints_a_usable_pair(capsys):
    call_command("vapid_keys")
    out = capsys.readouterr().out
    assert out.startswith("VAPID_PUBLIC_KEY=")
    public = out.split("VAPID_PUBLIC_KEY=")[1].split()[0]
    assert len(fake_push.unb64url(public)) == 65


def test_the_service_worker_and_manifest_come_from_our_origin(client):
    sw = client.get("/sw.js")
    assert sw.status_code == 200
    assert sw["Content-Type"].startswith("application/javascript")
    assert b"showNotification" in sw.content
    manifest = client.get("/manifest.webmanifest")
    assert json.loads(manifest.content)["start_url"] == "/my/"
