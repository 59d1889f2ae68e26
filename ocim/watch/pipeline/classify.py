"""Classification of new items: concepts, actor families, territories and actors.

What attaches what:

- **classification rules** (active ones): conditions on the title, summary, content, link,
  author or source (contains, accent- and case-insensitive; or a regular expression,
  case-insensitive), all or any of them, each possibly negated; a matching rule attaches its
  concepts (origin "rule"), families, regions and departments — or, for a rule that leaves
  entries out, makes the classification say so (``Classification.excluded_by``): the pipeline
  then stores nothing of the entry;
- **thesaurus labels**: the French and English labels and synonyms of every concept, matched
  as whole words, accent- and case-insensitive, singular or plural ("musées" finds "Musée");
  labels written in capitals (acronyms: CCSTI, IA) only with their capitals;
- **family terms**: the names of actor families and of their types ("planétarium" → science
  centres);
- **territories**: region and department names with their capitals ("Haute-Savoie" is not also
  "Savoie": the longest name wins). Names that are also common words or other places (Cher,
  Lot, Manche, Nord, Vienne, Loire…) count only after "département du", "dans le", "en"… or
  before their code ("Cher 18");
- **actors** of the inventory, by name: names shared by several actors, and short ones, are
  ambiguous and never matched; acronyms in "other names" only with their capitals. A mentioned
  actor also attaches its family;
- **the source**: its concepts (origin "source"), region and department.

Regular expressions are curators' input: they run on RE2 (linear time, bounded memory; no
backreferences or lookarounds), so no rule can stall a worker, and are validated by
``classification_regex_clean`` before they are saved. The compiled classifier is kept per
process and rebuilt when rules or the thesaurus change (a generation number in the shared
cache, bumped on commit) or after ``OCIM_WATCH_CLASSIFIER_TTL`` seconds (actor names).
"""

from __future__ import annotations

import logging
import re
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

import ahocorasick
import re2
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from ..models import (
    ClassificationRule,
    ConceptOrigin,
    ConditionField,
    ConditionOperator,
    RuleAction,
)
from .errors import ClassificationRuleError
from .text import fold, fold_keep_case

logger = logging.getLogger(__name__)

MAX_PATTERN_LENGTH = 500
# RE2's memory budget per expression: a larger program is refused when it is compiled.
REGEX_MAX_MEMORY = 2 << 20
# Characters of an item's content read by the thesaurus, territory and actor matchers: the
# start of an article says what it is about; a concept named once in the tenth paragraph is
# not its subject (and a long article would get dozens). Rules read the whole content.
MATCH_CONTENT_CHARACTERS = 2_000
MIN_ACTOR_NAME_CHARACTERS = 12

_WORD = re.compile(r"[a-z0-9]+")
_WORD_KEEP_CASE = re.compile(r"[A-Za-z0-9]+")
# Plural endings: "musees" and "musee", "jeux" and "jeu" become the same word.
# The same matches as (?<=[a-z0-9]{3})[sx]\b, found three times faster: starting with a
# character set lets the engine skip to each s or x instead of trying every position.
_PLURAL = re.compile(r"[sx](?<=[a-z0-9]{3}[sx])\b")
_ACRONYM = re.compile(r"^[A-Z][A-Z0-9]{1,7}$")

# Territory names that are also common words or other places: matched only in context.
AMBIGUOUS_TERRITORIES = frozenset(
    {
        "Allier", "Aube", "Aude", "Calvados", "Cher", "Creuse", "Jura", "Landes", "Loire",
        "Lot", "Manche", "Marne", "Nord", "Orne", "Somme", "Var", "Vienne",
    }
)  # fmt: skip
_CONTEXT_BEFORE = (
    " departement du", " departement de la", " departement de l", " departement des",
    " departement de", " dans le", " dans la", " dans l", " en",
)  # fmt: skip
# Other names of regions (the former regions, short names) → region code.
REGION_ALIASES = {
    "Alsace": "44", "Lorraine": "44", "Champagne-Ardenne": "44", "Picardie": "32",
    "Nord-Pas-de-Calais": "32", "Limousin": "75", "Aquitaine": "75", "Poitou-Charentes": "75",
    "Midi-Pyrénées": "76", "Languedoc-Roussillon": "76", "Rhône-Alpes": "84",
    "Auvergne": "84", "Bourgogne": "27", "Franche-Comté": "27", "Basse-Normandie": "28",
    "Haute-Normandie": "28", "Provence": "93", "Côte d'Azur": "93", "PACA": "93",
    "Île de France": "11", "Ile-de-France": "11",
}  # fmt: skip
# Names that contain a territory's name but are not that territory.
BLOCKING_NAMES = ("Grande-Bretagne", "Val de Loire", "Nouvelle-Calédonie")


