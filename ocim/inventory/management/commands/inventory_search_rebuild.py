"""Rebuild the directory's search index and facet counts from the actors."""

from django.core.management.base import BaseCommand

from ocim.inventory.directory_counts import directory_counts_rebuild
from ocim.inventory.search import actor_search_index_rebuild


class Command(BaseCommand):
    help = (
        "Rebuild the search index of the directory of actors (after a bulk import, or a change "
        "of a type's or a commune's name) and recount its facet cells (PostgreSQL: the "
        "triggers keep them, this repairs them after a restore). Safe to run again."
    )

    def handle(self, *args, **options):
        count = actor_search_index_rebuild()
        self.stdout.write(f"{count} actors indexed.")
        cells = directory_counts_rebuild()
        if cells:
            self.stdout.write(f"{cells} facet cells counted.")
