"""One permission matrix for the whole site: every URL, every role, GET and POST.

The table below holds the expected status code of each (URL, method, role).
A URL in the URL conf with no entry here fails `test_every_url_has_an_entry`,
so a new page cannot be forgotten. Each request runs inside a savepoint that is
rolled back, so one role's successful POST does not change what the next sees.

Roles: anonymous; young people ("member" of the club, "member_other" of
another club, "member_blocked", "member_deleted": a deleted member's old
cookie); coach of the club; "other_coach" of another club of the same
partner; "far_coach" of another partner; the partner's "lead"; "far_lead" of
another partner; Energise Me "staff"; "superuser".
"""

import os

import pytest
from django.core.cache import cache
from django.db import transaction
from django.urls import reverse

from tests.security.matrix import ROLES, build_site, pattern_kwargs, url_names

# Compact rows: one status per role, in the order of ROLES:
#  anon member m_other m_blocked m_deleted coach other_coach far_coach lead far_lead staff superuser
R = ROLES


def row(*codes: int) -> dict[str, int]:
    assert len(codes) == len(ROLES)
    return dict(zip(ROLES, codes, strict=True))


def same(code: int) -> dict[str, int]:
    return row(*[code] * len(ROLES))


EXPECTED: dict[str, dict[str, dict[str, int]]] = {
    "clubs:aspect-create": {
        "GET": row(302, 302, 302, 302, 302, 200, 404, 404, 200, 404, 403, 200),
        "POST": row(302, 302, 302, 302, 302, 200, 404, 404, 200, 404, 403, 200),
    },
    "clubs:aspect-edit": {
        "GET": row(302, 302, 302, 302, 302, 200, 404, 404, 200, 404, 403, 200),
        "POST": row(302, 302, 302, 302, 302, 200, 404, 404, 200, 404, 403, 200),
    },
    "clubs:club-coaches": {
        "GET": row(302, 302, 302, 302, 302, 403, 404, 404, 200, 404, 403, 200),
        "POST": row(302, 302, 302, 302, 302, 403, 404, 404, 200, 404, 403, 200),
    },
    "clubs:club-create": {
        "GET": row(302, 302, 302, 302, 302, 403, 403, 403, 200, 200, 403, 200),
        "POST": row(302, 302, 302, 302, 302, 403, 403, 403, 200, 200, 403, 200),
    },
    "clubs:club-detail": {
        "GET": row(302, 302, 302, 302, 302, 200, 404, 404, 200, 404, 200, 200),
        "POST": row(302, 302, 302, 302, 302, 405, 405, 405, 405, 405, 403, 405),
    },
    "clubs:club-edit": {
        "GET": row(302, 302, 302, 302, 302, 403, 404, 404, 200, 404, 403, 200),
        "POST": row(302, 302, 302, 302, 302, 403, 404, 404, 200, 404, 403, 200),
    },
    "clubs:join-code-rotate": {
        "GET": row(302, 302, 302, 302, 302, 405, 405, 405, 405, 405, 405, 405),
        "POST": row(302, 302, 302, 302, 302, 403, 404, 404, 302, 404, 403, 302),
    },
    "clubs:invite": {
        "GET": row(302, 302, 302, 302, 302, 403, 404, 404, 200, 404, 403, 200),
        "POST": row(302, 302, 302, 302, 302, 403, 404, 404, 200, 404, 403, 200),
    },
    "clubs:join-limit-lift": {
        "GET": row(302, 302, 302, 302, 302, 405, 405, 405, 405, 405, 405, 405),
        "POST": row(302, 302, 302, 302, 302, 302, 404, 404, 302, 404, 403, 302),
    },
    "clubs:my-clubs": {
        "GET": row(302, 302, 302, 302, 302, 200, 200, 200, 200, 200, 200, 200),
        "POST": row(302, 302, 302, 302, 302, 405, 405, 405, 405, 405, 403, 405),
    },
    "clubs:poster": {
        "GET": row(302, 302, 302, 302, 302, 200, 404, 404, 200, 404, 200, 200),
        "POST": row(302, 302, 302, 302, 302, 405, 405, 405, 405, 405, 403, 405),
    },
    "feedback:club-indicators": {
        "GET": row(302, 302, 302, 302, 302, 200, 404, 404, 200, 404, 200, 200),
        "POST": row(405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405),
    },
    "feedback:club-record": {
        "GET": row(302, 302, 302, 302, 302, 200, 404, 404, 200, 404, 200, 200),
        "POST": row(405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405),
    },
    "feedback:coach-proposal": {
        "GET": row(302, 302, 302, 302, 302, 200, 404, 404, 200, 404, 200, 200),
        "POST": row(405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405),
    },
    "feedback:coach-proposal-acknowledge": {
        "GET": row(405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405),
        "POST": row(302, 302, 302, 302, 302, 200, 404, 404, 200, 404, 403, 200),
    },
    "feedback:coach-proposal-change": {
        "GET": row(405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405),
        "POST": row(302, 302, 302, 302, 302, 200, 404, 404, 200, 404, 403, 200),
    },
    "feedback:coach-proposal-decide": {
        "GET": row(405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405),
        "POST": row(302, 302, 302, 302, 302, 200, 404, 404, 200, 404, 403, 200),
    },
    "feedback:coach-proposal-escalate": {
        "GET": row(405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405),
        "POST": row(302, 302, 302, 302, 302, 302, 404, 404, 302, 404, 403, 302),
    },
    "feedback:coach-proposal-publish": {
        "GET": row(405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405),
        "POST": row(302, 302, 302, 302, 302, 302, 404, 404, 302, 404, 403, 302),
    },
    "feedback:coach-proposal-reopen": {
        "GET": row(405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405),
        "POST": row(302, 302, 302, 302, 302, 302, 404, 404, 302, 404, 403, 302),
    },
    "feedback:coach-proposal-return": {
        "GET": row(405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405),
        "POST": row(302, 302, 302, 302, 302, 200, 404, 404, 200, 404, 403, 200),
    },
    "feedback:concern-handle": {
        "GET": row(405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405),
        "POST": row(302, 302, 302, 302, 302, 302, 404, 404, 302, 404, 403, 302),
    },
    "feedback:county-dashboard": {
        "GET": row(302, 302, 302, 302, 302, 404, 404, 404, 404, 404, 200, 200),
        "POST": row(405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405),
    },
    "feedback:county-export": {
        "GET": row(302, 302, 302, 302, 302, 404, 404, 404, 404, 404, 200, 200),
        "POST": row(405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405),
    },
    "feedback:placement-help": {
        "GET": row(200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200),
        "POST": row(405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405),
    },
    "feedback:join": {
        "GET": row(200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200),
        "POST": row(405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405),
    },
    "feedback:join-code": {
        "GET": row(200, 302, 200, 302, 200, 200, 200, 200, 200, 200, 200, 200),
        "POST": row(200, 302, 200, 302, 200, 200, 200, 200, 200, 200, 200, 200),
    },
    "feedback:join-recover": {
        "GET": row(200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200),
        "POST": row(200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200),
    },
    "feedback:learning-new": {
        "GET": row(302, 302, 302, 302, 302, 200, 404, 404, 200, 404, 403, 200),
        "POST": row(302, 302, 302, 302, 302, 200, 404, 404, 200, 404, 403, 200),
    },
    "feedback:member-concern": {
        "GET": row(302, 200, 404, 200, 302, 302, 302, 302, 302, 302, 302, 302),
        "POST": row(302, 200, 404, 200, 302, 302, 302, 302, 302, 302, 302, 302),
    },
    "feedback:member-home": {
        "GET": row(302, 200, 404, 200, 302, 302, 302, 302, 302, 302, 302, 302),
        "POST": row(405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405),
    },
    "feedback:member-new-phrase": {
        "GET": row(302, 200, 404, 200, 302, 302, 302, 302, 302, 302, 302, 302),
        "POST": row(302, 200, 404, 200, 302, 302, 302, 302, 302, 302, 302, 302),
    },
    "feedback:member-push-subscribe": {
        "GET": row(405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405),
        "POST": row(302, 400, 404, 400, 302, 302, 302, 302, 302, 302, 302, 302),
    },
    "feedback:member-push-unsubscribe": {
        "GET": row(405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405),
        "POST": row(302, 302, 404, 302, 302, 302, 302, 302, 302, 302, 302, 302),
    },
    "feedback:service-worker": {
        "GET": same(200),
        "POST": same(405),
    },
    "feedback:manifest": {
        "GET": same(200),
        "POST": same(405),
    },
    "feedback:member-notices-seen": {
        "GET": row(405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405),
        "POST": row(302, 302, 404, 302, 302, 302, 302, 302, 302, 302, 302, 302),
    },
    "feedback:member-my-data": {
        "GET": row(302, 200, 404, 200, 302, 302, 302, 302, 302, 302, 302, 302),
        "POST": row(405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405),
    },
    "feedback:member-my-data-delete": {
        "GET": row(302, 200, 404, 200, 302, 302, 302, 302, 302, 302, 302, 302),
        "POST": row(302, 200, 404, 200, 302, 302, 302, 302, 302, 302, 302, 302),
    },
    "feedback:member-my-data-download": {
        "GET": row(302, 200, 404, 200, 302, 302, 302, 302, 302, 302, 302, 302),
        "POST": row(405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405),
    },
    "feedback:member-propose": {
        "GET": row(302, 200, 404, 200, 302, 302, 302, 302, 302, 302, 302, 302),
        "POST": row(302, 200, 404, 200, 302, 302, 302, 302, 302, 302, 302, 302),
    },
    "feedback:moderation": {
        "GET": row(302, 302, 302, 302, 302, 200, 200, 200, 200, 200, 200, 200),
        "POST": row(405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405),
    },
    "feedback:my-clubs-member": {
        "GET": row(200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200),
        "POST": row(405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405),
    },
    "feedback:weekly-digest": {
        "GET": row(405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405),
        "POST": row(302, 302, 302, 302, 302, 302, 302, 302, 302, 302, 403, 403),
    },
    "feedback:needs-you": {
        "GET": row(302, 302, 302, 302, 302, 200, 200, 200, 200, 200, 200, 200),
        "POST": row(405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405),
    },
    "feedback:participant-block": {
        "GET": row(405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405),
        "POST": row(302, 302, 302, 302, 302, 302, 404, 404, 302, 404, 403, 302),
    },
    "feedback:participants": {
        "GET": row(302, 302, 302, 302, 302, 200, 404, 404, 200, 404, 200, 200),
        "POST": row(405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405),
    },
    "feedback:partner-dashboard": {
        "GET": row(302, 302, 302, 302, 302, 404, 404, 404, 200, 404, 200, 200),
        "POST": row(405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405),
    },
    "feedback:partner-export": {
        "GET": row(302, 302, 302, 302, 302, 404, 404, 404, 200, 404, 200, 200),
        "POST": row(405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405),
    },
    "feedback:proposal-detail": {
        "GET": row(302, 200, 404, 200, 302, 302, 302, 302, 302, 302, 302, 302),
        "POST": row(405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405),
    },
    "feedback:proposal-edit": {
        "GET": row(302, 200, 404, 404, 302, 302, 302, 302, 302, 302, 302, 302),
        "POST": row(302, 200, 404, 404, 302, 302, 302, 302, 302, 302, 302, 302),
    },
    "feedback:proposal-listened": {
        "GET": row(405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405),
        "POST": row(302, 302, 404, 404, 302, 302, 302, 302, 302, 302, 302, 302),
    },
    "feedback:proposal-support": {
        "GET": row(405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405),
        "POST": row(302, 302, 404, 302, 302, 302, 302, 302, 302, 302, 302, 302),
    },
    "feedback:proposal-unsupport": {
        "GET": row(405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405),
        "POST": row(302, 302, 404, 302, 302, 302, 302, 302, 302, 302, 302, 302),
    },
    "feedback:proposal-withdraw": {
        "GET": row(405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405),
        "POST": row(302, 302, 404, 404, 302, 302, 302, 302, 302, 302, 302, 302),
    },
    "feedback:round-close": {
        "GET": row(405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405),
        "POST": row(302, 302, 302, 302, 302, 302, 404, 404, 302, 404, 403, 302),
    },
    "feedback:round-edit": {
        "GET": row(302, 302, 302, 302, 302, 200, 404, 404, 200, 404, 403, 200),
        "POST": row(302, 302, 302, 302, 302, 200, 404, 404, 200, 404, 403, 200),
    },
    "feedback:rounds": {
        "GET": row(302, 302, 302, 302, 302, 200, 404, 404, 200, 404, 200, 200),
        "POST": row(302, 302, 302, 302, 302, 200, 404, 404, 200, 404, 403, 200),
    },
    "home": {
        "GET": row(200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200),
        "POST": row(405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405),
    },
    # The admin site's sign-in (with the abuse limits): a signed-in administrator goes in.
    "admin-login": {
        "GET": row(200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 302),
        "POST": row(200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200),
    },
    # An invitation's emailed link: whoever holds it chooses a password (a blank form: 200).
    "invitation-accept": {
        "GET": row(200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200),
        "POST": row(200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200),
    },
    "login": {
        "GET": row(200, 200, 200, 200, 200, 302, 302, 302, 302, 302, 302, 302),
        "POST": row(200, 200, 200, 200, 200, 302, 302, 302, 302, 302, 302, 302),
    },
    "logout": {
        "GET": row(405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405),
        "POST": row(302, 302, 302, 302, 302, 302, 302, 302, 302, 302, 302, 302),
    },
    "password_change": {
        "GET": row(302, 302, 302, 302, 302, 200, 200, 200, 200, 200, 200, 200),
        "POST": row(302, 302, 302, 302, 302, 200, 200, 200, 200, 200, 200, 200),
    },
    "password_change_done": {
        "GET": row(302, 302, 302, 302, 302, 200, 200, 200, 200, 200, 200, 200),
        "POST": row(302, 302, 302, 302, 302, 405, 405, 405, 405, 405, 405, 405),
    },
    "password_reset": {
        "GET": row(200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200),
        "POST": row(200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200),
    },
    "password_reset_complete": {
        "GET": row(200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200),
        "POST": row(405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405),
    },
    "password_reset_confirm": {
        "GET": row(302, 302, 302, 302, 302, 302, 302, 302, 302, 302, 302, 302),
        "POST": row(302, 302, 302, 302, 302, 302, 302, 302, 302, 302, 302, 302),
    },
    "password_reset_done": {
        "GET": row(200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200),
        "POST": row(405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405),
    },
    "privacy": {
        "GET": row(200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200),
        "POST": row(405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405),
    },
    # Sessions and registers (#15): the club's coaches and partner lead act; staff read.
    "feedback:sessions": {
        "GET": row(302, 302, 302, 302, 302, 200, 404, 404, 200, 404, 200, 200),
        "POST": row(405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405),
    },
    "feedback:session-new": {
        "GET": row(302, 302, 302, 302, 302, 200, 404, 404, 200, 404, 403, 200),
        "POST": row(302, 302, 302, 302, 302, 200, 404, 404, 200, 404, 403, 200),
    },
    "feedback:register": {
        # An empty POST is a register with nobody ticked and no drop-ins: saved.
        "GET": row(302, 302, 302, 302, 302, 200, 404, 404, 200, 404, 200, 200),
        "POST": row(302, 302, 302, 302, 302, 302, 404, 404, 302, 404, 403, 302),
    },
    "feedback:session-change": {
        "GET": row(302, 302, 302, 302, 302, 200, 404, 404, 200, 404, 200, 200),
        "POST": row(302, 302, 302, 302, 302, 200, 404, 404, 200, 404, 403, 200),
    },
    # Outcomes (#15)
    "feedback:club-outcomes": {
        "GET": row(302, 302, 302, 302, 302, 200, 404, 404, 200, 404, 200, 200),
        "POST": row(405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405),
    },
    "feedback:member-activity-check": {
        "GET": row(405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405),
        "POST": row(302, 302, 404, 302, 302, 302, 302, 302, 302, 302, 302, 302),
    },
}


