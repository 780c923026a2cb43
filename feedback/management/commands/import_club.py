"""Loads a club record written by `export_club` into this instance."""

import json
import sys

from django.core.management.base import BaseCommand, CommandError

from clubs.models import Club
from feedback.portability import import_club


class Command(BaseCommand):
    help = "Import a club's co-production record from JSON (a file, or - for standard input)."

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--slug", help="Give the club a different slug here.")

    def handle(self, *args, path, slug=None, **options):
        handle = sys.stdin if path == "-" else open(path, encoding="utf-8")  # noqa: SIM115
        with handle:
            try:
                data = json.load(handle)
            except json.JSONDecodeError as error:
                raise CommandError(f"Not valid JSON: {error}") from error
        target = slug or data.get("club", {}).get("slug")
        if Club.objects.filter(slug=target).exists():
            raise CommandError(f"A club with slug {target!r} exists here; use --slug.")
        try:
            club = import_club(data, slug=slug)
        except (ValueError, KeyError) as error:
            raise CommandError(str(error)) from error
        self.stdout.write(self.style.SUCCESS(f"Imported {club.name} as {club.slug}."))
