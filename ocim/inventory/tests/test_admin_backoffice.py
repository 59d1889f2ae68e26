"""Back office of the inventory: observatory analysts list, create and edit actors (saved by
``actor_save``, so every change lands in the history), read the history and revert; other staff
are refused everywhere."""

import pytest
from django.urls import reverse
from django.utils.translation import gettext as _

from ocim.accounts.roles import roles_ensure
from ocim.core.models import AuditLogEntry
from ocim.inventory.directory import directory_search
from ocim.inventory.filters import ActorFilters
from ocim.inventory.models import (
    Actor,
    ActorContact,
    ActorFamily,
    ActorRevision,
    ActorStatus,
    ActorType,
    Label,
    RevisionSource,
)
from ocim.inventory.services import actor_save

from .admin_builders import actor, concept, territories, user_with_role

pytestmark = pytest.mark.django_db


def url(name: str, *args) -> str:
    return reverse(f"inventory_actors:{name}", args=args)


@pytest.fixture
def places():
    return territories()


@pytest.fixture
def analyst():
    return user_with_role("observatory-analyst", first_name="Anne", last_name="Lyse")


@pytest.fixture
def analyst_client(client, analyst):
    client.force_login(analyst)
    return client


@pytest.fixture
def editor_client(client):
    # Staff with the admin but not the inventory (an editor of the magazine).
    client.force_login(user_with_role("editor"))
    return client


def form_data(**overrides) -> dict:
    data = {
        "name": "Jardin des sciences de Dijon",
        "other_names": "JDS\nJardin de l'Arquebuse",
        "type": str(ActorType.objects.get(slug="jardin-botanique-arboretum").pk),
        "labels": [],
        "legal_status": "local_authority",
        "parent": "",
        "status": "open",
        "closed_year": "",
        "year_founded": "1771",
        "staff_band": "20-49",
        "street": "1 avenue Albert-Ier",
        "postal_code": "21000",
        "commune": "21231",
        "latitude": "47.3216",
        "longitude": "5.0259",
        "coordinates_source": "entered",
        "email": "jardin@exemple.fr",
        "phone": "+33 3 80 48 82 00",
        "website": "https://jardin.exemple.fr/",
        "social_links": "https://www.instagram.com/jardin\nhttps://mastodon.exemple/@jardin",
        "siret": "212 102 315 00018",
        "museofile": "",
        "wikidata": " q3329534 ",
        "rna": "",
        "uai": "",
        "rnsr": "",
        "ror": "",
        "osm": "",
        "concepts": [],
        "description": "<p>Serres <strong>tropicales</strong></p>",
        "image": "",
        "last_confirmed_on": "",
        "source": "",
        "source_id": "",
        "visitors-TOTAL_FORMS": "2",
        "visitors-INITIAL_FORMS": "0",
        "visitors-MIN_NUM_FORMS": "0",
        "visitors-MAX_NUM_FORMS": "200",
        "visitors-0-year": "2023",
        "visitors-0-visitors": "41000",
        "visitors-1-year": "",
        "visitors-1-visitors": "",
        "contacts-TOTAL_FORMS": "1",
        "contacts-INITIAL_FORMS": "0",
        "contacts-MIN_NUM_FORMS": "0",
        "contacts-MAX_NUM_FORMS": "100",
        "contacts-0-name": "Camille Jardinier",
        "contacts-0-role": "Directrice",
        "contacts-0-email": "camille.personnelle@exemple.fr",
        "contacts-0-phone": "06 12 34 56 78",
    }
    data.update(overrides)
    return data