def _words(text: str) -> list[str]:
    return _WORD.findall(_PLURAL.sub("", fold(text)))


def _words_keep_case(text: str) -> list[str]:
    return _WORD_KEEP_CASE.findall(fold_keep_case(text))


# --- Regular expressions ---------------------------------------------------------------------


def _regex_options():
    options = re2.Options()
    options.case_sensitive = False
    options.max_mem = REGEX_MAX_MEMORY
    options.log_errors = False
    return options


def regex_compile(pattern: str):
    """``pattern`` compiled with RE2 (case-insensitive); raises ``re2.error``."""
    return re2.compile(pattern, options=_regex_options())


def classification_regex_clean(pattern: str) -> str:
    """Validate a rule condition's regular expression; returns it unchanged.

    Raises ``ClassificationRuleError`` (translated) when it is empty, longer than 500
    characters, or refused by RE2: a syntax error, a construct RE2 does not run
    (backreferences, lookarounds), or a program too large for its memory budget."""
    if not isinstance(pattern, str) or not pattern.strip():
        raise ClassificationRuleError(_("Enter a regular expression."), code="regex_empty")
    if len(pattern) > MAX_PATTERN_LENGTH:
        raise ClassificationRuleError(
            _("A regular expression may be at most %(count)s characters long.")
            % {"count": MAX_PATTERN_LENGTH},
            code="regex_too_long",
        )
    try:
        regex_compile(pattern)
    except re2.error as error:
        detail = error.args[0] if error.args else ""
        if isinstance(detail, bytes):
            detail = detail.decode("utf-8", errors="replace")
        raise ClassificationRuleError(
            _(
                "This regular expression cannot be used: %(detail)s. Backreferences and"
                " lookarounds are not supported."
            )
            % {"detail": detail or _("invalid or too complex")},
            code="regex_invalid",
        ) from error
    return pattern


# --- The text of an item -------------------------------------------------------------------


@dataclass
class ItemText:
    """The fields an item is classified on (plain text)."""

    title: str = ""
    summary: str = ""
    content: str = ""
    url: str = ""
    author: str = ""
    source: str = ""

    @classmethod
    def of_entry(cls, entry, *, source: str) -> ItemText:
        """The text of a normalised entry (``normalise.NormalisedEntry``) as a new item's:
        what the pipeline classifies, and what a source's preview shows it would."""
        return cls(
            title=entry.title,
            summary=entry.summary,
            content=entry.content_text,
            url=entry.identity.url,
            author=entry.author,
            source=source,
        )

    def field(self, name: str) -> str:
        return getattr(self, name, "")

    @cached_property
    def _folded(self) -> dict[str, str]:
        return {}

    def folded(self, name: str) -> str:
        cache = self._folded
        if name not in cache:
            cache[name] = fold(self.field(name))
        return cache[name]

    @cached_property
    def matching_text(self) -> str:
        return f"{self.title}\n{self.summary}\n{self.content[:MATCH_CONTENT_CHARACTERS]}"

    @cached_property
    def _ascii(self) -> str:
        return fold_keep_case(self.matching_text)

    @cached_property
    def words(self) -> tuple[set[str], str]:
        """The folded words of the text (plural endings removed): as a set, and joined by
        single spaces with a space at each end (a phrase is found as a substring, on word
        boundaries)."""
        words = _WORD.findall(_PLURAL.sub("", self._ascii.lower()))
        return set(words), " " + " ".join(words) + " "

    @cached_property
    def words_keep_case(self) -> tuple[set[str], str]:
        """The same with capitals kept and plurals untouched (names and acronyms)."""
        words = _WORD_KEEP_CASE.findall(self._ascii)
        return set(words), " " + " ".join(words) + " "


