"""The directory's filter columns copied into the search index rows (PostgreSQL only), so that
the facets of a word search are counted from the index alone: family, type, region, department
and status, and the label and concept ids as integer arrays kept in the row (``STORAGE
PLAIN``). ``toast_tuple_target = 128`` asks for narrow rows, but PostgreSQL only toasts a row
longer than about 2 kB, so the vectors of ordinary actors (a few hundred bytes) stay in the row.
SQLite keeps its own path (no copy)."""

from django.db import migrations

TABLE = "inventory_actorsearchindex"

FORWARD = [
    f"ALTER TABLE {TABLE} ADD COLUMN family_id bigint, ADD COLUMN type_id bigint, "
    "ADD COLUMN region_id varchar(3), ADD COLUMN department_id varchar(3), "
    "ADD COLUMN status varchar(10), ADD COLUMN label_ids bigint[], "
    "ADD COLUMN concept_ids bigint[]",
    f"ALTER TABLE {TABLE} ALTER COLUMN label_ids SET STORAGE PLAIN, "
    "ALTER COLUMN concept_ids SET STORAGE PLAIN",
    f"ALTER TABLE {TABLE} SET (toast_tuple_target = 128)",
    # Every existing row: its actor's columns.
    f"UPDATE {TABLE} s SET family_id = a.family_id, type_id = a.type_id, "  # noqa: S608 - constants only
    "region_id = a.region_id, department_id = a.department_id, status = a.status, "
    "label_ids = ARRAY(SELECT l.label_id FROM inventory_actor_labels l "
    "WHERE l.actor_id = a.id ORDER BY 1), "
    "concept_ids = ARRAY(SELECT c.concept_id FROM inventory_actor_concepts c "
    "WHERE c.actor_id = a.id ORDER BY 1) "
    "FROM inventory_actor a WHERE a.id = s.actor_id",
]

BACKWARD = [
    f"ALTER TABLE {TABLE} RESET (toast_tuple_target)",
    f"ALTER TABLE {TABLE} DROP COLUMN family_id, DROP COLUMN type_id, DROP COLUMN region_id, "
    "DROP COLUMN department_id, DROP COLUMN status, DROP COLUMN label_ids, "
    "DROP COLUMN concept_ids",
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
        ("inventory", "0005_import"),
    ]

    operations = [
        migrations.RunPython(_run(FORWARD), _run(BACKWARD)),
    ]