def edit_data(record: Actor, **overrides) -> dict:
    """The edit form as the page gives it for ``record`` (contacts and counts included)."""
    data = form_data(
        name=record.name,
        type=str(record.type_id),
        commune=record.commune_id or "",
        labels=[str(pk) for pk in record.labels.values_list("pk", flat=True)],
        concepts=[str(pk) for pk in record.concepts.values_list("pk", flat=True)],
        siret=record.siret,
        wikidata=record.wikidata,
        description=record.description,
    )
    counts = list(record.visitor_counts.order_by("-year"))
    data["visitors-TOTAL_FORMS"] = str(len(counts) + 1)
    data["visitors-INITIAL_FORMS"] = str(len(counts))
    for index, count in enumerate(counts):
        data[f"visitors-{index}-year"] = str(count.year)
        data[f"visitors-{index}-visitors"] = str(count.visitors)
    data[f"visitors-{len(counts)}-year"] = ""
    data[f"visitors-{len(counts)}-visitors"] = ""
    contacts = list(record.contacts.all())
    for key in [key for key in data if key.startswith("contacts-0-")]:
        del data[key]
    data["contacts-TOTAL_FORMS"] = str(len(contacts))
    data["contacts-INITIAL_FORMS"] = str(len(contacts))
    for index, contact in enumerate(contacts):
        data[f"contacts-{index}-id"] = str(contact.pk)
        data[f"contacts-{index}-actor"] = str(record.pk)
        data[f"contacts-{index}-name"] = contact.name
        data[f"contacts-{index}-role"] = contact.role
        data[f"contacts-{index}-email"] = contact.email
        data[f"contacts-{index}-phone"] = contact.phone
    data.update(overrides)
    return data


# --- Roles ------------------------------------------------------------------------------------


def test_analysts_are_granted_the_inventory_and_nobody_else():
    groups = roles_ensure()
    codes = set(groups["observatory-analyst"].permissions.values_list("codename", flat=True))
    for model in ("actor", "actorfamily", "actortype", "label"):
        assert {f"view_{model}", f"add_{model}", f"change_{model}"} <= codes
    assert "delete_actor" not in codes
    for key in ("editor", "training-manager", "watch-curator", "member"):
        assert not groups[key].permissions.filter(content_type__app_label="inventory").exists()


# --- List -------------------------------------------------------------------------------------


def test_the_list_searches_and_filters_like_the_directory(analyst_client, places):
    actor("Jardin des sciences", commune=places["dijon"])
    actor("Planétarium de Vaulx-en-Velin", type_slug="planetarium", commune=places["lyon"])
    actor("Muséum de Dijon", type_slug="museum-histoire-naturelle", commune=places["dijon"])
    actor("Ancien musée", type_slug="musee-sante", commune=places["lyon"], status="closed")

    def names(query: str) -> set[str]:
        response = analyst_client.get(url("index") + query)
        assert response.status_code == 200
        text = response.content.decode()
        return {
            name
            for name in (
                "Jardin des sciences",
                "Planétarium de Vaulx-en-Velin",
                "Muséum de Dijon",
                "Ancien musée",
            )
            if name in text
        }

    assert len(names("")) == 4
    assert names("?q=dijon") == {"Muséum de Dijon", "Jardin des sciences"}
    assert names("?q=vaulx") == {"Planétarium de Vaulx-en-Velin"}
    family = ActorFamily.objects.get(slug="centres-sciences")
    assert names(f"?family={family.pk}") == {"Planétarium de Vaulx-en-Velin"}
    planetarium = ActorType.objects.get(slug="planetarium")
    assert names(f"?type={planetarium.pk}") == {"Planétarium de Vaulx-en-Velin"}
    assert names("?region=27") == {"Jardin des sciences", "Muséum de Dijon"}
    assert names("?status=closed") == {"Ancien musée"}


# --- Create and edit --------------------------------------------------------------------------


def test_creating_an_actor_goes_through_the_service_and_starts_its_history(
    analyst_client, analyst, places
):
    label = Label.objects.get(slug="jardin-remarquable")
    botany = concept()
    response = analyst_client.post(
        url("add"), form_data(labels=[str(label.pk)], concepts=[str(botany.pk)])
    )
    assert response.status_code == 302, response.context["form"].errors

    record = Actor.objects.get()
    # Derived and cleaned by actor_save.
    assert record.family.slug == "collections-vivantes"
    assert (record.department_id, record.region_id) == ("21", "27")
    assert record.siret == "21210231500018"
    assert record.wikidata == "Q3329534"
    assert record.slug == "jardin-des-sciences-de-dijon"
    assert list(record.labels.all()) == [label]
    assert list(record.concepts.all()) == [botany]
    assert dict(record.visitor_counts.values_list("year", "visitors")) == {2023: 41000}
    assert record.social_links == [
        {"network": "instagram", "url": "https://www.instagram.com/jardin"},
        {"network": "mastodon", "url": "https://mastodon.exemple/@jardin"},
    ]
    revision = ActorRevision.objects.get()
    assert (revision.source, revision.user, revision.changes) == (
        RevisionSource.ADMIN,
        analyst,
        {},
    )
    contact = ActorContact.objects.get()
    assert (contact.actor, contact.email) == (record, "camille.personnelle@exemple.fr")
    entry = AuditLogEntry.objects.get(action="inventory.actor.contacts_changed")
    assert entry.data == {"created": 1, "changed": 0, "deleted": 0}
    assert "camille" not in str(entry.data)


