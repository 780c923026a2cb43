"""Golden output of the indicators: a refactor of how they are computed must not change a byte.

Run alone, with GOLDEN_DIR set: a missing file (or any, with GOLDEN_WRITE=1) is written there,
later runs compare against them. Without GOLDEN_DIR the test is skipped: the files are
large and belong to one machine's demo data, not to the repository.

    GOLDEN_DIR=/tmp/golden GOLDEN_WRITE=1 pytest tests/feedback/test_indicators_golden.py
    GOLDEN_DIR=/tmp/golden pytest tests/feedback/test_indicators_golden.py
"""

import io
import os
import re
from pathlib import Path

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse

from clubs.models import Club, Partner
from tests.feedback.test_dashboards import make_clubs, populate
from tests.feedback.test_indicators import NOW

GOLDEN = os.environ.get("GOLDEN_DIR")
pytestmark = pytest.mark.skipif(not GOLDEN, reason="set GOLDEN_DIR to compare golden outputs")

# What differs between two renders of the same page: tokens and nonces.
VOLATILE = [
    (re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"'), 'name="csrfmiddlewaretoken"'),
    (re.compile(r'nonce="[^"]*"'), 'nonce=""'),
    (re.compile(r"\?v=[0-9a-f]+"), ""),
]


def _clean(text: str) -> str:
    for pattern, replacement in VOLATILE:
        text = pattern.sub(replacement, text)
    return text


def _check(outputs: dict[str, str]) -> None:
    root = Path(GOLDEN)
    write = os.environ.get("GOLDEN_WRITE") == "1"
    root.mkdir(parents=True, exist_ok=True)
    changed = []
    for name, text in outputs.items():
        path = root / name
        if write or not path.exists():
            path.write_bytes(text.encode())
        elif path.read_bytes() != text.encode():
            (root / (name + ".new")).write_bytes(text.encode())
            changed.append(name)
    assert not changed, f"changed: {changed} (see {root}/*.new)"


def _pages(client, prefix: str) -> dict[str, str]:
    out = {}
    command = io.StringIO()
    call_command("indicators", stdout=command)
    out[f"{prefix}-command.json"] = command.getvalue()
    for name, url in [
        ("county.html", reverse("feedback:county-dashboard")),
        ("county-page2.html", reverse("feedback:county-dashboard") + "?page=2"),
        ("county-worst.html", reverse("feedback:county-dashboard") + "?sort=worst"),
        ("county.csv", reverse("feedback:county-export")),
        ("help.html", reverse("feedback:placement-help")),
    ]:
        response = client.get(url)
        out[f"{prefix}-{name}"] = f"{response.status_code}\n" + _clean(response.content.decode())
    for partner in Partner.objects.order_by("pk"):
        for name in ("partner-dashboard", "partner-export"):
            response = client.get(reverse(f"feedback:{name}", args=[partner.pk]))
            out[f"{prefix}-{name}-{partner.name}"] = _clean(response.content.decode())
    for club in Club.objects.order_by("slug"):
        response = client.get(reverse("feedback:club-indicators", args=[club.slug]))
        out[f"{prefix}-club-{club.slug}.html"] = _clean(response.content.decode())
    return out


def test_demo_outputs_are_unchanged(db, client, world):
    with time_machine.travel(NOW, tick=False):
        call_command("seed_demo", stdout=io.StringIO())
        client.force_login(world.staff)
        _check(_pages(client, "demo"))


def test_factory_outputs_are_unchanged(db, client, world):
    populate(world.club, world.coach)
    populate(world.sibling, world.other_coach, members=6)
    make_clubs(4)
    with time_machine.travel(NOW, tick=False):
        client.force_login(world.staff)
        _check(_pages(client, "factories"))
