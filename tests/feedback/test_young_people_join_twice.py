"""A double tap on Join makes one member, signed in once, who sees their recovery phrase.

The join form carries a token made when it renders. The same token twice is the same
join: one `Participant`, the same identity and the same phrase on whichever answer the
browser ends on (the phrase is sealed with the token, which only that browser holds),
until the member opens their club or 15 minutes pass; then it is refused clearly.
"""

import re
import uuid
from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from feedback import services
from feedback.models import AgeBand, Participant
from feedback.words import phrase_hash, pseudonym_suggestions
from tests.feedback.test_yp_support import cookie_keys_of

pytestmark = pytest.mark.django_db


def join(club, token, name=None, age_band=AgeBand.B16_17):
    name = name or pseudonym_suggestions(1)[0]
    return services.participant_join(
        club=club, pseudonym=name, age_band=age_band, client_token=token
    )


def phrase_on(response) -> str:
    return re.search(r'data-testid="recovery-phrase">([^<]+)<', response.content.decode()).group(1)


def join_page(client, club) -> tuple[str, str]:
    """A suggested name and the form's token, as the join page renders them."""
    html = client.get(reverse("feedback:join-code", args=[club.join_code])).content.decode()
    name = re.findall(r'name="pseudonym" value="([^"]+)"', html)[0]
    token = re.search(r'name="client_token" value="([^"]+)"', html).group(1)
    return name, token


# --- The service -------------------------------------------------------------------


def test_the_same_token_twice_gives_one_member_and_the_same_phrase(world):
    token = str(uuid.uuid4())
    name = pseudonym_suggestions(1)[0]
    first, phrase = join(world.club, token, name)
    again, phrase_again = join(world.club, token, name)
    assert again.pk == first.pk
    assert phrase_again == phrase
    assert phrase_hash(phrase, club_id=world.club.pk) == first.recovery_hash
    assert Participant.objects.count() == 1


def test_a_second_tap_with_another_name_chosen_is_still_the_first_member(world):
    token = str(uuid.uuid4())
    name, other = pseudonym_suggestions(2)
    first, phrase = join(world.club, token, name)
    again, phrase_again = join(world.club, token, other, age_band=AgeBand.B13_15)
    assert (again.pk, again.pseudonym, phrase_again) == (first.pk, name, phrase)
    assert Participant.objects.count() == 1


def test_neither_the_phrase_nor_the_token_is_stored_in_the_clear(world):
    token = str(uuid.uuid4())
    participant, phrase = join(world.club, token)
    row = str(Participant.objects.filter(pk=participant.pk).values().get())
    assert phrase not in row
    assert token not in row
    for word in phrase.split():
        assert f" {word} " not in row


def test_another_form_with_the_same_name_is_told_the_name_is_taken_not_given_the_phrase(world):
    name = pseudonym_suggestions(1)[0]
    join(world.club, str(uuid.uuid4()), name)
    with pytest.raises(ValidationError) as error:
        join(world.club, str(uuid.uuid4()), name)
    assert error.value.code == "pseudonym_taken"
    assert Participant.objects.count() == 1


def test_once_the_member_has_opened_their_club_the_same_token_is_refused(world):
    token = str(uuid.uuid4())
    participant, _phrase = join(world.club, token)
    services.participant_visit(participant=participant)
    assert Participant.objects.get().join_phrase_sealed == ""
    with pytest.raises(ValidationError) as error:
        join(world.club, token)
    assert error.value.code == "already_joined"
    assert "recovery phrase" in error.value.messages[0]
    assert Participant.objects.count() == 1


def test_after_fifteen_minutes_the_same_token_is_refused(world):
    token = str(uuid.uuid4())
    join(world.club, token)
    with time_machine.travel(timezone.now() + timedelta(minutes=14)):
        assert join(world.club, token)[0] == Participant.objects.get()
    with (
        time_machine.travel(timezone.now() + timedelta(minutes=16)),
        pytest.raises(ValidationError) as error,
    ):
        join(world.club, token)
    assert error.value.code == "already_joined"
    assert Participant.objects.count() == 1


def test_a_new_phrase_makes_the_join_phrase_unreadable(world):
    token = str(uuid.uuid4())
    participant, _phrase = join(world.club, token)
    services.participant_new_phrase(participant=participant)
    with pytest.raises(ValidationError) as error:
        join(world.club, token)
    assert error.value.code == "already_joined"


def test_the_same_token_in_another_club_is_another_join(world):
    token = str(uuid.uuid4())
    here, _ = join(world.club, token)
    there, _ = join(world.far_club, token)
    assert here.pk != there.pk


def test_joins_without_a_token_are_unchanged(world):
    """Imports, factories and old pages post no token: every call is a new member."""
    one, _ = join(world.club, "")
    two, _ = join(world.club, "")
    assert one.pk != two.pk
    assert one.join_token_hash == two.join_token_hash == ""
    assert one.join_phrase_sealed == ""


