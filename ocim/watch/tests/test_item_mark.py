"""``services.item_mark``: curators star items and mark them curated (both keep them past the
retention age); each change is audited, repeating it writes nothing."""

import pytest

from ocim.core.models import AuditLogEntry
from ocim.watch.models import Item
from ocim.watch.services import item_mark

from .admin_builders import item

pytestmark = pytest.mark.django_db


def test_marks_are_set_cleared_and_audited(user):
    record = item()
    assert item_mark(record, mark="starred", value=True, user=user)
    assert item_mark(record, mark="curated", value=True, user=user)
    assert not item_mark(record, mark="starred", value=True, user=user)
    assert item_mark(record, mark="starred", value=False, user=user)
    stored = Item.objects.get(pk=record.pk)
    assert (stored.starred, stored.curated) == (False, True)
    assert list(
        AuditLogEntry.objects.filter(object_id=str(record.pk))
        .order_by("pk")
        .values_list("action", flat=True)
    ) == ["watch.item.starred", "watch.item.curated", "watch.item.unstarred"]


def test_only_known_marks(user):
    with pytest.raises(ValueError):
        item_mark(item(), mark="published", value=True, user=user)
