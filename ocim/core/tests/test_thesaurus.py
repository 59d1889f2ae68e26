"""thesaurus_load() and the load_thesaurus command."""

import json

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from ocim.core.models import AuditLogEntry, Concept
from ocim.core.services import THESAURUS_PATH, ReferenceDataError, thesaurus_load


@pytest.fixture(autouse=True)
def _english():
    # Messages are asserted in English (their msgid); the site default is French.
    with translation.override("en"):
        yield


def concept(slug, broader=None, **fields):
    return {
        "slug": slug,
        "broader": broader,
        "label_fr": fields.get("label_fr", slug.title()),
        "label_en": fields.get("label_en", slug.title()),
        "synonyms_fr": fields.get("synonyms_fr", []),
        "synonyms_en": fields.get("synonyms_en", []),
        "definition_fr": fields.get("definition_fr", ""),
        "definition_en": fields.get("definition_en", ""),
    }


def write(path, concepts):
    path.write_text(json.dumps({"version": 1, "concepts": concepts}), encoding="utf-8")
    return path


@pytest.fixture
def small(tmp_path):
    return write(
        tmp_path / "thesaurus.json",
        [
            concept("museum", label_fr="Musée", label_en="Museum"),
            concept(
                "natural-history-museum",
                "museum",
                label_fr="Muséum d'histoire naturelle",
                label_en="Natural history museum",
                synonyms_fr=["muséum"],
            ),
            concept("mediation", label_fr="Médiation", label_en="Mediation"),
        ],
    )


@pytest.mark.django_db
def test_the_shipped_vocabulary_loads_and_covers_the_sector():
    report = thesaurus_load()

    count = len(json.loads(THESAURUS_PATH.read_text(encoding="utf-8"))["concepts"])
    assert 120 <= count <= 220
    assert report.concepts.created == count == Concept.objects.count()
    for slug in (
        "science-centre",
        "planetarium",
        "palaeontology",
        "participatory-science",
        "travelling-exhibition",
        "preventive-conservation",
        "osteology",
        "disabled-visitors",
        "open-data",
        "eco-design",
        "audience-studies",
        "professional-training",
    ):
        assert Concept.objects.filter(slug=slug).exists(), slug
    science_centre = Concept.objects.get(slug="science-centre")
    assert science_centre.broader.slug == "institution-types"
    assert "CCSTI" in science_centre.synonyms_fr
    assert science_centre.label_en == "Science centre"
    assert all(c.label_fr and c.label_en for c in Concept.objects.all())

    again = thesaurus_load()
    assert not again.changed
    assert Concept.objects.count() == count


@pytest.mark.django_db
def test_load_builds_the_tree_and_logs_once(small):
    report = thesaurus_load(path=small)

    assert report.concepts.created == 3
    child = Concept.objects.get(slug="natural-history-museum")
    assert child.broader == Concept.objects.get(slug="museum")
    assert child.synonyms_fr == ["muséum"]
    thesaurus_load(path=small)
    assert AuditLogEntry.objects.filter(action="core.thesaurus.loaded").count() == 1


@pytest.mark.django_db
def test_reload_updates_seeded_concepts_and_keeps_staff_concepts(small, tmp_path):
    thesaurus_load(path=small)
    museum = Concept.objects.get(slug="museum")
    staff_concept = Concept.objects.create(
        slug="cabinet-de-curiosites", label_fr="Cabinet de curiosités", label_en="Cabinet",
        broader=museum,
    )  # fmt: skip
    Concept.objects.filter(slug="mediation").update(label_fr="Changed by staff")

    updated = write(
        tmp_path / "v2.json",
        [
            concept("museum", label_fr="Musée", label_en="Museum"),
            concept(
                "natural-history-museum",
                "mediation",
                label_fr="Muséum",
                label_en="Natural history museum",
                synonyms_fr=["muséum", "muséum national"],
                synonyms_en=["natural science museum"],
            ),
            concept("mediation", label_fr="Médiation", label_en="Mediation"),
        ],
    )
    report = thesaurus_load(path=updated)

    child = Concept.objects.get(slug="natural-history-museum")
    assert child.label_fr == "Muséum"
    assert child.synonyms_en == ["natural science museum"]
    assert child.broader.slug == "mediation"
    assert Concept.objects.get(slug="mediation").label_fr == "Médiation"
    staff_concept.refresh_from_db()
    assert staff_concept.broader == museum
    assert report.concepts.updated == 2
    assert report.concepts.obsolete == 1
    assert report.broader_changed == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("concepts", "message"),
    [
        ([concept("a"), concept("a")], "concept a is repeated"),
        ([concept("a", "nowhere")], "unknown broader concept nowhere"),
        ([concept("a", "b"), concept("b", "a")], "cycle"),
        ([concept("a", "a")], "cannot be its own broader concept"),
        ([concept("Not A Slug")], "invalid slug"),
        ([{**concept("a"), "label_en": ""}], "missing or too long label_en"),
        ([{**concept("a"), "synonyms_fr": "muséum"}], "synonyms_fr must be a list"),
    ],
)
def test_inconsistent_files_are_refused_with_the_reason_and_nothing_written(
    tmp_path, concepts, message
):
    with pytest.raises(ReferenceDataError) as excinfo:
        thesaurus_load(path=write(tmp_path / "bad.json", concepts))
    assert message in str(excinfo.value.message)
    assert not Concept.objects.exists()


@pytest.mark.django_db
def test_unreadable_files_are_refused(tmp_path):
    broken = tmp_path / "broken.json"
    broken.write_text("{not json", encoding="utf-8")
    with pytest.raises(ReferenceDataError, match="not valid JSON"):
        thesaurus_load(path=broken)
    broken.write_text("[]", encoding="utf-8")
    with pytest.raises(ReferenceDataError, match="list named"):
        thesaurus_load(path=broken)
    with pytest.raises(ReferenceDataError, match="is missing"):
        thesaurus_load(path=tmp_path / "absent.json")


@pytest.mark.django_db
def test_command(small, capsys):
    call_command("load_thesaurus", "--file", str(small))
    assert "Concepts: 3 created" in capsys.readouterr().out
    with pytest.raises(CommandError, match="is missing"):
        call_command("load_thesaurus", "--file", str(small.parent / "absent.json"))
