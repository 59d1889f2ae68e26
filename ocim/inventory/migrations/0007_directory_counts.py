"""Exact counts of the directory's facet cells (``DirectoryCount``), kept by triggers on
PostgreSQL so that a new unfiltered or facet-only listing of 100,000 actors adds up a few
thousand rows instead of grouping every actor and every label and concept link.

Statement-level triggers with transition tables insert one row per cell a statement changes
(+n, -n): on the actors when a row comes, goes, or moves to another cell (family, type, region,
department, status); on the label and concept links when they come or go. Each link counts in
the cell of its actor: an actor that moves takes its links with it, a link whose actor is
already gone (or not yet there, foreign keys being deferred) is counted by the actor's own
trigger. A link trigger first takes a share lock on the links' actors, so that a concurrent
move of one of them is waited for and then read (otherwise the link would be counted in the
cell the actor just left). Rows are only ever inserted, never updated: writers never wait on
one another for a count; ``ocim.inventory.directory_counts.directory_counts_compact`` adds
them up later.

Existing actors are counted here. SQLite keeps the table empty (the directory counts from the
actors there).
"""

import django.db.models.deletion
from django.db import migrations, models

import ocim.inventory.models_directory

TABLE = "inventory_directorycount"
CELL = "family_id, type_id, region_id, department_id, status"
INSERT = f"INSERT INTO {TABLE} (kind, item_id, {CELL}, count)"


def _cell(alias: str) -> str:
    return (
        f"{alias}.family_id, {alias}.type_id, coalesce({alias}.region_id, ''), "
        f"coalesce({alias}.department_id, ''), {alias}.status"
    )


def _link_sql(table: str, column: str, kind: int, name: str) -> list[str]:
    """The trigger function and triggers of one link table (``column``: the linked item)."""
    function = f"inventory_dircount_{name}"

    def delta(rows: str, sign: str) -> str:
        return (
            f"PERFORM 1 FROM inventory_actor a WHERE a.id IN (SELECT actor_id FROM {rows}) "
            "ORDER BY a.id FOR SHARE OF a; "
            f"{INSERT} SELECT {kind}, r.{column}, {_cell('a')}, {sign}count(*) "
            f"FROM {rows} r JOIN inventory_actor a ON a.id = r.actor_id "
            "GROUP BY 2, 3, 4, 5, 6, 7;"
        )

    return [
        f"""CREATE OR REPLACE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'TRUNCATE' THEN
        DELETE FROM {TABLE} WHERE kind = {kind};
        RETURN NULL;
    END IF;
    IF TG_OP IN ('DELETE', 'UPDATE') THEN
        {delta("old_rows", "-")}
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        {delta("new_rows", "")}
    END IF;
    RETURN NULL;
END
$$""",
        f"CREATE TRIGGER {function}_insert AFTER INSERT ON {table} "
        f"REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION {function}()",
        f"CREATE TRIGGER {function}_delete AFTER DELETE ON {table} "
        f"REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION {function}()",
        f"CREATE TRIGGER {function}_update AFTER UPDATE ON {table} "
        "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows "
        f"FOR EACH STATEMENT EXECUTE FUNCTION {function}()",
        f"CREATE TRIGGER {function}_truncate AFTER TRUNCATE ON {table} "
        f"FOR EACH STATEMENT EXECUTE FUNCTION {function}()",
    ]


def _actor_delta(rows: str, others: str, sign: str) -> str:
    """The rows of ``rows`` that ``others`` does not hold in the same cell, with their links,
    counted with ``sign``."""
    moved = (
        f"SELECT * FROM {rows} r WHERE NOT EXISTS (SELECT 1 FROM {others} o "
        "WHERE o.id = r.id AND o.family_id = r.family_id AND o.type_id = r.type_id "
        "AND o.region_id IS NOT DISTINCT FROM r.region_id "
        "AND o.department_id IS NOT DISTINCT FROM r.department_id AND o.status = r.status)"
        if others
        else f"SELECT * FROM {rows}"
    )
    return (
        f"WITH moved AS MATERIALIZED ({moved}) {INSERT} "
        f"SELECT 0, 0, {_cell('r')}, {sign}count(*) FROM moved r GROUP BY 3, 4, 5, 6, 7 "
        f"UNION ALL SELECT 1, l.label_id, {_cell('r')}, {sign}count(*) FROM moved r "
        "JOIN inventory_actor_labels l ON l.actor_id = r.id GROUP BY 2, 3, 4, 5, 6, 7 "
        f"UNION ALL SELECT 2, c.concept_id, {_cell('r')}, {sign}count(*) FROM moved r "
        "JOIN inventory_actor_concepts c ON c.actor_id = r.id GROUP BY 2, 3, 4, 5, 6, 7;"
    )


