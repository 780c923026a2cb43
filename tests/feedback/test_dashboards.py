"""Club indicators page, partner and county dashboards: who sees what, queries, privacy, CSV."""

import csv
import io
import re
from datetime import date, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape

from clubs.models import District
from feedback import indicators
from feedback import services as fs
from feedback.indicators import dashboards as dash
from feedback.models import Outcome
from tests import factories
from tests.conftest import ROLES
from tests.feedback.outcome_helpers import session, tick
from tests.feedback.test_indicators import NOW, travel

# --- helpers ----------------------------------------------------------------------


def populate(club, coach=None, members: int = 3):
    """Three members, three published proposals (adopted and done, not adopted, open), supports."""
    coach = coach or factories.make_coach(club)
    with travel(60):
        people = [factories.make_participant(club) for _ in range(members)]
        proposals = [
            fs.proposal_publish(
                proposal=fs.proposal_submit(participant=people[i % members], title=f"Idea {i}"),
                by=coach,
            )
            for i in range(3)
        ]
        for p in proposals:
            fs.support_set(proposal=p, participant=people[(proposals.index(p) + 1) % members])
    with travel(55):
        fs.proposal_decide(
            proposal=proposals[0],
            by=coach,
            outcome=Outcome.ADOPTED,
            answer="Yes, from next week.",
            promised_by=(NOW - timedelta(days=50)).date(),
        )
        fs.proposal_decide(
            proposal=proposals[1],
            by=coach,
            outcome=Outcome.NOT_ADOPTED,
            answer="Not this term.",
            reason="The hall is booked by another group on that evening all term.",
        )
        fs.change_record(
            aspect=club.aspects.get(kind="day"),
            by=coach,
            new_value=f"Thursday, as idea {proposals[0].pk} asked",
            effective_date=(NOW - timedelta(days=50)).date(),
            proposals=[proposals[0]],
        )
    # Registers (#15): weekly sessions from 14 weeks ago, more drop-ins after the change.
    change_day = (NOW - timedelta(days=50)).date()
    for week in range(14):
        day = (NOW - timedelta(weeks=14 - week)).date()
        held = club.sessions.filter(date=day).first()
        if held:  # populated again: more members came
            tick(held, people)
        else:
            session(club, day, people, drop_ins=1 if day < change_day else 3)
    return proposals


def make_clubs(n: int, partner=None):
    clubs = []
    districts = list(District.objects.order_by("ons_code")[:3])
    for i in range(n):
        kwargs = {"partner": partner} if partner else {}
        club = factories.ClubFactory(district=districts[i % 3], **kwargs)
        populate(club)
        clubs.append(club)
    return clubs


def count_queries(fn) -> int:
    with CaptureQueriesContext(connection) as ctx:
        fn()
    return len(ctx.captured_queries)


# --- query counts -------------------------------------------------------------------


def test_indicators_of_3_and_30_clubs_take_the_same_number_of_queries(
    db, django_assert_num_queries
):
    make_clubs(30)
    with time_machine.travel(NOW, tick=False):
        from clubs.models import Club

        three = Club.objects.order_by("pk")[:3]
        few = count_queries(lambda: indicators.compute(Club.objects.filter(pk__in=three)))
        many = count_queries(lambda: indicators.compute(Club.objects.all()))
        assert few == many
        # Nine, and three for the registers' indicators (#15): the sessions run, the members'
        # retention, the changes made because of ideas (aggregates: no row per attendance).
        with django_assert_num_queries(12):
            results = indicators.compute(Club.objects.all())
        # A dashboard's summary leaves out the queries for the records behind them (but
        # reads the 'not adopted' answers: the real-reason rule is judged in Python).
        with django_assert_num_queries(11):
            indicators.compute(Club.objects.all(), evidence=False)
    assert len(results) == 30
    assert all(r.totals["proposals"] == 3 for r in results)
    assert all(r.indicators["engagement_after_changes"].status == "green" for r in results)


