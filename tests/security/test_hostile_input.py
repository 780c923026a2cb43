"""Hostile input, everywhere: every form of the site, as each role that may use it.

Forms are found the way a browser finds them, by reading each page's HTML, so
a new form is covered without being listed. Hypothesis posts arbitrary text
(unicode, control characters, 100 KB strings, HTML, script, SQL-looking
strings, null bytes) or one of the form's own offered values to every field.
Whatever comes, the answer is never a server error, and what is shown back
is escaped. Each example runs in a rolled-back savepoint.
"""

import os

import pytest
from django.core.cache import cache
from django.db import transaction
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.security.forms import forms_on
from tests.security.hostile import hostile_text
from tests.security.matrix import build_site

EXAMPLES = int(os.environ.get("HOSTILE_EXAMPLES", "200"))

# Which pages each role opens to find its forms (URL names; objects from the matrix's Site).
PAGES = {
    "anonymous": [
        "home",
        "login",
        "password_reset",
        "feedback:join",
        "feedback:join-recover",
        "feedback:join-code",
    ],
    "member": [
        "feedback:member-home",
        "feedback:member-propose",
        "feedback:proposal-detail",
        "feedback:proposal-edit",
        "feedback:member-concern",
        "feedback:member-my-data",
        "feedback:member-my-data-delete",
        ("feedback:proposal-detail", "decided"),
        ("feedback:proposal-detail", "submitted"),
    ],
    "coach": [
        "clubs:club-detail",
        "clubs:aspect-create",
        "clubs:aspect-edit",
        "feedback:coach-proposal",
        ("feedback:coach-proposal", "published"),
        ("feedback:coach-proposal", "decided"),
        "feedback:rounds",
        "feedback:round-edit",
        "feedback:learning-new",
        "feedback:participants",
        "feedback:needs-you",
        "feedback:moderation",
        "feedback:club-record",
        "feedback:club-indicators",
    ],
    "lead": [
        "clubs:club-detail",
        "clubs:club-create",
        "clubs:club-edit",
        "clubs:club-coaches",
        "feedback:partner-dashboard",
    ],
    "staff": ["clubs:my-clubs", "feedback:county-dashboard"],
}

SKIP_ACTIONS = {"/accounts/logout/"}
# Every view that has a form (the crawl must find each).
FORM_VIEWS = {
    "login",
    "password_reset",
    "feedback:join",
    "feedback:join-code",
    "feedback:join-recover",
    "feedback:member-propose",
    "feedback:proposal-support",
    "feedback:proposal-edit",
    "feedback:proposal-withdraw",
    "feedback:proposal-listened",
    "feedback:member-concern",
    "feedback:member-my-data-delete",
    "clubs:aspect-create",
    "clubs:aspect-edit",
    "clubs:club-create",
    "clubs:club-edit",
    "clubs:club-coaches",
    "clubs:join-code-rotate",
    "clubs:my-clubs",
    "feedback:coach-proposal-publish",
    "feedback:coach-proposal-return",
    "feedback:coach-proposal-escalate",
    "feedback:coach-proposal-acknowledge",
    "feedback:coach-proposal-decide",
    "feedback:coach-proposal-change",
    "feedback:coach-proposal-reopen",
    "feedback:concern-handle",
    "feedback:rounds",
    "feedback:round-edit",
    "feedback:round-close",
    "feedback:participant-block",
    "feedback:learning-new",
    "feedback:club-record",
    "feedback:club-indicators",
    "feedback:partner-dashboard",
    "feedback:county-dashboard",
}
# Sessions and registers (#15): the list, the register, cancel/change and a one-off.
PAGES["coach"] += [
    "feedback:sessions",
    "feedback:register",
    "feedback:session-change",
    "feedback:session-new",
]
FORM_VIEWS |= {"feedback:register", "feedback:session-change", "feedback:session-new"}
RAW_DANGER = ["<script>alert('x')</script>", '"><img src=x onerror=alert(1)>']


class _Rollback(Exception):
    pass


def _page_url(site, page) -> str:
    if isinstance(page, tuple):
        name, which = page
        return reverse(name, kwargs={**site.kwargs(name), "pk": getattr(site, which).pk})
    return site.url(page)


def _forms_on_page(site, client, role, page):
    site.sign_in(client, role)
    url = _page_url(site, page)
    response = client.get(url)
    assert response.status_code == 200, (role, url, response.status_code)
    forms = {}
    for form in forms_on(response.content.decode(), url):
        if form.action not in SKIP_ACTIONS:
            forms.setdefault(form.key, form)
    return list(forms.values())


def _value(offered: list[str]):
    hostile = hostile_text()
    return st.one_of(st.sampled_from(offered), hostile) if offered else hostile


CASES = [(role, page) for role, pages in PAGES.items() for page in pages]


@pytest.mark.parametrize(("role", "page"), CASES, ids=[f"{r}-{p}" for r, p in CASES])
def test_no_form_gives_a_server_error_or_shows_input_unescaped(world, client, role, page):
    site = build_site(world)
    for form in _forms_on_page(site, client, role, page):
        _post_hostile(site, client, role, form)


def test_the_crawl_reaches_every_form_endpoint(world, client):
    """Every form endpoint is found on some page, so each gets its hostile examples.

    Add a form and it is found and tried on its own; this list makes sure no
    known one silently drops out of the crawl.
    """
    site = build_site(world)
    found = {
        form.key[1] for role, page in CASES for form in _forms_on_page(site, client, role, page)
    }
    assert found >= FORM_VIEWS, FORM_VIEWS - found


def _post_hostile(site, client, role, form) -> None:
    fields = {name: _value(offered) for name, offered in form.fields.items()}
    fields.pop("csrfmiddlewaretoken", None)

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=[
            HealthCheck.function_scoped_fixture,
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
        ],
    )
    @given(data=st.fixed_dictionaries(fields))
    def post(data):
        cache.clear()
        site.sign_in(client, role)
        try:
            with transaction.atomic():
                send = client.post if form.method == "POST" else client.get
                _check(send(form.action, data), data, form)
                raise _Rollback
        except _Rollback:
            pass

    post()


def _check(response, data, form):
    where = f"{form.method} {form.action}"
    assert response.status_code < 500, where
    if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
        return
    content = response.content.decode()
    for value in data.values():
        for danger in RAW_DANGER:
            if danger in value:
                assert danger not in content, f"{where} shows input unescaped"
