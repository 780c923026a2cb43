"""Abuse limits at their default settings: guessing join codes gets a friendly 429."""

from django.test import Client
from django.urls import reverse


def test_a_burst_of_50_wrong_codes_is_refused_after_the_limit_and_others_still_join(
    world, settings
):
    limit = int(settings.RATE_LIMITS["join_client"].split("/")[0])
    guesser = Client(REMOTE_ADDR="203.0.113.50")
    responses = [guesser.get(reverse("feedback:join"), {"code": f"QQQQ{i:02d}"}) for i in range(50)]
    statuses = [r.status_code for r in responses]
    assert statuses[:limit] == [200] * limit
    assert statuses[limit:] == [429] * (50 - limit)
    assert "Slow down a little" in responses[-1].content.decode()
    # A young person on another connection with the right code still gets in.
    other = Client(REMOTE_ADDR="198.51.100.50")
    response = other.get(reverse("feedback:join"), {"code": world.club.join_code})
    assert response.status_code == 302
    assert other.get(response.url).status_code == 200