# --- Matchers ------------------------------------------------------------------------------


class PhraseMatcher:
    """Finds which of many phrases (word sequences) occur in a text, as whole words.

    Phrases of one word are looked up in the text's set of words (one set intersection).
    Longer ones are held by one Aho-Corasick automaton (``pyahocorasick``, in C), each as its
    words joined by spaces with a space at each end: one pass over the text's words, joined
    the same way, finds every one it contains, whatever their number. (A Python loop over the
    phrases filed under each word of the text cost about 100 µs per item with 5,000 actor
    names; single words in the automaton, every occurrence of "musee" a match to read.)"""

    def __init__(self):
        self._values: dict[str, list] = {}
        self._single: dict[str, tuple] = {}
        self._single_keys: frozenset[str] = frozenset()
        self._automaton = None

    def add(self, words: list[str], value) -> None:
        if words:
            self._values.setdefault(" ".join(words), []).append(value)

    def freeze(self) -> PhraseMatcher:
        automaton = ahocorasick.Automaton()
        for phrase, values in self._values.items():
            if " " in phrase:
                automaton.add_word(f" {phrase} ", tuple(values))
            else:
                self._single[phrase] = tuple(values)
        self._single_keys = frozenset(self._single)
        if len(automaton):
            automaton.make_automaton()
            self._automaton = automaton
        return self

    def __len__(self) -> int:
        return sum(len(values) for values in self._values.values())

    def match(self, words: set[str] | frozenset[str], joined: str) -> list:
        """The values of the phrases found in a text: ``words`` its set of words, ``joined``
        its words joined by single spaces with a space at each end. Each phrase once."""
        single = self._single
        found = [value for word in words & self._single_keys for value in single[word]]
        if self._automaton is not None:
            # A phrase found several times is one tuple of values, kept once.
            for values in {values for _end, values in self._automaton.iter(joined)}:
                found += values
        return found


@dataclass
class _Territory:
    phrase: str
    region: str | None
    department: str | None
    ambiguous: bool
    code: str


class TerritoryMatcher:
    """Region and department names (capitals kept), the longest match winning, ambiguous
    names only in context (see the module docstring). Found in one pass by an Aho-Corasick
    automaton, as ``PhraseMatcher``."""

    def __init__(self, regions, departments):
        by_phrase: dict[str, list[_Territory]] = {}

        def add(name, region, department, code=""):
            words = _words_keep_case(name)
            if not words:
                return
            phrase = " " + " ".join(words) + " "
            entry = _Territory(phrase, region, department, name in AMBIGUOUS_TERRITORIES, code)
            by_phrase.setdefault(phrase, []).append(entry)

        for code, name in regions:
            add(name, code, None)
        known = {code for code, _name in regions}
        for alias, code in REGION_ALIASES.items():
            if code in known:
                add(alias, code, None)
        for code, name, region_code in departments:
            add(name, region_code, code, code)
        for name in BLOCKING_NAMES:
            add(name, None, None)
        self._automaton = None
        if by_phrase:
            self._automaton = ahocorasick.Automaton()
            for phrase, entries in by_phrase.items():
                self._automaton.add_word(phrase, (len(phrase), tuple(entries)))
            self._automaton.make_automaton()

    def match(self, joined: str) -> tuple[set[str], set[str]]:
        if self._automaton is None:
            return set(), set()
        hits = []
        for end, (length, entries) in self._automaton.iter(joined):
            # The phrase's words span [start, stop) of ``joined``, without the spaces around.
            start, stop = end - length + 2, end
            for entry in entries:
                hits.append((start, stop, entry))
        if not hits:
            return set(), set()
        hits.sort(key=lambda hit: (hit[0] - hit[1], hit[0]))
        # Characters of ``joined`` already covered by a longer name: one byte each.
        taken = bytearray(len(joined))
        regions: set[str] = set()
        departments: set[str] = set()
        for start, end, entry in hits:
            if taken.find(1, start, end) != -1:
                continue
            if entry.ambiguous and not self._in_context(joined, start, end, entry.code):
                continue
            taken[start:end] = b"\x01" * (end - start)
            if entry.department:
                departments.add(entry.department)
            if entry.region:
                regions.add(entry.region)
        return regions, departments

    @staticmethod
    def _in_context(joined: str, start: int, end: int, code: str) -> bool:
        before = joined[max(0, start - 24) : start - 1].lower()
        if before.endswith(_CONTEXT_BEFORE):
            return True
        return bool(code) and joined.startswith(f" {code} ", end)


