"""export_club then import_club: nothing of the club's record is lost."""

import io
import json
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from clubs.models import AspectChange, AspectStatus, Club, User
from clubs.services import aspect_update
from feedback import services
from feedback.models import Outcome, Participant, Proposal, ProposalEvent
from feedback.portability import export_club, import_club
from tests import factories


def _club_with_a_story():
    club = factories.ClubFactory(name="Story Club")
    coach = factories.make_coach(club)
    day = club.aspects.get(kind="day")
    aspect_update(aspect=day, by=coach, value="Tuesday", room="any weekday")
    location = club.aspects.get(kind="location")
    aspect_update(
        aspect=location, by=coach, value="School hall", status=AspectStatus.FIXED, reason="Booked."
    )
    members = [factories.make_participant(club) for _ in range(4)]
    with time_machine.travel("2026-10-01 16:00 +0000"):
        round_ = services.round_create(
            club=club,
            by=coach,
            question="When should we play?",
            opens_on=date(2026, 9, 1),
            closes_on=date(2026, 12, 1),
        )
        first = factories.make_published(members[0], coach, title="Thursdays", aspect=day)
        second = factories.make_published(members[1], coach, title="Thursday please")
        third = factories.make_proposal(members[2], title="Music", round_=round_)
    for member in members[1:]:
        services.support_set(proposal=first, participant=member)
    services.support_set(proposal=second, participant=members[3])
    services.proposal_acknowledge(
        proposal=first, by=coach, decider="coach", decide_by=date(2026, 12, 24)
    )
    services.proposal_decide(
        proposal=first,
        by=coach,
        outcome=Outcome.ADOPTED,
        answer="Yes, from next month.",
        promised_by=timezone.localdate() + timedelta(days=14),
    )
    services.proposal_decide(
        proposal=second, by=coach, outcome=Outcome.DUPLICATE, answer="Same", duplicate_of=first
    )
    services.change_record(
        aspect=day,
        by=coach,
        new_value="Thursday",
        effective_date=date(2026, 12, 3),
        proposals=[first],
    )
    services.proposal_return(proposal=third, by=coach, reason="Say which songs.")
    services.listened_answer_record(proposal=first, participant=members[0], answer="yes")
    services.learning_record(club=club, by=coach, learning="They want later sessions.")
    return club


@pytest.mark.django_db
def test_a_club_record_survives_export_and_import_into_an_empty_database(tmp_path):
    club = _club_with_a_story()
    before = export_club(club)
    assert len(before["proposals"]) == 3
    assert before["aspect_change_proposals"]
    path = tmp_path / "club.json"
    call_command("export_club", club.slug, output=str(path))
    Club.objects.filter(pk=club.pk).delete()
    assert not Proposal.objects.exists()
    assert not ProposalEvent.objects.exists()

    call_command("import_club", str(path))

    again = Club.objects.get(slug="story-club")
    after = export_club(again)
    assert after == before
    assert AspectChange.objects.get(new_value="Thursday").proposals.get().title == "Thursdays"


@pytest.mark.django_db
def test_the_record_names_young_people_by_pseudonym_only():
    club = _club_with_a_story()
    data = export_club(club)
    text = json.dumps(data)
    for participant in Participant.objects.filter(club=club):
        assert participant.key not in text
        assert participant.recovery_hash not in text
    assert set(data["participants"][0]) == {
        "id",
        "club_id",
        "pseudonym",
        "age_band",
        "is_blocked",
        "blocked_at",
        "joined_at",
        "last_seen_at",
        "previous_seen_at",
        # The date of their first session run: kept with the registers it comes from.
        "first_session_on",
    }
    assert all(event["actor_user_id"] is None for event in data["events"])


@pytest.mark.django_db
def test_importing_over_an_existing_club_keeps_both_with_new_ids():
    club = _club_with_a_story()
    data = export_club(club)
    copy = import_club(data, slug="story-club-copy")
    assert copy.pk != club.pk
    assert copy.proposals.count() == club.proposals.count() == 3
    assert copy.proposals.get(title="Thursday please").duplicate_of.club == copy


@pytest.mark.django_db
def test_import_refuses_what_is_not_a_club_record(tmp_path):
    from django.core.management.base import CommandError

    path = tmp_path / "x.json"
    path.write_text('{"format": "something else", "club": {"slug": "nope"}}')
    with pytest.raises(CommandError, match="Not a Coproduce club record"):
        call_command("import_club", str(path))
    path.write_text("not json")
    with pytest.raises(CommandError, match="Not valid JSON"):
        call_command("import_club", str(path))


def _indicators_json(slug: str) -> str:
    out = io.StringIO()
    call_command("indicators", "--club", slug, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_import_into_an_empty_database_reproduces_the_indicators_json_exactly(tmp_path):
    club = _club_with_a_story()
    before = _indicators_json(club.slug)
    assert json.loads(before), "the club has indicators"
    path = tmp_path / "club.json"
    call_command("export_club", club.slug, output=str(path))
    # An empty database: nothing of the club, its partner or its people is left.
    partner = club.partner
    Club.objects.all().delete()
    partner.delete()
    User.objects.all().delete()

    call_command("import_club", str(path))

    assert _indicators_json(club.slug) == before


@pytest.mark.django_db
def test_times_under_a_millisecond_past_the_second_survive_the_round_trip():
    """Django's JSON encoder keeps milliseconds: "16:00:00.000456" was exported as
    "16:00:00.000Z", imported as 16:00:00 and exported again as "16:00:00Z"."""
    with time_machine.travel(datetime(2026, 9, 20, 16, 0, 0, 456, tzinfo=UTC), tick=False):
        club = _club_with_a_story()
    before = export_club(club)
    assert any(".000456" in str(row.get("joined_at")) for row in before["participants"])
    Club.objects.filter(pk=club.pk).delete()
    again = import_club(before)
    assert export_club(again) == before
