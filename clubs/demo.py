"""Demo data for the county: accounts for every role (extended by later issues).

Deterministic (a seeded random generator) and idempotent: building twice
changes nothing. Everything made here is identifiable, so `seed_demo --reset`
wipes demo data only.
"""

from django.db import transaction

from clubs.models import Partner, User

DEMO_DOMAIN = "demo.coproduce.test"
DEMO_PASSWORD = "coproduce-demo"  # noqa: S105 - printed by `make run`, local use only

# (email, name, what they are) - printed by `make run`.
DEMO_ACCOUNTS = [
    (f"admin@{DEMO_DOMAIN}", "Ada Admin", "Site administrator (Django admin)"),
    (f"staff@{DEMO_DOMAIN}", "Sam Staff", "Energise Me staff (reads every club)"),
    (f"lead@{DEMO_DOMAIN}", "Lee Lead", "Partner lead"),
    (f"coach@{DEMO_DOMAIN}", "Cara Coach", "Coach"),
]


def demo_users():
    return User.objects.filter(email__endswith=f"@{DEMO_DOMAIN}")


def demo_partners():
    return Partner.objects.filter(roles__user__email__endswith=f"@{DEMO_DOMAIN}").distinct()


@transaction.atomic
def build_accounts() -> dict[str, User]:
    users = {}
    for email, name, _ in DEMO_ACCOUNTS:
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_user(email=email, password=DEMO_PASSWORD, name=name)
        users[email.split("@")[0]] = user
    admin = users["admin"]
    if not admin.is_superuser:
        admin.is_superuser = admin.is_staff = True
        admin.save(update_fields=["is_superuser", "is_staff"])
    staff = users["staff"]
    if not staff.is_county_staff:
        staff.is_county_staff = True
        staff.save(update_fields=["is_county_staff"])
    return users


def demo_accounts() -> list[tuple[str, str, str]]:
    """(email, name, role) of every demo login, for `make run` to print."""
    return DEMO_ACCOUNTS


def build() -> list:
    """Builds the demo (idempotent) and returns the demo clubs for feedback's demo to fill."""
    build_accounts()
    return []


@transaction.atomic
def wipe() -> None:
    """Removes demo data only: demo partners' clubs (and all in them), partners, accounts."""
    from clubs.models import Club

    partner_ids = list(demo_partners().values_list("pk", flat=True))
    Club.objects.filter(partner_id__in=partner_ids).delete()
    Partner.objects.filter(pk__in=partner_ids).delete()
    demo_users().delete()
