"""The directory's search index (``ActorSearchIndex``, see ``ocim.inventory.models_directory``)
and the indexes that keep the directory's reads bounded:

- PostgreSQL: the ``unaccent`` extension (``UnaccentExtension`` does nothing on other engines)
  and a GIN index on the tsvector;
- both engines: a (name, id) index on the actors, the order of the directory, so that a page of
  an unfiltered listing is read from the index instead of sorting every actor.

Existing actors are indexed by ``manage.py inventory_search_rebuild``.
"""

import django.contrib.postgres.search
import django.db.models.deletion
from django.contrib.postgres.operations import UnaccentExtension
from django.db import migrations, models

FORWARD = {
    "postgresql": [
        "CREATE INDEX IF NOT EXISTS inventory_actorsearch_vector_gin "
        "ON inventory_actorsearchindex USING gin (vector)",
        "CREATE INDEX IF NOT EXISTS inventory_actor_name_id ON inventory_actor (name, id)",
    ],
    "sqlite": [
        "CREATE INDEX IF NOT EXISTS inventory_actor_name_id ON inventory_actor (name, id)",
    ],
}
BACKWARD = {
    "postgresql": [
        "DROP INDEX IF EXISTS inventory_actorsearch_vector_gin",
        "DROP INDEX IF EXISTS inventory_actor_name_id",
    ],
    "sqlite": ["DROP INDEX IF EXISTS inventory_actor_name_id"],
}


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("inventory", "0002_typology")]

    operations = [
        UnaccentExtension(),
        migrations.CreateModel(
            name="ActorSearchIndex",
            fields=[
                (
                    "actor",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="search_index",
                        serialize=False,
                        to="inventory.actor",
                        verbose_name="actor",
                    ),
                ),
                (
                    "vector",
                    django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
                ),
                ("terms", models.TextField(blank=True, editable=False)),
                ("name_terms", models.TextField(blank=True, editable=False)),
                ("head_terms", models.TextField(blank=True, editable=False)),
            ],
            options={
                "verbose_name": "actor search index entry",
                "verbose_name_plural": "actor search index entries",
            },
        ),
        migrations.RunPython(_run(FORWARD), _run(BACKWARD)),
    ]