class _Rollback(Exception):
    pass


def _status(client, method: str, url: str) -> int:
    status = None
    try:
        with transaction.atomic():
            response = getattr(client, method.lower())(url, {})
            status = response.status_code
            raise _Rollback
    except _Rollback:
        pass
    return status


def observe(site, client) -> dict[str, dict[str, dict[str, int]]]:
    table = {}
    for name in sorted(url_names() - {"admin:*"}):
        url = site.url(name)
        table[name] = {}
        for method in ("GET", "POST"):
            table[name][method] = {}
            for role in ROLES:
                cache.clear()
                site.sign_in(client, role)
                table[name][method][role] = _status(client, method, url)
    return table


@pytest.mark.skipif(not os.environ.get("PRINT_MATRIX"), reason="prints the observed matrix")
def test_print_observed_matrix(world, client):
    site = build_site(world)
    table = observe(site, client)
    for name, methods in table.items():
        print(f'    "{name}": {{')
        for method, codes in methods.items():
            print(f'        "{method}": row({", ".join(str(codes[r]) for r in ROLES)}),')
        print("    },")


ADMIN = {
    # The admin site: only accounts with admin access (here the superuser) get in.
    "GET": row(302, 302, 302, 302, 302, 302, 302, 302, 302, 302, 302, 200),
}


