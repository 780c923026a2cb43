"""`manage.py indicators` prints JSON that matches the club indicators page."""

import json
import re
from io import StringIO

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.urls import reverse

from feedback.indicators import INDICATORS, STATUS_LABELS
from tests.feedback.test_dashboards import populate
from tests.feedback.test_indicators import NOW


def run(*args) -> str:
    out = StringIO()
    call_command("indicators", *args, stdout=out)
    return out.getvalue()


def test_indicators_for_one_club_match_the_club_page(world, client_as):
    with time_machine.travel(NOW, tick=False):
        proposals = populate(world.club, coach=world.coach, members=5)
        output = run("--club", world.club.slug)
        body = (
            client_as("coach")
            .get(reverse("feedback:club-indicators", args=[world.club.slug]))
            .content.decode()
        )
    data = json.loads(output)
    assert len(data) == 1
    club = data[0]
    assert club["club"] == world.club.slug
    assert (club["start"], club["end"]) == ("2026-07-09", "2026-10-01")
    assert list(club["indicators"]) == list(INDICATORS)
    for key, indicator in club["indicators"].items():
        card = body[body.index(f'id="indicator-{key}"') :]
        shown = re.search(r'class="badge status-badge status-(\w+)">([^<]+)<', card)
        assert shown.group(1) == indicator["status"], key
        assert shown.group(2) == STATUS_LABELS[indicator["status"]]
    assert club["indicators"]["nothing_changes"]["evidence"] == {"proposals": [proposals[1].pk]}
    assert club["indicators"]["late_start_early_stop"]["status"] == "amber"  # no idea in January


def test_indicators_for_all_clubs_are_ordered_and_repeatable(world):
    with time_machine.travel(NOW, tick=False):
        first, second = run(), run()
    assert first == second
    slugs = [c["club"] for c in json.loads(first)]
    assert slugs == sorted([world.club.slug, world.sibling.slug, world.far_club.slug])


def test_indicators_take_a_period(world):
    with time_machine.travel(NOW, tick=False):
        data = json.loads(
            run("--club", world.club.slug, "--start", "2026-01-05", "--end", "2026-03-31")
        )
    assert (data[0]["start"], data[0]["end"]) == ("2026-01-05", "2026-03-31")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--club", "no-such-club"], "No club with the slug"),
        (["--start", "yesterday"], "is not a date"),
        (["--start", "2026-05-01", "--end", "2026-04-01"], "--end must be on or after --start"),
    ],
)
def test_indicators_refuse_bad_input_clearly(world, args, message):
    with pytest.raises(CommandError, match=message):
        run(*args)
