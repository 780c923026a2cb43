"""Coaches' pages: what they show, exact query counts, and bad input that changes nothing."""

import copy
from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from clubs.services import aspect_update
from feedback import services
from feedback.models import Decision, Learning, ProposalEvent, Round, State
from tests import factories
from tests.feedback import coach_helpers as h

Kind = ProposalEvent.Kind


def _url(name, world, **kw):
    return reverse(f"feedback:{name}", kwargs={"slug": world.club.slug, **kw})


def _today(days=0):
    return (timezone.localdate() + timedelta(days=days)).isoformat()


@pytest.fixture
def without_indicators_panel(settings):
    """Stubs the indicators helper's panel so the record's own queries are counted exactly."""
    templates = copy.deepcopy(settings.TEMPLATES)
    templates[0].pop("APP_DIRS", None)
    templates[0]["OPTIONS"]["loaders"] = [
        (
            "django.template.loaders.locmem.Loader",
            {"feedback/dashboards/_club_indicators.html": ""},
        ),
        "django.template.loaders.filesystem.Loader",
        "django.template.loaders.app_directories.Loader",
    ]
    settings.TEMPLATES = templates


# Each has session + user, and the menu's count of what needs you (one query). Needs you and
# moderation also ask for the user's lead roles (the menu's partner dashboard link; pages that
# check permissions have asked already). Needs you: clubs, proposals, concerns. Moderation:
# proposals.
# Club record: club (with whether the user coaches it; whether they lead a partner comes
# with the user), aspects, rounds, proposals, decisions, changes with their ideas, learning,
# listened-to answers; the same for its default period, the whole record and one aspect.
# Plus the club's sessions run (#15: attendance after each change, still running).
@pytest.mark.parametrize(
    ("page", "query", "queries"),
    [
        ("needs-you", {}, 6),
        ("moderation", {}, 4),
        ("club-record", {}, 12),
        ("club-record", {"start": "", "end": ""}, 12),
        ("club-record", {"start": _today(-30), "end": _today(), "aspect": "day"}, 13),
    ],
)
def test_coach_pages_run_a_fixed_number_of_queries(
    world, client_as, django_assert_num_queries, without_indicators_panel, page, query, queries
):
    """An aspect chosen adds one query: the form checks it is the club's."""
    client = client_as("coach")
    url = reverse(f"feedback:{page}") if page != "club-record" else _url(page, world)
    if query.get("aspect"):
        query = {**query, "aspect": h.aspect(world.club).pk}
    for _ in range(2):
        h.fill(world, 3)
        with django_assert_num_queries(queries):
            response = client.get(url, query)
        assert response.status_code == 200


def test_the_club_record_with_its_indicators_panel_does_not_grow_with_the_data(world, client_as):
    client = client_as("lead")
    url = _url("club-record", world)
    h.fill(world, 3)
    with CaptureQueriesContext(connection) as first:
        client.get(url)
    h.fill(world, 3)
    with CaptureQueriesContext(connection) as second:
        client.get(url)
    assert len(second) == len(first)


def test_needs_you_shows_each_list_with_waits_and_due_dates(world, client_as):
    with time_machine.travel(timezone.now() - timedelta(days=9)):
        h.fill(world, 1)
    body = client_as("coach").get(reverse("feedback:needs-you")).content.decode()
    for heading in (
        "To moderate",
        "To acknowledge",
        "To decide",
        "Changes promised",
        "Deferred ideas to look at again",
        "Concerns reported",
    ):
        assert heading in body
    assert "Contact details? Check before publishing" in body
    assert "waiting 9 days" in body
    assert "(overdue)" in body
    assert "Concern 0" in body


def test_handling_a_concern_from_needs_you(world, client_as):
    member = factories.make_participant(world.club)
    concern = services.concern_report(participant=member, text="Worried about a friend.")
    client = client_as("coach")
    response = client.post(_url("concern-handle", world, pk=concern.pk), {"note": "Talked."})
    assert response.status_code == 302
    concern.refresh_from_db()
    assert concern.handled_by == world.coach
    body = client.get(reverse("feedback:needs-you")).content.decode()
    assert "Worried about a friend." not in body


