"""Data for the directory tests: two regions, three departments, four communes, and a helper
that saves actors through the service (so that they are indexed as in real life)."""

from __future__ import annotations

import importlib
from dataclasses import dataclass

from ocim.core.models import Commune, Concept, Department, Region
from ocim.inventory.models import Actor, ActorType, Label
from ocim.inventory.services import actor_save


@dataclass
class Places:
    dijon: Commune
    beaune: Commune
    lyon: Commune
    villeurbanne: Commune


def places() -> Places:
    bfc = Region.objects.create(code="27", name="Bourgogne-Franche-Comté", population=2811423)
    ara = Region.objects.create(code="84", name="Auvergne-Rhône-Alpes", population=8042936)
    cote_dor = Department.objects.create(code="21", name="Côte-d'Or", region=bfc)
    rhone = Department.objects.create(code="69", name="Rhône", region=ara)

    def commune(code, name, department, lat, lon):
        return Commune.objects.create(
            insee_code=code,
            name=name,
            search_name=name.lower(),
            department=department,
            latitude=lat,
            longitude=lon,
        )

    return Places(
        dijon=commune("21231", "Dijon", cote_dor, 47.322, 5.0415),
        beaune=commune("21054", "Beaune", cote_dor, 47.0260, 4.8400),
        lyon=commune("69123", "Lyon", rhone, 45.7578, 4.8320),
        villeurbanne=commune("69266", "Villeurbanne", rhone, 45.7667, 4.8803),
    )


def seed_typology() -> None:
    """The families, types and labels that migration 0002 seeds (a transactional test flushes
    them)."""
    from django.apps import apps

    migration = importlib.import_module("ocim.inventory.migrations.0002_typology")
    migration.seed(apps, None)


def concept(slug: str, label_fr: str, label_en: str = "") -> Concept:
    return Concept.objects.create(slug=slug, label_fr=label_fr, label_en=label_en or label_fr)


def actor(
    name: str,
    type_slug: str = "museum-histoire-naturelle",
    *,
    labels=(),
    concepts=(),
    visitor_counts=None,
    **fields,
) -> Actor:
    item = Actor(name=name, type=ActorType.objects.get(slug=type_slug), **fields)
    actor_save(
        item,
        labels=[Label.objects.get(slug=slug) for slug in labels],
        concepts=list(concepts),
        visitor_counts=visitor_counts,
    )
    return item
