"""Classification links have no foreign-key constraints in the database (docs/adr/0001): a
target deleted while a worker still classifies with it no longer loses the document, nobody
sees a link to something gone, deletions still take their links with them, and the daily job
removes what a deletion left behind."""

import pytest
from django.db import connection

from ocim.core.models import Concept, Department, Region
from ocim.inventory.models import Actor, ActorFamily, ActorType
from ocim.watch.models import ClassificationRule, ConceptOrigin, Item, ItemConcept
from ocim.watch.pipeline.bulk import rows_write
from ocim.watch.pipeline.classify import classifier_current
from ocim.watch.pipeline.ingest import source_document_ingest
from ocim.watch.pipeline.retention import classification_orphans_delete
from ocim.watch.pipeline.tasks import delete_classification_orphans
from ocim.watch.selectors import item_detail

from .support import FETCHED_AT, rss, rss_item, source_make

pytestmark = pytest.mark.django_db


@pytest.fixture
def concepts():
    return {
        "museum": Concept.objects.create(slug="t-museum", label_fr="Musée", label_en="Museum"),
        "botany": Concept.objects.create(slug="t-botany", label_fr="Botanique", label_en="Botany"),
    }


def _ingest(source, **fields):
    return source_document_ingest(
        source=source,
        body=rss([rss_item(1, **fields)]),
        content_type="application/rss+xml",
        encoding=None,
        final_url=source.url,
        fetched_at=FETCHED_AT,
    )


def test_a_concept_deleted_while_a_worker_classifies_does_not_lose_the_document(concepts):
    source = source_make()
    # A worker's classifier, built before a curator deletes a concept in another process: the
    # invalidation reaches it only after the curator's commit (never, inside this test).
    classifier_current()
    botany = concepts["botany"].pk
    Concept.objects.filter(pk=botany).delete()

    report = _ingest(source, title="Botanique au musée")
    # What the commit checks: with foreign keys on the links it raised IntegrityError, and
    # the fetcher recorded the document as failed (every retry used the same classifier).
    connection.check_constraints()

    assert report.new_items == 1
    item = Item.objects.get()
    assert set(ItemConcept.objects.filter(item=item).values_list("concept_id", flat=True)) == {
        concepts["museum"].pk,
        botany,
    }
    # Nobody sees the link to the deleted concept.
    detail = item_detail(item.pk)
    assert [link.concept_id for link in detail.concept_links] == [concepts["museum"].pk]
    assert classification_orphans_delete() == 1
    assert list(ItemConcept.objects.values_list("concept_id", flat=True)) == [concepts["museum"].pk]
    assert classification_orphans_delete() == 0


def _link_everything(item, *, concept, family, region, department, actor, rule=None):
    item.families.add(family)
    item.regions.add(region)
    item.departments.add(department)
    item.actors.add(actor)
    ItemConcept.objects.create(
        item=item,
        concept=concept,
        origin=ConceptOrigin.RULE if rule else ConceptOrigin.THESAURUS,
        rule=rule,
    )


def _targets():
    region = Region.objects.create(code="53", name="Bretagne")
    museums = ActorFamily.objects.get(slug="musees")
    return {
        "concept": Concept.objects.create(slug="t-x", label_fr="X", label_en="X"),
        "family": museums,
        "region": region,
        "department": Department.objects.create(code="29", name="Finistère", region=region),
        "actor": Actor.objects.create(
            name="Muséum de Brest",
            slug="museum-brest",
            type=ActorType.objects.filter(family=museums).first(),
            family=museums,
        ),
    }


def _links_of(item_id):
    return {
        "concepts": list(ItemConcept.objects.filter(item_id=item_id)),
        "families": list(Item.families.through.objects.filter(item_id=item_id)),
        "regions": list(Item.regions.through.objects.filter(item_id=item_id)),
        "departments": list(Item.departments.through.objects.filter(item_id=item_id)),
        "actors": list(Item.actors.through.objects.filter(item_id=item_id)),
    }


def test_deletions_through_django_still_take_their_links(concepts):
    source = source_make()
    _ingest(source, title="Un article")
    item = Item.objects.get()
    targets = _targets()
    _link_everything(item, **targets)
    assert all(_links_of(item.pk).values())

    # A target deleted: its links go, the others stay.
    targets["actor"].delete()
    targets["concept"].delete()
    links = _links_of(item.pk)
    assert links["actors"] == []
    assert targets["concept"].pk not in {link.concept_id for link in links["concepts"]}
    assert links["families"] and links["regions"] and links["departments"]

    # The item deleted: every link goes.
    item.delete()
    assert not any(_links_of(item.pk).values())
    assert classification_orphans_delete() == 0


def test_the_daily_job_removes_links_left_by_deletions_in_sql(concepts):
    source = source_make()
    _ingest(source, title="Un article")
    item = Item.objects.get()
    targets = _targets()
    rule = ClassificationRule.objects.create(name="Règle")
    _link_everything(item, **targets, rule=rule)
    kept = Item.objects.create(
        source=source,
        guid="kept",
        url_hash="1" * 64,
        published_at=FETCHED_AT,
        first_seen_at=FETCHED_AT,
    )
    ItemConcept.objects.create(item=kept, concept=concepts["museum"], origin=ConceptOrigin.STAFF)
    # Links to an item that never was (a row written by hand, or an item deleted in SQL).
    rows_write(
        [
            (
                ItemConcept,
                ("item", "concept", "origin", "rule"),
                [(10**9, concepts["museum"].pk, "staff", None)],
            )
        ]
    )
    # Deletions in SQL, which Django's cascades never see.
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM watch_classificationrule WHERE id = %s", [rule.pk])
        cursor.execute("DELETE FROM inventory_actor WHERE id = %s", [targets["actor"].pk])
        cursor.execute("DELETE FROM core_department WHERE code = %s", ["29"])

    # The item's concept link (rule forgotten), family and region stay; the department's and
    # the actor's links, and the link to the missing item, go.
    assert delete_classification_orphans.call() == 3
    links = _links_of(item.pk)
    assert (targets["concept"].pk, ConceptOrigin.RULE, None) in {
        (link.concept_id, link.origin, link.rule_id) for link in links["concepts"]
    }
    assert links["families"] and links["regions"]
    assert links["departments"] == [] and links["actors"] == []
    assert not ItemConcept.objects.filter(item_id=10**9).exists()
    assert ItemConcept.objects.filter(item=kept).count() == 1
    assert classification_orphans_delete() == 0
