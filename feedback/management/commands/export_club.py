"""Writes a club's whole co-production record as JSON (pseudonyms only)."""

from django.core.management.base import BaseCommand, CommandError

from clubs.models import Club
from feedback.portability import dumps, export_club


class Command(BaseCommand):
    help = "Export a club's co-production record as JSON."

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument("--output", "-o", help="File to write (default: standard output).")

    def handle(self, *args, slug, output=None, **options):
        club = (
            Club.objects.select_related("partner__district", "district").filter(slug=slug).first()
        )
        if club is None:
            raise CommandError(f"No club with slug {slug!r}.")
        text = dumps(export_club(club))
        if output:
            with open(output, "w", encoding="utf-8") as handle:
                handle.write(text + "\n")
        else:
            self.stdout.write(text)
