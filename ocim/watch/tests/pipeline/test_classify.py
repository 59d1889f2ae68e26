"""Classification: rules, thesaurus labels, family terms, territories and actors attach what a
curator expects to new items, and nothing for look-alike words; regular expressions are
checked before they are saved and cannot stall a worker."""

import pytest

from ocim.core.models import Concept, Department, Region
from ocim.inventory.models import Actor, ActorFamily, ActorType
from ocim.watch.models import (
    ClassificationRule,
    ConceptOrigin,
    Item,
    ItemConcept,
    RuleCondition,
)
from ocim.watch.pipeline.classify import (
    ItemText,
    classification_regex_clean,
    classifier_current,
)
from ocim.watch.pipeline.errors import ClassificationRuleError
from ocim.watch.pipeline.ingest import source_document_ingest

from .support import FETCHED_AT, rss, rss_item, source_make

pytestmark = pytest.mark.django_db


@pytest.fixture
def territories():
    regions = {
        code: Region.objects.create(code=code, name=name)
        for code, name in [
            ("84", "Auvergne-Rhône-Alpes"),
            ("44", "Grand Est"),
            ("53", "Bretagne"),
            ("24", "Centre-Val de Loire"),
            ("32", "Hauts-de-France"),
        ]
    }
    for code, name, region in [
        ("73", "Savoie", "84"),
        ("74", "Haute-Savoie", "84"),
        ("69", "Rhône", "84"),
        ("18", "Cher", "24"),
        ("45", "Loiret", "24"),
        ("59", "Nord", "32"),
        ("29", "Finistère", "53"),
    ]:
        Department.objects.create(code=code, name=name, region=regions[region])


@pytest.fixture
def concepts():
    return {
        "museum": Concept.objects.create(
            slug="t-museum",
            label_fr="Musée",
            label_en="Museum",
            synonyms_fr=["établissement muséal"],
        ),
        "ai": Concept.objects.create(
            slug="t-ai",
            label_fr="Intelligence artificielle",
            label_en="Artificial intelligence",
            synonyms_fr=["IA", "apprentissage automatique"],
            synonyms_en=["AI", "machine learning"],
        ),
        "art": Concept.objects.create(slug="t-art", label_fr="Art", label_en="Art"),
        "botany": Concept.objects.create(
            slug="t-botany", label_fr="Botanique", label_en="Botany", synonyms_fr=["flore"]
        ),
    }


def classify(**fields):
    return classifier_current().classify(ItemText(**fields))


def test_thesaurus_labels_match_whole_words_in_french_and_english(concepts):
    result = classify(
        title="Les MUSÉES et l'établissement muséal face à l'IA",
        summary="Machine learning in museums; an article about the artist's flore.",
    )
    found = set(result.concepts)
    assert found == {concepts["museum"].pk, concepts["ai"].pk, concepts["botany"].pk}
    assert {origin for origin, _rule in result.concepts.values()} == {ConceptOrigin.THESAURUS}
    # "ai" in French ("j'ai") is not the English acronym; "art" is not in "article".
    assert classify(summary="J'ai lu un article sur l'artiste.").concepts == {}


def test_territories_longest_name_wins_and_ambiguous_names_need_context(territories):
    result = classify(
        title="Fête de la science en Haute-Savoie et dans le Rhône, à Brest (Finistère)"
    )
    assert result.departments == {"74", "69", "29"}
    assert result.regions == {"84", "53"}
    # "Cher" and "Nord" are words ("cher public", "le Nord de l'Europe") unless in context.
    assert classify(summary="Cher public, rendez-vous au Nord de l'Europe.").departments == set()
    in_context = classify(summary="Au département du Nord et dans le Cher, Vierzon Cher 18.")
    assert in_context.departments == {"59", "18"}
    assert in_context.regions == {"32", "24"}
    assert classify(summary="Un musée de Grande-Bretagne").regions == set()
    assert classify(summary="Les musées d'Alsace").regions == {"44"}
    assert classify(summary="le grand est parti, la savoie").regions == set()


