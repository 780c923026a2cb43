"""Who can reach every coaches' page and action: a role x page table of status codes.

Young people have no account, so to these pages they are anonymous: sent to sign in.
Coaches of other clubs and other partners get 404 (the club's existence is not
revealed); Energise Me staff read but every change is refused with 403.
"""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from feedback import services
from feedback.models import Concern, ProposalEvent
from tests import factories
from tests.conftest import ROLES
from tests.feedback import coach_helpers as h

LOGIN = "login"
OK = "ok"

# Club pages readable by whoever can view the club; staff read only.
READ = dict(
    zip(ROLES, [LOGIN, 200, 404, 404, 200, 404, 200, 200], strict=True),
)
# Form pages and every POST: only those who manage the club.
ACT_GET = dict(zip(ROLES, [LOGIN, 200, 404, 404, 200, 404, 403, 200], strict=True))
ACT_POST = dict(zip(ROLES, [LOGIN, OK, 404, 404, OK, 404, 403, OK], strict=True))
# Pages across the user's own clubs: anyone signed in (they list only their clubs).
OWN = dict(zip(ROLES, [LOGIN, 200, 200, 200, 200, 200, 200, 200], strict=True))


def _today(days=0):
    return (timezone.localdate() + timedelta(days=days)).isoformat()


def _club_url(name, world, **kw):
    return reverse(f"feedback:{name}", kwargs={"slug": world.club.slug, **kw})


def _submitted(world):
    return factories.make_proposal(factories.make_participant(world.club))


def _page_url(world, page):
    if page == "needs-you":
        return reverse("feedback:needs-you")
    if page == "moderation":
        return reverse("feedback:moderation")
    if page == "coach-proposal":
        return _club_url(page, world, pk=_submitted(world).pk)
    if page == "round-edit":
        round_ = services.round_create(
            club=world.club,
            by=world.coach,
            question="What next term?",
            opens_on=timezone.localdate(),
            closes_on=timezone.localdate() + timedelta(days=7),
        )
        return _club_url(page, world, pk=round_.pk)
    return _club_url(page, world)


PAGES = [
    ("needs-you", OWN),
    ("moderation", OWN),
    ("coach-proposal", READ),
    ("rounds", READ),
    ("round-edit", ACT_GET),
    ("participants", READ),
    ("learning-new", ACT_GET),
    ("club-record", READ),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("page", "table"), PAGES, ids=[p for p, _ in PAGES])
def test_who_can_open_each_coach_page(world, client_as, role, page, table):
    url = _page_url(world, page)
    response = client_as(role).get(url)
    expected = table[role]
    if expected == LOGIN:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    else:
        assert response.status_code == expected


def _action(world, name):
    """(url, data, check that it happened) for one action on the world's club."""
    coach, club = world.coach, world.club
    if name == "publish":
        p = _submitted(world)
        return _club_url("coach-proposal-publish", world, pk=p.pk), {}, p
    if name == "return":
        p = _submitted(world)
        data = {"reason": "Please take the phone number out."}
        return _club_url("coach-proposal-return", world, pk=p.pk), data, p
    if name == "escalate":
        p = _submitted(world)
        return _club_url("coach-proposal-escalate", world, pk=p.pk), {}, p
    if name == "acknowledge":
        p = h.published(club, coach)
        data = {"decider": "coach", "decide_by": _today(7)}
        return _club_url("coach-proposal-acknowledge", world, pk=p.pk), data, p
    if name == "decide":
        p = h.acknowledged(club, coach)
        data = {"outcome": "adopted", "answer": "Yes: from next week.", "promised_by": _today(7)}
        return _club_url("coach-proposal-decide", world, pk=p.pk), data, p
    if name == "change":
        p = h.adopted(club, coach)
        data = {"aspect": h.aspect(club).pk, "new_value": "Thursday", "effective_date": _today()}
        return _club_url("coach-proposal-change", world, pk=p.pk), data, p
    if name == "reopen":
        p = h.adopted(club, coach)
        return _club_url("coach-proposal-reopen", world, pk=p.pk), {}, p
    if name == "concern-handle":
        participant = factories.make_participant(club)
        concern = services.concern_report(participant=participant, text="Someone was unkind.")
        return _club_url("concern-handle", world, pk=concern.pk), {}, concern
    if name == "rounds":
        data = {"question": "What should we play?", "opens_on": _today(), "closes_on": _today(9)}
        return _club_url("rounds", world), data, None
    if name in ("round-edit", "round-close"):
        round_ = services.round_create(
            club=club, by=coach, question="Old?", opens_on=_today(), closes_on=_today(3)
        )
        data = {"question": "New?", "opens_on": _today(), "closes_on": _today(5)}
        return _club_url(name, world, pk=round_.pk), data, round_
    if name == "participant-block":
        participant = factories.make_participant(club)
        return _club_url(name, world, pk=participant.pk), {"blocked": "1"}, participant
    if name == "learning-new":
        data = {"getting": "They enjoy choosing the warm-up music."}
        return _club_url(name, world), data, None
    raise AssertionError(name)


