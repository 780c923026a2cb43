"""Concern alerts: emailed to the club's coaches, or the partner's leads when the club has
none, through a background task enqueued with the concern; a failed send is retried and
shown on "Needs you"; the young person is told only what is true."""

import pytest
from django.conf import settings
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from clubs.models import ClubCoach, PartnerRole
from feedback import services
from feedback.models import Concern
from tests import factories
from tests.feedback.test_yp_support import phone_of

pytestmark = pytest.mark.django_db

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


class BrokenMailServer(BaseEmailBackend):
    def send_messages(self, messages):
        raise ConnectionRefusedError("mail server down")


def report(participant, text="Someone keeps pushing me"):
    return phone_of(participant).post(
        reverse("feedback:member-concern", args=[participant.club.slug]), {"text": text}
    )


def test_the_clubs_coaches_get_a_plain_email_with_one_link_and_none_of_the_words(
    world, django_capture_on_commit_callbacks
):
    me = factories.make_participant(world.club)
    with django_capture_on_commit_callbacks(execute=True):
        response = report(me)
    assert "emailing your coaches" in response.content.decode()
    concern = Concern.objects.get()
    assert concern.alert_to == "coaches"
    assert concern.alerted_at is not None
    [email] = mail.outbox
    assert email.to == [world.coach.email]
    assert "Someone keeps pushing me" not in email.body
    assert email.body.count("http") == 1
    assert f"{settings.SITE_URL}{reverse('feedback:needs-you')}" in email.body


def test_a_club_without_a_coach_alerts_the_partners_leads(
    world, django_capture_on_commit_callbacks
):
    ClubCoach.objects.filter(club=world.club).delete()
    me = factories.make_participant(world.club)
    with django_capture_on_commit_callbacks(execute=True):
        html = report(me).content.decode()
    assert "no coach on Coproduce right now" in html
    assert "emailing your coaches" not in html
    [email] = mail.outbox
    assert email.to == [world.lead.email]
    assert Concern.objects.get().alert_to == "leads"


def test_nobody_to_tell_is_never_reported_as_told(world, django_capture_on_commit_callbacks):
    ClubCoach.objects.filter(club=world.club).delete()
    PartnerRole.objects.filter(partner=world.club.partner, role=PartnerRole.Role.LEAD).delete()
    me = factories.make_participant(world.club)
    with django_capture_on_commit_callbacks(execute=True):
        html = report(me).content.decode()
    assert 'data-testid="nobody-told"' in html
    assert "have been told" not in html
    assert "emailing" not in html
    assert mail.outbox == []
    assert Concern.objects.get().alert_to == ""


@override_settings(EMAIL_BACKEND="tests.feedback.test_concern_alerts.BrokenMailServer")
def test_a_failed_send_shows_on_needs_you_and_a_retry_sends_it(
    world, client, django_capture_on_commit_callbacks
):
    me = factories.make_participant(world.club)
    with django_capture_on_commit_callbacks(execute=True):
        report(me)
    concern = Concern.objects.get()
    assert concern.alert_failing
    assert concern.alert_attempts == 1
    assert "mail server down" in concern.alert_error
    client.force_login(world.coach)
    html = client.get(reverse("feedback:needs-you")).content.decode()
    assert 'data-testid="alert-failing"' in html
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
        assert services.concern_alert_send(concern_id=concern.pk) == "sent"
        assert services.concern_alert_send(concern_id=concern.pk) == "nothing to send"
    assert len(mail.outbox) == 1
    concern.refresh_from_db()
    assert not concern.alert_failing
    assert (
        'data-testid="alert-failing"'
        not in client.get(reverse("feedback:needs-you")).content.decode()
    )


# The worker closes its database connection between tasks, as in production: so
# outside a test transaction.
@pytest.mark.django_db(transaction=True)
@override_settings(
    TASKS=DB_TASKS, EMAIL_BACKEND="tests.feedback.test_concern_alerts.BrokenMailServer"
)
def test_with_the_database_queue_a_failed_send_is_queued_again_for_later(world):
    me = factories.make_participant(world.club)
    services.concern_report(participant=me, text="Please help")
    call_command("db_worker", batch=True, reload=False, startup_delay=False, verbosity=0)
    concern = Concern.objects.get()
    assert concern.alert_attempts == 1
    retry = DBTaskResult.objects.filter(status="READY").get()
    assert retry.run_after is not None
    assert retry.args_kwargs["args"] == [concern.pk]


# The worker closes its database connection between tasks, as in production: so
# outside a test transaction.
@pytest.mark.django_db(transaction=True)
@override_settings(TASKS=DB_TASKS)
def test_the_alert_is_queued_in_the_concerns_transaction_and_the_worker_sends_it(world):
    me = factories.make_participant(world.club)

    def report_then_fail():
        with transaction.atomic():
            services.concern_report(participant=me, text="Rolled back")
            raise RuntimeError("the request failed after the concern")

    with pytest.raises(RuntimeError):
        report_then_fail()
    assert DBTaskResult.objects.count() == 0
    assert Concern.objects.count() == 0

    services.concern_report(participant=me, text="Kept")
    [queued] = DBTaskResult.objects.all()
    assert queued.task_path == "feedback.tasks.concern_alert_send"
    assert mail.outbox == []  # nothing sent until a worker runs it
    call_command("db_worker", batch=True, reload=False, startup_delay=False, verbosity=0)
    assert len(mail.outbox) == 1
    queued.refresh_from_db()
    assert queued.status == "SUCCESSFUL"
    assert Concern.objects.get().alerted_at is not None