def test_moderation_queue_is_oldest_first_across_the_coachs_clubs(world, client_as):
    factories.make_coach(world.sibling, email="both@example.org")
    from clubs.services import coach_assign

    coach_assign(club=world.sibling, user=world.coach)
    base = timezone.now() - timedelta(days=5)
    for days, club, title in [
        (3, world.club, "Newest"),
        (1, world.sibling, "Oldest"),
        (2, world.club, "Middle"),
    ]:
        with time_machine.travel(base + timedelta(days=days)):
            factories.make_proposal(factories.make_participant(club), title=title)
    body = client_as("coach").get(reverse("feedback:moderation")).content.decode()
    assert body.index("Oldest") < body.index("Middle") < body.index("Newest")


def test_publishing_from_the_queue_returns_to_the_queue(world, client_as):
    p = factories.make_proposal(factories.make_participant(world.club))
    queue = reverse("feedback:moderation")
    response = client_as("coach").post(
        _url("coach-proposal-publish", world, pk=p.pk), {"next": queue}
    )
    assert response["Location"] == queue
    p.refresh_from_db()
    assert p.state == State.PUBLISHED


def test_an_offsite_next_is_ignored(world, client_as):
    p = factories.make_proposal(factories.make_participant(world.club))
    response = client_as("coach").post(
        _url("coach-proposal-publish", world, pk=p.pk), {"next": "https://evil.example/"}
    )
    assert response["Location"] == _url("coach-proposal", world, pk=p.pk)


# --- Bad input gets a message and changes nothing ---------------------------------------


def _snapshot(p):
    p.refresh_from_db()
    return (p.state, p.outcome, p.events.count(), Decision.objects.count())


BAD_POSTS = [
    (
        "published",
        "coach-proposal-acknowledge",
        {"decider": "coach"},
        "Say by when it will be decided.",
    ),
    (
        "published",
        "coach-proposal-acknowledge",
        {"decider": "coach", "decide_by": "2001-01-01"},
        "Choose a date from today on.",
    ),
    (
        "published",
        "coach-proposal-acknowledge",
        {"decider": "wizard", "decide_by": "+3"},
        "Select a valid choice",
    ),
    ("submitted", "coach-proposal-return", {"reason": "   "}, "Tell the author why"),
    (
        "acknowledged",
        "coach-proposal-decide",
        {"outcome": "adopted", "answer": ""},
        "Write an answer for the young people",
    ),
    ("acknowledged", "coach-proposal-decide", {"answer": "Yes"}, "Choose what you decided."),
    (
        "acknowledged",
        "coach-proposal-decide",
        {"outcome": "not_adopted", "answer": "No.", "reason": "Nope"},
        "Give a real reason, at least one full sentence.",
    ),
    (
        "acknowledged",
        "coach-proposal-decide",
        {"outcome": "deferred", "answer": "Later"},
        "Say when it will be looked at again.",
    ),
    (
        "acknowledged",
        "coach-proposal-decide",
        {"outcome": "not_possible", "answer": "No"},
        "Name the fixed aspect",
    ),
    (
        "acknowledged",
        "coach-proposal-decide",
        {"outcome": "duplicate", "answer": "Same"},
        "Choose the idea this one duplicates.",
    ),
    (
        "acknowledged",
        "coach-proposal-decide",
        {"outcome": "adopted", "answer": "Yes", "promised_by": "2001-01-01"},
        "Choose a date from today on.",
    ),
    (
        "acknowledged",
        "coach-proposal-decide",
        {"outcome": "adopted", "answer": "Yes", "change_value": "Friday"},
        "To record the change, give the aspect",
    ),
    (
        "acknowledged",
        "coach-proposal-decide",
        {
            "outcome": "not_adopted",
            "answer": "We cannot do this because the hall is shut.",
            "change_value": "Friday",
        },
        "A change is recorded only for adopted",
    ),
    (
        "acknowledged",
        "coach-proposal-decide",
        {
            "outcome": "adopted",
            "answer": "<script>alert(1)</script>",
            "change_aspect": "day",
            "change_value": "",
            "change_effective": "+0",
        },
        "To record the change",
    ),
    (
        "adopted",
        "coach-proposal-change",
        {"aspect": "day", "new_value": "", "effective_date": "+0"},
        "Enter the new value.",
    ),
    (
        "adopted",
        "coach-proposal-change",
        {"aspect": "day", "new_value": "Friday"},
        "Say from when.",
    ),
    (
        "adopted",
        "coach-proposal-change",
        {"aspect": "day", "new_value": "x" * 201, "effective_date": "+0"},
        "at most 200 characters",
    ),
]


