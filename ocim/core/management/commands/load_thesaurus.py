"""Load (or refresh) the seeded concepts of the thesaurus."""

from django.core.management.base import BaseCommand, CommandError

from ocim.core.errors import ApplicationError
from ocim.core.services import thesaurus_load


class Command(BaseCommand):
    help = (
        "Create or update the seeded thesaurus concepts from ocim/core/data/thesaurus.json "
        "(by slug). Concepts added by staff are kept. Safe to run again."
    )

    def add_arguments(self, parser):
        parser.add_argument("--file", dest="path", help="Another thesaurus JSON file.")

    def handle(self, *args, path=None, **options):
        try:
            report = thesaurus_load(path=path)
        except ApplicationError as exc:
            raise CommandError(str(exc.message)) from exc
        counts = report.concepts
        self.stdout.write(
            self.style.SUCCESS(
                f"Concepts: {counts.created} created, {counts.updated} updated, "
                f"{counts.unchanged} unchanged, {report.broader_changed} moved in the tree, "
                f"{counts.obsolete} added by staff and kept."
            )
        )
