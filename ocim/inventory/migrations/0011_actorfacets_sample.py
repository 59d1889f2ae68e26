"""A listing by one label or concept carried by more actors than the exact-count limit reads
neither every actor carrying it nor their rows (``ocim.inventory.directory_counts``; PostgreSQL
only):

- the facet rows of the sample of one actor in 16 (the remainder of the actor's id divided by 64
  below 4, as for the search rows of migration 0009), with every column the counts need, in a
  partial index (under 1 MB for 100,000 actors): the other facet (the concepts of a label's
  actors, or the labels of a concept's) is counted from this index alone;
- the facet rows' name index holds the labels and concepts too: the first pages walk the index
  alone until they are full ("Musée de France", 13,000 actors of 100,000, the first of them
  after 9,400 others by name: 12.5 ms reading the rows, 3.5 ms the index alone, against 19 ms
  sorting every actor carrying it).
"""

from django.db import migrations

NAME = (
    "CREATE INDEX inventory_actorfacets_name ON inventory_actorfacets (name, actor_id) "
    "INCLUDE (family_id, type_id, region_id, department_id, status{})"
)
FORWARD = [
    "CREATE INDEX IF NOT EXISTS inventory_actorfacets_sample "
    "ON inventory_actorfacets ((actor_id % 64)) "
    "INCLUDE (family_id, type_id, region_id, department_id, status, label_ids, concept_ids) "
    "WHERE (actor_id % 64) < 4",
    "DROP INDEX IF EXISTS inventory_actorfacets_name",
    NAME.format(", label_ids, concept_ids"),
]
BACKWARD = [
    "DROP INDEX IF EXISTS inventory_actorfacets_sample",
    "DROP INDEX IF EXISTS inventory_actorfacets_name",
    NAME.format(""),
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        with schema_editor.connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("inventory", "0010_actor_fewer_indexes"),
    ]

    operations = [
        migrations.RunPython(_run(FORWARD), _run(BACKWARD)),
    ]
