"""The coach's decision form: the outcome first, then only its fields, and a preview that is
exactly what the young people will read."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from feedback.forms_coaches import OUTCOME_FIELDS
from feedback.models import Decision
from tests import factories
from tests.feedback import coach_helpers as h
from tests.feedback.test_yp_support import phone_of

ALL_FIELDS = {name for names in OUTCOME_FIELDS.values() for name in names}


def _url(name, world, **kw):
    return reverse(f"feedback:{name}", kwargs={"slug": world.club.slug, **kw})


def _names(body):
    """The names of the decision form's inputs on the page."""
    form = body.split('id="h-decide"', 1)[1].split("</form>", 1)[0]
    return set(re.findall(r'name="([a-z_]+)"', form))


def _state(p):
    p.refresh_from_db()
    return (p.state, p.outcome, p.events.count(), Decision.objects.count())


def test_the_first_step_asks_only_for_the_outcome(world, client_as):
    p = h.acknowledged(world.club, world.coach)
    body = client_as("coach").get(_url("coach-proposal", world, pk=p.pk)).content.decode()
    names = _names(body)
    assert "outcome" in names
    assert "step" in names  # "Next: the details", which works without JavaScript
    assert not names & (ALL_FIELDS | {"answer"})
    assert "Next: the details" in body


@pytest.mark.parametrize("outcome", list(OUTCOME_FIELDS))
@pytest.mark.parametrize("how", ["get", "pick", "htmx"])
def test_each_outcome_shows_only_its_fields(world, client_as, outcome, how):
    h.published(world.club, world.coach, title="Another idea")  # something to merge into
    p = h.acknowledged(world.club, world.coach)
    client = client_as("coach")
    before = _state(p)
    if how == "get":
        response = client.get(_url("coach-proposal", world, pk=p.pk), {"outcome": outcome})
    else:
        response = client.post(
            _url("coach-proposal-decide", world, pk=p.pk),
            {"outcome": outcome, "step": "pick", "answer": "Kept as typed"},
            **({"HTTP_HX_REQUEST": "true"} if how == "htmx" else {}),
        )
    assert response.status_code == 200
    body = response.content.decode()
    if how == "htmx":  # only the fields, to swap in under the outcome
        assert "<html" not in body
        body = f'<section id="h-decide"><form>{body}</form>'
    names = _names(body)
    assert names & ALL_FIELDS == set(OUTCOME_FIELDS[outcome])
    assert "answer" in names
    assert "What the young people will read" in body
    assert "field is required" not in body  # choosing is not submitting
    if how != "get":
        assert "Kept as typed" in body
    assert _state(p) == before


def test_plain_labels_and_acknowledging_is_optional(world, client_as):
    p = h.published(world.club, world.coach)
    client = client_as("coach")
    body = client.get(_url("coach-proposal", world, pk=p.pk)).content.decode()
    assert "Decide by (date)" in body
    assert "Decided by" not in body
    assert "Acknowledging first is optional" in body
    body = client.get(_url("coach-proposal", world, pk=p.pk), {"outcome": "adopted"})
    body = body.content.decode()
    assert "Promised by (date)" in body
    assert "Changes from (date)" in body
    deferred = client.get(_url("coach-proposal", world, pk=p.pk), {"outcome": "deferred"})
    assert "Look at it again on (date)" in deferred.content.decode()


def test_a_decision_without_its_outcomes_details_says_so_and_changes_nothing(world, client_as):
    p = h.acknowledged(world.club, world.coach)
    before = _state(p)
    response = client_as("coach").post(
        _url("coach-proposal-decide", world, pk=p.pk), {"outcome": "adopted", "answer": "Yes."}
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "promised_by" in _names(body)  # still on the adopted step
    assert "Say by when the change will happen, or record it now" in body
    assert _state(p) == before


def test_a_change_typed_for_another_outcome_is_still_refused_out_loud(world, client_as):
    """A field hidden by the step still reaches the service, and its error is shown."""
    day = h.aspect(world.club)
    p = h.acknowledged(world.club, world.coach)
    before = _state(p)
    data = {
        "outcome": "not_adopted",
        "answer": "We cannot: the hall is shut on Fridays, all year.",
        "change_aspect": day.pk,
        "change_value": "Friday",
    }
    response = client_as("coach").post(_url("coach-proposal-decide", world, pk=p.pk), data)
    assert response.status_code == 200
    assert "A change is recorded only for adopted" in response.content.decode()
    assert _state(p) == before


def _preview(body):
    section = body.split('data-testid="decide-preview"', 1)[1].split("</section>", 1)[0]
    return " ".join(section.split("</h3>", 1)[1].split())


def _young_answer(body):
    section = body.split('id="answer-heading"', 1)[1].split("</section>", 1)[0]
    return " ".join(section.split("</h2>", 1)[1].split())


@pytest.mark.parametrize(
    ("outcome", "extra"),
    [
        ("adopted", {"promised_by": 20}),
        ("trial", {"change_aspect": "day", "change_value": "Thursday", "change_effective": 7}),
        ("deferred", {"deferred_until": 30}),
        ("not_adopted", {"reason": "The pitch is booked by the seniors every weekday evening."}),
    ],
)
def test_the_preview_is_what_the_young_person_reads(world, client_as, outcome, extra):
    day = h.aspect(world.club)
    author = factories.make_participant(world.club)
    p = h.acknowledged(world.club, world.coach, author=author)
    data = {"outcome": outcome, "answer": "Thanks for asking: here is what happens next."}
    for key, value in extra.items():
        if value == "day":
            value = day.pk
        elif isinstance(value, int):
            value = (timezone.localdate() + timedelta(days=value)).isoformat()
        data[key] = value
    client = client_as("coach")
    url = _url("coach-proposal-decide", world, pk=p.pk)
    before = _state(p)
    preview = _preview(client.post(url, {**data, "step": "preview"}).content.decode())
    assert _state(p) == before  # a preview decides nothing
    assert client.post(url, data).status_code == 302
    young = phone_of(author).get(reverse("feedback:proposal-detail", args=[world.club.slug, p.pk]))
    detail_body = young.content.decode()
    assert preview == _young_answer(detail_body)
    assert "Your coach says: &ldquo;Thanks for asking" in preview


def test_the_outcome_and_the_answer_do_not_read_as_one_sentence(world, client_as):
    author = factories.make_participant(world.club)
    p = h.adopted(world.club, world.coach, author=author)
    p.refresh_from_db()
    body = phone_of(author).get(reverse("feedback:member-home", args=[world.club.slug]))
    body = body.content.decode()
    assert "<strong>Yes, we&#x27;re doing it.</strong></p>" in body
    assert f"Your coach says: &ldquo;{p.answer}&rdquo;" in body.replace("&#x27;", "'")


def test_a_former_members_idea_is_not_shown_as_done_by_them(world):
    author = factories.make_participant(world.club)
    reader = factories.make_participant(world.club)
    p = h.adopted(world.club, world.coach, author=author)
    p.author = None
    p.save(update_fields=["author"])
    body = phone_of(reader).get(reverse("feedback:proposal-detail", args=[world.club.slug, p.pk]))
    body = body.content.decode()
    assert "An idea from a former member" in body
    assert "by A former member" not in body
