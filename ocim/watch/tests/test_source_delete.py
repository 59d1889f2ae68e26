"""``services.source_delete``: a source goes with the items it alone carried; items shared with
other sources stay (their first source moves); starred or curated items are never lost."""

import pytest

from ocim.core.errors import ConflictError
from ocim.core.models import AuditLogEntry
from ocim.watch.models import Item, ItemSighting, Source
from ocim.watch.services import source_delete, source_deletion_impact

from .admin_builders import SourceFactory, item, sighting

pytestmark = pytest.mark.django_db


@pytest.fixture
def sources():
    return SourceFactory(title="Condamnée"), SourceFactory(title="Relais")


def test_items_seen_only_there_go_and_shared_ones_stay(sources, user):
    doomed, relay = sources
    alone = item(source=doomed, title="Seulement ici")
    shared = item(source=doomed, title="Relayé")
    sighting(shared, relay)
    elsewhere = item(source=relay, title="Ailleurs")
    sighting(elsewhere, doomed)

    impact = source_delete(doomed, user=user)

    assert (impact.items_deleted, impact.items_moved, impact.items_kept) == (1, 1, 0)
    assert not Source.objects.filter(pk=doomed.pk).exists()
    assert not Item.objects.filter(pk=alone.pk).exists()
    shared.refresh_from_db()
    assert shared.source == relay
    assert set(ItemSighting.objects.values_list("source_id", flat=True)) == {relay.pk}
    assert Item.objects.filter(pk=elsewhere.pk).exists()
    entry = AuditLogEntry.objects.get(action="watch.source.deleted")
    assert entry.data["items_deleted"] == 1 and entry.actor == user


@pytest.mark.parametrize("mark", ["starred", "curated", "published"])
def test_a_source_holding_kept_items_alone_is_not_deleted(sources, user, mark):
    doomed, _relay = sources
    kept = item(source=doomed, **{mark: True})
    assert source_deletion_impact(doomed).items_kept == 1
    with pytest.raises(ConflictError):
        source_delete(doomed, user=user)
    assert Source.objects.filter(pk=doomed.pk).exists()
    assert Item.objects.filter(pk=kept.pk).exists()
    assert not AuditLogEntry.objects.filter(action="watch.source.deleted").exists()


def test_kept_items_carried_elsewhere_do_not_block(sources, user):
    doomed, relay = sources
    kept = item(source=doomed, starred=True)
    sighting(kept, relay)
    source_delete(doomed, user=user)
    kept.refresh_from_db()
    assert kept.source == relay and kept.starred
