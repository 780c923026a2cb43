"""Editing a club's aspects: one history row per change, and no fixed aspect without a reason."""

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from clubs.models import Aspect, AspectChange, AspectStatus


def edit_url(club, aspect):
    return reverse("clubs:aspect-edit", args=[club.slug, aspect.pk])


def form_data(**extra):
    data = {
        "value": "Tuesdays",
        "status": "negotiable",
        "room": "Any weekday after 3.30pm",
        "reason": "",
        "effective_date": "2026-03-02",
        "note": "",
    }
    data.update(extra)
    return data


def test_changing_an_aspect_records_exactly_one_change(world, client_as):
    day = world.club.aspects.get(kind="day")
    before = AspectChange.objects.count()
    response = client_as("coach").post(
        edit_url(world.club, day),
        form_data(value="Thursdays", status="fixed", reason="The hall is only free on Thursdays."),
    )
    assert response.status_code == 302
    assert AspectChange.objects.count() == before + 1
    change = AspectChange.objects.get(aspect=day)
    assert (change.old_value, change.new_value) == ("", "Thursdays")
    assert (change.old_status, change.new_status) == ("negotiable", "fixed")
    assert change.new_reason == "The hall is only free on Thursdays."
    assert change.recorded_by == world.coach
    assert str(change.effective_date) == "2026-03-02"
    day.refresh_from_db()
    assert (day.value, day.status, day.room) == ("Thursdays", "fixed", "")


def test_saving_an_aspect_unchanged_records_nothing(world, client_as):
    day = world.club.aspects.get(kind="day")
    client_as("coach").post(edit_url(world.club, day), form_data())
    count = AspectChange.objects.count()
    response = client_as("coach").post(edit_url(world.club, day), form_data(), follow=True)
    assert AspectChange.objects.count() == count
    assert "nothing changed" in response.content.decode()


def test_fixed_without_a_reason_is_refused_with_a_message_and_changes_nothing(world, client_as):
    day = world.club.aspects.get(kind="day")
    before = (day.value, day.status, day.reason, AspectChange.objects.count())
    response = client_as("coach").post(
        edit_url(world.club, day), form_data(value="Thursdays", status="fixed", reason="  ")
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Say why this can&#x27;t change: young people will read the reason." in page
    assert "Nothing was saved" in page
    assert response.context["form"].has_error("reason", code="fixed_without_reason")
    day.refresh_from_db()
    assert (day.value, day.status, day.reason, AspectChange.objects.count()) == before


def test_a_new_fixed_aspect_without_a_reason_is_refused(world, client_as):
    url = reverse("clubs:aspect-create", args=[world.club.slug])
    count = world.club.aspects.count()
    response = client_as("lead").post(url, form_data(kind="cost", value="Free", status="fixed"))
    assert response.status_code == 200
    assert response.context["form"].has_error("reason", code="fixed_without_reason")
    assert world.club.aspects.count() == count


def test_the_database_refuses_a_fixed_aspect_without_a_reason(world):
    day = world.club.aspects.get(kind="day")
    day.status, day.reason = AspectStatus.FIXED, ""
    with pytest.raises(IntegrityError), transaction.atomic():
        day.save()
    with pytest.raises(IntegrityError), transaction.atomic():
        Aspect.objects.filter(pk=day.pk).update(status=AspectStatus.FIXED, reason="")


def test_adding_an_aspect_records_it_in_the_history(world, client_as):
    url = reverse("clubs:aspect-create", args=[world.club.slug])
    response = client_as("coach").post(
        url, form_data(kind="music", value="Members pick", room="No explicit lyrics")
    )
    assert response.status_code == 302
    music = world.club.aspects.get(kind="music")
    assert music.room == "No explicit lyrics"
    assert list(music.changes.values_list("new_value", "old_status")) == [("Members pick", "")]


def test_other_needs_a_name(world, client_as):
    url = reverse("clubs:aspect-create", args=[world.club.slug])
    response = client_as("coach").post(url, form_data(kind="other", label=""))
    assert response.context["form"].has_error("label", code="other_needs_label")
    assert not world.club.aspects.filter(kind="other").exists()


def test_a_second_aspect_of_the_same_kind_is_refused_with_a_message(world, client_as):
    url = reverse("clubs:aspect-create", args=[world.club.slug])
    count = world.club.aspects.count()
    offered = [
        kind for kind, _ in client_as("coach").get(url).context["form"].fields["kind"].choices
    ]
    assert "day" not in offered
    assert {"cost", "other"} <= set(offered)
    response = client_as("coach").post(url, form_data(kind="day"))
    assert response.status_code == 200
    assert response.context["form"].has_error("kind", code="invalid_choice")
    assert world.club.aspects.count() == count


def test_two_other_aspects_with_the_same_name_are_refused_with_a_message(world, client_as):
    url = reverse("clubs:aspect-create", args=[world.club.slug])
    client = client_as("coach")
    assert client.post(url, form_data(kind="other", label="Breaks")).status_code == 302
    response = client.post(url, form_data(kind="other", label="breaks"))
    assert response.status_code == 200
    assert response.context["form"].has_error("label", code="label_taken")
    assert world.club.aspects.filter(kind="other").count() == 1


def test_a_coach_cannot_see_or_change_another_partners_aspect(world, client_as):
    far_day = world.far_club.aspects.get(kind="day")
    client = client_as("coach")
    assert client.get(world.far_club.get_absolute_url()).status_code == 404
    response = client.post(edit_url(world.far_club, far_day), form_data(value="Sundays"))
    assert response.status_code == 404
    far_day.refresh_from_db()
    assert far_day.value == ""
    assert not far_day.changes.exists()


def test_an_aspect_is_only_reachable_through_its_own_club(world, client_as):
    """The coach's own club in the URL does not open another club's aspect."""
    sibling_day = world.sibling.aspects.get(kind="day")
    response = client_as("coach").post(
        reverse("clubs:aspect-edit", args=[world.club.slug, sibling_day.pk]),
        form_data(value="Sundays"),
    )
    assert response.status_code == 404
    sibling_day.refresh_from_db()
    assert sibling_day.value == ""


def test_the_fixed_aspect_then_shows_under_cant_change_with_its_reason(world, client_as):
    day = world.club.aspects.get(kind="day")
    client = client_as("coach")
    client.post(
        edit_url(world.club, day),
        form_data(value="Thursdays", status="fixed", reason="The hall is only free then."),
    )
    response = client.get(world.club.get_absolute_url())
    assert [a.kind for a in response.context["fixed"]] == ["day"]
    assert "day" not in [a.kind for a in response.context["negotiable"]]
    assert "The hall is only free then." in response.content.decode()
