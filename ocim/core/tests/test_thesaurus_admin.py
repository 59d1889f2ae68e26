"""The thesaurus in the Wagtail admin: searchable, filterable by broader concept, editable."""

import pytest

from ocim.accounts.tests.factories import UserFactory
from ocim.core.models import Concept

URL = "/admin/snippets/core/concept/"
RESULTS = f"{URL}results/"  # the listing without the filter form


@pytest.fixture
def editor(db, client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))


@pytest.fixture
def concepts(db):
    museum = Concept.objects.create(slug="museum", label_fr="Musée", label_en="Museum")
    centre = Concept.objects.create(
        slug="science-centre", label_fr="Centre de sciences", label_en="Science centre",
        synonyms_fr=["CCSTI"], broader=museum,
    )  # fmt: skip
    Concept.objects.create(slug="mediation", label_fr="Médiation", label_en="Mediation")
    return museum, centre


def form_data(concept, **changes):
    data = {
        "slug": concept.slug,
        "label_fr": concept.label_fr,
        "label_en": concept.label_en,
        "synonyms_fr": "\n".join(concept.synonyms_fr),
        "synonyms_en": "\n".join(concept.synonyms_en),
        "definition_fr": concept.definition_fr,
        "definition_en": concept.definition_en,
        "broader": concept.broader_id or "",
    }
    data.update(changes)
    return data


def test_search_finds_concepts_by_synonym_without_accents(client, editor, concepts):
    content = client.get(RESULTS, {"q": "ccsti"}).content.decode()
    assert "Centre de sciences" in content
    assert "Médiation" not in content
    assert "Médiation" in client.get(RESULTS, {"q": "mediation"}).content.decode()


def test_listing_filters_by_broader_concept(client, editor, concepts):
    museum, _centre = concepts
    content = client.get(RESULTS, {"broader": museum.pk}).content.decode()
    assert "Centre de sciences" in content
    assert "Médiation" not in content


def test_synonyms_are_edited_one_per_line(client, editor, concepts):
    _museum, centre = concepts
    response = client.post(
        f"{URL}edit/{centre.pk}/",
        form_data(
            centre,
            synonyms_fr="CCSTI\n centre de culture scientifique \n\n",
            synonyms_en="science center",
        ),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    centre.refresh_from_db()
    assert centre.synonyms_fr == ["CCSTI", "centre de culture scientifique"]
    assert centre.synonyms_en == ["science center"]


def test_a_concept_cannot_be_moved_under_its_own_narrower_concept(client, editor, concepts):
    museum, centre = concepts
    response = client.post(f"{URL}edit/{museum.pk}/", form_data(museum, broader=centre.pk))
    assert response.status_code == 200
    # The form is shown again with the error on the broader field (any language).
    assert response.context["form"].errors.keys() == {"broader"}
    museum.refresh_from_db()
    assert museum.broader is None


def test_staff_without_permission_cannot_see_the_thesaurus_admin(client, concepts):
    client.force_login(UserFactory(is_staff=True))
    response = client.get(URL)
    assert response.status_code in (302, 403)
