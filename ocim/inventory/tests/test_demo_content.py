"""The inventory demo: several hundred valid actors over every family, type and region, each with
its history, built the same way every time and only once."""

from __future__ import annotations

import csv
import random
import tempfile
from pathlib import Path
from unittest import mock

from django.db.models import Count, F
from django.test import TestCase
from django.urls import NoReverseMatch
from django.utils import translation

from ocim.core.demo import demo_site_ensure
from ocim.core.models import Region, StandardPage
from ocim.core.services import territories_load, thesaurus_load
from ocim.core.validators import siret_is_valid
from ocim.inventory import demo, demo_content, demo_generator
from ocim.inventory.identifiers import ror_is_valid, uai_is_valid
from ocim.inventory.models import (
    Actor,
    ActorFamily,
    ActorRevision,
    ActorType,
    ActorVisitorCount,
    CoordinatesSource,
)
from ocim.inventory.services import actor_snapshot

GEO = Path(demo.__file__).resolve().parent.parent / "core" / "data" / "geo-fr"


def territories_subset_load(per_department: int = demo.COMMUNES_PER_DEPARTMENT) -> None:
    """Load every region and department but only each department's most populated communes
    (and the flagships'): what the demo draws from, in a fraction of the full load's time."""
    with (GEO / "communes.csv").open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        fieldnames, rows = reader.fieldnames, list(reader)
    wanted = {spec["commune"] for spec in demo_content.FLAGSHIPS}
    by_department: dict[str, list[dict]] = {}
    for row in rows:
        by_department.setdefault(row["departement_code"], []).append(row)
    for department_rows in by_department.values():
        department_rows.sort(key=lambda row: (-int(row["population"]), row["insee_code"]))
        wanted |= {row["insee_code"] for row in department_rows[:per_department]}
    with tempfile.TemporaryDirectory() as directory:
        target = Path(directory)
        for name in ("regions.csv", "departements.csv"):
            (target / name).write_bytes((GEO / name).read_bytes())
        with (target / "communes.csv").open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=fieldnames)
            writer.writeheader()
            writer.writerows(row for row in rows if row["insee_code"] in wanted)
        territories_load(data_dir=target)


def _counts() -> dict[str, int]:
    return {
        "actors": Actor.objects.count(),
        "revisions": ActorRevision.objects.count(),
        "visitor counts": ActorVisitorCount.objects.count(),
        "labels": Actor.labels.through.objects.count(),
        "concepts": Actor.concepts.through.objects.count(),
    }


class InventoryDemoTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        territories_subset_load()
        thesaurus_load()
        cls.report = demo.inventory_demo_ensure()

    def test_several_hundred_actors_over_every_family_type_and_region(self):
        assert not self.report.skipped
        actors = Actor.objects.filter(source=demo.DEMO_SOURCE)
        assert 400 <= actors.count() <= 650
        assert set(actors.values_list("type", flat=True)) == set(
            ActorType.objects.values_list("pk", flat=True)
        )
        assert set(actors.values_list("family", flat=True)) == set(
            ActorFamily.objects.values_list("pk", flat=True)
        )
        # Every region, overseas ones included (Mayotte's communes have no population).
        assert set(actors.values_list("region", flat=True)) == set(
            Region.objects.values_list("code", flat=True)
        )
        assert {"01", "02", "03", "04", "06"} <= set(actors.values_list("region", flat=True))
        assert actors.filter(status="closed", closed_year__isnull=False).count() >= 5
        assert actors.filter(coordinates_source=CoordinatesSource.ENTERED).count() > 50
        assert actors.filter(coordinates_source=CoordinatesSource.COMMUNE).count() > 50
        assert actors.filter(parent__isnull=False).count() >= 10
        assert actors.filter(labels__slug="musee-de-france").count() >= 20
        assert (
            not actors.exclude(type__family__slug="musees")
            .filter(labels__slug="musee-de-france")
            .exists()
        )
        assert actors.filter(labels__slug="jardin-remarquable").exists()
        assert actors.filter(labels__slug="science-et-culture-innovation").exists()
        assert actors.annotate(n=Count("concepts")).filter(n=0).count() == 0
        assert actors.filter(visitor_counts__year=2024).distinct().count() > 150
        assert not actors.exclude(wikidata="").exists()

    def test_copied_columns_are_those_actor_save_derives(self):
        actors = Actor.objects.filter(source=demo.DEMO_SOURCE)
        assert not actors.exclude(family=F("type__family")).exists()
        assert not actors.exclude(department=F("commune__department")).exists()
        assert not actors.exclude(region=F("commune__department__region")).exists()
        assert not actors.filter(commune__isnull=True).exists()

    def test_every_actor_is_valid_and_has_its_history(self):
        actors = list(Actor.objects.filter(source=demo.DEMO_SOURCE).prefetch_related("revisions"))
        foreign_keys = [f.name for f in Actor._meta.concrete_fields if f.is_relation]
        for number, actor in enumerate(actors):
            # Identifiers, choices, lengths of every actor (no query); the whole validation,
            # foreign keys, uniqueness and constraints included, of one in four.
            actor.clean_fields(exclude=foreign_keys)
            if number % 4 == 0:
                actor.full_clean()
            assert actor.revisions.all(), actor
            for value, check in (
                (actor.siret, siret_is_valid),
                (actor.uai, uai_is_valid),
                (actor.ror, ror_is_valid),
            ):
                assert not value or check(value), (actor, value)
        assert Actor.objects.exclude(siret="").count() > 200
        assert Actor.objects.exclude(museofile="").count() > 20
        assert Actor.objects.exclude(uai="").count() > 10

    def test_the_first_revision_is_the_record_as_created(self):
        actors = Actor.objects.filter(source=demo.DEMO_SOURCE, source_id__startswith="demo-")
        for actor in list(actors.order_by("pk"))[::8]:
            (revision,) = actor.revisions.all()
            assert revision.changes == {}
            assert revision.snapshot == actor_snapshot(actor)

    def test_flagships_are_written_by_hand_with_a_history_of_changes(self):
        for spec in demo_content.FLAGSHIPS:
            actor = Actor.objects.get(name=spec["name"])
            assert 5 <= actor.description.count("<p>") <= 10
            first, second = actor.revisions.order_by("created_at", "pk")
            assert first.source == "import"
            assert "description" in second.changes
            assert second.snapshot == actor_snapshot(actor)
        service = Actor.objects.get(name="L'Atelier des savoirs")
        assert service.parent.name == "Université Loire-Touraine"
        closed = Actor.objects.get(name="Musée de la pharmacie Lemoine")
        assert (closed.status, closed.closed_year) == ("closed", 2019)

    def test_a_second_run_creates_nothing(self):
        before = _counts()
        report = demo.inventory_demo_ensure()
        assert report.created == []
        assert _counts() == before

    def test_a_deleted_actor_is_created_again_and_nothing_else(self):
        actor = Actor.objects.get(source=demo.DEMO_SOURCE, source_id="demo-0100")
        name, commune = actor.name, actor.commune_id
        before = _counts()
        actor.delete()
        report = demo.inventory_demo_ensure()
        assert report.created == ["1 generated actors"]
        assert _counts() == before
        again = Actor.objects.get(source=demo.DEMO_SOURCE, source_id="demo-0100")
        assert (again.name, again.commune_id) == (name, commune)

    def test_generation_is_deterministic(self):
        def drafts():
            types, labels, concepts = demo_generator.typology_load()
            rng = random.Random(demo.SEED)
            generator = demo_generator.ActorGenerator(
                rng, types=types, labels=labels, concepts=concepts, source=demo.DEMO_SOURCE
            )
            return [
                (d.values, d.labels, d.concepts, d.visitors)
                for d in demo.demo_drafts(rng, generator)
            ]

        assert drafts() == drafts()


class DemoWithoutTerritoriesTests(TestCase):
    def test_says_what_is_missing(self):
        report = demo.inventory_demo_ensure()
        assert report.created == []
        assert report.skipped
        assert not Actor.objects.exists()


class MissionPageLinkTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        demo_site_ensure()

    def test_no_link_while_the_directory_is_not_wired(self):
        report = demo.InventoryDemoReport()
        with mock.patch.object(demo, "reverse", side_effect=NoReverseMatch):
            demo._mission_page_link("fr", report)
        assert report.created == []

    def test_the_observation_pages_link_to_the_directory_once(self):
        report = demo.InventoryDemoReport()

        def directory_url(name):
            assert name == "inventory:directory"
            return "/fr/annuaire/" if translation.get_language() == "fr" else "/en/directory/"

        with mock.patch.object(demo, "reverse", side_effect=directory_url):
            for _run in range(2):
                for language in ("fr", "en"):
                    demo._mission_page_link(language, report)
        assert len(report.created) == 2
        for language, url in (("fr", "/fr/annuaire/"), ("en", "/en/directory/")):
            page = StandardPage.objects.get(
                slug=demo_content.MISSION_PAGE_SLUG, locale__language_code=language
            )
            callouts = [b for b in page.body if b.block_type == "callout"]
            title, label = demo_content.MISSION_CALLOUT[language]
            assert [b.value["title"] for b in callouts].count(title) == 1
            assert f'href="{url}"' in callouts[-1].value["text"].source
            assert label in callouts[-1].value["text"].source