def test_the_create_form_shows_every_field_and_the_inline_rows(analyst_client, places):
    response = analyst_client.get(url("add"))
    assert response.status_code == 200
    text = response.content.decode()
    for name in ("name", "type", "commune", "parent", "siret", "osm", "social_links"):
        assert f'name="{name}"' in text
    assert "visitors-TOTAL_FORMS" in text and "contacts-TOTAL_FORMS" in text
    assert _("For Ocim's staff only: never shown on the site, never exported.") in text


def test_editing_records_the_changes_old_to_new(analyst_client, analyst, places):
    record = actor("Jardin des sciences de Dijon", commune=places["dijon"], siret="21210231500018")
    ActorContact.objects.create(actor=record, name="Ancien contact", email="ancien@exemple.fr")

    data = edit_data(
        record,
        name="Jardin des sciences",
        status="closed",
        closed_year="2024",
        commune="69123",
        **{"contacts-0-DELETE": "on"},
    )
    response = analyst_client.post(url("edit", record.pk), data)
    assert response.status_code == 302, response.context["form"].errors

    record.refresh_from_db()
    assert (record.name, record.status, record.closed_year) == (
        "Jardin des sciences",
        "closed",
        2024,
    )
    assert (record.department_id, record.region_id) == ("69", "84")
    latest = record.revisions.first()
    assert latest.user == analyst and latest.source == RevisionSource.ADMIN
    assert latest.changes["name"] == ["Jardin des sciences de Dijon", "Jardin des sciences"]
    assert latest.changes["status"] == ["open", "closed"]
    assert latest.changes["commune_id"] == ["21231", "69123"]
    assert not record.contacts.exists()


def test_a_closed_year_is_dropped_while_open_and_half_coordinates_are_refused(
    analyst_client, places
):
    response = analyst_client.post(url("add"), form_data(closed_year="1990", longitude=""))
    assert response.status_code == 200
    assert _("Give both the latitude and the longitude, or neither.") in str(
        response.context["form"].non_field_errors()
    )
    assert not Actor.objects.exists()

    response = analyst_client.post(url("add"), form_data(closed_year="1990"))
    assert response.status_code == 302
    assert Actor.objects.get().closed_year is None


def test_bad_input_is_refused_with_messages_and_nothing_written(analyst_client, places):
    data = form_data(
        siret="21210231500017",
        social_links="pas une adresse",
        **{"visitors-1-year": "2023", "visitors-1-visitors": "12"},
    )
    response = analyst_client.post(url("add"), data)
    assert response.status_code == 200
    form = response.context["form"]
    assert _("Enter a valid SIRET number: 14 digits, as shown on the employer's documents.") in str(
        form.errors["siret"]
    )
    assert _("“%(value)s” is not a web address.") % {"value": "pas une adresse"} in str(
        form.errors["social_links"]
    )
    assert _("The year %(year)s is given twice.") % {"year": 2023} in str(
        response.context["visitor_formset"].non_form_errors()
    )
    assert not Actor.objects.exists() and not ActorContact.objects.exists()


def test_an_actor_cannot_be_its_own_ancestor(analyst_client, places):
    parent = actor("Université", type_slug="universite", commune=places["dijon"])
    child = actor("Jardin de l'université", commune=places["dijon"], parent=parent)
    response = analyst_client.post(
        url("edit", parent.pk),
        edit_data(parent, type=str(parent.type_id), parent=str(child.pk)),
    )
    assert response.status_code == 200
    assert _("An actor cannot be its own parent organisation, even indirectly.") in str(
        response.context["form"].errors["parent"]
    )
    parent.refresh_from_db()
    assert parent.parent_id is None


# --- History and revert -----------------------------------------------------------------------


