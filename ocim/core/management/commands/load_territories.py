"""Load (or refresh) regions, departments, communes and postal codes from the INSEE files."""

from django.core.management.base import BaseCommand, CommandError

from ocim.core.errors import ApplicationError
from ocim.core.services import territories_load


class Command(BaseCommand):
    help = (
        "Create or update French regions, departments, communes and postal codes from "
        "ocim/core/data/geo-fr (INSEE, IGN — Licence Ouverte). Safe to run again."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--data-dir", help="Folder holding regions.csv, departements.csv and communes.csv."
        )

    def handle(self, *args, data_dir=None, **options):
        try:
            report = territories_load(data_dir=data_dir)
        except ApplicationError as exc:
            raise CommandError(str(exc.message)) from exc
        for name, counts in report.as_dict().items():
            self.stdout.write(
                f"{name}: {counts['created']} created, {counts['updated']} updated, "
                f"{counts['unchanged']} unchanged, {counts['removed']} removed, "
                f"{counts['obsolete']} no longer in the files"
            )
        self.stdout.write(self.style.SUCCESS(f"Territories loaded in {report.seconds:.2f} s."))
