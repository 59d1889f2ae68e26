"""The rule of a concept link indexed only where there is one: most links come from the
thesaurus, without a rule, and the full index took an entry per link at every insert of the
ingest."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0001_initial"),
        ("watch", "0006_lean_indexes"),
    ]

    operations = [
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
        migrations.AddIndex(
            model_name="itemconcept",
            index=models.Index(
                condition=models.Q(("rule__isnull", False)),
                fields=["rule"],
                name="watch_itemconcept_rule",
            ),
        ),
    ]
