"""The rule of a concept link indexed only where there is one: most links come from the
thesaurus, without a rule, and the full index took an entry per link at every insert of the
ingest."""

import django.db.models.deletion
from django.db import migrations, models

# Only the index goes: altering the field in the database would also drop, re-create and
# re-check over the whole table its foreign key (as in 0006).
FULL_INDEX = "watch_itemconcept_rule_id_bf86b38d"


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0001_initial"),
        ("watch", "0006_lean_indexes"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="itemconcept",
                    name="rule",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="watch.classificationrule",
                    ),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    f"DROP INDEX IF EXISTS {FULL_INDEX}",
                    f"CREATE INDEX IF NOT EXISTS {FULL_INDEX} ON watch_itemconcept (rule_id)",
                ),
            ],
        ),
        migrations.AddIndex(
            model_name="itemconcept",
            index=models.Index(
                condition=models.Q(("rule__isnull", False)),
                fields=["rule"],
                name="watch_itemconcept_rule",
            ),
        ),
    ]
