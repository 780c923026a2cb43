"""Hart's ladder and Lundy's four questions: each placement by an explicit rule, shown with it."""

import pytest
import time_machine

from clubs.models import Club
from demo import showcase as demo_indicators
from feedback import indicators
from feedback import services as fs
from feedback.models import Outcome
from tests.feedback.test_indicators import NOW, Story, travel


@pytest.fixture
def showcase(db):
    with time_machine.travel(NOW, tick=False):
        clubs = demo_indicators.build()
        results = indicators.compute(Club.objects.filter(pk__in=[c.pk for c in clubs]))
    return {r.club.name: r for r in results}


# (club, rung, how its rule starts)
HART_CASES = [
    (
        "Itchen Ferry Parkour",
        "youth_initiated",
        "Youth-initiated: 100% answered within 28 days, 70% adopted, no moving goalposts; "
        "7 of 7 adopted ideas were young people's own",
    ),
    (
        "Harbour Street Dance",
        "non_participation",
        "Non-participation: asked but not told: 0% answered within 28 days, nothing decided",
    ),
    ("Romsey Rowing", "non_participation", "Non-participation: nothing is negotiable"),
    ("Andover Netball", "tokenism", "Tokenism: 2 moving goalposts; only 14.3% adopted"),
    ("Fareham Touch Rugby", "tokenism", "Tokenism: 11.1% of proposals unanswered"),
    ("Lymington Paddleboarding", "tokenism", "Tokenism: 40% of promises broken"),
    (
        "Bitterne Basketball",
        "consulted",
        "Consulted and informed: 100% answered within 28 days, 37.5% adopted, no moving goalposts",
    ),
    ("Newport Climbing", "not_placed", "Not placed: fewer than 5 published proposals"),
]


def test_hart_placement_with_its_rule(showcase):
    for club, rung, rule in HART_CASES:
        placement = showcase[club].hart
        assert placement.key == rung, club
        assert placement.rule.startswith(rule), placement.rule


def test_shared_decisions_when_adult_led_rounds_bring_the_adopted_ideas(db):
    story = Story(members=6)
    with travel(90):
        round_ = fs.round_create(
            club=story.club,
            by=story.coach,
            question="What should we play next term?",
            opens_on=(NOW.date().replace(day=1)).replace(month=6),
            closes_on=NOW.date(),
        )
    for i in range(3):
        story.answered(40 + i, after=2, outcome=Outcome.ADOPTED, round_=round_)
    for i in range(2):
        story.answered(50 + i, after=2, outcome=Outcome.NOT_ADOPTED)
    result = story.result()
    assert result.indicators["nothing_changes"].value == 60.0
    assert result.hart.key == "shared"
    assert result.hart.rule.startswith(
        "Shared decisions: 100% answered within 28 days, 60% adopted, no moving goalposts"
    )


LUNDY_CASES = [
    (
        "Itchen Ferry Parkour",
        {"space": "met", "voice": "met", "audience": "met", "influence": "met"},
    ),
    (
        "Harbour Street Dance",
        {"space": "not met", "voice": "met", "audience": "not met", "influence": "not met"},
    ),
    (
        "Eastleigh Badminton",
        {"space": "partly", "voice": "met", "audience": "met", "influence": "partly"},
    ),
    (
        "Newport Climbing",
        {
            "space": "met",
            "voice": "partly",
            "audience": "not enough data",
            "influence": "not enough data",
        },
    ),
]


def test_lundy_questions_with_their_rules(showcase):
    for club, levels in LUNDY_CASES:
        lundy = {q.key: q for q in showcase[club].lundy}
        assert {k: q.level for k, q in lundy.items()} == levels, club
        assert lundy["space"].rule.startswith("Do young people have a safe, inclusive space")
        assert "Worst of Silent consultation" in lundy["influence"].rule


def test_exemplary_club_has_nothing_to_do_and_tokenistic_one_is_told_what_to_do(showcase):
    assert showcase["Itchen Ferry Parkour"].prompts == []
    texts = [p.text for p in showcase["Harbour Street Dance"].prompts]
    assert (
        texts[0]
        == "8 proposals have waited over 14 days for an answer: acknowledge or decide them."
    )
    assert any(t.startswith("Only 2 of 10 members had a say") for t in texts)
    assert any(t.startswith("No ideas in the first 4 weeks") for t in texts)