def test_every_url_has_an_entry():
    """A page added without an entry here fails, so none can be forgotten."""
    assert missing_entries() == set()
    assert set(EXPECTED) | {"admin:*"} == url_names(), "entries for URLs that no longer exist"


def missing_entries(urlconf=None) -> set[str]:
    return url_names(urlconf) - set(EXPECTED) - {"admin:*"}


def test_a_new_url_without_an_entry_is_caught(settings):
    """Shown once with a temporary URL conf holding one extra page."""
    settings.ROOT_URLCONF = "tests.security.urls_with_an_extra_page"
    assert missing_entries("tests.security.urls_with_an_extra_page") == {"an-extra-page"}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_role_gets_the_expected_status(world, client, name):
    site = build_site(world)
    url = site.url(name)
    observed = {}
    for method in EXPECTED[name]:
        for role in ROLES:
            cache.clear()
            site.sign_in(client, role)
            observed[(method, role)] = _status(client, method, url)
    wrong = {
        f"{method} as {role}: expected {EXPECTED[name][method][role]}, got {status}"
        for (method, role), status in observed.items()
        if status != EXPECTED[name][method][role]
    }
    assert not wrong, f"{name} ({url}):\n" + "\n".join(sorted(wrong))


def test_the_admin_lets_in_only_admins(world, client):
    site = build_site(world)
    for role in ROLES:
        site.sign_in(client, role)
        for url in ("/admin/", "/admin/feedback/proposal/", "/admin/clubs/club/"):
            assert client.get(url).status_code == ADMIN["GET"][role], (role, url)


