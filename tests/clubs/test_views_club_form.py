"""Starting and editing a club: a partner's lead, for their own partner only."""

from django.urls import reverse

from clubs.models import USUAL_ASPECTS, AspectChange, AspectStatus, Club


def declared_aspects(**extra):
    """The set-up form's declarations: every usual aspect can change, Location can't."""
    data = {}
    for kind in USUAL_ASPECTS:
        data[f"{kind}_status"] = "negotiable"
        data[f"{kind}_room"] = ""
        data[f"{kind}_reason"] = ""
    data["day_value"] = "Tuesdays"
    data["start_time_value"] = "6pm"
    data["duration_value"] = "1 hour"
    data["location_status"] = "fixed"
    data["location_reason"] = "The school lends us its courts for free."
    data.update(extra)
    return data


def club_data(world, **extra):
    data = {
        "partner": world.club.partner_id,
        "name": "Riverside Tennis",
        "activity": "Tennis",
        "venue_name": "Riverside Courts",
        "venue_address": "1 River Lane",
        "district": world.club.district_id,
        "min_age": 14,
        "max_age": 19,
        "funding_start": "2026-04-01",
        "funding_end": "2027-03-31",
        "stage": "planning",
        "is_active": "on",
        **declared_aspects(),
    }
    data.update(extra)
    return data


def test_a_lead_starts_a_club_with_the_usual_aspects(world, client_as):
    response = client_as("lead").post(reverse("clubs:club-create"), club_data(world))
    club = Club.objects.get(name="Riverside Tennis")
    assert response["Location"] == club.get_absolute_url()
    assert club.partner == world.club.partner
    assert list(club.aspects.values_list("kind", flat=True)) == list(USUAL_ASPECTS)


def test_a_lead_cannot_start_a_club_for_another_partner(world, client_as):
    response = client_as("far_lead").post(reverse("clubs:club-create"), club_data(world))
    assert response.status_code == 200
    assert response.context["form"].has_error("partner", code="invalid_choice")
    assert not Club.objects.filter(name="Riverside Tennis").exists()


def test_the_create_form_offers_only_the_leads_partners(world, client_as):
    response = client_as("lead").get(reverse("clubs:club-create"))
    assert list(response.context["form"].fields["partner"].queryset) == [world.club.partner]


def test_funding_must_end_after_it_starts(world, client_as):
    response = client_as("lead").post(
        reverse("clubs:club-create"), club_data(world, funding_end="2026-01-01")
    )
    assert response.context["form"].has_error("funding_end", code="funding_order")
    assert not Club.objects.filter(name="Riverside Tennis").exists()


def test_a_club_called_new_does_not_hide_the_create_page(world, client_as):
    client_as("lead").post(reverse("clubs:club-create"), club_data(world, name="New"))
    club = Club.objects.get(name="New")
    assert club.slug != "new"
    assert client_as("lead").get(club.get_absolute_url()).context["club"] == club


def test_a_lead_edits_a_club_and_it_stays_with_its_partner(world, client_as):
    url = reverse("clubs:club-edit", args=[world.club.slug])
    data = club_data(
        world, name="Riverside FC", stage="delivery", partner=world.far_club.partner_id
    )
    response = client_as("lead").post(url, data)
    assert response.status_code == 302
    world.club.refresh_from_db()
    assert (world.club.name, world.club.stage) == ("Riverside FC", "delivery")
    assert world.club.partner != world.far_club.partner


def test_bad_club_edits_change_nothing(world, client_as):
    url = reverse("clubs:club-edit", args=[world.club.slug])
    response = client_as("lead").post(url, club_data(world, name="", min_age=18, max_age=15))
    assert response.status_code == 200
    assert response.context["form"].has_error("max_age", code="age_order")
    world.club.refresh_from_db()
    assert world.club.name == "Riverside Football"


def test_a_double_submitted_new_club_is_one_club(world, client_as):
    client = client_as("lead")
    form = client.get(reverse("clubs:club-create")).content.decode()
    token = form.split('name="client_token" value="')[1].split('"')[0]
    responses = [
        client.post(reverse("clubs:club-create"), club_data(world, client_token=token))
        for _ in range(2)
    ]
    club = Club.objects.get(name="Riverside Tennis")
    assert [r["Location"] for r in responses] == [club.get_absolute_url()] * 2
    assert club.aspects.count() == len(USUAL_ASPECTS)


def test_a_new_club_is_set_up_with_its_aspects_declared_in_one_step(world, client_as):
    client_as("lead").post(reverse("clubs:club-create"), club_data(world))
    club = Club.objects.get(name="Riverside Tennis")
    aspects = {aspect.kind: aspect for aspect in club.aspects.all()}
    location, activity, day = aspects["location"], aspects["activity"], aspects["day"]
    # The venue and activity typed in the form are the aspects' values, not ignored.
    assert (location.value, location.status) == ("Riverside Courts", AspectStatus.FIXED)
    assert location.reason == "The school lends us its courts for free."
    assert (activity.value, activity.status) == ("Tennis", AspectStatus.NEGOTIABLE)
    assert (day.value, day.status) == ("Tuesdays", AspectStatus.NEGOTIABLE)
    assert not club.aspects.undeclared().exists()
    # Each declaration is in the aspect's history, recorded by the lead.
    changes = AspectChange.objects.filter(club=club)
    assert changes.count() == len(USUAL_ASPECTS)
    change = changes.get(aspect=location)
    assert (change.old_status, change.new_status) == ("undeclared", "fixed")
    assert change.recorded_by == world.lead


def test_a_fixed_aspect_without_a_reason_is_refused_and_no_club_is_made(world, client_as):
    data = club_data(world, location_reason="  ")
    response = client_as("lead").post(reverse("clubs:club-create"), data)
    assert response.status_code == 200
    assert "Say why this can&#x27;t change" in response.content.decode()
    assert not Club.objects.filter(name="Riverside Tennis").exists()


def test_every_usual_aspect_must_be_declared_and_nothing_is_made(world, client_as):
    data = club_data(world)
    del data["day_status"]
    response = client_as("lead").post(reverse("clubs:club-create"), data)
    assert response.status_code == 200
    assert "Say whether young people can change the day." in response.content.decode()
    assert not Club.objects.filter(name="Riverside Tennis").exists()
