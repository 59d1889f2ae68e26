"""Actor records: the typology is seeded, identifiers are checked as their registers define
them, the territory follows the commune, and every change is kept in a history that can be
reverted."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from ocim.accounts.tests.factories import UserFactory
from ocim.core.models import Commune, Department, Region
from ocim.inventory import identifiers
from ocim.inventory.models import (
    Actor,
    ActorFamily,
    ActorRevision,
    ActorType,
    Label,
    RevisionSource,
)
from ocim.inventory.services import actor_revert, actor_save

pytestmark = pytest.mark.django_db


@pytest.fixture
def dijon():
    region = Region.objects.create(code="27", name="Bourgogne-Franche-Comté", population=2811423)
    department = Department.objects.create(code="21", name="Côte-d'Or", region=region)
    return Commune.objects.create(
        insee_code="21231",
        name="Dijon",
        search_name="dijon",
        department=department,
        latitude=47.3220,
        longitude=5.0415,
    )


def _actor(**fields) -> Actor:
    fields.setdefault("name", "Jardin des sciences de Dijon")
    fields.setdefault("type", ActorType.objects.get(slug="jardin-botanique-arboretum"))
    return Actor(**fields)


def test_the_typology_and_labels_are_seeded():
    assert ActorFamily.objects.count() == 5
    assert ActorType.objects.count() == 14
    for slug in ("planetarium", "tiers-lieu-fablab", "centre-interpretation", "musee-sante"):
        assert ActorType.objects.filter(slug=slug).exists()
    assert Label.objects.filter(name="Musée de France").exists()


@pytest.mark.parametrize(
    ("check", "good", "bad"),
    [
        (identifiers.validate_siret, "21210231500018", "21210231500017"),
        (identifiers.validate_museofile, "M0123", "M123"),
        (identifiers.validate_wikidata, "Q3329534", "Q0123"),
        (identifiers.validate_rna, "W212001234", "W21200123"),
        (identifiers.validate_uai, "0211237F", "0211237G"),
        (identifiers.validate_rnsr, "200212345X", "20021234X"),
        (identifiers.validate_ror, "03yrm5c26", "03yrm5c27"),
        (identifiers.validate_osm, "way/123456", "street/123"),
    ],
)
def test_each_identifier_is_checked_as_its_register_defines_it(check, good, bad):
    check(good)
    with pytest.raises(ValidationError):
        check(bad)


def test_saving_derives_the_territory_and_family_and_cleans_the_input(dijon):
    actor = _actor(
        commune=dijon,
        siret="212 102 315 00018",
        wikidata=" q3329534 ",
        description='<p onclick="x()">Serres <script>alert(1)</script>tropicales</p>',
    )
    revision = actor_save(actor, source=RevisionSource.IMPORT, source_detail="test.csv")
    actor.refresh_from_db()
    assert actor.family.slug == "collections-vivantes"
    assert (actor.department_id, actor.region_id) == ("21", "27")
    assert actor.siret == "21210231500018"
    assert actor.wikidata == "Q3329534"
    assert "onclick" not in actor.description and "<script" not in actor.description
    assert actor.slug == "jardin-des-sciences-de-dijon"
    assert revision.source == RevisionSource.IMPORT and revision.changes == {}


def test_an_invalid_identifier_is_refused_and_nothing_is_written(dijon):
    actor = _actor(commune=dijon, siret="21210231500017")
    with pytest.raises(ValidationError) as error:
        actor_save(actor)
    assert _("Enter a valid SIRET number: 14 digits, as shown on the employer's documents.") in str(
        error.value
    )
    assert not Actor.objects.exists() and not ActorRevision.objects.exists()


def test_the_database_refuses_half_coordinates_and_a_closed_year_while_open(dijon):
    actor_save(_actor(commune=dijon))
    with pytest.raises(IntegrityError), transaction.atomic():
        Actor.objects.update(latitude=47.3)
    with pytest.raises(IntegrityError), transaction.atomic():
        Actor.objects.update(closed_year=2001)


def test_every_change_is_kept_and_can_be_reverted(dijon):
    editor = UserFactory()
    label = Label.objects.get(slug="jardin-remarquable")
    actor = _actor(commune=dijon, website="https://jardin.example.org/")
    first = actor_save(actor, user=editor, labels=[label], visitor_counts={2023: 41000})
    actor.name = "Jardin des sciences"
    actor.website = ""
    second = actor_save(actor, user=editor, labels=[], visitor_counts={2023: 41000, 2024: 45500})
    assert second.changes["name"] == ["Jardin des sciences de Dijon", "Jardin des sciences"]
    assert second.changes["labels"] == [[label.pk], []]
    assert second.changes["visitor_counts"] == [{"2023": 41000}, {"2023": 41000, "2024": 45500}]
    assert second.user == editor
    # Saving again without a change records nothing.
    assert actor_save(actor, user=editor) is None

    reverted = actor_revert(first, user=editor)
    actor.refresh_from_db()
    assert actor.name == "Jardin des sciences de Dijon"
    assert actor.website == "https://jardin.example.org/"
    assert list(actor.labels.all()) == [label]
    assert dict(actor.visitor_counts.values_list("year", "visitors")) == {2023: 41000}
    assert reverted.source == RevisionSource.REVERT
    assert actor.revisions.count() == 3


def test_a_revision_keeps_every_column_a_person_can_change_and_nothing_derived(dijon):
    from ocim.inventory.services import snapshot_fields

    names = {field.name for field in snapshot_fields()}
    assert {"name", "type", "commune", "siret", "description", "latitude", "status"} <= names
    derived = {"id", "created_at", "updated_at", "slug", "family", "department", "region"}
    assert not names & (derived | {"map_cell"})
    # What a revision holds is exactly these columns (plus the relations).
    revision = actor_save(_actor(commune=dijon))
    relations = {"labels", "concepts", "visitor_counts"}
    assert set(revision.snapshot) == {field.attname for field in snapshot_fields()} | relations


@pytest.mark.parametrize("name", ["Map", "MAP !"])
def test_an_actor_never_takes_the_address_of_another_page(client, dijon, name):
    from django.urls import reverse
    from django.utils import translation

    actor = _actor(name=name, commune=dijon)
    actor_save(actor)
    assert actor.slug == "map-2"  # /en/inventory/map/ is the map's address in English
    with translation.override("en"):
        page = client.get(reverse("inventory:actor", kwargs={"slug": actor.slug}))
    assert page.status_code == 200 and name in page.content.decode()
