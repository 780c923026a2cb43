"""The indicator specs: thresholds from settings, none typed into a sentence, all shown."""

import re
import string
from datetime import timedelta

import pytest
from django.conf import settings
from django.test import override_settings
from django.urls import reverse

from feedback.indicators import core
from feedback.indicators import spec as specs
from feedback.indicators.spec import AMBER, GREEN, REGISTRY, SILENT, SPECS, setting
from tests import factories
from tests.feedback.test_indicators import NOW, Story

# Settings of COPRODUCE_INDICATORS read by something other than one indicator's spec.
NOT_ONE_INDICATORS = {"WINDOW_WEEKS", "REAL_REASON_MIN_CHARS", "REAL_REASON_MIN_WORDS"}


def _templates(spec):
    return [("rule", spec.rule), *spec.sentences.items()]


def test_the_registry_has_each_indicator_once_in_order():
    keys = [s.key for s in REGISTRY]
    assert len(keys) == len(set(keys)) == 10
    assert list(specs.INDICATORS) == keys
    assert list(SPECS) == keys
    # The runner gathers a row for each spec, and for nothing else.
    assert set(core.MEASURES) == set(keys)


def test_the_runner_returns_one_typed_row_per_spec_in_order(db):
    result = Story().result()
    assert isinstance(result, core.ClubIndicators)
    assert list(result.indicators) == [s.key for s in REGISTRY]
    for spec in REGISTRY:
        row = result.indicators[spec.key]
        assert isinstance(row, core.Indicator)
        assert row.evidence_kind == spec.evidence_kind
        assert row.rule == spec.rule_text()


@pytest.mark.parametrize("spec", REGISTRY, ids=lambda s: s.key)
def test_every_spec_has_its_settings(spec):
    """Each threshold a spec names is a number in the settings, and each template's
    placeholders are its params, its words or the facts it is given (never a missing one)."""
    for name, path in spec.params.items():
        value = setting(path)
        assert isinstance(value, int | float), (name, path)
        assert not isinstance(value, bool), (name, path)
    assert spec.population
    assert spec.numerator
    rule_fields = {f for _, f, _, _ in string.Formatter().parse(spec.rule) if f}
    words = set(spec.words(spec.values())) if spec.words else set()
    assert rule_fields <= set(spec.params) | words, rule_fields - set(spec.params) - words
    assert spec.rule_text()  # renders with the settings as they are


def test_every_indicator_setting_is_read_by_one_idea():
    """One setting per idea: every indicator threshold in the settings is a spec's param
    (or read by the window or the real-reason rule), and no idea has two settings."""
    named = {
        path.split(".", 1)[1].split("[")[0]
        for spec in REGISTRY
        for path in spec.params.values()
        if path.startswith("INDICATORS.")
    }
    assert set(settings.COPRODUCE_INDICATORS) == named | NOT_ONE_INDICATORS
    # The coach's deadlines are the indicators' thresholds, not copies of them.
    assert "ANSWER_WITHIN_DAYS" not in settings.COPRODUCE
    assert "ACKNOWLEDGE_WITHIN_DAYS" not in settings.COPRODUCE


@pytest.mark.parametrize("spec", REGISTRY, ids=lambda s: s.key)
def test_no_sentence_template_types_a_threshold(spec):
    thresholds = {str(v) for v in spec.values().values()}
    for name, template in _templates(spec):
        digits = set(re.findall(r"\d+(?:\.\d+)?", template))
        assert not digits & thresholds, (name, digits & thresholds)
        # Nor any other number: counts and thresholds come in as parameters.
        assert not digits, (name, digits)


def test_every_indicator_is_rendered_on_the_dashboards(world, client_as):
    Story(club=world.club, coach=world.coach).answered(30)
    client = client_as("staff")
    county = client.get(reverse("feedback:county-dashboard")).content.decode()
    partner = (
        client_as("lead")
        .get(reverse("feedback:partner-dashboard", args=[world.club.partner_id]))
        .content.decode()
    )
    csv = client_as("staff").get(reverse("feedback:county-export")).content.decode()
    club = (
        client_as("coach")
        .get(reverse("feedback:club-indicators", args=[world.club.slug]))
        .content.decode()
    )
    header = csv.splitlines()[0].split(",")
    for spec in REGISTRY:
        assert spec.title in county, spec.key
        assert spec.title in partner, spec.key
        assert f"{spec.key}_status" in header, spec.key
        assert spec.title in club, spec.key
        assert spec.rule_text().split(".")[0] in club.replace("&#x27;", "'"), spec.key


def _silent_story():
    """Five published ideas 40 to 48 days ago: four answered in 2 days, one in 35."""
    story = Story()
    for days in (40, 42, 44, 46):
        story.answered(days)
    late = story.propose(48)
    story.decide(late, 48 - 35)
    return story


def _override(**changes):
    return override_settings(COPRODUCE_INDICATORS=settings.COPRODUCE_INDICATORS | changes)


def test_changing_a_threshold_changes_the_status_and_the_sentences(db):
    story = _silent_story()
    before = story.result().indicators[SILENT]
    assert before.status == AMBER  # 1 of 5 over 10%
    assert "no public answer 28 days after submission" in before.explanation
    assert "no public answer 28 days after they were submitted" in before.rule

    with _override(SILENT_AFTER_DAYS=36):
        after = story.result().indicators[SILENT]
        assert after.status == GREEN  # the late one was answered within 36 days
        assert "no public answer 36 days after submission" in after.explanation
        assert "no public answer 36 days after they were submitted" in after.rule
        assert "28" not in after.rule

    with _override(SILENT_AMBER_OVER_PCT=25, SILENT_RED_OVER_PCT=50):
        after = story.result().indicators[SILENT]
        assert after.status == GREEN  # 20% is not over 25%
        assert "Amber over 25%, red over 50%" in after.rule


def test_changing_the_slow_thresholds_changes_the_prompts(db):
    story = Story()
    waiting = story.propose(20)  # published, never acknowledged nor decided
    result = story.result()
    assert any("waited over 14 days" in p.text for p in result.prompts)
    with _override(SLOW_RED_OVER_DAYS=19):
        result = story.result()
        assert any("waited over 19 days" in p.text for p in result.prompts)
    assert result.totals["waiting"] == [waiting.pk]
    assert waiting.submitted_at == NOW - timedelta(days=20)


def test_the_club_panel_names_the_window_from_the_setting(world, client_as):
    client = client_as("coach")
    url = reverse("clubs:club-detail", args=[world.club.slug])
    assert "Is involvement real? Last 12 weeks" in client.get(url).content.decode()
    with _override(WINDOW_WEEKS=8):
        assert "Is involvement real? Last 8 weeks" in client.get(url).content.decode()


def test_undeclared_aspects_after_the_first_session_are_explained(db):
    club = factories.ClubFactory(declared="", stage="inception")
    story = Story(club=club)
    row = story.result().indicators["nothing_negotiable"]
    n = club.aspects.count()
    assert row.explanation == (
        f"0 aspects young people can change, 0 fixed, 0 fixed without a reason. {n} aspects "
        "not declared yet: the coach has not said whether young people can change them, after "
        "the club's first session (5 Jan 2026)."
    )