@pytest.mark.parametrize(("start", "action", "data", "message"), BAD_POSTS)
def test_bad_input_on_a_proposal_gets_a_message_and_changes_nothing(
    world, client_as, start, action, data, message
):
    day = h.aspect(world.club)
    if start == "submitted":
        p = factories.make_proposal(factories.make_participant(world.club))
    else:
        p = getattr(h, start)(world.club, world.coach)
    data = dict(data)
    for key, value in data.items():
        if value == "day":
            data[key] = day.pk
        elif isinstance(value, str) and value.startswith("+") and value[1:].isdigit():
            data[key] = _today(int(value[1:]))
    before = _snapshot(p)
    day_before = day.changes.count()
    response = client_as("coach").post(_url(action, world, pk=p.pk), data)
    assert response.status_code == 200
    body = response.content.decode()
    assert message in body
    assert "<script>alert(1)</script>" not in body
    assert _snapshot(p) == before
    assert day.changes.count() == day_before


def test_a_round_closing_before_it_opens_is_refused(world, client_as):
    data = {"question": "What next?", "opens_on": _today(5), "closes_on": _today(1)}
    response = client_as("coach").post(_url("rounds", world), data)
    assert response.status_code == 200
    assert "It must close on or after the day it opens." in response.content.decode()
    assert not Round.objects.exists()


@pytest.mark.parametrize("question", ["", "   ", "x" * 201])
def test_a_round_needs_a_sensible_question(world, client_as, question):
    data = {"question": question, "opens_on": _today(), "closes_on": _today(3)}
    response = client_as("coach").post(_url("rounds", world), data)
    assert response.status_code == 200
    assert not Round.objects.exists()


def test_learning_with_no_answers_is_refused(world, client_as):
    response = client_as("coach").post(_url("learning-new", world), {"getting": "  "})
    assert response.status_code == 200
    assert "Answer at least one of the three questions." in response.content.decode()
    assert not Learning.objects.exists()


def test_learning_cannot_name_another_clubs_round(world, client_as):
    far_round = services.round_create(
        club=world.far_club,
        by=world.far_coach,
        question="Far?",
        opens_on=timezone.localdate(),
        closes_on=timezone.localdate(),
    )
    response = client_as("coach").post(
        _url("learning-new", world), {"getting": "Lots", "round": far_round.pk}
    )
    assert response.status_code == 200
    assert not Learning.objects.exists()


# --- Happy paths through the pages --------------------------------------------------------


def test_deciding_with_a_change_from_the_decision_form_makes_it_done(world, client_as):
    day = h.aspect(world.club)
    aspect_update(aspect=day, by=world.coach, value="Tuesday")
    p = h.acknowledged(world.club, world.coach, aspect=day)
    data = {
        "outcome": "adopted",
        "answer": "Yes! From next month we meet on Thursdays.",
        "change_aspect": day.pk,
        "change_value": "Thursday",
        "change_effective": _today(7),
    }
    response = client_as("coach").post(_url("coach-proposal-decide", world, pk=p.pk), data)
    assert response.status_code == 302
    p.refresh_from_db()
    day.refresh_from_db()
    assert (p.state, p.outcome, day.value) == (State.DONE, "adopted", "Thursday")
    assert list(day.changes.first().proposals.all()) == [p]


def test_a_change_that_fails_rolls_the_decision_back(world, client_as):
    day = h.aspect(world.club)
    aspect_update(aspect=day, by=world.coach, value="Thursday")
    p = h.acknowledged(world.club, world.coach)
    data = {
        "outcome": "adopted",
        "answer": "Yes.",
        "change_aspect": day.pk,
        "change_value": "Thursday",
        "change_effective": _today(),
    }
    response = client_as("coach").post(_url("coach-proposal-decide", world, pk=p.pk), data)
    assert response.status_code == 200
    assert "That is already the current value" in response.content.decode()
    p.refresh_from_db()
    assert p.state == State.ACKNOWLEDGED
    assert not Decision.objects.exists()


