"""The facet cells' insert triggers (migration ``0007``) step aside in a transaction that sets
``ocim.directory_counts_deferred`` to ``on`` (PostgreSQL only).

An import creates tens of thousands of actors and their label links batch after batch: each
statement's trigger grouped its rows into cells (about 2 % of the commit's time), and the
cells table grew by a row per cell and batch. The import sets the flag, local to its
transaction, around the statements that insert new actors and the links of those actors only,
then counts all of them in one statement before it commits
(``ocim.inventory.import_commit``): the same cells, the same counts. Nothing else sets it; the
update and delete triggers are unchanged.
"""

from django.db import migrations

FLAG = "current_setting('ocim.directory_counts_deferred', true) IS DISTINCT FROM 'on'"

TRIGGERS = (
    ("inventory_actor", "actors"),
    ("inventory_actor_labels", "labels"),
    ("inventory_actor_concepts", "concepts"),
)


def _statements(when: str) -> list[str]:
    statements = []
    for table, name in TRIGGERS:
        trigger = f"inventory_dircount_{name}_insert"
        statements += [
            f"DROP TRIGGER IF EXISTS {trigger} ON {table}",
            f"CREATE TRIGGER {trigger} AFTER INSERT ON {table} "
            f"REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT {when}"
            f"EXECUTE FUNCTION inventory_dircount_{name}()",
        ]
    return statements


FORWARD = _statements(f"WHEN ({FLAG}) ")
BACKWARD = _statements("")


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
        ("inventory", "0012_opendata_files"),
    ]

    operations = [
        migrations.RunPython(_run(FORWARD), _run(BACKWARD)),
    ]
