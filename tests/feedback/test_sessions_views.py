"""The coach's sessions pages and the register (#15), through the test client."""

from datetime import date, timedelta

import pytest
import time_machine
from django.urls import reverse

from clubs import services as club_services
from clubs.models import AspectKind
from feedback import services
from feedback.models import Attendance, Session
from tests.factories import SessionFactory, make_participant

pytestmark = pytest.mark.django_db

TODAY = date(2026, 3, 4)  # a Wednesday


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(TODAY, tick=False):
        yield


def set_day(club, value, effective=date(2026, 1, 1)):
    club_services.aspect_update(
        aspect=club.aspects.get(kind=AspectKind.DAY), by=None, value=value, effective_date=effective
    )


def register_url(session):
    return reverse("feedback:register", kwargs={"slug": session.club.slug, "pk": session.pk})


def change_url(session):
    return reverse("feedback:session-change", kwargs={"slug": session.club.slug, "pk": session.pk})


def list_url(club):
    return reverse("feedback:sessions", kwargs={"slug": club.slug})


def ticked(session):
    return set(Attendance.objects.filter(session=session).values_list("participant_id", flat=True))


@pytest.fixture
def members(world):
    return [make_participant(world.club) for _ in range(3)]


@pytest.fixture
def session(world):
    return SessionFactory(club=world.club, date=TODAY - timedelta(days=1))


# --- The register ---------------------------------------------------------------------


def test_the_register_lists_members_by_name_without_blocked_ones(world, client_as, session):
    names = [make_participant(world.club).pseudonym for _ in range(3)]
    blocked = make_participant(world.club)
    services.participant_block(participant=blocked, by=world.coach)
    make_participant(world.sibling)  # another club's member
    page = client_as("coach").get(register_url(session)).content.decode()
    positions = [page.index(f"> {name}</label>") for name in sorted(names)]
    assert positions == sorted(positions)
    assert blocked.pseudonym not in page
    assert page.count('name="present"') == 3


def test_saving_the_register_keeps_exactly_the_ticked_members(world, client_as, members, session):
    client = client_as("coach")
    data = {"present": [members[0].pk, members[2].pk], "drop_ins": "4"}
    response = client.post(register_url(session), data, follow=True)
    assert "Saved: 2 members and 4 drop-ins." in response.content.decode()
    assert ticked(session) == {members[0].pk, members[2].pk}
    session.refresh_from_db()
    assert (session.drop_ins, session.register_taken_by) == (4, world.coach)
    # the same submit again (a double tap) gives the same register, no error
    assert client.post(register_url(session), data).status_code == 302
    assert ticked(session) == {members[0].pk, members[2].pk}
    assert Attendance.objects.filter(session=session).count() == 2
    # a correction: untick one, tick another
    client.post(register_url(session), {"present": [members[1].pk], "drop_ins": "0"})
    assert ticked(session) == {members[1].pk}


