"""Joining a club with a code, picking a made-up name, and getting back in with a phrase."""

import re

import pytest
from django.conf import settings
from django.test import Client, override_settings
from django.urls import reverse

from clubs.services import join_code_rotate
from feedback.models import AgeBand, Participant
from feedback.words import is_generated_pseudonym, pseudonym_suggestions
from tests import factories
from tests.feedback.test_yp_support import cookie_keys_of, phone_of

pytestmark = pytest.mark.django_db


def suggested_name(client, club) -> str:
    html = client.get(reverse("feedback:join-code", args=[club.join_code])).content.decode()
    names = re.findall(r'name="pseudonym" value="([^"]+)"', html)
    assert len(names) == 6
    return names[0]


def test_typing_a_good_code_leads_to_picking_a_name(client, world):
    response = client.get(reverse("feedback:join"), {"code": world.club.join_code.lower()})
    assert response.status_code == 302
    assert response.url == reverse("feedback:join-code", args=[world.club.join_code])
    page = client.get(response.url)
    html = page.content.decode()
    assert "Join Riverside Football" in html
    assert "Show me others" in html
    assert "Other members see them under your made-up name" in html
    names = re.findall(r'name="pseudonym" value="([^"]+)"', html)
    assert all(is_generated_pseudonym(n) for n in names)


@pytest.mark.parametrize("code", ["ZZZZZZ", "", "   ", "<script>", "x" * 30, "ÄÖÜ😀"])
def test_a_wrong_code_gets_a_clear_message(client, world, code):
    response = client.get(reverse("feedback:join"), {"code": code})
    assert response.status_code == 200
    html = response.content.decode()
    assert "code" in html
    assert ("know that code" in html) or ("Type the code" in html) or ("too long" in html)
    assert "<script>" not in html.split("<main")[1]


def test_an_old_rotated_code_no_longer_works(client, world):
    old = world.club.join_code
    join_code_rotate(club=world.club)
    response = client.get(reverse("feedback:join"), {"code": old})
    assert "know that code" in response.content.decode()
    response = client.get(reverse("feedback:join-code", args=[old]))
    assert response.status_code == 404
    assert "That code doesn" in response.content.decode()


def test_joining_creates_a_participant_sets_the_cookie_and_shows_the_phrase_once(client, world):
    name = suggested_name(client, world.club)
    response = client.post(
        reverse("feedback:join-code", args=[world.club.join_code]),
        {"pseudonym": name, "age_band": AgeBand.B16_17},
    )
    assert response.status_code == 200
    participant = Participant.objects.get(club=world.club, pseudonym=name)
    html = response.content.decode()
    phrase = re.search(r'data-testid="recovery-phrase">([^<]+)<', html).group(1)
    assert len(phrase.split()) == 6
    assert "only once" in html
    assert "no-store" in response.headers["Cache-Control"]
    morsel = response.cookies[settings.PARTICIPANT_COOKIE_NAME]
    assert morsel["httponly"] is True
    assert morsel["samesite"] == "Lax"
    assert int(morsel["max-age"]) == settings.PARTICIPANT_COOKIE_MAX_AGE
    assert cookie_keys_of(client) == [participant.key]
    # The phrase is not stored anywhere in the clear.
    assert phrase not in str(Participant.objects.filter(pk=participant.pk).values().get())
    home = client.get(reverse("feedback:member-home", args=[world.club.slug]))
    assert home.status_code == 200
    assert name in home.content.decode()


def test_the_cookie_is_secure_in_production(client, world):
    name = suggested_name(client, world.club)
    with override_settings(PARTICIPANT_COOKIE_SECURE=True):
        response = client.post(
            reverse("feedback:join-code", args=[world.club.join_code]),
            {"pseudonym": name, "age_band": AgeBand.B13_15},
        )
    assert response.cookies[settings.PARTICIPANT_COOKIE_NAME]["secure"] is True


def test_one_phone_can_belong_to_several_clubs(client, world):
    for club in (world.club, world.far_club):
        client.post(
            reverse("feedback:join-code", args=[club.join_code]),
            {"pseudonym": suggested_name(client, club), "age_band": AgeBand.B18_19},
        )
    keys = set(Participant.objects.values_list("key", flat=True))
    assert set(cookie_keys_of(client)) == keys
    assert len(keys) == 2
    html = client.get(reverse("feedback:my-clubs-member")).content.decode()
    assert "Riverside Football" in html
    assert "Harbour Basketball" in html
    for club in (world.club, world.far_club):
        assert client.get(reverse("feedback:member-home", args=[club.slug])).status_code == 200


def test_under_13s_are_turned_away_kindly_and_nothing_is_kept(client, world):
    response = client.post(
        reverse("feedback:join-code", args=[world.club.join_code]),
        {"pseudonym": suggested_name(client, world.club), "age_band": AgeBand.UNDER_13},
    )
    assert response.status_code == 200
    assert "13 and over" in response.content.decode()
    assert not Participant.objects.exists()
    assert settings.PARTICIPANT_COOKIE_NAME not in response.cookies


@pytest.mark.parametrize(
    "pseudonym", ["Jane Smith", "", "Swift", "swift otter", "Swift  Otter", "<b>Swift Otter</b>"]
)
def test_a_name_not_from_the_suggestions_is_refused(client, world, pseudonym):
    response = client.post(
        reverse("feedback:join-code", args=[world.club.join_code]),
        {"pseudonym": pseudonym, "age_band": AgeBand.B16_17},
    )
    assert response.status_code == 200
    assert "Pick one of" in response.content.decode()
    assert not Participant.objects.exists()


