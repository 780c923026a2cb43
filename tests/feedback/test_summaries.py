"""Per-club indicator summaries (#12 item 8): a dashboard reads one row per club, and what it
reads is always what `compute` would say now; every service write makes the club's summary
stale in its own transaction, and so does time."""

import json
from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from clubs import services as cs
from clubs.models import Club
from feedback import indicators
from feedback import services as fs
from feedback import sessions as fsess
from feedback.indicators import dashboards as dash
from feedback.indicators import summaries
from feedback.models import ClubSummary, Outcome
from tests import factories
from tests.feedback import test_reconciliation as recon
from tests.feedback.outcome_helpers import session
from tests.feedback.test_dashboards import make_clubs, populate
from tests.feedback.test_indicators import NOW

REASON = "The hall is booked by another group on that evening all term."


def as_seen(result) -> dict:
    """Everything a dashboard, the CSV or a club's panel shows of a club's result."""
    return {
        "data": json.loads(summaries.dump(result)),
        "hart": (result.hart.key, result.hart.label, result.hart.rule) if result.hart else None,
        "lundy": [(p.key, p.level, p.rule) for p in result.lundy],
        "prompts": [(p.text, p.indicator, p.status, p.evidence) for p in result.prompts],
        "csv": dash.csv_row(result),
        "period": (result.window.start, result.window.end),
    }


def assert_same_as_live(clubs, *, evidence=False):
    clubs = list(Club.objects.filter(pk__in=[c.pk for c in clubs]).order_by("pk"))
    live = indicators.compute(clubs, evidence=evidence)
    read = summaries.results(clubs, evidence=evidence)
    assert [as_seen(r) for r in read] == [as_seen(r) for r in live]
    # The county dashboard's months, added up from the briefs, are the live months.
    briefs = summaries.results(clubs, brief=True)
    window = indicators.Window.make()
    live_months = dash.monthly_trends([c.pk for c in clubs], window)
    assert summaries.monthly_trends(briefs, window) == live_months


def usable(club) -> bool:
    row = ClubSummary.objects.get(club=club)
    return summaries._usable(row, indicators.Window.make(), summaries.timezone.now())


def warm(clubs):
    """Two reads: the first makes the rows, the second fills them (see summaries.py)."""
    summaries.results(list(clubs))
    summaries.results(list(clubs))


@pytest.fixture
def now():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def three(db):
    clubs = make_clubs(3)
    for club in clubs:
        populate(club)
    return clubs


def test_summaries_give_what_compute_gives_on_every_read(three, now):
    for _ in range(3):  # makes the rows, fills them, reads them
        assert_same_as_live(three)
        assert_same_as_live(three, evidence=True)
    assert all(usable(c) for c in three)


def test_a_club_read_for_the_first_time_is_used_only_from_its_second_read(three, now):
    summaries.results(three)
    assert not any(usable(c) for c in three)
    summaries.results(three)
    assert all(usable(c) for c in three)


def test_another_period_is_computed_live_and_leaves_the_summaries_alone(three, now):
    window = indicators.Window.make(NOW.date() - timedelta(days=30), NOW.date())
    read = summaries.results(three, window)
    live = indicators.compute(three, window, evidence=False)
    assert [as_seen(r) for r in read] == [as_seen(r) for r in live]
    assert not ClubSummary.objects.exists()


def test_an_old_summary_is_computed_again(three, now):
    warm(three)
    now.shift(timedelta(minutes=summaries.max_age().total_seconds() / 60 + 1))
    assert not usable(three[0])
    assert_same_as_live(three)


def test_a_write_while_a_summary_is_computed_leaves_it_stale(three, now, monkeypatch):
    """The version is read before the records: a write landing during the computing moves
    the version on, so the summary saved is not used."""
    warm(three)
    ClubSummary.objects.update(data_version=-1)
    real = summaries.compute

    def compute_with_a_write_landing(*args, **kwargs):
        out = real(*args, **kwargs)
        ClubSummary.touch(three[0].pk)
        return out

    monkeypatch.setattr(summaries, "compute", compute_with_a_write_landing)
    summaries.results(three)
    assert not usable(three[0])
    assert usable(three[1])


# --- Every write through the services makes the club's summary stale --------------------


def _club(three):
    club = three[0]
    coach = club.coaches.first()
    member = club.participants.order_by("pk").first()
    other = club.participants.order_by("pk").last()
    return club, coach, member, other


