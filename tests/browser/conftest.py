"""Browser-test harness: Playwright driving the system Chromium against a live server.

The live server here serves static files through WhiteNoise from a real
`collectstatic` (hashed, gzip and brotli), as production does, so page weights
measured in the browser are the ones users get.

Chromium is Debian's `chromium` on PATH, or `CHROMIUM_PATH`. Where it is
missing the browser tests skip, except under `CI=true`, where that is a failure.
"""

import os
import shutil
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; the ORM calls that the
# tests make between browser steps are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


def chromium_path() -> str | None:
    explicit = os.environ.get("CHROMIUM_PATH")
    if explicit:
        return explicit if Path(explicit).exists() else None
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    return None


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/browser/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def chromium_executable():
    path = chromium_path()
    if path is None:
        reason = "Chromium not found: install Debian's `chromium` or set CHROMIUM_PATH"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(reason + " (CI=true: a missing browser is a failure)")
        pytest.skip(reason)
    return path


@pytest.fixture(scope="session")
def collected_static(tmp_path_factory, django_db_blocker):
    """Collects static files once, as production does (hashed + compressed)."""
    from django.core.management import call_command
    from django.test.utils import override_settings

    root = tmp_path_factory.mktemp("staticfiles")
    storages = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    override = override_settings(STATIC_ROOT=root, STORAGES=storages)
    override.enable()
    call_command("collectstatic", interactive=False, verbosity=0)
    yield root
    override.disable()


@pytest.fixture(scope="session")
def site(collected_static, django_db_blocker):
    """A live server whose static files go through WhiteNoise (not Django's handler)."""
    from django.db import connections
    from django.test.testcases import LiveServerThread
    from django.test.utils import modify_settings

    overrides = {
        conn.alias: conn
        for conn in connections.all()
        if conn.vendor == "sqlite" and conn.is_in_memory_db()
    }
    for conn in overrides.values():
        conn.inc_thread_sharing()
    thread = LiveServerThread(
        "localhost", static_handler=lambda app: app, connections_override=overrides
    )
    thread.daemon = True
    allowed = modify_settings(ALLOWED_HOSTS={"append": "localhost"})
    allowed.enable()
    thread.start()
    thread.is_ready.wait()
    if thread.error:
        raise thread.error
    yield f"http://localhost:{thread.port}"
    thread.terminate()
    allowed.disable()
    for conn in overrides.values():
        conn.dec_thread_sharing()


@pytest.fixture(scope="session")
def browser(chromium_executable):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=chromium_executable, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


def _context(browser, viewport, **kwargs):
    """A browser context as the tests use it. Reduced motion: Bootstrap then drops its
    transitions, so axe never measures a button's colours half way through one (a
    focused outline button read mid-transition failed colour contrast once in ten runs)."""
    return browser.new_context(
        viewport=viewport,
        locale="en-GB",
        timezone_id="Europe/London",
        reduced_motion="reduce",
        **kwargs,
    )


@pytest.fixture
def phone(browser, site, transactional_db):
    """A page in a phone-sized browser (390x844), JavaScript on."""
    context = _context(browser, PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture
def new_phone(browser, site, transactional_db):
    """Makes more phones (a second young person), optionally without JavaScript."""
    contexts = []

    def _make(javascript: bool = True):
        context = _context(
            browser, PHONE, is_mobile=True, has_touch=True, java_script_enabled=javascript
        )
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        # axe-core never finishes in a page without JavaScript: `assert_axe_clean` reads this.
        page.javascript_enabled = javascript
        return page

    yield _make
    for context in contexts:
        context.close()


@pytest.fixture
def desktop(browser, site, transactional_db):
    """A page in a desktop-sized browser (1280x900)."""
    context = _context(browser, DESKTOP)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def login(page, site: str, email: str, password: str) -> None:
    page.goto(f"{site}/accounts/login/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    # Wait for the redirect away from the form: a goto before the POST has answered
    # would cancel it, and the next page would be seen signed out.
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def page_width(page) -> int:
    """The page's full width, once a navigation that a click started has loaded.

    Measured straight after a click that follows a link, the old document may be gone
    and the new one not yet there (documentElement is null): wait for it first.
    """
    page.wait_for_load_state("load")
    return page.evaluate("document.documentElement.scrollWidth")


def assert_axe_clean(page, name: str = "") -> None:
    """Runs axe-core on the page; fails on any serious or critical violation.

    axe-core runs in the page; in a page without JavaScript its promise never settles
    and the test would hang with no timeout, so such a page is checked as a copy of the
    very same HTML in a JavaScript page of the same site.
    """
    from axe_playwright_python.sync_playwright import Axe

    if getattr(page, "javascript_enabled", True) is False:
        context = page.context.browser.new_context(
            viewport=page.viewport_size, reduced_motion="reduce"
        )
        try:
            copy = context.new_page()
            copy.set_default_timeout(10_000)
            copy.goto("/".join(page.url.split("/")[:3]) + "/privacy/")
            copy.set_content(page.content())
            results = Axe().run(copy)
        finally:
            context.close()
    else:
        results = Axe().run(page)
    bad = [v for v in results.response["violations"] if v.get("impact") in {"serious", "critical"}]
    if bad:
        lines = [
            f"{v['impact']}: {v['id']} - {v['help']} ({len(v['nodes'])} nodes: "
            + "; ".join(n["target"][0] if n["target"] else "?" for n in v["nodes"][:3])
            + ")"
            for v in bad
        ]
        pytest.fail(f"axe-core violations on {name or page.url}:\n" + "\n".join(lines))


def screenshot(page, tmp_path: Path, name: str) -> Path:
    path = tmp_path / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