def test_a_name_already_taken_in_the_club_is_refused(client, world):
    taken = factories.make_participant(world.club)
    response = client.post(
        reverse("feedback:join-code", args=[world.club.join_code]),
        {"pseudonym": taken.pseudonym, "age_band": AgeBand.B16_17},
    )
    assert "already has that name" in response.content.decode()
    assert Participant.objects.count() == 1


def test_a_missing_age_band_is_asked_for(client, world):
    response = client.post(
        reverse("feedback:join-code", args=[world.club.join_code]),
        {"pseudonym": pseudonym_suggestions(1)[0], "age_band": "42"},
    )
    assert "Choose your age group" in response.content.decode()
    assert not Participant.objects.exists()


def test_a_member_visiting_the_join_link_again_goes_to_their_club(world):
    participant = factories.make_participant(world.club)
    client = phone_of(participant)
    response = client.get(reverse("feedback:join-code", args=[world.club.join_code]))
    assert response.status_code == 302
    assert response.url == reverse("feedback:member-home", args=[world.club.slug])


def test_recovering_with_the_phrase_puts_the_phone_back_in_the_club(client, world):
    name = suggested_name(client, world.club)
    joined = client.post(
        reverse("feedback:join-code", args=[world.club.join_code]),
        {"pseudonym": name, "age_band": AgeBand.B16_17},
    )
    phrase = re.search(r'data-testid="recovery-phrase">([^<]+)<', joined.content.decode()).group(1)
    other_phone = Client()
    response = other_phone.post(
        reverse("feedback:join-recover"),
        {"code": world.club.join_code.lower(), "phrase": f"  {phrase.upper()} "},
    )
    assert response.status_code == 302
    assert response.url == reverse("feedback:member-home", args=[world.club.slug])
    assert cookie_keys_of(other_phone) == [Participant.objects.get().key]
    assert other_phone.get(response.url).status_code == 200


@pytest.mark.parametrize("phrase", ["apple apple apple apple", "", "x" * 300, "\x00"])
def test_a_wrong_phrase_gets_a_message(client, world, phrase):
    response = client.post(
        reverse("feedback:join-recover"), {"code": world.club.join_code, "phrase": phrase}
    )
    assert response.status_code == 200
    assert 'id="phrase-error"' in response.content.decode()
    assert settings.PARTICIPANT_COOKIE_NAME not in response.cookies


@override_settings(RATE_LIMITS={**settings.RATE_LIMITS, "join_client": "5/10m"})
def test_guessing_codes_is_rate_limited_but_another_phone_with_the_right_code_gets_in(world):
    guesser = Client(REMOTE_ADDR="203.0.113.9")
    statuses = [
        guesser.get(reverse("feedback:join"), {"code": f"QQQQQ{i}"}).status_code for i in range(8)
    ]
    assert statuses[:5] == [200] * 5
    assert statuses[-1] == 429
    assert "Slow down" in guesser.get(reverse("feedback:join"), {"code": "QQQQQQ"}).content.decode()
    # Even the right code is refused from the guessing address for now...
    assert (
        guesser.get(reverse("feedback:join-code", args=[world.club.join_code])).status_code == 429
    )
    # ...but a young person on another connection still gets in.
    other = Client(REMOTE_ADDR="198.51.100.7")
    response = other.get(reverse("feedback:join"), {"code": world.club.join_code})
    assert response.status_code == 302
    assert other.get(response.url).status_code == 200


def test_guessing_from_many_addresses_never_locks_out_another_address(world, settings):
    """There is no county-wide limit on wrong codes: 52 addresses used to exhaust it."""
    limit = int(settings.RATE_LIMITS["join_client"].split("/")[0])
    for i in range(60):
        guesser = Client(REMOTE_ADDR=f"203.0.113.{i}")
        for _ in range(limit):
            guesser.get(reverse("feedback:join"), {"code": "QQQQQQ"})
    other = Client(REMOTE_ADDR="198.51.100.7")
    assert other.get(reverse("feedback:join"), {"code": world.club.join_code}).status_code == 302


def test_right_codes_do_not_count_against_a_class_joining_together(world):
    school = Client(REMOTE_ADDR="192.0.2.1")
    for _ in range(30):
        response = school.get(reverse("feedback:join"), {"code": world.club.join_code})
        assert response.status_code == 302


@override_settings(RATE_LIMITS={**settings.RATE_LIMITS, "recover": "3/h"})
def test_recovery_attempts_are_rate_limited(client, world):
    statuses = [
        client.post(
            reverse("feedback:join-recover"),
            {"code": world.club.join_code, "phrase": "bad words here now"},
        ).status_code
        for _ in range(5)
    ]
    assert statuses[:3] == [200] * 3
    assert statuses[-1] == 429


def test_recovering_on_a_phone_already_in_the_club_as_someone_else_keeps_one_identity(world):
    old_me = factories.make_participant(world.club)
    elsewhere = factories.make_participant(world.far_club)
    client = phone_of(old_me, elsewhere)
    # Recover as a different participant of the same club (say, a shared phone).
    from feedback import services

    taken = set(world.club.participants.values_list("pseudonym", flat=True))
    me, phrase = services.participant_join(
        club=world.club, pseudonym=pseudonym_suggestions(1, taken=taken)[0], age_band="16_17"
    )
    client.post(reverse("feedback:join-recover"), {"code": world.club.join_code, "phrase": phrase})
    assert set(cookie_keys_of(client)) == {me.key, elsewhere.key}
