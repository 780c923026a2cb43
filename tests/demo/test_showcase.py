"""The indicator showcase demo: every indicator in every colour, idempotent, wiped with the demo."""

import re

import time_machine
from django.urls import reverse

from clubs.models import Club
from demo import clubs as club_demo
from demo import showcase as demo_indicators
from feedback import indicators
from feedback.indicators import AMBER, GREEN, INDICATORS, NONE, RED
from feedback.models import Proposal
from tests.feedback.test_indicators import NOW

# The showcase's proposals put each of the eight involvement indicators in every colour. The
# registers' two (#15, Engagement after changes and Keeps coming) read sessions, which the
# showcase alone does not make: the demo's registers do (demo/registers.py, seed_demo).
INVOLVEMENT = [k for k in INDICATORS if k not in ("engagement_after_changes", "keeps_coming")]


def _statuses(clubs):
    results = indicators.compute(Club.objects.filter(pk__in=[c.pk for c in clubs]))
    return {r.club.name: {k: i.status for k, i in r.indicators.items()} for r in results}, results


def test_showcase_has_every_indicator_in_every_colour(db):
    with time_machine.travel(NOW, tick=False):
        clubs = demo_indicators.build()
        statuses, results = _statuses(clubs)
    for key in INVOLVEMENT:
        seen = {s[key] for s in statuses.values()}
        assert {GREEN, AMBER, RED} <= seen, (key, {n: s[key] for n, s in statuses.items()})
    by_name = {r.club.name: r for r in results}
    exemplary = by_name["Itchen Ferry Parkour"]
    assert {statuses["Itchen Ferry Parkour"][k] for k in INVOLVEMENT} == {GREEN}
    assert exemplary.hart.key in {"shared", "youth_initiated"}
    assert statuses["Harbour Street Dance"]["silent_consultation"] == RED
    assert statuses["Bitterne Basketball"]["slow_response"] == RED
    assert statuses["Andover Netball"]["unexplained_no"] == RED
    assert len(by_name["Andover Netball"].indicators["unexplained_no"].facts["goalpost_ids"]) == 2
    assert statuses["Romsey Rowing"]["nothing_negotiable"] == RED
    young = statuses["Newport Climbing"]
    assert [k for k, s in young.items() if s != NONE] == ["nothing_negotiable"]
    # Without registers, the registers' two say "not enough data" for every club.
    assert {s[k] for s in statuses.values() for k in INDICATORS if k not in INVOLVEMENT} == {NONE}


def test_showcase_build_is_idempotent_and_wiped_with_the_demo(db):
    with time_machine.travel(NOW, tick=False):
        first = demo_indicators.build()
        count = Proposal.objects.count()
        again = demo_indicators.build()
    assert [c.pk for c in again] == [c.pk for c in first]
    assert Proposal.objects.count() == count
    club_demo.wipe()
    assert not Club.objects.filter(pk__in=[c.pk for c in first]).exists()


def test_county_dashboard_shows_each_colour_for_each_indicator_after_the_demo(db, client):
    with time_machine.travel(NOW, tick=False):
        demo_indicators.build()
        club_demo.build_accounts()
        client.force_login(club_demo.demo_users().get(email__startswith="staff@"))
        body = client.get(reverse("feedback:county-dashboard")).content.decode()
    table = body[body.index("tally-table") :]
    for key in INVOLVEMENT:
        name = INDICATORS[key][0]
        row = table[table.index(f'<th scope="row">{name}</th>') :].split("</tr>")[0]
        cells = [int(c) for c in re.findall(r"<td>(\d+)</td>", row)]
        assert all(n >= 1 for n in cells[:3]), (key, cells)


def test_a_dashboards_summary_says_what_the_full_indicators_say_without_the_records(db):
    """compute(evidence=False), for the partner and county dashboards and the CSV: the same
    statuses, values, counts, explanations and Hart rung for clubs in every colour."""
    with time_machine.travel(NOW, tick=False):
        clubs = Club.objects.filter(pk__in=[c.pk for c in demo_indicators.build()])
        full = indicators.compute(clubs)
        summary = indicators.compute(clubs, evidence=False)
    assert [r.club.pk for r in summary] == [r.club.pk for r in full]
    with_evidence = 0
    for whole, short in zip(full, summary, strict=True):
        assert short.has_evidence is False
        assert short.hart == whole.hart
        assert short.lundy == []
        assert short.prompts == []
        assert whole.lundy
        for key, indicator in whole.indicators.items():
            brief = short.indicators[key]
            assert (brief.status, brief.value, brief.display, brief.records) == (
                indicator.status,
                indicator.value,
                indicator.display,
                indicator.records,
            ), (whole.club.name, key)
            assert brief.explanation == indicator.explanation
            with_evidence += bool(indicator.evidence and key != "nothing_negotiable")
        lists = {"waiting", "stalled"}
        assert {k: v for k, v in short.totals.items() if k not in lists} == {
            k: v for k, v in whole.totals.items() if k not in lists
        }
    # The full computation did have records to show, so the comparison meant something.
    assert with_evidence >= 10