# Signing in and out, and joining a club as a young person, are open to everyone.
OPEN_TO_ALL = {
    "logout",
    "login",
    "admin-login",
    "invitation-accept",
    "password_change",
    "password_reset",
    "feedback:join-code",
    "feedback:join-recover",
}


def test_staff_never_change_anything():
    """Energise Me staff are read-only: no POST of theirs succeeds or is let through."""
    for name, methods in EXPECTED.items():
        if name in OPEN_TO_ALL or "POST" not in methods:
            continue
        assert methods["POST"]["staff"] in {302, 403, 405}, name
        if methods["POST"]["staff"] == 302:
            # 302s for staff are only the young people's pages (no membership: to /join/).
            assert methods["GET"]["staff"] in {302, 405}, name


OBJECT_PAGES = sorted(n for n in EXPECTED if "pk" in pattern_kwargs(n))


@pytest.mark.parametrize("name", OBJECT_PAGES)
def test_objects_of_another_club_are_404_under_this_clubs_address(world, client, name):
    """The address names a club the user belongs to; the object is another club's: 404."""
    site = build_site(world)
    foreign = build_site(world, club=world.far_club, coach=world.far_coach, other_club=world.club)
    kwargs = {**site.kwargs(name), "pk": foreign.object_pk(name)}
    url = reverse(name, kwargs=kwargs)
    role = "member" if name.startswith("feedback:proposal-") else "coach"
    for method, expected in EXPECTED[name].items():
        if expected[role] == 405:
            continue
        cache.clear()
        site.sign_in(client, role)
        assert _status(client, method, url) == 404, (method, url)
