"""The demo data and the benchmark stay out of the product: a production site loads neither."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

PROBE = """
import json, sys
import django
django.setup()
from django.conf import settings
from django.core.management import get_commands
import coproduce.urls
tools = sorted(m for m in sys.modules if m.split(".")[0] in ("bench", "demo"))
print(json.dumps({
    "modules": tools,
    "apps": [a for a in settings.INSTALLED_APPS if a in ("bench", "demo")],
    "urlconf": settings.ROOT_URLCONF,
    "commands": sorted(c for c in get_commands() if c in ("bench", "seed_demo")),
}))
"""


def _probe(**extra) -> dict:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "COPRODUCE_")) and k != "DATABASE_URL"
    }
    env.update(
        DJANGO_SETTINGS_MODULE="coproduce.settings",
        DJANGO_SECRET_KEY="a-production-like-secret-key-for-this-test-only-0123456789",
        DATABASE_URL="sqlite:///:memory:",
        **extra,
    )
    out = subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", PROBE], env=env, cwd=ROOT, capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_production_settings_load_no_tool_and_route_no_bench_page():
    seen = _probe()
    assert seen == {"modules": [], "apps": [], "urlconf": "coproduce.urls", "commands": []}


def test_a_site_that_asks_for_the_demo_gets_seed_demo_only():
    seen = _probe(COPRODUCE_TOOLS="demo")
    assert seen["apps"] == ["demo"]
    assert seen["commands"] == ["seed_demo"]
    assert not any(m.startswith("bench") for m in seen["modules"])


def test_the_bench_serves_its_floor_from_its_own_url_conf():
    seen = _probe(COPRODUCE_TOOLS="bench", COPRODUCE_BENCH_FLOOR="1")
    assert seen["urlconf"] == "bench.urls"
    assert seen["commands"] == ["bench"]
