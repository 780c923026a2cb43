"""The club record's period: the last 12 weeks by default, earlier and later periods, the
whole record, permalinks with dates, and bad input that says why and shows the default."""

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from feedback import services
from tests.feedback import coach_helpers as h

# A Thursday in late November: 12 weeks back is Thursday 3 September (British Summer Time).
NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)


def _at(moment):
    return time_machine.travel(moment, tick=False)


@pytest.fixture
def story(world):
    """Ideas either side of the default period's start (one each side of local midnight),
    a recent one, and a change dated after today."""
    day = h.aspect(world.club)
    with _at(datetime(2026, 7, 15, 10, tzinfo=UTC)):
        h.published(world.club, world.coach, title="Summer idea")
    # 23:30 on 2 September in London, then 00:30 on 3 September (UTC+1 in summer).
    with _at(datetime(2026, 9, 2, 22, 30, tzinfo=UTC)):
        h.published(world.club, world.coach, title="Late on the 2nd")
    with _at(datetime(2026, 9, 2, 23, 30, tzinfo=UTC)):
        h.published(world.club, world.coach, title="Early on the 3rd")
    with _at(datetime(2026, 11, 20, 10, tzinfo=UTC)):
        h.published(world.club, world.coach, title="Recent idea", aspect=day)
    with _at(NOW):
        services.change_record(
            aspect=day, by=world.coach, new_value="Friday", effective_date=date(2026, 12, 4)
        )
    return world


def _get(client_as, world, query=None, role="coach"):
    url = reverse("feedback:club-record", kwargs={"slug": world.club.slug})
    with _at(NOW):
        response = client_as(role).get(url, query or {})
    assert response.status_code == 200
    return response.content.decode()


def test_with_no_query_the_record_shows_the_last_12_weeks_and_anything_dated_later(
    story, client_as
):
    body = _get(client_as, story)
    assert "Showing 3 Sep 2026 onwards</strong>: the last 12 weeks, and anything dated later" in (
        body
    )
    assert "Recent idea" in body
    assert "Early on the 3rd" in body
    assert "Friday</strong>" in body  # the change dated next week
    assert "Late on the 2nd" not in body
    assert "Summer idea" not in body
    assert 'name="start" id="id_start" value="2026-09-03"' in body
    assert 'name="end" id="id_end" value=""' in body


def test_the_earlier_link_shows_the_12_weeks_before_and_links_back(story, client_as):
    body = _get(client_as, story)
    assert 'href="?start=2026-06-10&amp;end=2026-09-02">Earlier: the 12 weeks before</a>' in body
    earlier = _get(client_as, story, {"start": "2026-06-10", "end": "2026-09-02"})
    assert "Showing 10 Jun \u2013 2 Sep 2026" in earlier
    assert "Summer idea" in earlier
    assert "Late on the 2nd" in earlier
    assert "Early on the 3rd" not in earlier
    assert "Recent idea" not in earlier
    # Later runs on from the day after, up to now and beyond: the default period again,
    # so no separate link to the last 12 weeks.
    assert "The last 12 weeks</a>" not in earlier
    assert 'href="?start=2026-09-03&amp;end=">Later: the 12 weeks after</a>' in earlier
    assert 'href="?start=2026-03-17&amp;end=2026-06-09">Earlier: the 12 weeks before</a>' in (
        earlier
    )


def test_the_whole_record_is_one_link_away_and_shows_everything(story, client_as):
    body = _get(client_as, story)
    assert 'href="?start=&amp;end=">The whole record</a>' in body
    whole = _get(client_as, story, {"start": "", "end": ""})
    assert "Showing the whole record" in whole
    for title in ("Summer idea", "Late on the 2nd", "Early on the 3rd", "Recent idea"):
        assert title in whole
    assert "Earlier:" not in whole
    assert "The whole record</a>" not in whole
    assert "The last 12 weeks</a>" in whole


def test_a_permalink_with_dates_shows_exactly_those_local_days(story, client_as):
    one_day = _get(client_as, story, {"start": "2026-09-03", "end": "2026-09-03"})
    assert "Showing 3 Sep 2026</strong>" in one_day
    assert "Early on the 3rd" in one_day
    assert "Late on the 2nd" not in one_day
    assert 'href="?start=2026-09-02&amp;end=2026-09-02">Earlier: the 1 day before</a>' in one_day
    up_to = _get(client_as, story, {"end": "2026-09-02"})
    assert "Showing everything up to 2 Sep 2026" in up_to
    assert "Late on the 2nd" in up_to
    assert "Early on the 3rd" not in up_to


