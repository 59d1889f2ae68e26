"""Indexes on the search rows (PostgreSQL only) for searches matching many actors
(``ocim.inventory.directory_counts``):

- the sample: one actor in ``SAMPLE_MODULUS`` (16), by id. A frequent word's facets are counted
  in its matches within the sample (a bitmap of the word's matches ANDed with this one), and
  only then, if they are few, in every match;
- the name, to list a page by name from the matches up to a name read from the sample, not
  from every match;
- family, region and department: a search with a frequent word and a narrow filter reads the
  rows passing both, not every row with the word.
"""

from django.db import migrations

TABLE = "inventory_actorsearchindex"

FORWARD = [
    f"CREATE INDEX inventory_actorsearch_sample ON {TABLE} ((actor_id % 16))",
    f"CREATE INDEX inventory_actorsearch_name ON {TABLE} (name, actor_id)",
    f"CREATE INDEX inventory_actorsearch_family ON {TABLE} (family_id)",
    f"CREATE INDEX inventory_actorsearch_region ON {TABLE} (region_id)",
    f"CREATE INDEX inventory_actorsearch_department ON {TABLE} (department_id)",
]

BACKWARD = [
    "DROP INDEX IF EXISTS inventory_actorsearch_sample",
    "DROP INDEX IF EXISTS inventory_actorsearch_name",
    "DROP INDEX IF EXISTS inventory_actorsearch_family",
    "DROP INDEX IF EXISTS inventory_actorsearch_region",
    "DROP INDEX IF EXISTS inventory_actorsearch_department",
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
        ("inventory", "0008_import_checking_status"),
    ]

    operations = [
        migrations.RunPython(_run(FORWARD), _run(BACKWARD)),
    ]
