"""The "nothing negotiable" prompt counts the negotiable aspects it talks about."""

from datetime import timedelta

import time_machine

from clubs.models import AspectStatus
from feedback import indicators
from tests import factories
from tests.feedback.test_indicators import NOW


def _prompts(club):
    with time_machine.travel(NOW, tick=False):
        result = indicators.for_club(club)
    return [p.text for p in result.prompts if p.indicator == "nothing_negotiable"]


def test_a_club_with_no_negotiable_aspect_yet_is_not_told_only_one_is(db):
    club = factories.ClubFactory(
        declared="", stage="inception", funding_start=(NOW + timedelta(days=30)).date()
    )
    texts = _prompts(club)
    assert not any("Only one aspect" in t for t in texts), texts
    assert any(t.startswith("No aspect is negotiable yet") for t in texts), texts


def test_a_club_with_one_negotiable_aspect_is_told_only_one_is(db):
    club = factories.ClubFactory()
    aspects = list(club.aspects.order_by("pk"))
    for i, aspect in enumerate(aspects):
        aspect.status = AspectStatus.NEGOTIABLE if i == 0 else AspectStatus.FIXED
        aspect.reason = "The hall is booked all week."
        aspect.save()
    texts = _prompts(club)
    assert any(t.startswith("Only one aspect is negotiable") for t in texts), texts
