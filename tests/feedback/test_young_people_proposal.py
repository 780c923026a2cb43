"""An idea's page: its timeline in plain words, the answer, the change, "did you feel listened to?"."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from clubs.models import AspectKind
from feedback import services
from feedback.models import Decider, ListenedAnswer, Outcome, ProposalEvent
from tests import factories
from tests.feedback.test_yp_support import phone_of

pytestmark = pytest.mark.django_db


def detail(client, proposal):
    return client.get(reverse("feedback:proposal-detail", args=[proposal.club.slug, proposal.pk]))


def listened(client, proposal, **data):
    url = reverse("feedback:proposal-listened", args=[proposal.club.slug, proposal.pk])
    return client.post(url, data)


def decided_idea(world, author, **kwargs):
    proposal = factories.make_published(author, world.coach, title="Thursdays please")
    services.proposal_acknowledge(
        proposal=proposal,
        by=world.coach,
        decider=Decider.PARTNER,
        decide_by=timezone.localdate() + timedelta(days=14),
    )
    services.proposal_decide(
        proposal=proposal,
        by=world.coach,
        outcome=Outcome.ADOPTED,
        answer="Yes: the hall is free on Thursdays.",
        **kwargs,
        promised_by=timezone.localdate() + timedelta(days=14),
    )
    services.change_record(
        aspect=world.club.aspects.get(kind=AspectKind.DAY),
        by=world.coach,
        new_value="Thursday",
        effective_date=date(2026, 3, 3),
        proposals=[proposal],
    )
    proposal.refresh_from_db()
    return proposal


def test_the_timeline_tells_every_step_in_plain_words(world):
    author = factories.make_participant(world.club)
    proposal = decided_idea(world, author)
    html = detail(phone_of(author), proposal).content.decode()
    for words in [
        "You shared this idea.",
        "Your coach put it up for everyone in the club to see and support.",
        "Your coach read it. The partner will decide by",
        "Decided: Yes, we&#x27;re doing it.",
        "Change recorded: Day becomes \u201cThursday\u201d from 3 March 2026.",
        "Done: the change is made.",
        "Yes: the hall is free on Thursdays.",
        "From 3 March: day is Thursday, because you asked.",
    ]:
        assert words in html, words


def test_a_return_reason_is_shown_to_the_author_only(world):
    author = factories.make_participant(world.club)
    proposal = factories.make_proposal(author, title="Later")
    services.proposal_return(proposal=proposal, by=world.coach, reason="Which day do you mean?")
    services.proposal_resubmit(proposal=proposal, participant=author, title="Later on Fridays")
    services.proposal_publish(proposal=proposal, by=world.coach)
    mine = detail(phone_of(author), proposal).content.decode()
    assert "Your coach sent it back to you: \u201cWhich day do you mean?\u201d" in mine
    theirs = detail(phone_of(factories.make_participant(world.club)), proposal).content.decode()
    assert "Which day do you mean?" not in theirs
    assert f"{author.pseudonym} shared this idea." in theirs


@pytest.mark.parametrize("step", ["submitted", "returned", "escalated"])
def test_unpublished_and_escalated_ideas_are_404_for_others_but_not_their_author(world, step):
    author = factories.make_participant(world.club)
    proposal = factories.make_proposal(author)
    if step == "returned":
        services.proposal_return(proposal=proposal, by=world.coach, reason="Why?")
    if step == "escalated":
        services.proposal_escalate(proposal=proposal, by=world.coach)
    assert detail(phone_of(factories.make_participant(world.club)), proposal).status_code == 404
    assert detail(phone_of(author), proposal).status_code == 200


def test_an_escalated_published_idea_disappears_for_others(world):
    author = factories.make_participant(world.club)
    proposal = factories.make_published(author, world.coach)
    services.proposal_escalate(proposal=proposal, by=world.coach)
    reader = phone_of(factories.make_participant(world.club))
    assert detail(reader, proposal).status_code == 404
    home = reader.get(reverse("feedback:member-home", args=[world.club.slug]))
    assert proposal.title not in home.content.decode()


def test_the_author_answers_did_you_feel_listened_to_once(world):
    author = factories.make_participant(world.club)
    proposal = decided_idea(world, author)
    client = phone_of(author)
    assert "Did you feel listened to?" in detail(client, proposal).content.decode()
    response = listened(client, proposal, answer="partly", comment="It took a while <b>but</b> ok")
    assert response.status_code == 302
    answer = ListenedAnswer.objects.get(proposal=proposal)
    assert (answer.answer, answer.comment) == ("partly", "It took a while <b>but</b> ok")
    page = detail(client, proposal).content.decode()
    assert "Did you feel listened to?</h2>" not in page
    assert "<strong>Partly</strong>" in page
    listened(client, proposal, answer="no")
    assert ListenedAnswer.objects.count() == 1
    assert ProposalEvent.objects.filter(kind=ProposalEvent.Kind.LISTENED).count() == 1
    assert (
        "already answered"
        in client.get(reverse("feedback:member-home", args=[world.club.slug])).content.decode()
    )


def test_only_the_author_after_a_decision_is_asked(world):
    author = factories.make_participant(world.club)
    open_one = factories.make_published(author, world.coach)
    assert "Did you feel listened to?" not in detail(phone_of(author), open_one).content.decode()
    listened(phone_of(author), open_one, answer="yes")
    decided = decided_idea(world, author)
    other = phone_of(factories.make_participant(world.club))
    assert "Did you feel listened to?" not in detail(other, decided).content.decode()
    assert listened(other, decided, answer="yes").status_code == 404
    assert not ListenedAnswer.objects.exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Choose yes, partly or no."),
        ({"answer": "maybe"}, "Choose yes, partly or no."),
        ({"answer": "yes", "comment": "x" * 10_000}, "Keep it to 500 characters."),
        ({"answer": "yes", "comment": "\x00"}, "Null characters are not allowed."),
    ],
)
def test_a_bad_listened_answer_gets_a_message_and_changes_nothing(world, data, message):
    author = factories.make_participant(world.club)
    proposal = decided_idea(world, author)
    client = phone_of(author)
    listened(client, proposal, **data)
    assert message in detail(client, proposal).content.decode()
    assert not ListenedAnswer.objects.exists()


def test_a_blocked_author_is_not_asked_and_cannot_answer(world):
    author = factories.make_participant(world.club)
    proposal = decided_idea(world, author)
    services.participant_block(participant=author, by=world.coach)
    client = phone_of(author)
    assert "Did you feel listened to?" not in detail(client, proposal).content.decode()
    listened(client, proposal, answer="no")
    assert not ListenedAnswer.objects.exists()


def test_a_lapsed_promise_reads_as_not_kept(world):
    author = factories.make_participant(world.club)
    proposal = factories.make_published(author, world.coach)
    services.proposal_decide(
        proposal=proposal,
        by=world.coach,
        outcome=Outcome.ADOPTED,
        answer="Yes, by next week.",
        promised_by=timezone.localdate() + timedelta(days=1),
    )
    import time_machine

    with time_machine.travel(timezone.now() + timedelta(days=5)):
        html = detail(phone_of(author), proposal).content.decode()
    assert "Promise not kept yet" in html


def test_a_deleted_authors_idea_reads_a_former_member(world):
    author = factories.make_participant(world.club)
    proposal = factories.make_published(author, world.coach, title="Music please")
    services.participant_delete(participant=author)
    reader = phone_of(factories.make_participant(world.club))
    assert "A former member shared this idea." in detail(reader, proposal).content.decode()
    home = reader.get(reverse("feedback:member-home", args=[world.club.slug])).content.decode()
    assert "By A former member" in home


@pytest.mark.parametrize("n", [3, 5])
def test_the_idea_page_runs_a_fixed_number_of_queries(world, n, django_assert_num_queries):
    author = factories.make_participant(world.club)
    proposal = factories.make_published(author, world.coach)
    for _ in range(n):
        services.support_set(proposal=proposal, participant=factories.make_participant(world.club))
    for _ in range(n):
        services.proposal_acknowledge(
            proposal=proposal, by=world.coach, decider=Decider.COACH, decide_by=timezone.localdate()
        )
    services.proposal_decide(
        proposal=proposal,
        by=world.coach,
        outcome=Outcome.ADOPTED,
        answer="Yes",
        promised_by=timezone.localdate() + timedelta(days=14),
    )
    services.change_record(
        aspect=world.club.aspects.first(),
        by=world.coach,
        new_value="New value",
        effective_date=timezone.localdate(),
        proposals=[proposal],
    )
    client = phone_of(author)
    # participant, the idea (with author, aspect, round, listened answer), its events,
    # its changes, the club's sessions run (attendance since the change, #15)
    url = reverse("feedback:proposal-detail", args=[world.club.slug, proposal.pk])
    with django_assert_num_queries(5):
        response = client.get(url)
    assert response.status_code == 200
    assert response.content.decode().count("Your coach read it.") == n
