"""Fewer indexes on the actors, each one a cost of every write (an import of 100,000 actors
wrote 17 of them per row):

- the family and the region have no index of their own: the (family, type) and (region,
  department) indexes begin with them and serve their look-ups;
- on PostgreSQL, the ``varchar_pattern_ops`` copies Django adds for text keys (slug, commune,
  department) go: they only serve ``LIKE 'prefix%'``, which nothing asks of those columns.
"""

import django.db.models.deletion
from django.db import migrations, models

PATTERN_INDEXES = (
    "inventory_actor_slug_1d5d6486_like",
    "inventory_actor_commune_id_d9b123f7_like",
    "inventory_actor_department_id_32647975_like",
)


def _drop_pattern_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        for name in PATTERN_INDEXES:
            cursor.execute(f"DROP INDEX IF EXISTS {name}")


def _create_pattern_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        for name in PATTERN_INDEXES:
            column = name.removeprefix("inventory_actor_").rsplit("_", 2)[0]
            cursor.execute(
                f"CREATE INDEX IF NOT EXISTS {name} ON inventory_actor "
                f"({column} varchar_pattern_ops)"
            )


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0001_initial"),
        ("inventory", "0009_directory_search_sample"),
    ]

    operations = [
        migrations.AlterField(
            model_name="actor",
            name="family",
            field=models.ForeignKey(
                db_index=False,
                editable=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="actors",
                to="inventory.actorfamily",
                verbose_name="family",
            ),
        ),
        migrations.AlterField(
            model_name="actor",
            name="region",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="core.region",
                verbose_name="region",
            ),
        ),
        migrations.RunPython(_drop_pattern_indexes, _create_pattern_indexes),
    ]
