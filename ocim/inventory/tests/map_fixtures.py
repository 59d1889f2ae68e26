"""Territories and actors for the map's tests (actors written in bulk: the services are
tested elsewhere; ``map_cell`` is set as the services set it)."""

import pytest

from ocim.core.models import Department, Region
from ocim.inventory import map_grid
from ocim.inventory.models import Actor, ActorType


@pytest.fixture
def map_territories(db):
    idf = Region.objects.create(code="11", name="Île-de-France", population=12_174_880)
    bfc = Region.objects.create(code="27", name="Bourgogne-Franche-Comté", population=2_811_423)
    Region.objects.create(code="06", name="Mayotte", population=0)
    Department.objects.create(code="75", name="Paris", region=idf, population=2_113_705)
    Department.objects.create(code="21", name="Côte-d'Or", region=bfc, population=534_124)
    Department.objects.create(code="25", name="Doubs", region=bfc, population=543_974)
    return idf, bfc


def bulk(points, *, type_slug="planetarium", department="75", region="11", prefix="a"):
    kind = ActorType.objects.get(slug=type_slug)
    actors = [
        Actor(
            name=f"Acteur {prefix}{index}",
            slug=f"acteur-{prefix}{index}",
            type=kind,
            family_id=kind.family_id,
            department_id=department,
            region_id=region,
            latitude=latitude,
            longitude=longitude,
            map_cell=map_grid.map_cell(latitude, longitude),
        )
        for index, (latitude, longitude) in enumerate(points)
    ]
    Actor.objects.bulk_create(actors, batch_size=500)


def grid(rows, columns, *, south=42.5, west=-4.0, north=51.0, east=8.0):
    return [
        (south + (north - south) * row / rows, west + (east - west) * column / columns)
        for row in range(rows)
        for column in range(columns)
    ]