def test_the_history_shows_who_when_where_and_what_with_names(analyst_client, analyst, places):
    record = actor("Jardin des sciences", commune=places["dijon"], user=analyst)
    record.name = "Jardin botanique de Dijon"
    record.type = ActorType.objects.get(slug="zoo-aquarium")
    record.status = "closed"
    actor_save(record, user=analyst, source=RevisionSource.IMPORT, source_detail="export.csv")

    response = analyst_client.get(url("history", record.pk))
    assert response.status_code == 200
    text = response.content.decode()
    assert "Jardin des sciences" in text and "Jardin botanique de Dijon" in text
    assert "Jardin botanique, arboretum" in text and "Parc zoologique, aquarium" in text
    assert f"{ActorStatus.OPEN.label}</del> → <ins>{ActorStatus.CLOSED.label}" in text
    assert "Anne Lyse" in text
    assert str(RevisionSource.IMPORT.label) in text and "export.csv" in text
    assert _("Record created.") in text
    assert _("Revert to this version") in text


def test_revert_asks_then_restores_and_is_recorded(analyst_client, analyst, places):
    record = actor("Jardin des sciences", commune=places["dijon"], visitor_counts={2023: 100})
    first = record.revisions.get()
    record.name = "Nom erroné"
    actor_save(record, user=analyst, visitor_counts={2023: 100, 2024: 5})

    confirm = analyst_client.get(url("revert", record.pk, first.pk))
    assert confirm.status_code == 200
    assert 'id="actor-revert-form"' in confirm.content.decode()
    record.refresh_from_db()
    assert record.name == "Nom erroné"  # a GET changes nothing

    response = analyst_client.post(url("revert", record.pk, first.pk), follow=True)
    record.refresh_from_db()
    assert record.name == "Jardin des sciences"
    assert dict(record.visitor_counts.values_list("year", "visitors")) == {2023: 100}
    latest = record.revisions.first()
    assert (latest.source, latest.user, latest.source_detail) == (
        RevisionSource.REVERT,
        analyst,
        str(first.pk),
    )
    messages = [str(message) for message in response.context["messages"]]
    assert any("Jardin des sciences" in message for message in messages)

    # Reverting again to the same version changes nothing, and says so.
    response = analyst_client.post(url("revert", record.pk, first.pk), follow=True)
    assert record.revisions.count() == 3
    assert any(
        _("Nothing to change: the record is already as in the version of %(date)s.").split("%")[0]
        in str(message)
        for message in response.context["messages"]
    )


def test_a_revision_of_another_actor_cannot_be_reverted_through_this_one(analyst_client, places):
    one = actor("Un", commune=places["dijon"])
    other = actor("Autre", commune=places["dijon"])
    other.name = "Autre nom"
    actor_save(other)
    response = analyst_client.post(url("revert", one.pk, other.revisions.last().pk))
    # Not found (the site's locale middleware turns an admin 404 into a redirect to the
    # language-prefixed path, which is not found either): nothing reverted.
    assert response.status_code == 404 or (
        response.status_code == 302 and response["Location"].startswith("/fr/admin/")
    )
    assert one.revisions.count() == 1 and other.revisions.count() == 2
    other.refresh_from_db()
    assert other.name == "Autre nom"


# --- Refusals ---------------------------------------------------------------------------------


def test_staff_without_the_role_are_refused_everywhere(editor_client, places):
    record = actor("Jardin des sciences", commune=places["dijon"])
    revision = record.revisions.get()
    for address in (
        url("index"),
        url("add"),
        url("edit", record.pk),
        "/admin/snippets/inventory/actortype/",
        "/admin/snippets/inventory/label/",
        "/admin/snippets/inventory/actorfamily/",
    ):
        response = editor_client.get(address)
        assert response.status_code in (302, 403), address
    assert editor_client.get(url("history", record.pk)).status_code == 403
    assert editor_client.get(url("revert", record.pk, revision.pk)).status_code == 403

    response = editor_client.post(url("edit", record.pk), edit_data(record, name="Piraté"))
    assert response.status_code in (302, 403)
    response = editor_client.post(url("revert", record.pk, revision.pk))
    assert response.status_code == 403
    response = editor_client.post(url("add"), form_data(name="Intrus"))
    assert response.status_code in (302, 403)
    record.refresh_from_db()
    assert record.name == "Jardin des sciences"
    assert Actor.objects.count() == 1 and record.revisions.count() == 1
    assert editor_client.get("/admin/inventory_actor_chooser/").status_code in (302, 403)