def _publish(club, coach, member, other):
    proposal = club.proposals.filter(published_at__isnull=True).first() or fs.proposal_submit(
        participant=member, title="Netball on Fridays"
    )
    return proposal, lambda: fs.proposal_publish(proposal=proposal, by=coach)


def _open(club, coach, member):
    return fs.proposal_publish(
        proposal=fs.proposal_submit(participant=member, title="Music in the warm-up"), by=coach
    )


WRITES = {
    "submit": lambda c, coach, m, o: (None, lambda: fs.proposal_submit(participant=m, title="A")),
    "publish": _publish,
    "support": lambda c, coach, m, o: (
        p := _open(c, coach, m),
        lambda: fs.support_set(proposal=p, participant=o),
    ),
    "decide": lambda c, coach, m, o: (
        p := _open(c, coach, m),
        lambda: fs.proposal_decide(
            proposal=p, by=coach, outcome=Outcome.NOT_ADOPTED, answer="Not now.", reason=REASON
        ),
    ),
    "acknowledge": lambda c, coach, m, o: (
        p := _open(c, coach, m),
        lambda: fs.proposal_acknowledge(
            proposal=p, by=coach, decider="coach", decide_by=NOW.date() + timedelta(days=7)
        ),
    ),
    "withdraw": lambda c, coach, m, o: (
        p := _open(c, coach, m),
        lambda: fs.proposal_withdraw(proposal=p, participant=m),
    ),
    "join": lambda c, coach, m, o: (
        None,
        lambda: factories.make_participant(c),
    ),
    "block": lambda c, coach, m, o: (
        None,
        lambda: fs.participant_block(participant=o, by=coach),
    ),
    "delete my data": lambda c, coach, m, o: (
        None,
        lambda: fs.participant_delete(participant=o),
    ),
    "aspect": lambda c, coach, m, o: (
        None,
        lambda: cs.aspect_update(
            aspect=c.aspects.get(kind="activity"), by=coach, status="fixed", reason=REASON
        ),
    ),
    "club dates": lambda c, coach, m, o: (
        None,
        lambda: cs.club_update(club=c, funding_start=NOW.date() - timedelta(days=20)),
    ),
    "register": lambda c, coach, m, o: (
        s := session(c, NOW.date() - timedelta(days=1), []),
        lambda: fsess.register_save(session=s, by=coach, participant_ids=[m.pk, o.pk], drop_ins=4),
    ),
}


@pytest.mark.parametrize("name", list(WRITES))
def test_every_write_makes_the_club_summary_stale(three, now, name):
    club, coach, member, other = _club(three)
    _, write = WRITES[name](club, coach, member, other)
    warm(three)
    assert usable(club)
    write()
    assert not usable(club), f"{name} did not make the summary stale"
    assert usable(three[1])
    assert_same_as_live(three)


def test_a_write_to_a_club_read_for_the_first_time_is_not_missed(three, now):
    """No row yet, a write, then reads: the row made by the first read is not usable."""
    club, coach, member, _ = _club(three)
    fs.proposal_submit(participant=member, title="Relay races")
    summaries.results(three)
    fs.proposal_submit(participant=member, title="Small-sided games")
    assert_same_as_live(three)


# --- Random histories: after every write, the summary says what compute says --------------


@settings(max_examples=8, **recon.COMMON)
@given(stories=recon.ideas, deleted=st.sets(st.integers(0, 3)))
def test_summaries_follow_random_histories(db, stories, deleted, monkeypatch):
    """Each service call of a random history (reopen, merge, withdraw, delete-my-data
    included) is made with the summaries warm; right after it, at the same moment, the
    dashboards' reading equals a live compute."""
    from django.db import transaction

    checked = []
    with transaction.atomic():
        clubs = [
            factories.ClubFactory(funding_start=(NOW - timedelta(days=700)).date())
            for _ in range(2)
        ]
        for name in (
            "proposal_submit",
            "proposal_publish",
            "proposal_escalate",
            "proposal_withdraw",
            "proposal_acknowledge",
            "proposal_decide",
            "proposal_reopen",
            "participant_delete",
        ):
            real = getattr(fs, name)

            def checked_call(*args, _real=real, _name=name, **kwargs):
                warm(clubs)
                out = _real(*args, **kwargs)
                assert_same_as_live(clubs)
                checked.append(_name)
                return out

            monkeypatch.setattr(fs, name, checked_call)
        recon._history(clubs, stories, deleted)
        monkeypatch.undo()
        transaction.set_rollback(True)
    assert len(checked) >= len(stories)


# --- Pages ---------------------------------------------------------------------------------


