"""Rebuild the publishing search index from the pages."""

from django.core.management.base import BaseCommand

from ocim.publishing.search.indexing import search_rebuild


class Command(BaseCommand):
    help = (
        "Rebuild the publishing search index from the live, public issues, articles, news and "
        "web articles (the moving wall applied as of now). Safe to run again."
    )

    def handle(self, *args, **options):
        count = search_rebuild()
        self.stdout.write(f"{count} documents indexed.")