def test_not_possible_on_a_then_negotiable_aspect_warns_first_and_records_on_confirm(
    world, client_as
):
    day = h.aspect(world.club)
    with time_machine.travel(timezone.now() - timedelta(days=3)):
        p = h.acknowledged(world.club, world.coach, aspect=day)
    aspect_update(aspect=day, by=world.coach, status="fixed", reason="The hall is only ours then.")
    client = client_as("coach")
    url = _url("coach-proposal-decide", world, pk=p.pk)
    data = {
        "outcome": "not_possible",
        "answer": "The day is fixed now.",
        "not_possible_aspect": day.pk,
    }
    first = client.post(url, data)
    assert first.status_code == 200
    body = first.content.decode()
    assert "This was negotiable when it was proposed." in body
    assert 'name="confirm_moving_goalposts" value="on"' in body
    assert not Decision.objects.exists()
    second = client.post(url, {**data, "confirm_moving_goalposts": "on"}, follow=True)
    assert "recorded as moving the goalposts" in second.content.decode()
    decision = Decision.objects.get()
    assert decision.moving_goalposts is True


def test_a_coach_page_shows_the_ideas_whole_life(world, client_as):
    p = h.adopted(world.club, world.coach, title="Music in the warm-up")
    body = client_as("coach").get(_url("coach-proposal", world, pk=p.pk)).content.decode()
    for step in ("Submitted", "Published", "Acknowledged", "Decided"):
        assert step in body
    assert "Record the change" in body
    assert "Reopen" in body


def test_blocking_and_unblocking_a_member(world, client_as):
    member = factories.make_participant(world.club)
    client = client_as("coach")
    client.post(_url("participant-block", world, pk=member.pk), {"blocked": "1"})
    member.refresh_from_db()
    assert member.is_blocked
    body = client.get(_url("participants", world)).content.decode()
    assert member.pseudonym in body
    assert "Paused" in body
    assert member.key not in body
    client.post(_url("participant-block", world, pk=member.pk), {"blocked": "0"})
    member.refresh_from_db()
    assert not member.is_blocked


def test_another_clubs_member_cannot_be_blocked_through_this_club(world, client_as):
    far = factories.make_participant(world.far_club)
    response = client_as("coach").post(
        _url("participant-block", world, pk=far.pk), {"blocked": "1"}
    )
    assert response.status_code == 404
    far.refresh_from_db()
    assert not far.is_blocked


def test_editing_and_closing_a_round(world, client_as):
    round_ = services.round_create(
        club=world.club,
        by=world.coach,
        question="Old question?",
        opens_on=timezone.localdate(),
        closes_on=timezone.localdate() + timedelta(days=3),
    )
    client = client_as("coach")
    client.post(
        _url("round-edit", world, pk=round_.pk),
        {"question": "New question?", "opens_on": _today(), "closes_on": _today(5)},
    )
    client.post(_url("round-close", world, pk=round_.pk))
    round_.refresh_from_db()
    assert round_.question == "New question?"
    assert round_.closed_at is not None
    assert not round_.is_open()


def test_the_club_record_tells_the_story_in_order_and_filters(world, client_as):
    day = h.aspect(world.club)
    activity = h.aspect(world.club, "activity")
    with time_machine.travel(timezone.now() - timedelta(days=40)):
        first = h.adopted(world.club, world.coach, title="Thursdays", aspect=day)
        services.change_record(
            aspect=day,
            by=world.coach,
            new_value="Thursday",
            effective_date=timezone.localdate(),
            proposals=[first],
        )
    with time_machine.travel(timezone.now() - timedelta(days=5)):
        h.adopted(world.club, world.coach, title="Try dodgeball", aspect=activity)
        services.learning_record(club=world.club, by=world.coach, learning="They want variety.")
    client = client_as("staff")
    body = client.get(_url("club-record", world)).content.decode()
    assert body.index("Thursdays") < body.index("Try dodgeball") < body.index("They want variety.")
    assert "Thursday</strong>" in body
    by_aspect = client.get(_url("club-record", world), {"aspect": activity.pk}).content.decode()
    assert "Try dodgeball" in by_aspect
    assert "Thursdays" not in by_aspect
    recent = client.get(_url("club-record", world), {"start": _today(-10)}).content.decode()
    assert "Try dodgeball" in recent
    assert "Thursdays" not in recent
    bad = client.get(_url("club-record", world), {"start": _today(), "end": _today(-3)})
    assert "The period must end after it starts." in bad.content.decode()


