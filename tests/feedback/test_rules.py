"""feedback/rules.py: each rule defined once, and the places that used to disagree agree."""

from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError

from clubs import services as club_services
from clubs.models import AspectKind, AspectStatus
from feedback import rules
from feedback import services as fs
from feedback.indicators import Window
from feedback.indicators import dashboards as dash
from feedback.models import Outcome, Proposal
from tests import factories
from tests.feedback.test_indicators import NOW, Story, travel

ANSWER_ONLY = "We asked the venue and the hall is booked by another group that evening."


@pytest.mark.parametrize(
    ("reason", "answer", "real"),
    [
        ("", ANSWER_ONLY, True),  # the public answer gives the reason
        (ANSWER_ONLY, "No.", True),
        ("Not this time.", ANSWER_ONLY, False),  # a reason given is judged, not the answer
        ("", "Sorry, not now.", False),
        ("", "a b c d e", False),  # five words, too short
        ("", "Impossibleforthevenuetoday", False),  # long, one word
    ],
)
def test_a_real_reason_is_a_sentence_in_the_reason_or_else_the_answer(reason, answer, real):
    assert rules.is_real_reason(reason, answer) is real


def test_a_no_whose_reason_is_in_the_public_answer_is_explained_for_the_service_and_indicator(
    db,
):
    """The drift: the decide service accepted it, the indicator said "no real reason"."""
    story = Story()
    for i in range(5):
        proposal = story.propose(30 + i)
        story.decide(proposal, 29 + i, Outcome.NOT_ADOPTED, answer=ANSWER_ONLY, reason="")
    indicator = story.result().indicators["unexplained_no"]
    assert indicator.facts["unexplained_ids"] == []
    assert indicator.explanation.startswith("0 of 5 'not adopted' answers gave no real reason")
    assert indicator.status == "green"


def test_the_decide_service_refuses_what_the_indicator_would_call_unexplained(db):
    story = Story()
    proposal = story.propose(30)
    with pytest.raises(ValidationError) as error, travel(29):
        fs.proposal_decide(
            proposal=proposal,
            by=story.coach,
            outcome=Outcome.NOT_ADOPTED,
            answer=ANSWER_ONLY,
            reason="Not this time.",
        )
    assert "reason" in error.value.message_dict
    proposal.refresh_from_db()
    assert proposal.outcome == ""


def test_answered_is_the_same_in_the_totals_and_the_trend_after_a_reopen(db):
    """The drift: totals read first_decided_at, the trend decided_at; after a reopen the
    same page said "answered 5" and "answered 0"."""
    story = Story()
    ideas = [story.answered(40 + i, after=3) for i in range(5)]
    with travel(20):
        for idea in ideas:
            fs.proposal_reopen(proposal=Proposal.objects.get(pk=idea.pk), by=story.coach)
    result = story.result()
    with time_machine.travel(NOW, tick=False):
        months = dash.monthly_trends([story.club.pk], Window.make())
    totals = dash.totals([result])
    assert totals["answered"] == 5
    assert sum(m.answered for m in months) == 5


def test_answered_by_a_moment_reads_the_first_decision(db):
    story = Story()
    idea = story.answered(40, after=3)
    with travel(20):
        fs.proposal_reopen(proposal=Proposal.objects.get(pk=idea.pk), by=story.coach)
    idea.refresh_from_db()
    assert idea.decided_at is None
    decided = NOW - timedelta(days=37)
    assert rules.is_answered_by(idea.first_decided_at, decided)
    assert not rules.is_answered_by(idea.first_decided_at, decided - timedelta(seconds=1))
    assert Proposal.objects.filter(rules.answered_by(decided), pk=idea.pk).exists()


def test_an_aspect_added_after_the_idea_did_not_exist_then(db):
    """Moving goalposts needs the aspect to have been negotiable when the idea was made;
    one added later had no status then."""
    story = Story()
    proposal = story.propose(30)
    with travel(10):
        aspect = club_services.aspect_create(
            club=story.club,
            by=story.coach,
            kind=AspectKind.OTHER,
            label="Kit",
            value="Bibs",
            status=AspectStatus.NEGOTIABLE,
        )
    assert rules.aspect_status_at(aspect, proposal.submitted_at) == ""
    with time_machine.travel(NOW, tick=False):
        assert rules.aspect_status_at(aspect, NOW) == AspectStatus.NEGOTIABLE


def test_lapsed_now_and_lapsed_as_of_now_agree(db):
    story = Story()
    kept = story.answered(40)
    missed = story.answered(39)
    with time_machine.travel(NOW, tick=False):
        day = story.club.aspects.get(kind=AspectKind.DAY)
        fs.change_record(
            aspect=day,
            by=story.coach,
            new_value="Thursday",
            effective_date=NOW.date(),
            proposals=[Proposal.objects.get(pk=kept.pk)],
        )
        today = NOW.date()
        now_ids = set(Proposal.objects.lapsed(today).values_list("pk", flat=True))
        as_of_ids = set(
            Proposal.objects.filter(rules.lapsed_as_of(NOW + timedelta(hours=1))).values_list(
                "pk", flat=True
            )
        )
    assert now_ids == as_of_ids == {missed.pk}


def test_a_new_clubs_undeclared_aspects_are_not_declared_yet_never_negotiable(db):
    """The blank-aspect case: amber before the club's first session, red after it."""
    club = factories.ClubFactory(declared="", funding_start=(NOW + timedelta(days=10)).date())
    before = Story(club=club).result().indicators["nothing_negotiable"]
    assert before.status == "amber"
    assert before.facts["negotiable"] == 0
    assert before.facts["undeclared"] == club.aspects.count() > 0
    assert before.display.startswith(f"{club.aspects.count()} not declared yet")
    assert sorted(before.evidence) == sorted(club.aspects.values_list("pk", flat=True))
    club.funding_start = (NOW - timedelta(days=10)).date()
    club.save()
    after = Story(club=club).result().indicators["nothing_negotiable"]
    assert after.status == "red"
    assert "after the club's first session" in after.explanation
    assert rules.first_session(club) == club.funding_start


def test_declaring_every_aspect_negotiable_turns_it_green(db):
    club = factories.ClubFactory(declared="")
    story = Story(club=club)
    with travel(100):
        for aspect in club.aspects.all():
            club_services.aspect_update(
                aspect=aspect, by=story.coach, status=AspectStatus.NEGOTIABLE
            )
    assert story.result().indicators["nothing_negotiable"].status == "green"
