"""The club's outcomes page (#15): who may open it, what it says, its query count."""

from datetime import date, timedelta

import pytest
from django.core.cache import caches
from django.urls import reverse
from django.utils import timezone

from feedback import services
from feedback import sessions as fsess
from feedback.models import ActivityAnswer
from tests import factories
from tests.conftest import ROLES
from tests.feedback import coach_helpers
from tests.feedback.outcome_helpers import CANCELLED, NO_REGISTER, session
from tests.feedback.test_yp_support import phone_of

pytestmark = pytest.mark.django_db

LOGIN = "login"
# anonymous, coach, other_coach, far_coach, lead, far_lead, staff, superuser
MATRIX = dict(zip(ROLES, [LOGIN, 200, 404, 404, 200, 404, 200, 200], strict=True))


def url(club):
    return reverse("feedback:club-outcomes", kwargs={"slug": club.slug})


@pytest.mark.parametrize("role", ROLES)
def test_who_can_open_the_outcomes_page(world, client_as, role):
    response = client_as(role).get(url(world.club))
    expected = MATRIX[role]
    if expected == LOGIN:
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]
    else:
        assert response.status_code == expected


def test_a_young_person_is_sent_to_sign_in(world):
    member = factories.make_participant(world.club)
    response = phone_of(member).get(url(world.club))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_an_unknown_club_is_404(world, client_as):
    assert client_as("staff").get("/clubs/no-such-club/outcomes/").status_code == 404


def _history(world, n):
    """n weekly sessions of n members (one cancelled), a change made because of an idea,
    activity answers from n members."""
    club = world.club
    members = [factories.make_participant(club) for _ in range(n)]
    start = timezone.localdate() - timedelta(weeks=n + 1)
    for week in range(n):
        session(club, start + timedelta(weeks=week), members[: week + 1], drop_ins=2)
    session(club, start + timedelta(weeks=n), members, how=CANCELLED)
    for _ in range(2):
        idea = coach_helpers.adopted(club, world.coach, title=f"Idea {_}")
        services.change_record(
            aspect=coach_helpers.aspect(club, "day"),
            by=world.coach,
            new_value=f"Day {_}",
            effective_date=start + timedelta(weeks=2 + _),
            proposals=[idea],
        )
    for i, member in enumerate(members):
        ActivityAnswer.objects.create(participant=member, days=i % 8)
    return members


@pytest.mark.parametrize("n", [5, 9])
def test_queries_constant_with_data_size(world, client_as, n, django_assert_num_queries):
    _history(world, n)
    client = client_as("coach")
    with django_assert_num_queries(COMPUTED):  # the club's summary row is made
        client.get(url(world.club))
    with django_assert_num_queries(COMPUTED):
        computed = client.get(url(world.club))
    with django_assert_num_queries(KEPT):
        kept = client.get(url(world.club))
    assert kept.status_code == 200
    assert len(kept.context["result"].sessions) == n
    kept, computed = kept.context["result"], computed.context["result"]
    assert (kept.kept_version, computed.kept_version) == (0, None)  # read, and computed
    computed.kept_version = kept.kept_version
    assert kept == computed


# Session and user with whether they lead a partner (2), the club with the coach check and its
# summary row (1), the district's clubs' activity check figures (1), the menu's count of ideas
# waiting (1): KEPT. Computed: the outcomes' own five queries and one to keep them (or, on
# the club's first read, to make its summary row: its figures are kept from the next read),
# and the district's clubs' activity figures (one) and one to keep them.
KEPT = 5
COMPUTED = KEPT + 5 + 1 + 2


def test_page_shows_the_figures(world, client_as):
    club = world.club
    members = [factories.make_participant(club) for _ in range(6)]
    session(club, date(2026, 1, 5), members[:3], drop_ins=2)
    session(club, date(2026, 1, 12), members[:5], drop_ins=1)
    idea = coach_helpers.adopted(club, world.coach, title="Thursdays please")
    services.change_record(
        aspect=coach_helpers.aspect(club, "day"),
        by=world.coach,
        new_value="Thursday",
        effective_date=date(2026, 1, 8),
        proposals=[idea],
    )
    for member, days in zip(members, [0, 3, 7, 7, None, 2], strict=True):
        ActivityAnswer.objects.create(participant=member, days=days)
    page = client_as("lead").get(url(club)).content.decode()
    assert 'Sessions run</dt><dd class="col-sm-7">2</dd>' in page
    assert "5.5 (members and drop-ins)" in page
    assert "Too early to tell: 1 session since." in page
    assert reverse("feedback:coach-proposal", kwargs={"slug": club.slug, "pk": idea.pk}) in page
    # 5 members gave a number: 0+3+7+7+2 = 19 / 5 = 3.8; 2 of 5 every day.
    assert "3.8 of 7" in page
    assert "40%" in page


