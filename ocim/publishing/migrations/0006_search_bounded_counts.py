"""Facet counts bounded for searches matching most of the index (see
ocim.publishing.search.counts):

- ``sample_bucket``: a number from 0 to 1023 spread evenly over the documents (a hash of the
  page id, the same on both engines: ``ocim.publishing.search.models.sample_bucket_of``). The
  documents whose bucket is below 256, 64 or 16 are a fixed sample of a quarter, a sixteenth or
  a sixty-fourth of the index, from which the counts of a very large match are estimated;
- PostgreSQL: a partial GIN index on the search vector for each of those samples, so that the
  matches inside a sample are found without reading the others;
- PostgreSQL: ``concept_ids``, the document's thesaurus concepts as an array kept in the row
  (``STORAGE PLAIN``), so that counting the concept facet reads the matching rows only, with
  no join (the many-to-many table stays the reference: the indexer writes both).

SQLite: the column is added in place (ALTER TABLE ADD COLUMN keeps the FTS5 triggers); the
triggers are created again if missing anyway.
"""

from importlib import import_module

from django.db import migrations, models

# The same hash as ``models.sample_bucket_of``: Fibonacci hashing of the page id, top 10 bits.
BACKFILL = (
    "UPDATE publishing_searchdocument "
    "SET sample_bucket = ((page_id * 2654435761) %% 4294967296) / 4194304"
)
SAMPLE_BOUNDS = (256, 64, 16)

PG_FORWARD = [
    "ALTER TABLE publishing_searchdocument ADD COLUMN concept_ids integer[] NOT NULL "
    "DEFAULT '{}'",
    "ALTER TABLE publishing_searchdocument ALTER COLUMN concept_ids SET STORAGE PLAIN",
    "UPDATE publishing_searchdocument d SET concept_ids = coalesce((SELECT "
    "array_agg(c.concept_id ORDER BY c.concept_id) FROM publishing_searchdocument_concepts c "
    "WHERE c.searchdocument_id = d.id), '{}')",
    *(
        f"CREATE INDEX publishing_search_sample_{bound} ON publishing_searchdocument "
        f"USING gin (search_vector) WHERE sample_bucket < {bound}"
        for bound in SAMPLE_BOUNDS
    ),
]
PG_BACKWARD = [
    *(f"DROP INDEX IF EXISTS publishing_search_sample_{bound}" for bound in SAMPLE_BOUNDS),
    "ALTER TABLE publishing_searchdocument DROP COLUMN IF EXISTS concept_ids",
]


def forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(BACKFILL.replace("page_id *", "page_id::bigint *"))
        for statement in PG_FORWARD:
            schema_editor.execute(statement)
    else:
        schema_editor.execute(BACKFILL)
    if vendor == "sqlite":
        for statement in import_module(
            "ocim.publishing.migrations.0003_search_document"
        ).SQLITE_FORWARD:
            schema_editor.execute(statement)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in PG_BACKWARD:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("publishing", "0005_search_title_vector"),
    ]

    operations = [
        migrations.AddField(
            model_name="searchdocument",
            name="sample_bucket",
            field=models.PositiveSmallIntegerField(default=0, editable=False),
        ),
        migrations.RunPython(forward, backward),
    ]
