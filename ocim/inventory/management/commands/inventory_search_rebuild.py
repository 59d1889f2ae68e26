"""Rebuild the directory's search index from the actors."""

from django.core.management.base import BaseCommand

from ocim.inventory.search import actor_search_index_rebuild


class Command(BaseCommand):
    help = (
        "Rebuild the search index of the directory of actors (after a bulk import, or a change "
        "of a type's or a commune's name). Safe to run again."
    )

    def handle(self, *args, **options):
        count = actor_search_index_rebuild()
        self.stdout.write(f"{count} actors indexed.")