def test_an_aspect_alone_keeps_the_default_period_and_the_links_keep_the_aspect(story, client_as):
    day = h.aspect(story.club)
    body = _get(client_as, story, {"aspect": day.pk})
    assert "onwards</strong>: the last 12 weeks, and anything dated later, about" in body
    assert "Recent idea" in body
    assert "Early on the 3rd" not in body  # about no aspect
    assert f'href="?start=&amp;end=&amp;aspect={day.pk}">The whole record</a>' in body


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"start": "2026-11-01", "end": "2026-10-01"}, "The period must end after it starts."),
        ({"start": "yesterday"}, "Enter a valid date."),
        ({"aspect": "999999"}, "Select a valid choice."),
    ],
)
def test_bad_input_says_why_and_shows_the_last_12_weeks(story, client_as, query, message):
    body = _get(client_as, story, query)
    assert message in body
    assert "Showing the last 12 weeks instead." in body
    assert "Showing 3 Sep 2026 onwards</strong>" in body
    assert "Recent idea" in body
    assert "Summer idea" not in body


def test_the_form_sent_with_empty_dates_still_gives_the_whole_record(story, client_as):
    """As links made before the default period did (the form's Show with nothing chosen)."""
    body = _get(client_as, story, {"start": "", "end": "", "aspect": ""})
    assert "Summer idea" in body
    assert "Recent idea" in body


def test_nothing_in_the_period_says_so_and_offers_earlier_and_the_whole_record(world, client_as):
    with _at(datetime(2026, 3, 1, 10, tzinfo=UTC)):
        h.published(world.club, world.coach, title="Spring idea")
    body = _get(client_as, world)
    assert "Nothing recorded for this choice: try" in body
    assert "Spring idea" not in body
    assert "the whole record</a>" in body


def test_the_default_period_follows_the_dashboards_window(world, client_as, settings):
    settings.COPRODUCE_INDICATORS = {**settings.COPRODUCE_INDICATORS, "WINDOW_WEEKS": 4}
    body = _get(client_as, world)
    start = (NOW.date() - timedelta(weeks=4)).strftime("%-d %b %Y")
    assert f"Showing {start} onwards</strong>: the last 4 weeks" in body
    assert "Earlier: the 4 weeks before" in body


def test_a_change_lists_every_idea_behind_it_once(world, client_as):
    day = h.aspect(world.club)
    first = h.adopted(world.club, world.coach, title="Thursdays please", aspect=day)
    second = h.adopted(world.club, world.coach, title="Not Mondays", aspect=day)
    services.change_record(
        aspect=day,
        by=world.coach,
        new_value="Thursday",
        effective_date=timezone.localdate(),
        proposals=[first, second],
    )
    body = client_as("coach").get(reverse("feedback:club-record", args=[world.club.slug]))
    text = body.content.decode()
    assert text.count("Thursday</strong>") == 1
    assert "because of &ldquo;Not Mondays&rdquo;, &ldquo;Thursdays please&rdquo;" in text


@pytest.mark.parametrize("query", [{"start": "0001-01-02"}, {"end": "9999-12-31"}])
def test_dates_at_the_calendars_ends_are_refused_not_an_error(world, client_as, query):
    body = _get(client_as, world, query)
    assert "Choose a date from 2000 to 2099." in body
    assert "Showing the last 12 weeks instead." in body


def test_no_earlier_period_before_2000_nor_later_after_2099(world, client_as):
    first = _get(client_as, world, {"start": "2000-01-01", "end": "2000-03-01"})
    assert "Earlier:" not in first
    assert "Later: the" in first
    last = _get(client_as, world, {"start": "2099-11-01", "end": "2099-12-31"})
    assert "Later:" not in last
    assert 'href="?start=2099-09-01&amp;end=2099-10-31">Earlier' in last


def test_the_lines_escape_what_people_wrote_and_keep_the_answers_line_breaks(world, client_as):
    idea = h.published(world.club, world.coach, title="<b>Bold</b> & loud")
    services.proposal_decide(
        proposal=idea,
        by=world.coach,
        outcome="not_adopted",
        answer="Not this term.\nWe will ask again <soon>.",
        reason="The hall is booked by another group that evening, every week.",
    )
    body = client_as("coach").get(reverse("feedback:club-record", args=[world.club.slug]))
    text = body.content.decode()
    assert "&lt;b&gt;Bold&lt;/b&gt; &amp; loud</a>" in text
    assert "<b>Bold</b>" not in text
    assert "Not this term.<br>We will ask again &lt;soon&gt;.</blockquote>" in text


@pytest.mark.parametrize(
    ("comment", "line"),
    [
        ("", "said <strong>yes</strong>.</p>"),
        ("They explained it", "said <strong>yes</strong>: &ldquo;They explained it&rdquo;.</p>"),
        ("They explained it.", "said <strong>yes</strong>: &ldquo;They explained it.&rdquo;</p>"),
        ("Really?", "said <strong>yes</strong>: &ldquo;Really?&rdquo;</p>"),
    ],
)
def test_a_listened_to_answer_ends_with_one_full_stop(world, client_as, comment, line):
    idea = h.adopted(world.club, world.coach, title="Later sessions")
    services.listened_answer_record(
        proposal=idea, participant=idea.author, answer="yes", comment=comment
    )
    text = client_as("coach").get(reverse("feedback:club-record", args=[world.club.slug]))
    assert line in text.content.decode()