# --- Rules ---------------------------------------------------------------------------------


@dataclass
class _Condition:
    field: str
    regex: object | None
    needle: str
    negate: bool

    def holds(self, text: ItemText, regex_matches: set[int]) -> bool:
        if self.regex is not None:
            found = id(self) in regex_matches
        else:
            found = self.needle in text.folded(self.field)
        return found != self.negate


@dataclass
class _Rule:
    pk: int
    match_all: bool
    conditions: list[_Condition]
    # A rule that leaves the entry out (``RuleAction.EXCLUDE``): it attaches nothing.
    exclude: bool
    concepts: list[int]
    families: list[int]
    regions: list[str]
    departments: list[str]

    def matches(self, text: ItemText, regex_matches: set[int]) -> bool:
        if len(self.conditions) == 1:
            # Most rules have one condition: no generator to build for it.
            return self.conditions[0].holds(text, regex_matches)
        if self.match_all:
            return all(condition.holds(text, regex_matches) for condition in self.conditions)
        return any(condition.holds(text, regex_matches) for condition in self.conditions)


class _RegexSets:
    """Every rule's regular expressions on one field, in one RE2 set: a single pass over the
    field's text tells which of them match (instead of one search per expression)."""

    def __init__(self, rules: list[_Rule]):
        by_field: dict[str, list[_Condition]] = {}
        for rule in rules:
            for condition in rule.conditions:
                if condition.regex is not None:
                    by_field.setdefault(condition.field, []).append(condition)
        self._sets = []
        for field_name, conditions in by_field.items():
            options = _regex_options()
            options.max_mem = REGEX_MAX_MEMORY * len(conditions)
            regex_set = re2.Set.SearchSet(options)
            try:
                for condition in conditions:
                    regex_set.Add(condition.regex.pattern)
                regex_set.Compile()
            except re2.error:
                # Together too large for one set: searched one by one.
                regex_set = None
            self._sets.append((field_name, regex_set, conditions))

    def matches(self, text: ItemText) -> set[int]:
        found: set[int] = set()
        for field_name, regex_set, conditions in self._sets:
            value = text.field(field_name)
            if not value:
                continue
            if regex_set is None:
                found.update(id(c) for c in conditions if c.regex.search(value) is not None)
            else:
                found.update(id(conditions[index]) for index in regex_set.Match(value) or ())
        return found


def _condition_compile(field_name: str, operator: str, value: str, negate: bool) -> _Condition:
    """A rule's condition ready to test; raises ``ClassificationRuleError`` (translated) for
    an unknown field, an unusable regular expression or an empty text."""
    if field_name not in ConditionField.values:
        raise ClassificationRuleError(_("Choose the field the condition looks at."), code="field")
    if operator == ConditionOperator.REGEX:
        classification_regex_clean(value)
        return _Condition(field_name, regex_compile(value), "", bool(negate))
    needle = fold(value or "").strip()
    if not needle:
        raise ClassificationRuleError(_("Give the text to look for."), code="text_empty")
    return _Condition(field_name, None, needle, bool(negate))