def test_county_dashboard_takes_the_same_queries_for_3_and_30_clubs(world, client_as):
    client = client_as("staff")
    url = reverse("feedback:county-dashboard")
    with time_machine.travel(NOW, tick=False):
        for club in (world.club, world.sibling, world.far_club):
            populate(club, coach=world.coach if club == world.club else None)
    with time_machine.travel(NOW, tick=False):
        few = count_queries(lambda: client.get(url))
    make_clubs(27)
    with time_machine.travel(NOW, tick=False):
        many = count_queries(lambda: client.get(url))
        response = client.get(url)
    assert few == many
    assert response.status_code == 200
    assert response.content.decode().count('class="badge status-badge') >= 30 * 8


def test_partner_dashboard_takes_the_same_queries_for_3_and_30_clubs(world, client_as):
    client = client_as("lead")
    url = reverse("feedback:partner-dashboard", args=[world.club.partner_id])
    with time_machine.travel(NOW, tick=False):
        make_clubs(1, partner=world.club.partner)
        few = count_queries(lambda: client.get(url))
        make_clubs(27, partner=world.club.partner)
        many = count_queries(lambda: client.get(url))
    assert few == many


def test_club_indicators_page_queries_do_not_grow_with_the_records(world, client_as):
    client = client_as("coach")
    url = reverse("feedback:club-indicators", args=[world.club.slug])
    with time_machine.travel(NOW, tick=False):
        populate(world.club, coach=world.coach)
        few = count_queries(lambda: client.get(url))
        populate(world.club, coach=world.coach)
        populate(world.club, coach=world.coach)
        many = count_queries(lambda: client.get(url))
    assert few == many


# --- permissions ----------------------------------------------------------------------

CLUB_PAGE = {
    "anonymous": 302,
    "coach": 200,
    "other_coach": 404,
    "far_coach": 404,
    "lead": 200,
    "far_lead": 404,
    "staff": 200,
    "superuser": 200,
}
PARTNER_PAGE = {**CLUB_PAGE, "coach": 404}
COUNTY_PAGE = {**PARTNER_PAGE, "lead": 404}


@pytest.mark.parametrize("role", ROLES)
def test_club_indicators_page_permission_matrix(world, client_as, role):
    response = client_as(role).get(reverse("feedback:club-indicators", args=[world.club.slug]))
    assert response.status_code == CLUB_PAGE[role]
    if response.status_code == 302:
        assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize("name", ["feedback:partner-dashboard", "feedback:partner-export"])
@pytest.mark.parametrize("role", ROLES)
def test_partner_dashboard_and_export_permission_matrix(world, client_as, role, name):
    response = client_as(role).get(reverse(name, args=[world.club.partner_id]))
    assert response.status_code == PARTNER_PAGE[role]
    if response.status_code == 302:
        assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize("name", ["feedback:county-dashboard", "feedback:county-export"])
@pytest.mark.parametrize("role", ROLES)
def test_county_dashboard_and_export_permission_matrix(world, client_as, role, name):
    response = client_as(role).get(reverse(name))
    assert response.status_code == COUNTY_PAGE[role]
    if response.status_code == 302:
        assert response.url.startswith(reverse("login"))


def test_a_lead_sees_another_partners_dashboard_as_not_found(world, client_as):
    client = client_as("lead")
    assert (
        client.get(
            reverse("feedback:partner-dashboard", args=[world.far_club.partner_id])
        ).status_code
        == 404
    )
    assert (
        client.get(reverse("feedback:partner-export", args=[world.far_club.partner_id])).status_code
        == 404
    )
    assert client.get(reverse("feedback:partner-dashboard", args=[99999])).status_code == 404


def test_dashboards_refuse_posts(world, client_as):
    client = client_as("staff")
    assert client.post(reverse("feedback:county-dashboard")).status_code == 405
    assert (
        client.post(reverse("feedback:club-indicators", args=[world.club.slug])).status_code == 405
    )


