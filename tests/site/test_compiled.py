"""`coproduce.compiled`: SQL the ORM built once per key, run again on every call. What it
gives must be what the ORM gives now, value for value (converted as the ORM converts them),
object for object (`select_related` and annotations), never an answer kept from before."""

from datetime import datetime

import pytest
from django.db.models import Count, Exists, OuterRef
from django.utils import timezone

from clubs.models import Club, ClubCoach
from coproduce.compiled import CompiledQueries
from feedback import outcomes
from feedback.models import Attendance, Participant
from tests import factories

pytestmark = pytest.mark.django_db


def test_kept_rows_are_the_orms_rows_converted_as_it_converts_them(world):
    """`rows` gives what `values_list()` gives, dates and times converted (text on SQLite),
    and builds the queryset once per key; a queryset that can match nothing gives none."""
    outcomes.district_activity(world.club.district_id, as_of=timezone.localdate())  # kept
    built = []

    def build():
        built.append(1)
        return Club.objects.filter(district_id=world.club.district_id).values_list(
            "pk", "funding_start", "summary__activity_at", "name"
        )

    memo = CompiledQueries()
    first = memo.rows("district", build)
    assert first == list(build())  # the ORM's own rows
    assert first
    built.clear()
    factories.ClubFactory(partner=world.club.partner, district=world.club.district)
    again = memo.rows("district", build)
    assert built == []
    assert again == list(
        Club.objects.filter(district_id=world.club.district_id).values_list(
            "pk", "funding_start", "summary__activity_at", "name"
        )
    )
    assert len(again) == len(first) + 1  # read now, not kept
    assert any(isinstance(row[2], datetime) for row in again)
    assert memo.rows("none", lambda: Club.objects.none().values_list("pk")) == []


def _clubs_as_coach_pages_read_them(user):
    coached = ClubCoach.objects.filter(club=OuterRef("pk"), user_id=user.pk)
    return (
        outcomes.with_summary(Club.objects.select_related("partner", "district"))
        .annotate(coached=Exists(coached), members=Count("participants"))
        .order_by("pk")
    )


def _as_seen(club) -> tuple:
    summary = getattr(club, "summary", None)
    return (
        [getattr(club, f.attname) for f in Club._meta.concrete_fields],
        club.partner.name,
        club.district.name,
        summary and (summary.version, summary.outcomes_at),
        club.coached,
        club.members,
        club._state.adding,
        club._state.db,
    )


def test_kept_objects_are_the_orms_objects_related_and_annotated(world, django_assert_num_queries):
    """`objects` makes what the ORM makes (fields, select_related objects, a missing reverse
    one-to-one, annotations), reading the records afresh each time."""
    outcomes.for_club(world.club)  # the club gets a summary row, the others none
    outcomes.for_club(world.club)  # and its outcomes kept, at a time
    memo = CompiledQueries()
    built = []

    def build():
        built.append(1)
        return _clubs_as_coach_pages_read_them(world.coach)

    made = memo.objects("coach", build)
    orm = list(_clubs_as_coach_pages_read_them(world.coach))
    with django_assert_num_queries(0):  # the related objects came in the same query
        seen = [_as_seen(c) for c in made]
    assert seen == [_as_seen(c) for c in orm]
    assert any(c.coached for c in made)
    assert any(getattr(c, "summary", None) is None for c in made)
    assert any(isinstance(c.summary.outcomes_at, datetime) for c in made if hasattr(c, "summary"))
    factories.make_participant(world.club)
    Club.objects.filter(pk=world.club.pk).update(name="Renamed")
    again = memo.objects("coach", build)
    assert built == [1]
    before = {c.pk: c for c in made}[world.club.pk]
    fresh = {c.pk: c for c in again}[world.club.pk]
    assert (fresh.name, fresh.members) == ("Renamed", before.members + 1)
    assert [_as_seen(c) for c in again] == [
        _as_seen(c) for c in _clubs_as_coach_pages_read_them(world.coach)
    ]


def test_objects_refuses_what_it_cannot_make_as_the_orm_does(world):
    memo = CompiledQueries()
    with pytest.raises(ValueError, match="plain queryset"):
        memo.objects("values", lambda: Club.objects.values("pk"))
    with pytest.raises(ValueError, match="plain queryset"):
        memo.objects("prefetch", lambda: Club.objects.prefetch_related("participants"))
    with pytest.raises(ValueError, match="plain queryset"):
        memo.objects("related", lambda: world.club.participants.all())
    assert memo.objects("none", lambda: Club.objects.none()) == []


def test_the_register_lists_who_is_ticked_now(world):
    """The register's members (SQL built once per session) follow every tick and block."""
    from feedback import sessions

    today = timezone.localdate()
    session = factories.SessionFactory(club=world.club, date=today)
    ann, bo = (factories.make_participant(world.club) for _ in range(2))
    assert [m.present for m in sessions.register_members(session)] == [False, False]
    Attendance.objects.create(session=session, participant=ann)
    listed = {m.pk: m.present for m in sessions.register_members(session)}
    assert listed == {ann.pk: True, bo.pk: False}
    Participant.objects.filter(pk=bo.pk).update(is_blocked=True)
    assert [m.pk for m in sessions.register_members(session)] == [ann.pk]
    assert sessions.club_session(world.club, session.pk) == session
    assert sessions.club_session(world.sibling, session.pk) is None


def test_rows_are_the_selected_columns_only(world):
    """Django selects more than asked when a distinct query is ordered by another column;
    the rows are still the columns asked for."""
    factories.ClubFactory(district=world.club.district, partner=world.club.partner)

    def build():
        return Club.objects.values_list("district_id").distinct().order_by("name")

    assert CompiledQueries().rows("distinct", build) == list(build())


@pytest.mark.parametrize(
    "build",
    [
        lambda: Club.objects.values_list("pk", flat=True),
        lambda: Club.objects.values_list("pk", named=True),
        lambda: Club.objects.values("pk"),
        lambda: Club.objects.all(),
    ],
)
def test_rows_takes_plain_values_list_querysets_only(world, build):
    with pytest.raises(ValueError, match="values_list"):
        CompiledQueries().rows("other", build)


def test_a_slug_or_session_that_matched_nothing_keeps_no_place(world, client_as):
    from feedback import sessions
    from feedback.views import coaches

    client = client_as("coach")
    missing = ("no-such-club", world.coach.pk, True)
    real = (world.club.slug, world.coach.pk, True)
    assert client.get("/clubs/no-such-club/outcomes/").status_code == 404
    assert missing not in coaches._CLUBS._sql
    assert client.get(f"/clubs/{world.club.slug}/outcomes/").status_code == 200
    assert real in coaches._CLUBS._sql
    assert sessions.club_session(world.club, 10**9) is None
    assert (world.club.pk, 10**9) not in sessions._SESSIONS._sql
