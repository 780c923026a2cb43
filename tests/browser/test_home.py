"""The home page in a phone's browser: readable, accessible, nothing from other hosts."""

from urllib.parse import urlparse

from playwright.sync_api import expect

from tests.browser.conftest import assert_axe_clean, page_width, screenshot


def test_home_page_at_phone_width_is_axe_clean_and_self_hosted(phone, site, tmp_path):
    requested = []
    phone.on("request", lambda request: requested.append(request.url))
    phone.goto(site + "/")
    expect(phone.get_by_role("heading", name="Join your club")).to_be_visible()
    expect(phone.get_by_label("Your club's code")).to_be_visible()
    expect(phone.get_by_role("link", name="Sign in")).to_be_visible()
    # No horizontal scrolling at 390px.
    assert page_width(phone) <= 390
    assert_axe_clean(phone, "home")
    shot = screenshot(phone, tmp_path, "home-phone")
    assert shot.stat().st_size > 0
    hosts = {urlparse(url).netloc for url in requested if not url.startswith("data:")}
    assert hosts == {urlparse(site).netloc}


def test_static_files_are_served_compressed_and_hashed(phone, site):
    responses = []
    phone.on("response", lambda response: responses.append(response))
    phone.goto(site + "/")
    css = [r for r in responses if r.url.endswith(".css")]
    assert css, "the page links its stylesheets"
    for response in css:
        assert response.headers.get("content-encoding") in {"br", "gzip"}
        # Hashed names get far-future caching, so a repeat visit fetches nothing.
        assert "immutable" in response.headers.get("cache-control", "")