def rule_matcher(*, match_all: bool, conditions) -> Callable[[ItemText], bool]:
    """Whether an item's text passes a rule made of ``conditions`` ((field, operator, value,
    negate) tuples), exactly as the classifier tests a stored rule: to try a rule before saving
    it. Raises ``ClassificationRuleError`` (translated) for an unusable condition or none."""
    compiled = [_condition_compile(*condition) for condition in conditions]
    if not compiled:
        raise ClassificationRuleError(
            _("Give the rule at least one condition."), code="no_condition"
        )
    rule = _Rule(
        pk=0,
        match_all=match_all,
        conditions=compiled,
        exclude=False,
        concepts=[],
        families=[],
        regions=[],
        departments=[],
    )
    regex_sets = _RegexSets([rule])
    return lambda text: rule.matches(text, regex_sets.matches(text))


def _rules_load() -> list[_Rule]:
    rules = []
    queryset = ClassificationRule.objects.filter(active=True).prefetch_related(
        "conditions", "concepts", "families", "regions", "departments"
    )
    for rule in queryset:
        try:
            conditions = [
                _condition_compile(c.field, c.operator, c.value, c.negate)
                for c in rule.conditions.all()
            ]
        except ClassificationRuleError as error:
            logger.warning("classification rule %s is unusable: %s", rule.pk, error.code)
            continue
        # A rule without conditions would match everything: it is ignored, like a broken one.
        if not conditions:
            continue
        rules.append(
            _Rule(
                pk=rule.pk,
                match_all=rule.match != "any",
                conditions=conditions,
                exclude=rule.action == RuleAction.EXCLUDE,
                concepts=[concept.pk for concept in rule.concepts.all()],
                families=[family.pk for family in rule.families.all()],
                regions=[region.pk for region in rule.regions.all()],
                departments=[department.pk for department in rule.departments.all()],
            )
        )
    return rules


# --- The classifier ------------------------------------------------------------------------


# Read once: each access to a member through the enumeration class costs a microsecond, and
# classification made over a hundred thousand of them per thousand items.
# Plain strings (the members' values): link rows are written as they are, without a str() per
# link.
_RULE = ConceptOrigin.RULE.value
_SOURCE = ConceptOrigin.SOURCE.value
_BY_THESAURUS = (ConceptOrigin.THESAURUS.value, None)


@dataclass
class Classification:
    """What an item gets: concepts (id → (origin, rule id)), families, regions, departments
    (codes) and actors mentioned."""

    concepts: dict[int, tuple[str, int | None]] = field(default_factory=dict)
    families: set[int] = field(default_factory=set)
    regions: set[str] = field(default_factory=set)
    departments: set[str] = field(default_factory=set)
    actors: set[int] = field(default_factory=set)
    # The rule that leaves the entry out, if one matched: nothing else is worked out then.
    excluded_by: int | None = None

    def concept_add(self, concept_id: int, origin: str, rule_id: int | None = None) -> None:
        # The first reason wins: a rule (the most specific), then a label, then the source.
        self.concepts.setdefault(concept_id, (origin, rule_id))


