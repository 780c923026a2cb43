"""Loads the county's demo data (idempotent); `--reset` wipes demo data and reloads it."""

import json

from django.core.management.base import BaseCommand
from django.db import transaction

from demo import clubs as club_demo
from demo import registers as register_demo
from demo import showcase as demo_indicators
from demo import voices as feedback_demo


class Command(BaseCommand):
    help = "Load demo data for the county. Running it twice changes nothing."

    def add_arguments(self, parser):
        parser.add_argument("--reset", action="store_true", help="Wipe demo data first.")
        parser.add_argument("--json", action="store_true", help="Print the logins as JSON.")

    def handle(self, *args, reset=False, json=False, **options):
        with transaction.atomic():
            if reset:
                club_demo.wipe()
            clubs = club_demo.build()
            feedback_demo.build(clubs)
            showcase = demo_indicators.build()
            register_demo.build(showcase)  # Sessions and registers (#15)
        self.print_logins(as_json=json)

    def print_logins(self, as_json: bool) -> None:
        accounts = [
            {"email": email, "password": club_demo.DEMO_PASSWORD, "role": role}
            for email, _name, role in [*club_demo.demo_accounts(), *demo_indicators.ACCOUNTS]
        ]
        if as_json:
            self.stdout.write(json.dumps({"logins": accounts}, indent=2))
            return
        self.stdout.write(self.style.SUCCESS("Demo data is loaded. Demo logins:"))
        for account in accounts:
            self.stdout.write(f"  {account['role']:<44} {account['email']}")
        self.stdout.write(f"  Password for every demo login: {club_demo.DEMO_PASSWORD}")
