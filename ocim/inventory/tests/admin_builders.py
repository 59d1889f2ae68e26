"""Builders shared by the back-office and open-data tests (test_admin_*)."""

from __future__ import annotations

from ocim.accounts.roles import role_group, roles_ensure
from ocim.accounts.tests.factories import UserFactory
from ocim.core.models import Commune, Concept, Department, Region
from ocim.inventory.models import Actor, ActorType, Label, RevisionSource
from ocim.inventory.services import actor_save


def territories() -> dict[str, Commune]:
    bfc = Region.objects.create(code="27", name="Bourgogne-Franche-Comté", population=2811423)
    ara = Region.objects.create(code="84", name="Auvergne-Rhône-Alpes", population=8114361)
    cote_dor = Department.objects.create(code="21", name="Côte-d'Or", region=bfc)
    rhone = Department.objects.create(code="69", name="Rhône", region=ara)
    dijon = Commune.objects.create(
        insee_code="21231",
        name="Dijon",
        search_name="dijon",
        department=cote_dor,
        population=156920,
        latitude=47.3220,
        longitude=5.0415,
    )
    lyon = Commune.objects.create(
        insee_code="69123",
        name="Lyon",
        search_name="lyon",
        department=rhone,
        population=522250,
        latitude=45.7578,
        longitude=4.8320,
    )
    return {"dijon": dijon, "lyon": lyon}


def concept(slug="botanique", label_fr="Botanique", label_en="Botany") -> Concept:
    return Concept.objects.get_or_create(
        slug=slug, defaults={"label_fr": label_fr, "label_en": label_en}
    )[0]


def actor(
    name: str,
    *,
    type_slug: str = "jardin-botanique-arboretum",
    commune: Commune | None = None,
    labels=(),
    concepts=(),
    visitor_counts=None,
    user=None,
    **fields,
) -> Actor:
    record = Actor(name=name, type=ActorType.objects.get(slug=type_slug), commune=commune, **fields)
    actor_save(
        record,
        user=user,
        source=RevisionSource.ADMIN,
        labels=[Label.objects.get(slug=slug) for slug in labels],
        concepts=list(concepts),
        visitor_counts=visitor_counts or {},
    )
    return record


def user_with_role(role_key: str, **fields):
    roles_ensure()
    user = UserFactory(**fields)
    user.groups.add(role_group(role_key))
    return user
