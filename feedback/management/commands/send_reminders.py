"""Today's reminder emails to coaches (run daily: cron, a systemd timer...)."""

import json

from django.core.management.base import BaseCommand
from django.utils import timezone

from feedback.reminders import reminders_send


class Command(BaseCommand):
    help = "Emails coaches what falls due in two days, and on Mondays what needs them."

    def handle(self, *args, **options):
        sent = reminders_send(today=timezone.localdate())
        self.stdout.write(json.dumps({str(k): v for k, v in sent.items()}))
