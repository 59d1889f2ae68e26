"""Near-duplicate signatures of the items still in the grouping window made again from the
text they are now compared on (the summary, the content when the summary is too short; see
``pipeline.stories``): those signed on their content would otherwise not meet the relays
that arrive after the upgrade. Older items are never compared again."""

from django.db import migrations
from django.utils import timezone

BATCH_SIZE = 500


def signatures_remake(apps, schema_editor):
    from ocim.watch.pipeline.stories import (
        BANDS,
        WINDOW,
        signature_bands,
        story_text_words,
        text_signature,
    )

    Item = apps.get_model("watch", "Item")
    band_fields = [f"story_band{band}" for band in range(BANDS)]
    recent = (
        Item.objects.filter(first_seen_at__gte=timezone.now() - WINDOW)
        .only("id", "summary", "content_text", "minhash", *band_fields)
        .order_by("pk")
    )
    batch = []
    for item in recent.iterator(chunk_size=BATCH_SIZE):
        signature = text_signature(story_text_words(item.summary, item.content_text))
        bands = signature_bands(signature) if signature is not None else [None] * BANDS
        item.minhash = signature
        for name, key in zip(band_fields, bands, strict=True):
            setattr(item, name, key)
        batch.append(item)
        if len(batch) == BATCH_SIZE:
            Item.objects.bulk_update(batch, ["minhash", *band_fields])
            batch = []
    if batch:
        Item.objects.bulk_update(batch, ["minhash", *band_fields])


class Migration(migrations.Migration):
    dependencies = [
        ("watch", "0007_itemconcept_rule_partial_index"),
    ]

    operations = [
        # Nothing to undo: the former signatures only served the grouping window.
        migrations.RunPython(signatures_remake, migrations.RunPython.noop, elidable=True),
    ]
