"""axe-core on every page of every role: coach, partner lead, county staff, young person.

The pages are the permission matrix's (tests/security/test_url_matrix.py): every URL
whose GET the role is expected to get with a 200, on the matrix's small world whose
lists have rows. A page added to the site joins this test once the matrix has it.
One browser context per role, reused for all of that role's pages.
"""

import pytest
from django.conf import settings

from tests import factories
from tests.browser.conftest import PHONE, _context, assert_axe_clean, login
from tests.security.matrix import build_site, participant_cookie
from tests.security.test_url_matrix import EXPECTED

# Not web pages: a script, a web-app manifest and downloads (CSV, JSON).
NOT_PAGES = {
    "feedback:service-worker",
    "feedback:manifest",
    "feedback:county-export",
    "feedback:partner-export",
    "feedback:member-my-data-download",
}


def pages_of(role: str) -> list[str]:
    return sorted(
        name
        for name, methods in EXPECTED.items()
        if methods.get("GET", {}).get(role) == 200 and name not in NOT_PAGES
    )


def test_every_role_has_pages_to_check():
    """Guards the list itself: each role sees its own pages, not only the public ones."""
    assert "feedback:needs-you" in pages_of("coach")
    assert "clubs:club-coaches" in pages_of("lead")
    assert "feedback:county-dashboard" in pages_of("staff")
    assert "feedback:member-home" in pages_of("member")
    assert set(EXPECTED) >= NOT_PAGES
    # Sessions and registers (#15)
    assert {"feedback:sessions", "feedback:register", "feedback:session-change"} <= set(
        pages_of("coach")
    )
    assert "feedback:session-new" in pages_of("lead")


@pytest.mark.parametrize("role", ["coach", "lead", "staff", "member"])
def test_every_page_of_the_role_is_axe_clean(browser, site, transactional_db, world, role):
    records = build_site(world)
    context = _context(browser, PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        if role == "member":
            host = site.split("//")[1].split(":")[0]
            context.add_cookies(
                [
                    {
                        "name": settings.PARTICIPANT_COOKIE_NAME,
                        "value": participant_cookie(records.member.key),
                        "domain": host,
                        "path": "/",
                    }
                ]
            )
        else:
            login(page, site, world.role(role).email, factories.PASSWORD)
        failures = []
        for name in pages_of(role):
            url = records.url(name)
            response = page.goto(site + url)
            assert response.status == 200, f"{role}: {name} ({url}) gave {response.status}"
            try:
                assert_axe_clean(page, f"{role}: {name} ({url})")
            except pytest.fail.Exception as failure:
                failures.append(str(failure))
        assert not failures, "\n".join(failures)
    finally:
        context.close()
