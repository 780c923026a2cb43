"""Computes every club's indicator summary that is out of date (a cron job every few minutes).

Dashboards compute a stale summary themselves when they meet one; this keeps the first
reader after a quiet spell, and the first after midnight (the default period moves on),
from waiting for it. See feedback/indicators/summaries.py."""

from django.core.management.base import BaseCommand

from feedback.indicators import summaries


class Command(BaseCommand):
    help = "Compute the clubs' indicator summaries that are out of date (dashboards read them)."

    def handle(self, *args, **options):
        computed = summaries.refresh()
        if options["verbosity"]:
            self.stdout.write(f"{computed} club summar{'y' if computed == 1 else 'ies'} computed.")