def test_a_blocked_members_waiting_ideas_are_hidden_until_unblocked(world, client_as):
    member = factories.make_participant(world.club)
    factories.make_proposal(member, title="From a paused member")
    services.participant_block(participant=member, by=world.coach)
    client = client_as("coach")
    assert "From a paused member" not in client.get(reverse("feedback:moderation")).content.decode()
    assert "From a paused member" not in client.get(reverse("feedback:needs-you")).content.decode()
    services.participant_block(participant=member, by=world.coach, blocked=False)
    assert "From a paused member" in client.get(reverse("feedback:moderation")).content.decode()
    assert "From a paused member" in client.get(reverse("feedback:needs-you")).content.decode()


def test_rounds_say_whether_they_are_open_closed_or_still_to_open(world, client_as):
    today = timezone.localdate()
    for question, opens, closes in [
        ("Running now?", 0, 5),
        ("Finished?", -10, -2),
        ("Next month?", 20, 30),
    ]:
        services.round_create(
            club=world.club,
            by=world.coach,
            question=question,
            opens_on=today + timedelta(days=opens),
            closes_on=today + timedelta(days=closes),
        )
    body = client_as("coach").get(_url("rounds", world)).content.decode()
    assert body.count(">Open</span>") == 1
    assert ">Closed</span>" in body
    assert ">Opens later</span>" in body


@pytest.mark.parametrize(("role", "manage_links"), [("coach", True), ("staff", False)])
def test_the_staff_club_page_links_to_the_clubs_voice_pages(world, client_as, role, manage_links):
    body = client_as(role).get(world.club.get_absolute_url()).content.decode()
    assert _url("club-record", world) in body
    assert _url("rounds", world) in body
    assert (_url("learning-new", world) in body) is manage_links


QUERIES = 12  # with the menu's count of what needs you


# The decision form's second step lists what its outcome asks for: the aspects (the
# change, or the fixed aspect that stops it) or the ideas it could merge into.
@pytest.mark.parametrize(
    ("outcome", "extra"),
    [("", 0), ("adopted", 1), ("not_possible", 1), ("duplicate", 1), ("deferred", 0)],
)
def test_a_coach_proposal_page_runs_a_fixed_number_of_queries(
    world, client_as, django_assert_num_queries, outcome, extra
):
    """An idea decided, reopened and decided again three times, with changes and learning."""
    client = client_as("coach")
    day = h.aspect(world.club)
    p = h.acknowledged(world.club, world.coach, aspect=day)

    def another_round(n):
        services.proposal_decide(
            proposal=p,
            by=world.coach,
            outcome="adopted",
            answer=f"Yes, take {n}.",
            promised_by=timezone.localdate() + timedelta(days=14),
        )
        services.learning_record(club=world.club, by=world.coach, proposal=p, getting=f"{n}")
        services.proposal_reopen(proposal=p, by=world.coach, note=f"Look again {n}")
        h.published(world.club, world.coach, title=f"Another idea {n}")

    url = _url("coach-proposal", world, pk=p.pk) + (f"?outcome={outcome}" if outcome else "")
    for n in range(3):
        another_round(n)
    # session, user, club, lead roles, coach (view, and kept for act); proposal + events,
    # decisions, changes, learning; aspects, their history, listened-to answer.
    with django_assert_num_queries(QUERIES + extra):
        assert client.get(url).status_code == 200
    for n in range(3, 6):
        another_round(n)
    with django_assert_num_queries(QUERIES + extra):
        body = client.get(url).content.decode()
    assert "Yes, take 5." in body


@pytest.mark.parametrize(
    "query",
    [{"aspect": "999999"}, {"start": "not-a-date"}, {"end": "<script>"}, {"aspect": "x" * 5000}],
)
def test_a_bad_record_filter_says_so_and_shows_the_last_12_weeks(world, client_as, query):
    h.adopted(world.club, world.coach, title="Still listed")
    response = client_as("coach").get(_url("club-record", world), query)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Still listed" in body
    assert "Showing the last 12 weeks instead." in body
    assert "invalid" in body.lower() or "valid" in body.lower()
    assert "<script>" not in body.split("<main", 1)[1]


@pytest.mark.parametrize("target", ['"><img src=x>', "home", "//evil.example/", "javascript:x"])
def test_a_next_that_is_not_a_path_here_is_ignored(world, client_as, target):
    p = factories.make_proposal(factories.make_participant(world.club))
    response = client_as("coach").post(
        _url("coach-proposal-publish", world, pk=p.pk), {"next": target}
    )
    assert response.status_code == 302
    assert response["Location"] == _url("coach-proposal", world, pk=p.pk)
