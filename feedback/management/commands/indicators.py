"""Prints the tokenism indicators as JSON: one object per club, for reports and scripts."""

import json
from datetime import date

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from clubs.models import Club
from feedback import indicators
from feedback.indicators.forms import PeriodForm


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as error:
        raise CommandError(f"{value!r} is not a date like 2026-09-30.") from error


class Command(BaseCommand):
    @property
    def help(self):
        weeks = settings.COPRODUCE_INDICATORS["WINDOW_WEEKS"]
        return (
            "Print each club's indicators (status, value, records and evidence ids) as JSON. "
            f"The period defaults to the last {weeks} weeks ending today."
        )

    def add_arguments(self, parser):
        parser.add_argument("--club", help="Only this club (its slug).")
        parser.add_argument("--start", help="First day of the period, YYYY-MM-DD.")
        parser.add_argument("--end", help="Last day of the period, YYYY-MM-DD.")

    def handle(self, *args, club=None, start=None, end=None, **options):
        start = _date(start) if start else None
        end = _date(end) if end else None
        if start and end and end < start:
            raise CommandError("--end must be on or after --start.")
        # The pages' bounds: at most three years, no later than a year from today.
        period = PeriodForm({"start": start or "", "end": end or ""})
        if not period.is_valid():
            raise CommandError(" ".join(period.non_field_errors()))
        clubs = Club.objects.order_by("slug")
        if club:
            clubs = clubs.filter(slug=club)
            if not clubs.exists():
                raise CommandError(f"No club with the slug {club!r}.")
        results = indicators.compute(clubs, period.window())
        payload = [r.as_dict() for r in sorted(results, key=lambda r: r.club.slug)]
        self.stdout.write(json.dumps(payload, indent=2, ensure_ascii=False))
