"""Removes participants inactive for a while in clubs whose funding ended a while ago."""

import json

from django.core.management.base import BaseCommand

from feedback.retention import purge_inactive


class Command(BaseCommand):
    help = (
        "Delete participants inactive for --inactive-days in clubs whose funding ended over "
        "--funding-ended-days ago. Their proposals stay, as 'a former member'."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Count, delete nothing.")
        parser.add_argument("--inactive-days", type=int, default=None)
        parser.add_argument("--funding-ended-days", type=int, default=None)
        parser.add_argument("--json", action="store_true", help="Machine-readable output.")

    def handle(self, *args, dry_run, inactive_days, funding_ended_days, json, **options):
        counts = purge_inactive(
            dry_run=dry_run, inactive_days=inactive_days, funding_ended_days=funding_ended_days
        )
        total = sum(counts.values())
        if json:
            self.stdout.write(_json({"dry_run": dry_run, "participants": total, "by_club": counts}))
            return
        verb = "Would delete" if dry_run else "Deleted"
        self.stdout.write(f"{verb} {total} inactive participant(s).")
        for slug, count in sorted(counts.items()):
            self.stdout.write(f"  {slug}: {count}")


def _json(data) -> str:
    return json.dumps(data, indent=2, sort_keys=True)
