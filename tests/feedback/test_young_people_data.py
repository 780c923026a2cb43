"""No personal data; download and delete my data; report a concern."""

import json
from datetime import timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.db import connection
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from feedback import services
from feedback.models import (
    Concern,
    ListenedAnswer,
    Outcome,
    Participant,
    Proposal,
    ProposalEvent,
    Support,
)
from tests import factories
from tests.feedback.test_yp_support import cookie_keys_of, phone_of

pytestmark = pytest.mark.django_db


def test_a_participant_stores_no_personal_data():
    names = {f.name for f in Participant._meta.get_fields() if not f.is_relation or f.many_to_one}
    assert names == {
        "id",
        "club",
        "pseudonym",
        "age_band",
        "key",
        "recovery_hash",
        "is_blocked",
        "blocked_at",
        "joined_at",
        "last_seen_at",
        "previous_seen_at",
        "notices_seen_upto",
        # The date of their first session run, from the registers (#15): no personal data.
        "first_session_on",
        # The join form's random token (hashed) and the phrase sealed with it, for a
        # double-tapped Join: nothing about the person.
        "join_token_hash",
        "join_phrase_sealed",
    }
    forbidden = ("name", "email", "phone", "birth", "dob", "postcode", "address", "ip", "location")
    for name in names - {"pseudonym"}:
        assert not any(word in name.split("_") for word in forbidden), name


def my_story(world):
    me = factories.make_participant(world.club)
    other = factories.make_participant(world.club)
    mine = factories.make_published(me, world.coach, title="Thursdays please")
    services.proposal_decide(
        proposal=mine,
        by=world.coach,
        outcome=Outcome.NOT_ADOPTED,
        answer="The hall is booked on Thursdays by another group.",
    )
    services.listened_answer_record(
        proposal=mine, participant=me, answer="partly", comment="Fair enough"
    )
    theirs = factories.make_published(other, world.coach, title="Music")
    services.support_set(proposal=theirs, participant=me)
    decided = factories.make_published(other, world.coach, title="Longer sessions")
    services.support_set(proposal=decided, participant=me)
    services.proposal_decide(
        proposal=decided,
        by=world.coach,
        outcome=Outcome.TRIAL,
        answer="Let's try it.",
        promised_by=timezone.localdate() + timedelta(days=14),
    )
    services.concern_report(participant=me, text="Someone was unkind", proposal=theirs)
    return me, mine, theirs, decided


def test_download_gives_everything_kept_about_me_and_not_the_secrets(world):
    me, mine, theirs, _decided = my_story(world)
    response = phone_of(me).get(reverse("feedback:member-my-data-download", args=[world.club.slug]))
    assert response["Content-Type"].startswith("application/json")
    assert "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)
    assert data["participant"]["pseudonym"] == me.pseudonym
    assert data["participant"]["age_band"] == me.age_band
    assert me.key not in response.content.decode()
    assert me.recovery_hash not in response.content.decode()
    assert [p["title"] for p in data["proposals"]] == ["Thursdays please"]
    kinds = [e["kind"] for e in data["proposals"][0]["events"]]
    assert kinds == ["submitted", "published", "decided", "listened"]
    assert {s["title"] for s in data["supports"]} == {"Music", "Longer sessions"}
    assert data["concerns"] == [
        {
            "text": "Someone was unkind",
            "proposal": theirs.pk,
            "reported_at": data["concerns"][0]["reported_at"],
        }
    ]
    assert data["listened_answers"][0]["answer"] == "partly"
    assert data["listened_answers"][0]["proposal"] == mine.pk


def _rows_naming(participant) -> list[str]:
    """Every row in every table whose values hold the participant's pseudonym, key or id link."""
    found = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608 - table names from Django
            for row in cursor.fetchall():
                text = " ".join(str(v) for v in row)
                if participant.pseudonym in text or participant.key in text:
                    found.append(table)
    return found


def test_delete_my_data_leaves_no_row_naming_me_and_the_record_stays_true(world):
    me, mine, theirs, decided = my_story(world)
    client = phone_of(me)
    url = reverse("feedback:member-my-data-delete", args=[world.club.slug])
    assert "This can" in client.get(url).content.decode()
    # Without the tick nothing happens.
    response = client.post(url, {})
    assert "Tick the box" in response.content.decode()
    assert Participant.objects.filter(pk=me.pk).exists()
    response = client.post(url, {"confirm": "on"})
    assert response.status_code == 200
    assert "Your data is deleted" in response.content.decode()
    assert cookie_keys_of(client) == []
    assert not Participant.objects.filter(pk=me.pk).exists()
    assert _rows_naming(me) == []
    assert not Support.objects.filter(participant_id=me.pk).exists()
    assert not ProposalEvent.objects.filter(actor_participant_id=me.pk).exists()
    assert not Concern.objects.filter(participant_id=me.pk).exists()
    # The club's record still reads right.
    mine.refresh_from_db()
    theirs.refresh_from_db()
    decided.refresh_from_db()
    assert mine.author_name == "A former member"
    assert mine.answer.startswith("The hall is booked")
    assert ListenedAnswer.objects.filter(proposal=mine).exists()
    assert theirs.support_count == 0, "supports on open ideas go"
    assert decided.decisions.get().supports_at_decision == 1, "the decision keeps its count"
    reader = phone_of(factories.make_participant(world.club))
    page = reader.get(reverse("feedback:proposal-detail", args=[world.club.slug, mine.pk]))
    assert "A former member shared this idea." in page.content.decode()
    # The old cookie is a stranger now.
    assert phone_of(me).get(reverse("feedback:member-home", args=[world.club.slug])).url == (
        "/join/"
    )