def test_actors_are_found_by_unique_long_names_and_acronyms():
    museums = ActorFamily.objects.get(slug="musees")
    science = ActorFamily.objects.get(slug="centres-sciences")
    museum_type = ActorType.objects.filter(family=museums).first()
    science_type = ActorType.objects.filter(family=science).first()

    def actor(name, actor_type, slug, other_names=""):
        return Actor.objects.create(
            name=name, slug=slug, type=actor_type, family=actor_type.family, other_names=other_names
        )

    cite = actor("Cité des sciences et de l'industrie", science_type, "cite", "CSI\nLa Cité")
    actor("Muséum d'histoire naturelle", museum_type, "mhn-1")
    actor("Muséum d'histoire naturelle", museum_type, "mhn-2")
    actor("Cap Sciences", science_type, "cap")
    result = classify(
        summary="La cite des sciences et de l’industrie et la CSI accueillent le muséum "
        "d'histoire naturelle. Cap Sciences aussi. La Cité."
    )
    assert result.actors == {cite.pk, Actor.objects.get(slug="cap").pk}
    assert science.pk in result.families
    assert classify(summary="csi et cap").actors == set()


def test_family_terms_attach_families():
    result = classify(title="Nuit des étoiles au planétarium")
    assert ActorFamily.objects.get(slug="centres-sciences").pk in result.families


def _rule(name, *conditions, match="all", concepts=(), regions=(), active=True, action="classify"):
    rule = ClassificationRule(name=name, match=match, active=active, action=action)
    rule.save()
    for field, operator, value, negate in conditions:
        RuleCondition.objects.create(
            rule=rule, field=field, operator=operator, value=value, negate=negate
        )
    # Parental relations are kept in memory until the rule is saved (modelcluster).
    rule.concepts.set(concepts)
    rule.regions.set(regions)
    rule.save()
    return rule


def test_rules_combine_conditions_on_every_field(concepts, territories):
    art = concepts["art"]
    all_rule = _rule(
        "Appels à projets",
        ("title", "contains", "appel a projets", False),
        ("url", "regex", r"/(aap|appels?)/", False),
        ("author", "contains", "robot", True),
        concepts=[art],
        regions=["84"],
    )
    any_rule = _rule(
        "Ministère",
        ("source", "contains", "culture.gouv", False),
        ("summary", "regex", r"\bminist[eè]re\b", False),
        match="any",
        concepts=[concepts["botany"]],
    )
    _rule(
        "Inactive", ("title", "contains", "appel", False), concepts=[concepts["ai"]], active=False
    )
    result = classify(
        title="Nouvel APPEL À PROJETS",
        url="https://example.org/appels/2026",
        author="Service presse",
        source="Ministère https://www.culture.gouv.fr/rss",
    )
    assert result.concepts == {
        art.pk: (ConceptOrigin.RULE, all_rule.pk),
        concepts["botany"].pk: (ConceptOrigin.RULE, any_rule.pk),
    }
    assert result.regions == {"84"}
    negated = classify(title="Appel à projets", url="https://e.org/aap/1", author="Robot")
    assert art.pk not in negated.concepts


def test_a_stored_rule_with_a_bad_expression_or_no_condition_is_ignored(concepts):
    _rule("Broken", ("title", "regex", "(a)\\1", False), concepts=[concepts["art"]])
    _rule("Empty", concepts=[concepts["art"]])
    assert classify(title="aa anything").concepts == {}


@pytest.mark.parametrize(
    ("pattern", "code"),
    [
        ("", "regex_empty"),
        ("   ", "regex_empty"),
        ("x" * 501, "regex_too_long"),
        ("mus(ée|ee", "regex_invalid"),
        ("(a)\\1", "regex_invalid"),
        ("mus(?=ée)", "regex_invalid"),
        ("(?<!pré)histoire", "regex_invalid"),
        ("a{1000}{1000}", "regex_invalid"),
    ],
)
def test_bad_regular_expressions_are_refused_with_a_message(pattern, code):
    with pytest.raises(ClassificationRuleError) as raised:
        classification_regex_clean(pattern)
    assert raised.value.code == code
    assert str(raised.value.message)


def test_a_catastrophic_pattern_for_backtracking_engines_runs_in_linear_time(concepts):
    classification_regex_clean("(a+)+$")
    _rule("Evil", ("content", "regex", "(a+)+$", False), concepts=[concepts["art"]])
    # Python's re would backtrack for longer than the age of the universe on this.
    result = classify(content="a" * 100_000 + "!")
    assert result.concepts == {}