def count(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_county_dashboard_reads_one_row_per_club_when_warm(world, client_as, now):
    """Warm, the county dashboard's queries are the same for 3 and 30 clubs, and fewer
    than computing the indicators."""
    client = client_as("staff")
    url = reverse("feedback:county-dashboard")
    for club in (world.club, world.sibling, world.far_club):
        populate(club, coach=world.coach if club == world.club else None)
    computing = count(client, url)
    # The first read makes the rows and computes the page's clubs again for their
    # whole results (a new row is not usable until it has been read once: see
    # `_from_summaries`); the second is warm.
    warm_few = count(client, url)
    make_clubs(27)
    client.get(url)
    client.get(url)
    warm_many = count(client, url)
    assert warm_few == warm_many
    assert warm_few < computing - 5


@pytest.mark.parametrize("who", ["staff", "coach"])
def test_pages_say_when_their_figures_were_judged(world, client_as, now, who):
    """The county dashboard and the coach's club panel, both read from summaries up to a
    few minutes old, say when their figures were judged."""
    client = client_as(who)
    url = reverse("feedback:county-dashboard") if who == "staff" else world.club.get_absolute_url()
    populate(world.club, coach=world.coach)
    client.get(url)
    client.get(url)
    now.shift(timedelta(minutes=3))
    page = client.get(url).content.decode()
    judged = summaries.timezone.localtime(NOW)
    assert f"Figures as at {judged:%H:%M} on {judged:%-d %B %Y}" in page


def test_the_coachs_club_page_reads_its_indicators_from_the_summary(world, client_as, now):
    """#12: the coach's club page (its indicators panel included) in at most 12 queries once
    the summary is warm, and the panel shows what the club's indicators say."""
    populate(world.club, coach=world.coach)
    client = client_as("coach")
    url = world.club.get_absolute_url()
    computing = count(client, url)
    count(client, url)
    warm_count = count(client, url)
    print("club page", computing, warm_count)
    assert warm_count <= 12
    page = client.get(url).content.decode()
    for indicator in indicators.for_club(world.club):
        assert indicator.name in page


def test_refresh_summaries_computes_what_is_out_of_date_and_nothing_else(three, now):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("refresh_summaries", stdout=out)
    assert out.getvalue().strip() == "3 club summaries computed."
    assert all(usable(c) for c in three)
    fs.proposal_submit(participant=three[1].participants.first(), title="Relay races")
    out = StringIO()
    call_command("refresh_summaries", stdout=out)
    assert out.getvalue().strip() == "1 club summary computed."
    assert_same_as_live(three)


def test_id_facts_names_every_fact_that_lists_record_ids(three, now):
    for result in indicators.compute(three):
        for indicator in result:
            listed = {name for name in indicator.facts if name.endswith("_ids")}
            assert listed <= set(summaries.ID_FACTS)


def test_briefs_count_sort_and_add_up_as_whole_results_do(three, now):
    warm(three)
    briefs = summaries.results(three, brief=True)
    assert all(isinstance(b, summaries.Brief) for b in briefs)
    live = indicators.compute(three, evidence=False)
    assert dash.totals(briefs) == dash.totals(live)
    assert dash.status_tally(briefs) == dash.status_tally(live)
    assert dash.district_breakdown(briefs) == dash.district_breakdown(live)
    for key in dash.SORTS:
        assert [r.club.pk for r in dash.sort_results(briefs, key)] == [
            r.club.pk for r in dash.sort_results(live, key)
        ]
    assert [as_seen(r) for r in summaries.full(briefs)] == [as_seen(r) for r in live]


def test_the_county_dashboard_adds_up_every_club_it_reads_briefly(world, client_as, now):
    client = client_as("staff")
    url = reverse("feedback:county-dashboard")
    for club in (world.club, world.sibling, world.far_club):
        populate(club, coach=world.coach if club == world.club else None)
    make_clubs(4)
    for _ in range(3):  # computing, filling, reading
        response = client.get(url)
        live = indicators.compute(Club.objects.all(), evidence=False)
        assert response.context["totals"] == dash.totals(live)
        assert response.context["tally"] == dash.status_tally(live)
        assert response.context["districts"] == dash.district_breakdown(live)
        ids = list(Club.objects.values_list("pk", flat=True))
        months = dash.monthly_trends(ids, indicators.Window.make())
        assert response.context["months"] == months
        assert sum(m.proposals for m in months) == response.context["totals"]["proposals"]
        drawn = response.context["page"].object_list
        assert all(isinstance(r, indicators.ClubIndicators) for r in drawn)
