"""safe_next_url: only paths on this site are followed."""

import pytest
from django.test import RequestFactory
from django.urls import reverse

from coproduce.http import link_maker, safe_next_url


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("/club/x/", "/club/x/"),
        ("/club/x/?a=1#card-3", "/club/x/?a=1#card-3"),
        ("", "/default/"),
        ("club-home", "/default/"),
        ('"><img src=x onerror=alert(1)>', "/default/"),
        ("//evil.example/", "/default/"),
        ("https://evil.example/", "/default/"),
        ("/\\evil.example", "/default/"),
        ("javascript:alert(1)", "/default/"),
    ],
)
def test_only_paths_on_this_site_are_followed(target, expected):
    request = RequestFactory().post("/", {"next": target})
    assert safe_next_url(request, "/default/") == expected


@pytest.mark.parametrize(
    ("viewname", "vary", "fixed", "values"),
    [
        ("feedback:club-indicators", "slug", {}, ["riverside", "987654321987654321-club"]),
        ("feedback:partner-dashboard", "partner_id", {}, [1, 987654321987654321]),
        (
            "feedback:coach-proposal",
            "pk",
            {"slug": "club-987654321987654321"},
            [7, 987654321987654321],
        ),
    ],
)
def test_a_link_maker_gives_what_reverse_gives(viewname, vary, fixed, values):
    make = link_maker(viewname, vary, **fixed)
    for value in values:
        assert make(value) == reverse(viewname, kwargs={**fixed, vary: value})