def test_a_reader_of_the_inventory_sees_the_history_but_cannot_revert(client, places):
    from django.contrib.auth.models import Permission

    reader = user_with_role("editor")
    reader.user_permissions.add(
        Permission.objects.get(content_type__app_label="inventory", codename="view_actor")
    )
    client.force_login(reader)
    record = actor("Jardin des sciences", commune=places["dijon"])
    record.name = "Autre nom"
    actor_save(record)
    first = record.revisions.last()
    response = client.get(url("history", record.pk))
    assert response.status_code == 200
    assert _("Revert to this version") not in response.content.decode()
    assert client.post(url("revert", record.pk, first.pk)).status_code == 403
    record.refresh_from_db()
    assert record.name == "Autre nom"


def test_anonymous_visitors_are_sent_to_the_login(client, places):
    record = actor("Jardin des sciences", commune=places["dijon"])
    response = client.get(url("history", record.pk))
    assert response.status_code == 302 and "login" in response["Location"]


# --- Typology and choosers --------------------------------------------------------------------


def test_analysts_edit_the_typology_and_a_moved_type_takes_its_actors(analyst_client, places):
    record = actor("Planétarium", type_slug="planetarium", commune=places["dijon"])
    planetarium = ActorType.objects.get(slug="planetarium")
    museums = ActorFamily.objects.get(slug="musees")
    assert analyst_client.get("/admin/snippets/inventory/actortype/").status_code == 200
    response = analyst_client.post(
        f"/admin/snippets/inventory/actortype/edit/{planetarium.pk}/",
        {
            "family": str(museums.pk),
            "slug": "planetarium",
            "name_fr": "Planétarium",
            "name_en": "Planetarium",
            "description": "",
            "sort_order": "1",
        },
    )
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.family == museums
    assert AuditLogEntry.objects.filter(action="inventory.actor_type.family_synced").exists()
    # The directory finds it under its new family (its index holds a copy of the family).
    found = directory_search(ActorFilters(q="planétarium", families=("musees",)))
    assert [item.pk for item in found.page] == [record.pk]

    response = analyst_client.post(
        "/admin/snippets/inventory/label/add/",
        {"slug": "pole-excellence", "name": "Pôle d'excellence", "awarded_by": "", "url": ""},
    )
    assert response.status_code == 302
    assert Label.objects.filter(slug="pole-excellence").exists()


def test_the_commune_chooser_searches_by_name_and_postal_code(analyst_client, places):
    response = analyst_client.get("/admin/inventory_commune_chooser/results/?q=dij")
    assert response.status_code == 200
    text = response.content.decode()
    assert "Dijon" in text and "Lyon" not in text


def test_the_parent_chooser_searches_the_actors(analyst_client, places):
    actor("Université de Bourgogne", type_slug="universite", commune=places["dijon"])
    actor("Planétarium de Lyon", type_slug="planetarium", commune=places["lyon"])
    response = analyst_client.get("/admin/inventory_actor_chooser/results/?q=bourgogne")
    assert response.status_code == 200
    text = response.content.decode()
    assert "Université de Bourgogne" in text and "Planétarium de Lyon" not in text


def test_a_deleted_actor_goes_through_the_service_and_leaves_its_record_in_the_audit_log(
    client, places
):
    from ocim.accounts.tests.factories import UserFactory

    admin = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(admin)
    museum = actor("Muséum à supprimer", commune=places["dijon"])
    child = actor("Antenne du muséum", commune=places["dijon"], parent=museum)
    confirm = client.get(url("delete", museum.pk))
    assert confirm.status_code == 200

    response = client.post(url("delete", museum.pk))

    assert response.status_code == 302
    assert not Actor.objects.filter(pk=museum.pk).exists()
    child.refresh_from_db()
    assert child.parent_id is None
    entry = AuditLogEntry.objects.get(action="inventory.actor.deleted")
    assert entry.actor_id == admin.pk
    assert entry.data["name"] == "Muséum à supprimer"
    assert entry.data["snapshot"]["commune_id"] == places["dijon"].pk