class Classifier:
    """Everything classification needs, compiled once (see ``classifier_current``)."""

    def __init__(self):
        from ocim.core.models import Concept, Department, Region
        from ocim.inventory.selectors import actor_family_terms, actor_names_for_matching

        self.rules = _rules_load()
        # Rules that leave entries out are tried first: a left-out entry needs nothing else.
        self.exclusions = [rule for rule in self.rules if rule.exclude]
        self.regex_sets = _RegexSets(self.rules)
        # One matcher for every name read without capitals (concepts, family terms, actors),
        # one for acronyms: values are (kind, id).
        self.names = PhraseMatcher()
        self.acronyms = PhraseMatcher()
        for pk, *labels, synonyms_fr, synonyms_en in Concept.objects.values_list(
            "pk", "label_fr", "label_en", "synonyms_fr", "synonyms_en"
        ):
            for label in [*labels, *_strings(synonyms_fr), *_strings(synonyms_en)]:
                self._label_add(label, ("concept", pk))
        for family_id, terms in actor_family_terms().items():
            for term in terms:
                self._label_add(term, ("family", family_id))

        regions = list(Region.objects.values_list("code", "name"))
        departments = list(Department.objects.values_list("code", "name", "region_id"))
        self.territories = TerritoryMatcher(regions, departments)
        self.department_regions = {code: region for code, _name, region in departments}

        self.actor_families: dict[int, int] = {}
        self._actors_add(actor_names_for_matching())
        self.names.freeze()
        self.acronyms.freeze()

    def _label_add(self, label: str, value: tuple[str, int]) -> None:
        label = label.strip()
        if _ACRONYM.match(label):
            self.acronyms.add([label], value)
            return
        words = _words(label)
        if len("".join(words)) >= 3:
            self.names.add(words, value)

    def _actors_add(self, actors) -> None:
        names: dict[str, list[tuple[list[str], int]]] = {}
        acronyms: dict[str, list[int]] = {}
        for pk, name, other_names, family_id in actors:
            self.actor_families[pk] = family_id
            for alternative in [name, *(other_names or "").splitlines()]:
                alternative = alternative.strip()
                if not alternative:
                    continue
                if _ACRONYM.match(alternative) and len(alternative) >= 3:
                    acronyms.setdefault(alternative, []).append(pk)
                    continue
                words = _words(alternative)
                long_enough = len(words) >= 3 or (
                    len(words) == 2 and len(alternative) >= MIN_ACTOR_NAME_CHARACTERS
                )
                if long_enough:
                    names.setdefault(" ".join(words), []).append((words, pk))
        for entries in names.values():
            if len({pk for _words_, pk in entries}) == 1:
                self.names.add(entries[0][0], ("actor", entries[0][1]))
        for acronym, pks in acronyms.items():
            if len(set(pks)) == 1:
                self.acronyms.add([acronym], ("actor", pks[0]))

    def classify(
        self, text: ItemText, *, source_facts: SourceFacts | None = None
    ) -> Classification:
        result = Classification()
        if self.rules:
            regex_matches = self.regex_sets.matches(text)
            for rule in self.exclusions:
                if rule.matches(text, regex_matches):
                    return Classification(excluded_by=rule.pk)
            for rule in self.rules:
                if rule.exclude:
                    continue
                if rule.matches(text, regex_matches):
                    for concept_id in rule.concepts:
                        result.concept_add(concept_id, _RULE, rule.pk)
                    result.families.update(rule.families)
                    result.regions.update(rule.regions)
                    result.departments.update(rule.departments)
        words, joined = text.words
        words_kc, joined_kc = text.words_keep_case
        # Inlined concept_add: texts dense with thesaurus words get dozens of labels each.
        add_concept = result.concepts.setdefault
        for kind, value in [
            *self.names.match(words, joined),
            *self.acronyms.match(words_kc, joined_kc),
        ]:
            if kind == "concept":
                add_concept(value, _BY_THESAURUS)
            elif kind == "family":
                result.families.add(value)
            else:
                result.actors.add(value)
        regions, departments = self.territories.match(joined_kc)
        result.regions.update(regions)
        result.departments.update(departments)
        for actor_id in result.actors:
            family_id = self.actor_families.get(actor_id)
            if family_id:
                result.families.add(family_id)
        if source_facts is not None:
            for concept_id in source_facts.concepts:
                result.concept_add(concept_id, _SOURCE)
            if source_facts.region:
                result.regions.add(source_facts.region)
            if source_facts.department:
                result.departments.add(source_facts.department)
        for department in result.departments:
            region = self.department_regions.get(department)
            if region:
                result.regions.add(region)
        return result


@dataclass
class SourceFacts:
    """What a source gives all its items: its concepts and territory."""

    concepts: list[int]
    region: str | None
    department: str | None

    @classmethod
    def of(cls, source) -> SourceFacts:
        from django.db import connection

        # Raw SQL: building the queryset cost more than running it, once per document.
        through = source.concepts.through._meta
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {through.get_field('concept').column} FROM {through.db_table} "  # noqa: S608 - names from the model
                f"WHERE {through.get_field('source').column} = %s ORDER BY 1",
                [source.pk],
            )
            concepts = [row[0] for row in cursor.fetchall()]
        return cls(
            concepts=concepts,
            region=source.region_id,
            department=source.department_id,
        )


