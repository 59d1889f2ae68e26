"""Rebuild the watch items' search index from the items."""

from django.core.management.base import BaseCommand

from ocim.watch.search import items_index_rebuild


class Command(BaseCommand):
    help = (
        "Rebuild the full-text index of the watch's items (on SQLite, also re-create its FTS5 "
        "table and triggers if a migration dropped them). Safe to run again."
    )

    def handle(self, *args, **options):
        count = items_index_rebuild()
        self.stdout.write(f"{count} items indexed.")
