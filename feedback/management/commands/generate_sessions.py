"""Makes every active club's weekly sessions from the aspects in force (a daily cron job).

Idempotent: running it again adds nothing, and never touches a session a coach cancelled,
changed or took the register of (feedback/sessions.py)."""

import json

from django.core.management.base import BaseCommand
from django.db import transaction

from clubs.models import Club
from feedback.sessions import generate_sessions


class Command(BaseCommand):
    help = "Make every active club's weekly sessions up to SESSIONS_WEEKS_AHEAD weeks ahead."

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", help="Print the counts as JSON.")

    def handle(self, *args, json=False, **options):
        report = {"clubs": 0, "created": 0, "updated": 0, "removed": 0, "no_day": []}
        for club in Club.objects.filter(is_active=True).order_by("pk").iterator():
            with transaction.atomic():
                generated = generate_sessions(club)
            report["clubs"] += 1
            report["created"] += generated.created
            report["updated"] += generated.updated
            report["removed"] += generated.removed
            if generated.problem:
                report["no_day"].append(club.slug)
        if json:
            self.stdout.write(_dumps(report))
        elif options["verbosity"]:
            self.stdout.write(
                f"{report['clubs']} clubs: {report['created']} sessions made, "
                f"{report['updated']} moved to follow their club's aspects, "
                f"{report['removed']} no longer made removed; "
                f"{len(report['no_day'])} clubs have no single day set."
            )


def _dumps(report) -> str:
    return json.dumps(report, indent=2)
