"""safe_next_url: only paths on this site are followed."""

import pytest
from django.test import RequestFactory

from coproduce.http import safe_next_url


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