# --- Through the pages ---------------------------------------------------------------


def test_a_double_tapped_join_signs_in_one_member_and_both_answers_show_its_phrase(world):
    """Both requests leave the phone before either answer comes back: neither has the cookie."""
    browser = Client()
    name, token = join_page(browser, world.club)
    url = reverse("feedback:join-code", args=[world.club.join_code])
    data = {"pseudonym": name, "age_band": AgeBand.B16_17, "client_token": token}
    first_tap, second_tap = Client(), Client()
    first = first_tap.post(url, data)
    second = second_tap.post(url, data)
    assert first.status_code == second.status_code == 200
    participant = Participant.objects.get()
    assert phrase_on(first) == phrase_on(second)
    assert phrase_hash(phrase_on(second), club_id=world.club.pk) == participant.recovery_hash
    assert cookie_keys_of(first_tap) == cookie_keys_of(second_tap) == [participant.key]
    assert "no-store" in second.headers["Cache-Control"]
    # The phone ends on the second answer: it is that member, in its club.
    home = second_tap.get(reverse("feedback:member-home", args=[world.club.slug]))
    assert home.status_code == 200
    assert participant.pseudonym in home.content.decode()


def test_a_tap_after_the_first_answer_arrived_goes_to_the_club(world):
    browser = Client()
    name, token = join_page(browser, world.club)
    url = reverse("feedback:join-code", args=[world.club.join_code])
    data = {"pseudonym": name, "age_band": AgeBand.B16_17, "client_token": token}
    assert browser.post(url, data).status_code == 200
    again = browser.post(url, data)
    assert again.status_code == 302
    assert again.url == reverse("feedback:member-home", args=[world.club.slug])
    assert Participant.objects.count() == 1


def test_a_late_second_submit_without_the_cookie_is_sent_to_recovery_not_signed_in(world):
    name, token = join_page(Client(), world.club)
    url = reverse("feedback:join-code", args=[world.club.join_code])
    data = {"pseudonym": name, "age_band": AgeBand.B16_17, "client_token": token}
    Client().post(url, data)
    with time_machine.travel(timezone.now() + timedelta(minutes=20)):
        late = Client()
        response = late.post(url, data, follow=True)
    assert response.redirect_chain[-1][0] == (
        f"{reverse('feedback:join-recover')}?code={world.club.join_code}"
    )
    html = response.content.decode()
    assert "already joined this club from this page" in html
    assert 'data-testid="recovery-phrase"' not in html
    assert cookie_keys_of(late) == []
    assert Participant.objects.count() == 1


def test_a_name_taken_by_someone_else_meanwhile_gets_the_usual_message(world):
    name, token = join_page(Client(), world.club)
    url = reverse("feedback:join-code", args=[world.club.join_code])
    Client().post(url, {"pseudonym": name, "age_band": AgeBand.B16_17})
    response = Client().post(
        url, {"pseudonym": name, "age_band": AgeBand.B16_17, "client_token": token}
    )
    assert response.status_code == 200
    assert "already has that name" in response.content.decode()
    assert Participant.objects.count() == 1


def test_the_form_keeps_its_token_when_shown_again_with_errors(world):
    name, token = join_page(Client(), world.club)
    response = Client().post(
        reverse("feedback:join-code", args=[world.club.join_code]),
        {"pseudonym": name, "age_band": "42", "client_token": token},
    )
    assert f'name="client_token" value="{token}"' in response.content.decode()


def test_the_second_tap_is_not_stopped_by_the_clubs_hourly_limit(world, settings):
    settings.COPRODUCE = {**settings.COPRODUCE, "JOINS_PER_CLUB_PER_HOUR": 1}
    name, token = join_page(Client(), world.club)
    url = reverse("feedback:join-code", args=[world.club.join_code])
    data = {"pseudonym": name, "age_band": AgeBand.B16_17, "client_token": token}
    first, second = Client().post(url, data), Client().post(url, data)
    assert (first.status_code, second.status_code) == (200, 200)
    assert phrase_on(first) == phrase_on(second)
    # A new member is still stopped by the limit.
    other_name, other_token = join_page(Client(), world.club)
    paused = Client().post(
        url, {"pseudonym": other_name, "age_band": AgeBand.B16_17, "client_token": other_token}
    )
    assert paused.status_code == 429
    assert Participant.objects.count() == 1


@pytest.mark.parametrize("token", ["", "not-a-uuid", "x" * 500, "\x00"])
def test_a_garbled_token_still_joins_once_per_submit(world, token):
    name, _ = join_page(Client(), world.club)
    response = Client().post(
        reverse("feedback:join-code", args=[world.club.join_code]),
        {"pseudonym": name, "age_band": AgeBand.B16_17, "client_token": token},
    )
    assert response.status_code == 200
    assert settings.PARTICIPANT_COOKIE_NAME in response.cookies
    assert Participant.objects.get().join_token_hash == ""