def test_deleting_one_club_keeps_the_phone_in_its_other_clubs(world):
    here = factories.make_participant(world.club)
    there = factories.make_participant(world.far_club)
    client = phone_of(here, there)
    client.post(
        reverse("feedback:member-my-data-delete", args=[world.club.slug]), {"confirm": "on"}
    )
    assert cookie_keys_of(client) == [there.key]
    assert (
        client.get(reverse("feedback:member-home", args=[world.far_club.slug])).status_code == 200
    )


def test_the_concern_page_gives_childline_and_999(world):
    me = factories.make_participant(world.club)
    html = phone_of(me).get(reverse("feedback:member-concern", args=[world.club.slug]))
    html = html.content.decode()
    assert "0800 1111" in html
    assert "999" in html


def test_a_concern_is_recorded_and_the_coaches_are_emailed(
    world, django_capture_on_commit_callbacks
):
    me = factories.make_participant(world.club)
    idea = factories.make_published(factories.make_participant(world.club), world.coach)
    with django_capture_on_commit_callbacks(execute=True):
        response = phone_of(me).post(
            reverse("feedback:member-concern", args=[world.club.slug]),
            {"text": "Someone said something nasty", "proposal": idea.pk},
        )
    assert "Thank you for telling us" in response.content.decode()
    concern = Concern.objects.get()
    assert (concern.participant, concern.proposal, concern.club) == (me, idea, world.club)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [world.coach.email]
    assert "Someone said something nasty" not in mail.outbox[0].body


def test_a_double_submitted_concern_is_recorded_and_emailed_once(
    world, django_capture_on_commit_callbacks
):
    me = factories.make_participant(world.club)
    client, url = phone_of(me), reverse("feedback:member-concern", args=[world.club.slug])
    form = client.get(url).content.decode()
    token = form.split('name="client_token" value="')[1].split('"')[0]
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(2):
            response = client.post(url, {"text": "Someone was unkind", "client_token": token})
            assert "Thank you for telling us" in response.content.decode()
    assert Concern.objects.filter(participant=me).count() == 1
    assert len(mail.outbox) == 1


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Tell us what is wrong."),
        ("   \n ", "Tell us what is wrong."),
        ("x" * 10_000, "Keep it to 2,000 characters."),
        ("a\x00b", "Null characters are not allowed."),
    ],
)
def test_a_bad_concern_gets_a_message_and_changes_nothing(world, text, message):
    me = factories.make_participant(world.club)
    response = phone_of(me).post(
        reverse("feedback:member-concern", args=[world.club.slug]), {"text": text}
    )
    assert message in response.content.decode()
    assert not Concern.objects.exists()


def test_a_concern_about_a_hidden_idea_is_refused(world):
    me = factories.make_participant(world.club)
    waiting = factories.make_proposal(factories.make_participant(world.club))
    far = factories.make_published(factories.make_participant(world.far_club), world.far_coach)
    for proposal in (waiting, far):
        response = phone_of(me).post(
            reverse("feedback:member-concern", args=[world.club.slug]),
            {"text": "Hmm", "proposal": proposal.pk},
        )
        assert "Choose one of the ideas" in response.content.decode()
    assert not Concern.objects.exists()


def test_odd_concern_text_is_stored_as_written(world):
    me = factories.make_participant(world.club)
    text = "<script>alert(1)</script> 😀 Футбол \x07"
    phone_of(me).post(reverse("feedback:member-concern", args=[world.club.slug]), {"text": text})
    assert Concern.objects.get().text == text.strip()


@override_settings(RATE_LIMITS={**settings.RATE_LIMITS, "concern": "2/h"})
def test_reporting_is_rate_limited(world):
    client = phone_of(factories.make_participant(world.club))
    url = reverse("feedback:member-concern", args=[world.club.slug])
    statuses = [client.post(url, {"text": f"Concern {i}"}).status_code for i in range(4)]
    assert statuses == [200, 200, 429, 429]
    assert Concern.objects.count() == 2
    assert Proposal.objects.count() == 0
