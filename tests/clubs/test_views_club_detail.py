"""The staff club page: can change / can't change and why, history, coaches; read-only for staff."""

from datetime import date

from django.urls import reverse

from clubs import services


def setup_aspects(world):
    day = world.club.aspects.get(kind="day")
    services.aspect_update(
        aspect=day,
        by=world.coach,
        value="Tuesdays",
        room="Any weekday",
        effective_date=date(2026, 1, 10),
    )
    services.aspect_update(
        aspect=day, by=world.lead, value="Thursdays", effective_date=date(2026, 3, 5)
    )
    location = world.club.aspects.get(kind="location")
    services.aspect_update(
        aspect=location,
        by=world.lead,
        value="Sports hall",
        status="fixed",
        reason="The school lets us use the hall for free.",
    )
    return day, location


def test_aspects_are_grouped_with_room_and_reasons(world, client_as):
    day, location = setup_aspects(world)
    response = client_as("coach").get(world.club.get_absolute_url())
    page = response.content.decode()
    assert location in response.context["fixed"]
    assert day in response.context["negotiable"]
    assert "How much room: Any weekday" in page
    assert "Why: The school lets us use the hall for free." in page
    assert (
        page.index("Can change") < page.index("Any weekday") < page.index("Can't change, and why")
    )


def test_each_aspect_shows_its_history_newest_first_with_who_and_when(world, client_as):
    day, _ = setup_aspects(world)
    response = client_as("lead").get(world.club.get_absolute_url())
    shown = next(a for a in response.context["club"].aspect_list if a.pk == day.pk)
    assert [c.new_value for c in shown.history] == ["Thursdays", "Tuesdays"]
    assert shown.history[0].recorded_by == world.lead
    page = response.content.decode()
    assert "From 5 March 2026:" in page
    assert f"Recorded by {world.lead}" in page


def test_a_fixed_aspect_recorded_without_a_reason_is_flagged_in_the_history(world, client_as):
    """Imported history can hold one; the page says so rather than hiding it."""
    from clubs.models import AspectChange

    location = world.club.aspects.get(kind="location")
    AspectChange.objects.create(
        aspect=location,
        club=world.club,
        old_status="negotiable",
        new_status="fixed",
        new_reason="",
        effective_date=date(2025, 9, 1),
    )
    page = client_as("lead").get(world.club.get_absolute_url()).content.decode()
    assert "No reason was given." in page
    assert "Recorded (imported) on" in page


def test_the_page_lists_coaches_and_passes_club_and_can_manage_to_the_feedback_panels(
    world, client_as
):
    response = client_as("lead").get(world.club.get_absolute_url())
    assert [a.user for a in response.context["club"].coach_list] == [world.coach]
    assert response.context["can_manage"] is True
    names = [t.name for t in response.templates]
    assert "feedback/coach/_club_links.html" in names
    assert "feedback/dashboards/_club_indicators.html" in names


def test_energise_me_staff_read_the_club_without_any_edit_controls(world, client_as):
    setup_aspects(world)
    response = client_as("staff").get(world.club.get_absolute_url())
    page = response.content.decode()
    assert response.context["can_manage"] is False
    assert response.context["can_edit"] is False
    for name in ("club-edit", "club-coaches", "join-code-rotate", "aspect-create"):
        assert reverse(f"clubs:{name}", args=[world.club.slug]) not in page
    assert "/aspects/" not in page
    assert 'method="post"' not in page.split('action="/accounts/logout/"')[-1]


def test_a_coach_edits_aspects_but_not_the_club(world, client_as):
    page = client_as("coach").get(world.club.get_absolute_url()).content.decode()
    assert reverse("clubs:aspect-create", args=[world.club.slug]) in page
    assert reverse("clubs:club-edit", args=[world.club.slug]) not in page
    assert reverse("clubs:join-code-rotate", args=[world.club.slug]) not in page


def test_the_lead_sees_every_control(world, client_as):
    page = client_as("lead").get(world.club.get_absolute_url()).content.decode()
    for name in ("club-edit", "club-coaches", "join-code-rotate", "aspect-create", "poster"):
        assert reverse(f"clubs:{name}", args=[world.club.slug]) in page


def test_each_aspect_has_an_anchor_for_links_from_the_indicators(world, client_as):
    page = client_as("lead").get(world.club.get_absolute_url()).content.decode()
    for aspect in world.club.aspects.all():
        assert f'id="aspect-{aspect.pk}"' in page