def test_ingest_stores_every_link_with_its_origin(
    concepts, territories, django_capture_on_commit_callbacks
):
    source = source_make(region_id="53")
    source.concepts.add(concepts["botany"])
    rule = _rule("Musées", ("title", "contains", "musee", False), concepts=[concepts["museum"]])
    with django_capture_on_commit_callbacks(execute=True):
        rule.save()
    source_document_ingest(
        source=source,
        body=rss([rss_item(1, title="Le musée de Savoie mise sur l'IA")]),
        content_type="application/rss+xml",
        encoding=None,
        final_url=source.url,
        fetched_at=FETCHED_AT,
    )
    item = Item.objects.get()
    links = {(link.concept_id, link.origin, link.rule_id) for link in ItemConcept.objects.all()}
    assert links == {
        (concepts["museum"].pk, ConceptOrigin.RULE, rule.pk),
        (concepts["ai"].pk, ConceptOrigin.THESAURUS, None),
        (concepts["botany"].pk, ConceptOrigin.SOURCE, None),
    }
    assert set(item.regions.values_list("code", flat=True)) == {"53", "84"}
    assert set(item.departments.values_list("code", flat=True)) == {"73"}
    assert ActorFamily.objects.get(slug="musees") in item.families.all()


def test_a_rule_that_leaves_entries_out_stores_nothing_of_them(
    concepts, django_capture_on_commit_callbacks
):
    source = source_make()
    with django_capture_on_commit_callbacks(execute=True):
        rule = _rule(
            "Offres d'emploi",
            ("title", "regex", r"\b(recrute|offre d'emploi)\b", False),
            action="exclude",
        )
        _rule("Musées", ("title", "contains", "musee", False), concepts=[concepts["museum"]])
    assert classify(title="Le musée recrute un médiateur").excluded_by == rule.pk
    assert classify(title="Le musée rouvre").excluded_by is None

    def ingest(*entries):
        return source_document_ingest(
            source=source,
            body=rss(list(entries)),
            content_type="application/rss+xml",
            encoding=None,
            final_url=source.url,
            fetched_at=FETCHED_AT,
        )

    report = ingest(
        rss_item(1, title="Le musée rouvre ses réserves"),
        rss_item(2, title="Le musée recrute un médiateur scientifique"),
        rss_item(3, title="Offre d'emploi : régisseur des collections"),
    )
    assert (report.new_items, report.excluded) == (1, 2)
    assert list(Item.objects.values_list("title", flat=True)) == ["Le musée rouvre ses réserves"]
    assert ItemConcept.objects.count() == 1  # the kept item's only
    # Read again, the left-out entries are left out again; nothing else changes.
    report = ingest(
        rss_item(1, title="Le musée rouvre ses réserves"),
        rss_item(2, title="Le musée recrute un médiateur scientifique"),
    )
    assert (report.new_items, report.duplicates, report.excluded) == (0, 1, 1)
    assert Item.objects.count() == 1
    # The rule made inactive: the entry is stored at the next read.
    with django_capture_on_commit_callbacks(execute=True):
        rule.active = False
        rule.save()
    report = ingest(rss_item(2, title="Le musée recrute un médiateur scientifique"))
    assert (report.new_items, report.excluded) == (1, 0)


def test_the_classifier_is_rebuilt_when_rules_change(concepts, django_capture_on_commit_callbacks):
    first = classifier_current()
    assert classifier_current() is first
    with django_capture_on_commit_callbacks(execute=True):
        _rule("New", ("title", "contains", "fablab", False), concepts=[concepts["art"]])
    assert classifier_current() is not first
    assert concepts["art"].pk in classify(title="Un fablab ouvre").concepts


def test_the_phrase_matcher_finds_every_phrase_once_on_word_boundaries():
    from ocim.watch.pipeline.classify import PhraseMatcher

    matcher = PhraseMatcher()
    matcher.add(["musee"], "one word")
    matcher.add(["culture", "scientifique"], "two words")
    matcher.add(["centre", "de", "culture", "scientifique"], "four words")
    matcher.add(["science"], "not a word of the text")
    matcher.add(["de", "culture"], "first")
    matcher.freeze()
    words = ["centre", "de", "culture", "scientifique", "et", "musee", "musee", "sciences"]
    found = matcher.match(set(words), " " + " ".join(words) + " ")
    # Overlapping phrases all count, a phrase seen twice once, "science" is not "sciences".
    assert sorted(found) == ["first", "four words", "one word", "two words"]
    assert PhraseMatcher().freeze().match(set(), " ") == []
