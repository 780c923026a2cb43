"""Recovery phrases: six child-friendly words, checked within one club's code, offered
wherever young people arrive, and renewable from the club page."""

import re

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from mnemonic import Mnemonic

from feedback import services
from feedback.models import Participant
from feedback.words import (
    PHRASE_LENGTH,
    PHRASE_WORDS,
    UNSUITABLE,
    legacy_phrase_hash,
    new_recovery_phrase,
    phrase_hash,
    pseudonym_suggestions,
)
from tests import factories
from tests.feedback.test_yp_support import cookie_keys_of, phone_of

pytestmark = pytest.mark.django_db


def recover(client, code, phrase):
    return client.post(reverse("feedback:join-recover"), {"code": code, "phrase": phrase})


def join(club) -> tuple[Participant, str]:
    taken = set(club.participants.values_list("pseudonym", flat=True))
    return services.participant_join(
        club=club, pseudonym=pseudonym_suggestions(1, taken=taken)[0], age_band="16_17"
    )


def test_the_word_list_has_at_least_2048_words_and_none_unsuitable():
    assert len(PHRASE_WORDS) >= 2048
    assert len(set(PHRASE_WORDS)) == len(PHRASE_WORDS)
    assert not set(PHRASE_WORDS) & UNSUITABLE
    assert all(re.fullmatch(r"[a-z]+", w) for w in PHRASE_WORDS)
    for word in ("gun", "alcohol", "prison", "casino", "tobacco", "kiss", "blood"):
        assert word in Mnemonic("english").wordlist or word in UNSUITABLE
        assert word not in PHRASE_WORDS
    # Most of it is the BIP39 list, so the words are common and easy to spell.
    assert len(set(PHRASE_WORDS) & set(Mnemonic("english").wordlist)) > 1800


def test_a_phrase_is_six_words_from_the_list_with_over_64_bits():
    phrase = new_recovery_phrase()
    assert PHRASE_LENGTH == 6
    assert len(phrase.split()) == 6
    assert all(word in PHRASE_WORDS for word in phrase.split())
    assert PHRASE_LENGTH * (len(PHRASE_WORDS).bit_length() - 1) >= 66


def test_only_a_hash_within_the_club_is_stored(world):
    me, phrase = join(world.club)
    assert me.recovery_hash == phrase_hash(phrase, club_id=world.club.pk)
    assert me.recovery_hash != phrase_hash(phrase, club_id=world.far_club.pk)
    assert phrase not in str(Participant.objects.filter(pk=me.pk).values().get())


def test_the_phrase_works_only_with_its_own_clubs_code(world):
    me, phrase = join(world.club)
    wrong_club = recover(Client(), world.far_club.join_code, phrase)
    assert wrong_club.status_code == 200
    assert "don&#x27;t go together" in wrong_club.content.decode()
    assert settings.PARTICIPANT_COOKIE_NAME not in wrong_club.cookies
    phone = Client()
    response = recover(phone, world.club.join_code, phrase)
    assert response.url == reverse("feedback:member-home", args=[world.club.slug])
    assert cookie_keys_of(phone) == [me.key]


@pytest.mark.parametrize(
    ("code", "message"),
    [("", "Type your club&#x27;s code"), ("ZZZZZZ", "We don&#x27;t know that code")],
)
def test_a_missing_or_unknown_code_says_so_and_lets_no_one_in(world, code, message):
    _me, phrase = join(world.club)
    response = recover(Client(), code, phrase)
    html = response.content.decode()
    assert response.status_code == 200
    assert message in html
    assert 'id="code-error"' in html
    assert settings.PARTICIPANT_COOKIE_NAME not in response.cookies


def test_a_four_word_phrase_from_before_still_works_in_its_club_only(world):
    me = factories.make_participant(world.club)
    old_phrase = "acorn actor album alley"
    Participant.objects.filter(pk=me.pk).update(recovery_hash=legacy_phrase_hash(old_phrase))
    assert recover(Client(), world.far_club.join_code, old_phrase).status_code == 200
    phone = Client()
    assert recover(phone, world.club.join_code, old_phrase).status_code == 302
    assert cookie_keys_of(phone) == [me.key]


def test_a_new_phrase_replaces_the_old_one(world):
    me, old = join(world.club)
    client = phone_of(me)
    url = reverse("feedback:member-new-phrase", args=[world.club.slug])
    page = client.get(url)
    assert page.status_code == 200
    assert "Give me a new phrase" in page.content.decode()
    assert 'data-testid="recovery-phrase"' not in page.content.decode()
    response = client.post(url)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    new = re.search(r'data-testid="recovery-phrase">([^<]+)<', response.content.decode()).group(1)
    assert len(new.split()) == 6
    assert new != old
    assert recover(Client(), world.club.join_code, old).status_code == 200  # refused
    phone = Client()
    assert recover(phone, world.club.join_code, new).status_code == 302
    assert cookie_keys_of(phone) == [me.key]
    # This phone is still in the club.
    assert client.get(reverse("feedback:member-home", args=[world.club.slug])).status_code == 200


def test_a_member_of_another_club_cannot_renew_this_clubs_phrases(world):
    me, _phrase = join(world.club)
    outsider, _ = join(world.far_club)
    before = Participant.objects.get(pk=me.pk).recovery_hash
    url = reverse("feedback:member-new-phrase", args=[world.club.slug])
    assert phone_of(outsider).post(url).status_code == 404
    assert Client().post(url).status_code == 302
    assert Participant.objects.get(pk=me.pk).recovery_hash == before


@pytest.mark.parametrize(
    ("url_name", "args"),
    [("home", []), ("feedback:join", []), ("feedback:join-code", ["CODE"])],
)
def test_recovery_is_offered_wherever_young_people_arrive(world, client, url_name, args):
    args = [world.club.join_code if a == "CODE" else a for a in args]
    html = client.get(reverse(url_name, args=args)).content.decode()
    assert reverse("feedback:join-recover") in html
    assert "recovery phrase" in html
    if url_name == "feedback:join-code":
        # From the QR code's page the club's code is filled in already.
        assert f"{reverse('feedback:join-recover')}?code={world.club.join_code}" in html
        recover_page = client.get(reverse("feedback:join-recover"), {"code": world.club.join_code})
        assert f'value="{world.club.join_code}"' in recover_page.content.decode()


def test_join_your_club_first_points_to_the_recovery_phrase(world, client):
    response = client.get(reverse("feedback:member-home", args=[world.club.slug]), follow=True)
    html = response.content.decode()
    assert "Join your club first" in html
    assert "recovery phrase" in html.split("Join your club first")[1]
    assert reverse("feedback:join-recover") in html


def test_the_club_page_links_to_a_new_phrase(world):
    me, _ = join(world.club)
    html = phone_of(me).get(reverse("feedback:member-home", args=[world.club.slug])).content
    assert reverse("feedback:member-new-phrase", args=[world.club.slug]).encode() in html
