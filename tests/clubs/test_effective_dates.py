"""A recorded change shows from its effective date: before it, the club runs on the old value."""

from datetime import date

import time_machine
from django.urls import reverse

from clubs.services import aspect_update


def test_staff_club_page_and_poster_show_a_future_change_from_its_date(client, world):
    day = world.club.aspects.get(kind="day")
    with time_machine.travel("2026-11-20 10:00 +0000"):
        aspect_update(aspect=day, by=world.coach, value="Tuesday")
        aspect_update(
            aspect=day, by=world.coach, value="Thursday", effective_date=date(2026, 12, 3)
        )
    client.force_login(world.coach)
    club_url = reverse("clubs:club-detail", kwargs={"slug": world.club.slug})
    poster_url = reverse("clubs:poster", kwargs={"slug": world.club.slug})

    with time_machine.travel("2026-11-26 10:00 +0000"):
        page = client.get(club_url).content.decode()
        assert 'Day: <span class="fw-normal">Tuesday</span>' in page
        assert "From 3 December 2026:</strong> Thursday" in page
        assert ": Tuesday" in client.get(poster_url).content.decode()

    with time_machine.travel("2026-12-03 10:00 +0000"):
        page = client.get(club_url).content.decode()
        assert 'Day: <span class="fw-normal">Thursday</span>' in page
        assert "From 3 December 2026:</strong> Thursday</p>" not in page
        assert ": Thursday" in client.get(poster_url).content.decode()