ACTIONS = [
    "publish",
    "return",
    "escalate",
    "acknowledge",
    "decide",
    "change",
    "reopen",
    "concern-handle",
    "rounds",
    "round-edit",
    "round-close",
    "participant-block",
    "learning-new",
]


def _fingerprint(world):
    """Everything an action might change, to show a refused one changed nothing."""
    from feedback.models import Learning, Participant, Proposal, Round

    return (
        ProposalEvent.objects.count(),
        list(Proposal.objects.order_by("pk").values_list("state", flat=True)),
        list(Round.objects.order_by("pk").values_list("question", "closed_at")),
        list(Participant.objects.order_by("pk").values_list("is_blocked", flat=True)),
        Concern.objects.filter(handled_at__isnull=False).count(),
        Learning.objects.count(),
    )


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", ACTIONS)
def test_who_can_do_each_coach_action(world, client_as, role, action):
    url, data, _obj = _action(world, action)
    before = _fingerprint(world)
    response = client_as(role).post(url, data)
    expected = ACT_POST[role]
    if expected == OK:
        assert response.status_code == 302, response.content[:2000]
        assert not response["Location"].startswith(reverse("login"))
        assert _fingerprint(world) != before
    else:
        if expected == LOGIN:
            assert response.status_code == 302
            assert response["Location"].startswith(reverse("login"))
        else:
            assert response.status_code == expected
        assert _fingerprint(world) == before


@pytest.mark.parametrize("role", ["coach", "lead", "superuser", "staff"])
def test_a_proposal_of_another_club_is_404_through_this_clubs_url(world, client_as, role):
    """Even where the user may see both clubs, a proposal is only found under its own club."""
    other = h.published(world.far_club, world.far_coach)
    url = reverse("feedback:coach-proposal", kwargs={"slug": world.club.slug, "pk": other.pk})
    assert client_as(role).get(url).status_code == 404
    publish = reverse(
        "feedback:coach-proposal-publish", kwargs={"slug": world.club.slug, "pk": other.pk}
    )
    assert client_as(role).post(publish).status_code in (403, 404)


def test_staff_read_only_pages_show_no_action_forms(world, client_as):
    p = h.published(world.club, world.coach)
    body = client_as("staff").get(_club_url("coach-proposal", world, pk=p.pk)).content.decode()
    assert "You can read this idea but not act on it." in body
    assert "Acknowledge</button>" not in body


def test_needs_you_lists_only_the_users_own_clubs(world, client_as):
    mine = factories.make_proposal(factories.make_participant(world.club), title="Mine to see")
    factories.make_proposal(factories.make_participant(world.far_club), title="Not yours")
    body = client_as("coach").get(reverse("feedback:needs-you")).content.decode()
    assert mine.title in body
    assert "Not yours" not in body
    body = client_as("staff").get(reverse("feedback:needs-you")).content.decode()
    assert "Not yours" not in body
    assert mine.title not in body


@pytest.mark.parametrize(("page", "table"), PAGES, ids=[p for p, _ in PAGES])
def test_a_young_person_with_their_member_cookie_is_sent_to_sign_in(world, client, page, table):
    from django.conf import settings

    from feedback import identity

    member = factories.make_participant(world.club)
    client.cookies[settings.PARTICIPANT_COOKIE_NAME] = identity.signed_value([member.key])
    url = _page_url(world, page)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    waiting = _submitted(world)
    response = client.post(_club_url("coach-proposal-publish", world, pk=waiting.pk))
    assert response["Location"].startswith(reverse("login"))
    waiting.refresh_from_db()
    assert waiting.state == "submitted"