def _csv_rows(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def test_partner_export_lists_only_the_partners_clubs(world, client_as):
    rows = _csv_rows(
        client_as("lead").get(reverse("feedback:partner-export", args=[world.club.partner_id]))
    )
    assert sorted(r["slug"] for r in rows) == sorted([world.club.slug, world.sibling.slug])


def test_county_export_follows_the_same_filters_as_the_page(world, client_as):
    client = client_as("staff")
    query = {"partner": world.far_club.partner_id, "sort": "silent_consultation"}
    page = client.get(reverse("feedback:county-dashboard"), query)
    rows = _csv_rows(client.get(reverse("feedback:county-export"), query))
    assert [r["slug"] for r in rows] == [world.far_club.slug]
    assert world.far_club.name in page.content.decode()
    assert world.club.name not in page.content.decode()
    assert set(rows[0]) >= {"silent_consultation_status", "late_start_early_stop_value", "hart"}


def test_county_export_escapes_formulas(world, client_as):
    world.far_club.name = "=HYPERLINK(1)"
    world.far_club.save()
    rows = _csv_rows(client_as("staff").get(reverse("feedback:county-export")))
    assert "'=HYPERLINK(1)" in [r["club"] for r in rows]


def test_county_filters_by_district_stage_and_activity(world, client_as):
    other = District.objects.exclude(pk=world.club.district_id).first()
    far = factories.ClubFactory(
        name="Island Climbing", district=other, activity="Climbing", stage="review"
    )
    client = client_as("staff")
    url = reverse("feedback:county-dashboard")
    for query in ({"district": other.pk}, {"stage": "review"}, {"activity": "Climbing"}):
        body = client.get(url, query).content.decode()
        assert far.name in body, query
        assert world.club.name not in body, query


def test_county_filter_appears_with_a_second_county_and_scopes_the_clubs(world, client_as):
    client = client_as("staff")
    url = reverse("feedback:county-dashboard")
    # One county (Hampshire and the Isle of Wight): nothing to choose.
    assert 'name="county"' not in client.get(url).content.decode()
    other = District.objects.exclude(pk=world.club.district_id).first()
    other.county = "Dorset"
    other.save()
    far = factories.ClubFactory(name="Poole Paddleboarding", district=other)
    body = client.get(url).content.decode()
    assert 'name="county"' in body
    assert ">Dorset</option>" in body
    dorset = client.get(url, {"county": "Dorset"}).content.decode()
    assert far.name in dorset
    assert world.club.name not in dorset
    home = client.get(url, {"county": world.club.district.county}).content.decode()
    assert world.club.name in home
    assert far.name not in home
    rows = _csv_rows(client.get(reverse("feedback:county-export"), {"county": "Dorset"}))
    assert [r["slug"] for r in rows] == [far.slug]
    # A county that is not one: a clear message, and every club as by default.
    nowhere = client.get(url, {"county": "Atlantis"})
    assert nowhere.status_code == 200
    assert "Select a valid choice" in nowhere.content.decode()
    assert far.name in nowhere.content.decode()


def test_bad_filters_say_so_and_show_the_default(world, client_as):
    client = client_as("staff")
    response = client.get(
        reverse("feedback:county-dashboard"), {"start": "2026-09-01", "end": "2026-08-01"}
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "The period must end on or after its start." in body
    assert world.club.name in body
    bad_csv = client.get(reverse("feedback:county-export"), {"start": "not-a-date"})
    assert bad_csv.status_code == 400


def test_county_sorts_by_an_indicator_worst_first(world, client_as):
    with time_machine.travel(NOW, tick=False):
        from clubs import services as club_services

        for aspect in world.sibling.aspects.all():
            club_services.aspect_update(
                aspect=aspect, by=world.lead, status="fixed", reason="Set by the school timetable."
            )
        body = (
            client_as("staff")
            .get(reverse("feedback:county-dashboard"), {"sort": "nothing_negotiable"})
            .content.decode()
        )
    table = body[body.index("club-indicator-table") :]
    assert table.index(world.sibling.name) < table.index(world.club.name)


# --- district breakdowns never show 1 to 4 -----------------------------------------------


@pytest.mark.parametrize("n", range(0, 12))
def test_suppressed_counts(n):
    assert dash.suppressed(n) == ("fewer than 5" if 1 <= n <= 4 else str(n))


def test_district_breakdown_never_shows_a_count_of_young_people_between_1_and_4(world, client_as):
    """Members and proposals are suppressed; clubs (named on the page) are not."""
    # District one: 3 clubs, 9 members, 3 members' proposals; district two: 6 clubs.
    districts = list(District.objects.order_by("ons_code")[3:5])
    for _ in range(3):
        club = factories.ClubFactory(district=districts[0])
        for _member in range(3):
            factories.make_participant(club)
    factories.make_proposal(factories.make_participant(world.club))
    for _ in range(6):
        factories.ClubFactory(district=districts[1])
    body = client_as("staff").get(reverse("feedback:county-dashboard")).content.decode()
    table = body[
        body.index("district-table") : body.index("</table>", body.index("district-table"))
    ]
    rows = re.findall(r"<tr><th scope=\"row\">[^<]*</th>(.*?)</tr>", table)
    assert rows
    for row in rows:
        members, proposals, answered = re.findall(r"<td>([^<]*)</td>", row)[1:4]
        for cell in (members, proposals, answered):
            assert cell.strip() not in {"1", "2", "3", "4"}, row
    row = table[table.index(districts[0].name) :]
    assert re.findall(r"<td>([^<]*)</td>", row)[:2] == ["3", "9"]
    mine = table[table.index(world.club.district.name) :]
    assert re.findall(r"<td>([^<]*)</td>", mine)[2] == "fewer than 5"


# --- what the pages show -------------------------------------------------------------------


def test_club_indicators_page_shows_every_indicator_with_rule_and_evidence(world, client_as):
    with time_machine.travel(NOW, tick=False):
        populate(world.club, coach=world.coach)
        silent = []
        people = list(world.club.participants.all())
        with travel(40):
            for i in range(5):
                p = fs.proposal_submit(participant=people[i % 3], title=f"Waiting idea {i}")
                silent.append(fs.proposal_publish(proposal=p, by=world.coach))
        response = client_as("coach").get(
            reverse("feedback:club-indicators", args=[world.club.slug])
        )
    body = response.content.decode()
    for name, _, _ in indicators.INDICATORS.values():
        assert name in body
    assert "Rule:" in body
    assert "Hart&#x27;s ladder" in body or "Hart's ladder" in body
    assert "What to do next" in body
    # Evidence links to the coach's page for each waiting idea.
    for p in silent:
        assert f"/clubs/{world.club.slug}/proposals/{p.pk}/" in body
        assert "Waiting idea" in body
    # The open idea of populate() waits too.
    assert "6 proposals have waited over 14 days for an answer" in body


def test_club_indicators_page_takes_a_chosen_period(world, client_as):
    response = client_as("staff").get(
        reverse("feedback:club-indicators", args=[world.club.slug]),
        {"start": "2026-01-05", "end": "2026-03-31"},
    )
    body = response.content.decode()
    assert "From 5 Jan 2026 to 31 Mar 2026" in body


def test_club_indicators_panel_renders_for_people_who_may_see_the_club(world, rf):
    from django.contrib.auth.models import AnonymousUser
    from django.template.loader import render_to_string

    request = rf.get("/")
    request.user = world.coach
    html = render_to_string(
        "feedback/dashboards/_club_indicators.html", {"club": world.club}, request=request
    )
    assert "Silent consultation" in html
    assert reverse("feedback:club-indicators", args=[world.club.slug]) in html
    request.user = AnonymousUser()
    html = render_to_string(
        "feedback/dashboards/_club_indicators.html", {"club": world.club}, request=request
    )
    assert "Silent consultation" not in html
    request.user = world.far_coach
    html = render_to_string(
        "feedback/dashboards/_club_indicators.html", {"club": world.club}, request=request
    )
    assert html.strip() == ""


def test_county_dashboard_shows_totals_and_an_accessible_chart(world, client_as):
    with time_machine.travel(NOW, tick=False):
        populate(world.club, coach=world.coach)
        body = client_as("staff").get(reverse("feedback:county-dashboard")).content.decode()
    assert 'role="img"' in body
    assert '<title id="county-trend-title">' in body
    assert '<desc id="county-trend-desc">' in body
    assert "style=" not in body
    assert "Median days to an answer" in body
    # Three proposals made in August 2026 (3 published, 2 answered), 2 decided, 1 adopted.
    assert re.search(
        r"<th scope=\"row\">Aug 2026</th><td>3</td><td>3</td><td>2</td><td>2</td><td>1</td>", body
    )


def test_monthly_trends_count_each_month(world):
    with time_machine.travel(NOW, tick=False):
        populate(world.club)
        months = dash.monthly_trends([world.club.pk], indicators.Window.make())
    # The period's months only, the first and last clipped to it.
    assert [m.label for m in months] == ["9-31 Jul 2026", "Aug 2026", "Sep 2026", "1 Oct 2026"]
    aug = months[1]
    assert (aug.proposals, aug.answered, aug.adopted) == (3, 2, 1)
    assert months[0].start == date(2026, 7, 9)


@pytest.mark.parametrize(
    ("role", "sees_link"),
    [("coach", False), ("lead", True), ("staff", True), ("superuser", True)],
)
def test_club_indicators_link_to_the_partner_dashboard_for_who_may_see_it(
    world, client_as, role, sees_link
):
    body = (
        client_as(role)
        .get(reverse("feedback:club-indicators", args=[world.club.slug]))
        .content.decode()
    )
    link = reverse("feedback:partner-dashboard", args=[world.club.partner_id])
    assert (link in body) is sees_link


@pytest.mark.parametrize(("role", "sees_link"), [("lead", False), ("staff", True)])
def test_county_dashboard_is_in_the_menu_for_county_staff(world, client_as, role, sees_link):
    body = client_as(role).get(reverse("clubs:my-clubs")).content.decode()
    assert (reverse("feedback:county-dashboard") in body) is sees_link


@pytest.mark.parametrize(
    ("query", "message"),
    [
        (
            {"start": "2026-09-01", "end": "2026-08-01"},
            "The period must end on or after its start.",
        ),
        ({"start": "2099-01-01"}, "The period can&#x27;t start after today."),
        ({"start": "2020-01-01", "end": "2026-01-01"}, "Choose a period of three years or less."),
        ({"end": "yesterday"}, "Enter a valid date."),
    ],
)
def test_club_indicators_bad_period_says_why_and_shows_the_last_12_weeks(
    world, client_as, query, message
):
    with time_machine.travel(NOW, tick=False):
        response = client_as("coach").get(
            reverse("feedback:club-indicators", args=[world.club.slug]), query
        )
    body = response.content.decode()
    assert response.status_code == 200
    assert message in body
    assert "From 9 Jul 2026 to 1 Oct 2026" in body


def test_a_filtered_county_dashboard_names_the_filter_and_links_keep_the_period(world, client_as):
    query = {"district": world.club.district_id, "start": "2026-08-01", "end": "2026-09-30"}
    with time_machine.travel(NOW, tick=False):
        body = client_as("staff").get(reverse("feedback:county-dashboard"), query).content.decode()
    district = world.club.district.name
    assert "Every Satellite Club in Hampshire" not in body
    assert f"Satellite Clubs with district {district}, from 1 Aug 2026" in body
    assert f'id="totals">Totals: district {district}</h2>' in body
    assert "County totals" not in body
    assert "across the county" not in body
    assert f"Proposals per month at clubs with district {district}: the numbers" in body
    period = "?start=2026-08-01&amp;end=2026-09-30"
    club_link = reverse("feedback:club-indicators", args=[world.club.slug]) + period
    partner_link = reverse("feedback:partner-dashboard", args=[world.club.partner_id]) + period
    assert club_link in body
    assert partner_link in body
    with time_machine.travel(NOW, tick=False):
        club_page = (
            client_as("staff")
            .get(reverse("feedback:club-indicators", args=[world.club.slug]), query)
            .content.decode()
        )
    assert partner_link in club_page


def test_no_not_enough_data_cell_shows_a_value(world, client_as):
    with time_machine.travel(NOW, tick=False):
        populate(world.club, coach=world.coach)
        results = indicators.compute([world.club], indicators.Window.make(), evidence=False)
        body = client_as("staff").get(reverse("feedback:county-dashboard")).content.decode()
    nones = [i for i in results[0] if i.status == "none"]
    assert nones
    assert all(i.display == "" for i in nones)
    assert re.search(r"Not enough data</span><span class=\"d-block small\"></span>", body)
    assert not re.search(r"Not enough data</span><span class=\"d-block small\">[^<]", body)


def test_how_we_place_clubs_lists_rungs_questions_rules_and_thresholds(client):
    body = client.get(reverse("feedback:placement-help")).content.decode()
    for rung in ("Non-participation", "Tokenism", "Consulted and informed", "Shared decisions"):
        assert rung in body
    for question in ("Space", "Voice", "Audience", "Influence"):
        assert f'id="lundy-{question.lower()}"' in body
    assert "A single such answer is enough on purpose" in body
    assert "SILENT_RED_OVER_PCT" in body
    assert "Silent consultation" in body
    # What each indicator counts, from its spec: "what makes X red?" on one screen.
    for spec in indicators.SPECS.values():
        assert escape(f"Counts {spec.population}; of those, {spec.numerator}.") in body


def test_every_placement_links_to_how_we_place_clubs(world, client_as):
    help_url = reverse("feedback:placement-help")
    staff = client_as("staff")
    county = staff.get(reverse("feedback:county-dashboard")).content.decode()
    club = staff.get(reverse("feedback:club-indicators", args=[world.club.slug])).content.decode()
    partner = staff.get(
        reverse("feedback:partner-dashboard", args=[world.club.partner_id])
    ).content.decode()
    assert county.count(f'href="{help_url}#hart-') == 3  # one per club
    assert partner.count(f'href="{help_url}#hart-') == 2
    assert f'href="{help_url}#hart-' in club
    assert f'href="{help_url}#lundy-h"' in club


def test_the_county_table_shows_a_page_of_clubs_and_every_figure_counts_them_all(
    world, client_as, monkeypatch
):
    from feedback.views import dashboards as views

    monkeypatch.setattr(views, "CLUBS_PER_PAGE", 2)
    client = client_as("staff")
    url = reverse("feedback:county-dashboard")
    with time_machine.travel(NOW, tick=False):
        for club in (world.club, world.sibling, world.far_club):
            populate(club, coach=world.coach if club == world.club else None)
        first = client.get(url, {"sort": "name"})
        second = client.get(url, {"sort": "name", "page": 2})
    names = sorted(c.name for c in (world.club, world.sibling, world.far_club))
    one, two = first.content.decode(), second.content.decode()
    assert "Clubs 1 to 2 of 3" in one
    assert "Clubs 3 to 3 of 3" in two
    assert f">{names[2]}</a>" not in one
    assert f">{names[2]}</a>" in two
    # The totals and the tally count every club on every page.
    assert first.context["totals"] == second.context["totals"]
    assert first.context["totals"]["clubs"] == 3
    assert 'href="?sort=name&amp;page=2"' in one


def _controls(body: str) -> dict[str, list[str] | str]:
    """Each filter control's chosen option values (a select) or value (a date input)."""
    chosen: dict = {}
    for name, options in re.findall(r'<select[^>]*name="(\w+)"[^>]*>(.*?)</select>', body, re.S):
        chosen[name] = re.findall(r'<option value="([^"]*)" selected>', options)
    for name, value in re.findall(r'<input[^>]*type="date" name="(\w+)"[^>]*value="([^"]*)"', body):
        chosen[name] = value
    return chosen


def test_the_filters_show_what_was_chosen_and_only_that(world, client_as):
    """Each select has exactly the option chosen (the "All ..." one when none), a date input
    its value as typed; a choice that is not one leaves the select at "All"."""
    client = client_as("staff")
    url = reverse("feedback:county-dashboard")
    assert _controls(client.get(url).content.decode()) == {
        "district": [""],
        "partner": [""],
        "stage": [""],
        "activity": [""],
        "start": "",
        "end": "",
        "sort": [],  # none: the browser shows the first, by name
    }
    query = {
        "district": world.club.district_id,
        "partner": world.club.partner_id,
        "stage": world.club.stage,
        "activity": world.club.activity,
        "start": "2026-09-01",
        "end": "2026-10-01",
        "sort": "partner",
    }
    body = client.get(url, query).content.decode()
    assert _controls(body) == {
        **{k: [str(v)] for k, v in query.items() if k not in ("start", "end")},
        "start": "2026-09-01",
        "end": "2026-10-01",
    }
    assert f'<option value="{world.far_club.partner_id}">' in body  # the others, not chosen
    bad = client.get(url, {"stage": "nonsense", "start": "not a date"}).content.decode()
    assert _controls(bad)["stage"] == []  # no option is "nonsense": none chosen
    assert _controls(bad)["start"] == "not a date"  # as typed, with the form's error