FORWARD = [
    f"""CREATE OR REPLACE FUNCTION inventory_dircount_actors() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'TRUNCATE' THEN
        DELETE FROM {TABLE};
    ELSIF TG_OP = 'INSERT' THEN
        {_actor_delta("new_rows", "", "")}
    ELSIF TG_OP = 'DELETE' THEN
        {_actor_delta("old_rows", "", "-")}
    ELSE
        {_actor_delta("old_rows", "new_rows", "-")}
        {_actor_delta("new_rows", "old_rows", "")}
    END IF;
    RETURN NULL;
END
$$""",
    "CREATE TRIGGER inventory_dircount_actors_insert AFTER INSERT ON inventory_actor "
    "REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT "
    "EXECUTE FUNCTION inventory_dircount_actors()",
    "CREATE TRIGGER inventory_dircount_actors_delete AFTER DELETE ON inventory_actor "
    "REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT "
    "EXECUTE FUNCTION inventory_dircount_actors()",
    "CREATE TRIGGER inventory_dircount_actors_update AFTER UPDATE ON inventory_actor "
    "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT "
    "EXECUTE FUNCTION inventory_dircount_actors()",
    "CREATE TRIGGER inventory_dircount_actors_truncate AFTER TRUNCATE ON inventory_actor "
    "FOR EACH STATEMENT EXECUTE FUNCTION inventory_dircount_actors()",
    *_link_sql("inventory_actor_labels", "label_id", 1, "labels"),
    *_link_sql("inventory_actor_concepts", "concept_id", 2, "concepts"),
    # The name in the search table too (a page of many matches is listed by name from it).
    "ALTER TABLE inventory_actorsearchindex ADD COLUMN name varchar(255)",
    "UPDATE inventory_actorsearchindex s SET name = a.name FROM inventory_actor a "
    "WHERE a.id = s.actor_id",
    # A listing filtered by labels or concepts finds its actors through these.
    "CREATE INDEX IF NOT EXISTS inventory_actorfacets_labels_gin "
    "ON inventory_actorfacets USING gin (label_ids)",
    "CREATE INDEX IF NOT EXISTS inventory_actorfacets_concepts_gin "
    "ON inventory_actorfacets USING gin (concept_ids)",
    # The facets of the actors already there.
    "INSERT INTO inventory_actorfacets (actor_id, name, family_id, type_id, region_id, "
    "department_id, status, label_ids, concept_ids) "
    f"SELECT a.id, a.name, {_cell('a')}, "
    "ARRAY(SELECT l.label_id FROM inventory_actor_labels l WHERE l.actor_id = a.id ORDER BY 1), "
    "ARRAY(SELECT c.concept_id FROM inventory_actor_concepts c WHERE c.actor_id = a.id "
    "ORDER BY 1) FROM inventory_actor a",
    # The actors already there.
    f"{INSERT} SELECT 0, 0, {_cell('a')}, count(*) FROM inventory_actor a "
    "GROUP BY 3, 4, 5, 6, 7 "
    f"UNION ALL SELECT 1, l.label_id, {_cell('a')}, count(*) FROM inventory_actor a "
    "JOIN inventory_actor_labels l ON l.actor_id = a.id GROUP BY 2, 3, 4, 5, 6, 7 "
    f"UNION ALL SELECT 2, c.concept_id, {_cell('a')}, count(*) FROM inventory_actor a "
    "JOIN inventory_actor_concepts c ON c.actor_id = a.id GROUP BY 2, 3, 4, 5, 6, 7",
]

BACKWARD = [
    "DROP INDEX IF EXISTS inventory_actorfacets_labels_gin",
    "DROP INDEX IF EXISTS inventory_actorfacets_concepts_gin",
    "ALTER TABLE inventory_actorsearchindex DROP COLUMN IF EXISTS name",
    *(
        f"DROP TRIGGER IF EXISTS inventory_dircount_{name}_{event} ON {table}"
        for name, table in (
            ("actors", "inventory_actor"),
            ("labels", "inventory_actor_labels"),
            ("concepts", "inventory_actor_concepts"),
        )
        for event in ("insert", "delete", "update", "truncate")
    ),
    "DROP FUNCTION IF EXISTS inventory_dircount_actors()",
    "DROP FUNCTION IF EXISTS inventory_dircount_labels()",
    "DROP FUNCTION IF EXISTS inventory_dircount_concepts()",
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
        ("inventory", "0006_directory_filter_columns"),
    ]

    operations = [
        migrations.CreateModel(
            name="DirectoryCount",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("kind", models.SmallIntegerField()),
                ("item_id", models.BigIntegerField(default=0)),
                ("family_id", models.BigIntegerField()),
                ("type_id", models.BigIntegerField()),
                ("region_id", models.CharField(blank=True, max_length=3)),
                ("department_id", models.CharField(blank=True, max_length=3)),
                ("status", models.CharField(max_length=10)),
                ("count", models.IntegerField()),
            ],
            options={
                "verbose_name": "directory count",
                "verbose_name_plural": "directory counts",
                "indexes": [
                    models.Index(fields=["kind", "item_id"], name="inventory_dircount_kind_item")
                ],
            },
        ),
        migrations.CreateModel(
            name="ActorFacets",
            fields=[
                (
                    "actor",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="facets",
                        serialize=False,
                        to="inventory.actor",
                        verbose_name="actor",
                    ),
                ),
                ("name", models.CharField(max_length=255)),
                ("family_id", models.BigIntegerField()),
                ("type_id", models.BigIntegerField()),
                ("region_id", models.CharField(blank=True, max_length=3)),
                ("department_id", models.CharField(blank=True, max_length=3)),
                ("status", models.CharField(max_length=10)),
                ("label_ids", ocim.inventory.models_directory.IdListField(null=True)),
                ("concept_ids", ocim.inventory.models_directory.IdListField(null=True)),
            ],
            options={
                "verbose_name": "actor's facets",
                "verbose_name_plural": "actors' facets",
            },
        ),
        migrations.RunPython(_run(FORWARD), _run(BACKWARD)),
    ]
