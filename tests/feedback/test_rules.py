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
    club = factories.ClubFactory(
        declared="", stage="inception", funding_start=(NOW + timedelta(days=10)).date()
    )
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
    club = factories.ClubFactory(declared="", stage="inception")
    story = Story(club=club)
    with travel(100):
        for aspect in club.aspects.all():
            club_services.aspect_update(
                aspect=aspect, by=story.coach, status=AspectStatus.NEGOTIABLE
            )
    assert story.result().indicators["nothing_negotiable"].status == "green"


# --- Dates the club can still keep --------------------------------------------------------


@pytest.mark.parametrize(
    ("today", "field", "latest"),
    [
        # During funding: a decision waits at most to the funding's end; a promise may
        # reach into the sustain period (365 days after it).
        ("2026-12-01", "decide_by", "2027-07-31"),
        ("2026-12-01", "deferred_until", "2027-07-31"),
        ("2026-12-01", "promised_by", "2028-07-30"),
        ("2027-07-31", "decide_by", "2027-07-31"),
        # Once funding has ended, decisions may wait to the sustain period's end.
        ("2027-08-01", "decide_by", "2028-07-30"),
        ("2027-08-01", "deferred_until", "2028-07-30"),
        ("2027-08-01", "promised_by", "2028-07-30"),
    ],
)
def test_the_latest_date_a_club_can_give_is_its_funding_end_or_sustain_end(
    db, today, field, latest
):
    from datetime import date

    club = factories.ClubFactory()  # funded to 31 July 2027
    assert club.funding_end == date(2027, 7, 31)
    day = date.fromisoformat(today)
    assert rules.latest_date(club, field, day) == date.fromisoformat(latest)
    assert rules.too_late_message(club, field, date.fromisoformat(latest), day) == ""
    message = rules.too_late_message(
        club, field, date.fromisoformat(latest) + timedelta(days=1), day
    )
    assert message.startswith(f"Choose a date by {date.fromisoformat(latest):%-d %B %Y}: ")


def test_the_sustain_period_is_a_setting(db, settings):
    club = factories.ClubFactory()
    settings.COPRODUCE = {**settings.COPRODUCE, "SUSTAIN_PERIOD_DAYS": 30}
    assert rules.sustain_end(club) == club.funding_end + timedelta(days=30)
    assert rules.latest_promised_by(club) == rules.sustain_end(club)


def test_a_field_without_a_date_bound_is_an_error_not_unbounded(db):
    with pytest.raises(ValueError, match="No date bound"):
        rules.latest_date(factories.ClubFactory(), "change_effective", NOW.date())


def test_the_service_and_the_forms_date_pickers_use_the_same_bound(db):
    """The acknowledge and decide forms offer no date the service would refuse."""
    from feedback.forms_coaches import AcknowledgeForm, DecideForm

    club = factories.ClubFactory()
    coach = factories.make_coach(club)
    with time_machine.travel(NOW, tick=False):
        today = NOW.date()
        ack = AcknowledgeForm(club=club)
        decide = DecideForm(club=club, duplicates=Proposal.objects.none())
        for form, field in (
            (ack, "decide_by"),
            (decide, "deferred_until"),
            (decide, "promised_by"),
        ):
            latest = rules.latest_date(club, field, today)
            assert form.fields[field].widget.attrs["max"] == latest.isoformat()
            assert f'max="{latest.isoformat()}"' in str(form[field])
        p = factories.make_published(factories.make_participant(club), coach)
        latest = rules.latest_date(club, "decide_by", today)
        with pytest.raises(ValidationError) as refused:
            fs.proposal_acknowledge(
                proposal=p, by=coach, decider="coach", decide_by=latest + timedelta(days=1)
            )
        assert refused.value.message_dict["decide_by"] == [
            rules.too_late_message(club, "decide_by", latest + timedelta(days=1), today)
        ]
        fs.proposal_acknowledge(proposal=p, by=coach, decider="coach", decide_by=latest)