def _strings(values) -> list[str]:
    return [value for value in values if isinstance(value, str)] if isinstance(values, list) else []


_GENERATION_KEY = "watch:classifier:generation"
_current: dict[str, object] = {"classifier": None, "generation": None, "built_at": 0.0}


def classifier_current() -> Classifier:
    """This process's classifier, rebuilt when rules or the thesaurus changed anywhere (the
    shared cache's generation) or after ``OCIM_WATCH_CLASSIFIER_TTL`` seconds."""
    generation = cache.get(_GENERATION_KEY)
    if generation is None:
        cache.add(_GENERATION_KEY, uuid.uuid4().hex, None)
        generation = cache.get(_GENERATION_KEY)
    ttl = getattr(settings, "OCIM_WATCH_CLASSIFIER_TTL", 300)
    classifier = _current["classifier"]
    if (
        classifier is None
        or _current["generation"] != generation
        or time.monotonic() - _current["built_at"] > ttl
    ):
        classifier = Classifier()
        _current.update(classifier=classifier, generation=generation, built_at=time.monotonic())
    return classifier


def classifier_invalidate(**_kwargs) -> None:
    """Make every process rebuild its classifier (after the current transaction commits)."""
    transaction.on_commit(lambda: cache.set(_GENERATION_KEY, uuid.uuid4().hex, None))


def connect_signals() -> None:
    """Rebuild classifiers when rules, conditions, concepts or territories change."""
    from django.db.models.signals import m2m_changed, post_delete, post_save

    from ocim.core.models import Concept, Department, Region

    from ..models import RuleCondition

    for model in (ClassificationRule, RuleCondition, Concept, Region, Department):
        post_save.connect(
            classifier_invalidate,
            sender=model,
            dispatch_uid=f"watch-classifier-{model.__name__}-save",
        )
        post_delete.connect(
            classifier_invalidate,
            sender=model,
            dispatch_uid=f"watch-classifier-{model.__name__}-delete",
        )
    for relation in ("concepts", "families", "regions", "departments"):
        m2m_changed.connect(
            classifier_invalidate,
            sender=getattr(ClassificationRule, relation).through,
            dispatch_uid=f"watch-classifier-rule-{relation}",
        )


def classification_rows(classified: list[tuple[int, Classification]]) -> list[tuple]:
    """The link rows of ``(item id, classification)`` pairs, as ``(model, fields, rows)`` for
    ``bulk.rows_write``: concepts, families, regions, departments and actors."""
    from ..models import Item, ItemConcept

    concepts, families, regions, departments, actors = [], [], [], [], []
    for item_id, result in classified:
        # Origins are plain strings (see _RULE); str() only for a caller's choices member.
        concepts += [
            (item_id, concept_id, origin if type(origin) is str else str(origin), rule_id)
            for concept_id, (origin, rule_id) in result.concepts.items()
        ]
        families += [(item_id, pk) for pk in result.families]
        regions += [(item_id, code) for code in result.regions]
        departments += [(item_id, code) for code in result.departments]
        actors += [(item_id, pk) for pk in result.actors]
    return [
        (ItemConcept, ("item", "concept", "origin", "rule"), concepts),
        (Item.families.through, ("item", "actorfamily"), families),
        (Item.regions.through, ("item", "region"), regions),
        (Item.departments.through, ("item", "department"), departments),
        (Item.actors.through, ("item", "actor"), actors),
    ]


def classifications_store(
    classified: list[tuple[int, Classification]], *, ignore_conflicts: bool = False
) -> None:
    """Write the links of ``(item id, classification)`` pairs: one statement for every table
    on PostgreSQL. ``ignore_conflicts`` when the items may already have some (a second
    classification): then one statement per table."""
    from .bulk import rows_insert, rows_write

    tables = classification_rows(classified)
    if not ignore_conflicts:
        rows_write(tables)
        return
    for model, fields, rows in tables:
        rows_insert(model, fields, rows, ignore_conflicts=True)