def test_activity_with_fewer_than_five_numbers_is_not_shown(world, client_as):
    members = [factories.make_participant(world.club) for _ in range(4)]
    for member in members:
        ActivityAnswer.objects.create(participant=member, days=7)
    page = client_as("staff").get(url(world.club)).content.decode()
    assert page.count("Fewer than 5 members gave a number: not shown") == 2  # club, district
    assert "of 7</td>" not in page


def test_the_latest_sessions_by_default_and_all_on_asking(world, client_as):
    """Two years of weekly sessions is a long table: the latest SESSIONS_SHOWN unless
    ?all=1; the figures above it still count every session."""
    from feedback.views.outcomes import SESSIONS_SHOWN

    n = SESSIONS_SHOWN + 3
    _history(world, n)
    client = client_as("coach")
    response = client.get(url(world.club))
    page = response.content.decode()
    assert page.count("<meter ") == SESSIONS_SHOWN
    assert f'Sessions run</dt><dd class="col-sm-7">{n}</dd>' in page
    assert f"The latest {SESSIONS_SHOWN} of {n} sessions run." in page
    assert 'href="?all=1#h-sessions"' in page
    shown = response.context["shown_sessions"]
    assert shown == response.context["result"].sessions[-SESSIONS_SHOWN:]
    page = client.get(url(world.club), {"all": "1"}).content.decode()
    assert page.count("<meter ") == n
    assert "Show the latest only" in page


def test_the_before_and_after_table_labels_each_figure_for_phones(world, client_as):
    _history(world, 5)
    page = client_as("coach").get(url(world.club)).content.decode()
    assert 'class="table table-sm outcome-changes table-stack"' in page
    for label in ("Because of", "Before", "After", "What it shows"):
        assert f'data-label="{label}"' in page


def test_the_latest_changes_by_default_and_all_on_asking(world, client_as):
    """A busy club's dozens of changes: the latest CHANGES_SHOWN before-and-after rows unless
    ?all=1; each row's figures as with all of them."""
    from feedback.views.outcomes import CHANGES_SHOWN

    club = world.club
    members = [factories.make_participant(club) for _ in range(3)]
    start = timezone.localdate() - timedelta(weeks=CHANGES_SHOWN + 4)
    for week in range(CHANGES_SHOWN + 3):
        session(club, start + timedelta(weeks=week), members, drop_ins=week)
    ideas = []
    for i in range(CHANGES_SHOWN + 2):
        idea = coach_helpers.adopted(club, world.coach, title=f"Idea number {i}")
        services.change_record(
            aspect=coach_helpers.aspect(club, "day"),
            by=world.coach,
            new_value=f"Day {i}",
            effective_date=start + timedelta(weeks=i + 1),
            proposals=[idea],
        )
        ideas.append(idea)
    client = client_as("coach")
    response = client.get(url(club))
    page = response.content.decode()
    assert response.context["shown_changes"] == response.context["result"].changes[-CHANGES_SHOWN:]
    assert f"The latest {CHANGES_SHOWN} of {CHANGES_SHOWN + 2} changes." in page
    assert ">Idea number 1<" not in page
    assert f">Idea number {CHANGES_SHOWN + 1}<" in page
    page = client.get(url(club), {"all": "1"}).content.decode()
    assert ">Idea number 0<" in page
    assert ">Idea number 1<" in page


def figures(page: str) -> str:
    """The part of the page drawn from the kept outcomes (rendered once per kept version)."""
    return page[page.index('<section aria-labelledby="h-summary"') : page.index('id="h-activity"')]


def test_the_figures_are_rendered_once_per_kept_version_and_follow_every_write(world, client_as):
    members = _history(world, 14)  # more sessions than the page shows by default
    client = client_as("coach")
    reads = [client.get(url(world.club)).content.decode() for _ in range(3)]
    # Computed, computed and kept, read from the summary: drawn the same each time.
    assert figures(reads[0]) == figures(reads[1]) == figures(reads[2])
    assert caches["fragments"]._cache  # the third read's rendering is kept
    cached = client.get(url(world.club)).content.decode()
    assert figures(cached) == figures(reads[2])
    everything = client.get(url(world.club), {"all": "1"}).content.decode()
    assert figures(everything) != figures(cached)  # "all" is rendered on its own
    # A register taken: the next read shows it, whatever was rendered before.
    yesterday = session(world.club, timezone.localdate() - timedelta(days=1), how=NO_REGISTER)
    fsess.register_save(
        session=yesterday, by=world.coach, participant_ids=[m.pk for m in members], drop_ins=9
    )
    after = client.get(url(world.club)).content.decode()
    assert figures(after) != figures(cached)
    again = [client.get(url(world.club)).content.decode() for _ in range(2)]  # kept, cached
    assert figures(again[0]) == figures(again[1]) == figures(after)
    assert f"<td>{len(members)}</td><td>9</td><td>{len(members) + 9}</td>" in after
    caches["fragments"].clear()
    assert figures(client.get(url(world.club)).content.decode()) == figures(after)