def test_the_saved_register_shows_ticked(world, client_as, members, session):
    client = client_as("coach")
    client.post(register_url(session), {"present": [members[1].pk], "drop_ins": "2"})
    page = client.get(register_url(session)).content.decode()
    assert f'value="{members[1].pk}" checked' in page
    assert f'value="{members[0].pk}" checked' not in page
    assert 'value="2"' in page


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"drop_ins": "-1"}, "Enter a whole number from 0 to 500."),
        ({"drop_ins": "lots"}, "Enter a whole number from 0 to 500."),
        ({"drop_ins": "501"}, "Enter a whole number from 0 to 500."),
        ({"present": ["nonsense"]}, "reload the page"),
    ],
)
def test_bad_input_gets_a_clear_message_and_changes_nothing(
    world, client_as, members, session, data, message
):
    client = client_as("coach")
    client.post(register_url(session), {"present": [members[0].pk], "drop_ins": "1"})
    response = client.post(register_url(session), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert ticked(session) == {members[0].pk}
    session.refresh_from_db()
    assert session.drop_ins == 1


@pytest.mark.parametrize("value", ["\u00b2", "\u0663", "\uff11", " 1", "1.0", "-1"])
def test_a_tick_that_is_no_member_number_is_a_form_error_not_a_500(
    world, client_as, members, session, value
):
    """A superscript two ("²"), an Arabic-Indic or full-width digit: a clear message and
    nothing saved (isdigit() accepts "²" but int() does not)."""
    client = client_as("coach")
    client.post(register_url(session), {"present": [members[0].pk], "drop_ins": "1"})
    response = client.post(register_url(session), {"present": [value], "drop_ins": "3"})
    assert response.status_code == 200
    assert "reload the page" in response.content.decode()
    assert ticked(session) == {members[0].pk}
    session.refresh_from_db()
    assert session.drop_ins == 1


def test_another_clubs_or_a_blocked_member_cannot_be_ticked(world, client_as, members, session):
    outsider = make_participant(world.sibling)
    blocked = make_participant(world.club)
    services.participant_block(participant=blocked, by=world.coach)
    client = client_as("coach")
    for pk in (outsider.pk, blocked.pk):
        response = client.post(register_url(session), {"present": [members[0].pk, pk]})
        assert response.status_code == 200
        assert "reload the page" in response.content.decode()
    assert ticked(session) == set()


def test_a_future_sessions_register_cannot_be_taken(world, client_as, members):
    future = SessionFactory(club=world.club, date=TODAY + timedelta(days=1))
    client = client_as("coach")
    page = client.get(register_url(future)).content.decode()
    assert "take its register on the day, not before" in page
    assert 'name="present"' not in page
    response = client.post(register_url(future), {"present": [members[0].pk]}, follow=True)
    assert "not before. Nothing was saved." in response.content.decode()
    assert ticked(future) == set()


@pytest.mark.parametrize(("days_ago", "open_"), [(0, True), (7, True), (8, False)])
def test_a_register_is_correctable_for_seven_days(world, client_as, members, days_ago, open_):
    past = SessionFactory(club=world.club, date=TODAY - timedelta(days=days_ago))
    client = client_as("coach")
    response = client.post(register_url(past), {"present": [members[0].pk]}, follow=True)
    page = response.content.decode()
    if open_:
        assert ticked(past) == {members[0].pk}
        assert "Saved: 1 member" in page
    else:
        assert ticked(past) == set()
        assert "can no longer be changed" in page
        assert "Nothing was saved" in page


def test_staff_read_the_register_but_cannot_save_it(world, client_as, members, session):
    client = client_as("staff")
    page = client.get(register_url(session)).content.decode()
    assert "You can read this register but not change it." in page
    assert client.post(register_url(session), {"present": [members[0].pk]}).status_code == 403
    assert ticked(session) == set()


# --- Cancelling, changing, adding ------------------------------------------------------------


def test_a_coach_cancels_a_session_with_a_reason_members_read(world, client_as):
    coming = SessionFactory(club=world.club, date=TODAY + timedelta(days=6))
    client = client_as("coach")
    response = client.post(change_url(coming), {"action": "cancel", "cancel-reason": ""})
    assert "Say why, so the members know." in response.content.decode()
    assert Session.objects.get(pk=coming.pk).status == "planned"
    client.post(change_url(coming), {"action": "cancel", "cancel-reason": "The hall is flooded."})
    coming.refresh_from_db()
    assert (coming.status, coming.change_note) == ("cancelled", "The hall is flooded.")
    # a double tap changes nothing more
    assert client.post(change_url(coming), {"action": "cancel", "cancel-reason": "x y z w"})
    assert Session.objects.get(pk=coming.pk).change_note == "The hall is flooded."


def test_a_coach_changes_one_sessions_time_and_place(world, client_as):
    coming = SessionFactory(club=world.club, date=TODAY + timedelta(days=6))
    client = client_as("coach")
    same = {
        "action": "change",
        "change-starts_at": "6pm",
        "change-location": "Sports hall",
        "change-reason": "No reason really",
    }
    response = client.post(change_url(coming), same)
    assert "they are as before" in response.content.decode()
    moved = {**same, "change-location": "Main field", "change-reason": "The hall is booked."}
    assert client.post(change_url(coming), moved).status_code == 302
    coming.refresh_from_db()
    assert (coming.location, coming.change_note, coming.status) == (
        "Main field",
        "The hall is booked.",
        "planned",
    )
    assert coming.changed_at is not None


def test_todays_session_can_be_cancelled_until_its_register_is_taken(world, client_as, members):
    set_day(world.club, "Wednesdays")  # today
    today = SessionFactory(club=world.club, date=TODAY)
    client = client_as("coach")
    link = 'Cancel or change<span class="visually-hidden"> the session on Wednesday 4 March'
    assert link in client.get(list_url(world.club)).content.decode()
    client.post(register_url(today), {"present": [members[0].pk]})
    assert link not in client.get(list_url(world.club)).content.decode()


def test_a_past_session_cannot_be_cancelled(world, client_as, session):
    response = client_as("coach").post(
        change_url(session), {"action": "cancel", "cancel-reason": "Too late now."}
    )
    assert "already happened" in response.content.decode()
    assert Session.objects.get(pk=session.pk).status == "planned"


def test_a_coach_adds_a_one_off_session(world, client_as):
    url = reverse("feedback:session-new", kwargs={"slug": world.club.slug})
    client = client_as("coach")
    data = {"day": "2026-03-14", "starts_at": "10am", "location": "County ground", "note": "Cup"}
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 302  # a double tap: the same session
    one_off = Session.objects.get(club=world.club, date=date(2026, 3, 14))
    assert one_off.is_one_off
    assert one_off.change_note == "Cup"
    response = client.post(url, {**data, "starts_at": "11am"})
    assert "already a session that day" in response.content.decode()
    response = client.post(url, {**data, "day": "2026-03-01"})
    assert "Choose today or a later date." in response.content.decode()
    assert Session.objects.filter(club=world.club).count() == 1


# --- The list --------------------------------------------------------------------------------


def test_opening_the_list_makes_the_sessions(world, client_as):
    set_day(world.club, "Tuesdays")
    page = client_as("coach").get(list_url(world.club)).content.decode()
    assert Session.objects.filter(club=world.club).count() > 8
    assert "Register not taken yet" in page  # yesterday's
    assert "Take the register" in page


def test_the_list_says_why_no_sessions_are_made(world, client_as):
    set_day(world.club, "Weekends")
    page = client_as("coach").get(list_url(world.club)).content.decode()
    assert "does not name one day of the week" in page
    assert not Session.objects.filter(club=world.club).exists()


def _sessions_with_registers(club, coach, n):
    members = [make_participant(club) for _ in range(n)]
    from feedback.sessions import register_save

    for k in range(n):
        session = SessionFactory(club=club, date=TODAY - timedelta(days=k))
        register_save(
            session=session, by=coach, participant_ids=[m.pk for m in members], drop_ins=k
        )
        SessionFactory(club=club, date=TODAY + timedelta(days=k + 1), status="cancelled")


# Queries per page: the session, the user (with whether they lead a partner), the club (with
# the coach check), the page's reads (generation on the list: the club's sessions, the
# aspects and their history), the menu's count.
QUERIES = {"list": 9, "register": 6, "change": 5, "new": 4}


@pytest.mark.parametrize("view", ["list", "register", "change", "new"])
def test_queries_do_not_grow_with_the_data(world, client_as, django_assert_num_queries, view):
    """Constant at two sizes: 3 and 6 members, sessions and registers."""
    set_day(world.club, "Tuesdays")
    client = client_as("coach")
    for n in (3, 6):
        Attendance.objects.all().delete()
        Session.objects.all().delete()
        _sessions_with_registers(world.club, world.coach, n)
        client.get(list_url(world.club))  # the weekly sessions made once
        today = Session.objects.filter(club=world.club, date=TODAY).first()
        target = {
            "list": list_url(world.club),
            "register": register_url(today),
            "change": change_url(today),
            "new": reverse("feedback:session-new", kwargs={"slug": world.club.slug}),
        }[view]
        with django_assert_num_queries(QUERIES[view]):
            assert client.get(target).status_code == 200


# --- A young person's club page ------------------------------------------------------------


def test_a_member_sees_the_next_three_sessions_with_changes_and_their_reasons(world):
    from tests.feedback.test_yp_support import phone_of

    SessionFactory(club=world.club, date=TODAY - timedelta(days=1), location="Old place")
    SessionFactory(club=world.club, date=TODAY + timedelta(days=1), location="Sports hall")
    SessionFactory(
        club=world.club,
        date=TODAY + timedelta(days=8),
        status="cancelled",
        change_note="The hall is flooded.",
    )
    changed = SessionFactory(club=world.club, date=TODAY + timedelta(days=15))
    SessionFactory(club=world.club, date=TODAY + timedelta(days=22), location="Fourth place")
    from feedback.sessions import session_change

    session_change(
        session=changed,
        by=world.coach,
        starts_at="7pm",
        location="Main field",
        reason="The hall is booked for exams.",
    )
    me = make_participant(world.club)
    html = phone_of(me).get(reverse("feedback:member-home", args=[world.club.slug]))
    html = html.content.decode()
    assert html.count('class="session-line mb-1"') == 3
    assert "<strong>Thursday 5 March</strong>, 6pm at Sports hall" in html
    assert "<strong>Cancelled:</strong> <s>Thursday 12 March</s>. Why: The hall is flooded." in html
    assert "<strong>Thursday 19 March</strong>, 7pm at Main field" in html
    assert "The hall is booked for exams." in html
    assert "Old place" not in html
    assert "Fourth place" not in html


def test_correcting_a_register_keeps_the_tick_of_a_member_blocked_since(
    world, client_as, members, session
):
    client = client_as("coach")
    client.post(register_url(session), {"present": [members[0].pk, members[1].pk]})
    services.participant_block(participant=members[1], by=world.coach)
    client.post(register_url(session), {"present": [members[2].pk]})
    assert ticked(session) == {members[1].pk, members[2].pk}
