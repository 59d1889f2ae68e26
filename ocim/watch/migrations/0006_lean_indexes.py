"""Indexes of the watch's items, sightings and concept links that repeated another index's
leading column, or indexed a column no query reads through an index: each one was paid at
every insert of the ingest (see the models' comments)."""

import django.db.models.deletion
from django.db import migrations, models

# (index, table, column)
INDEXES = [
    ("watch_item_first_seen_at_87c2424f", "watch_item", "first_seen_at"),
    ("watch_item_language_a8346494", "watch_item", "language"),
    ("watch_item_published_at_7bf16eb0", "watch_item", "published_at"),
    ("watch_item_source_id_b0122674", "watch_item", "source_id"),
    ("watch_item_story_id_9bdc30d5", "watch_item", "story_id"),
    ("watch_itemconcept_item_id_87a0efe5", "watch_itemconcept", "item_id"),
    ("watch_itemsighting_item_id_513f49ed", "watch_itemsighting", "item_id"),
    ("watch_itemsighting_source_id_b0226bfd", "watch_itemsighting", "source_id"),
]
# Only the indexes go: altering the fields in the database would also drop, re-create and
# re-check over the whole table their foreign keys. The pattern index is PostgreSQL's (the
# one Django adds to indexed text columns); IF EXISTS keeps the list valid on SQLite.
DROP_INDEXES = [f"DROP INDEX IF EXISTS {name}" for name, _table, _column in INDEXES] + [
    "DROP INDEX IF EXISTS watch_item_language_a8346494_like"
]
CREATE_INDEXES = [
    f"CREATE INDEX IF NOT EXISTS {name} ON {table} ({column})" for name, table, column in INDEXES
]


class Migration(migrations.Migration):
    dependencies = [
        ("watch", "0005_search_index_engines"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="item",
                    name="first_seen_at",
                    field=models.DateTimeField(verbose_name="first seen"),
                ),
                migrations.AlterField(
                    model_name="item",
                    name="language",
                    field=models.CharField(blank=True, max_length=8, verbose_name="language"),
                ),
                migrations.AlterField(
                    model_name="item",
                    name="published_at",
                    field=models.DateTimeField(verbose_name="published"),
                ),
                migrations.AlterField(
                    model_name="item",
                    name="source",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="first_items",
                        to="watch.source",
                        verbose_name="first source",
                    ),
                ),
                migrations.AlterField(
                    model_name="item",
                    name="story",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="items",
                        to="watch.story",
                        verbose_name="story",
                    ),
                ),
                migrations.AlterField(
                    model_name="itemconcept",
                    name="item",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="concept_links",
                        to="watch.item",
                    ),
                ),
                migrations.AlterField(
                    model_name="itemsighting",
                    name="item",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="sightings",
                        to="watch.item",
                    ),
                ),
                migrations.AlterField(
                    model_name="itemsighting",
                    name="source",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="sightings",
                        to="watch.source",
                    ),
                ),
            ],
            database_operations=[migrations.RunSQL(DROP_INDEXES, CREATE_INDEXES)],
        ),
    ]
