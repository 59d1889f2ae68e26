"""Reads of the shared kernel: territories (region › department › commune) and the thesaurus."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from .errors import NotFoundError
from .models import Commune, Concept, Department, Region

GEO_DATA_DIR = Path(__file__).resolve().parent / "data" / "geo-fr"

# Characters that separate words in French place names and labels.
_SEPARATORS = re.compile(r"[\s\-‐‑–—'’`´_/.,;:()\[\]«»\"]+")
# Ligatures that Unicode decomposition leaves alone.
_LIGATURES = str.maketrans({"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae", "ß": "ss"})
# Abbreviations people type for the saints that name thousands of communes.
_ABBREVIATIONS = {"st": "saint", "ste": "sainte", "sts": "saints", "stes": "saintes"}


def normalize_search_text(text: str) -> str:
    """Lower-case ``text``, drop accents, turn hyphens/apostrophes into spaces, expand "st".

    ``"Saint-Étienne"`` and ``"st etienne"`` both give ``"saint etienne"``;
    ``"Pont-l'Évêque"`` gives ``"pont l eveque"``. Used for stored search names and queries.
    """
    text = (text or "").translate(_LIGATURES)
    if text.isascii():
        stripped = text
    else:
        decomposed = unicodedata.normalize("NFKD", text)
        stripped = "".join(char for char in decomposed if not unicodedata.combining(char))
    words = _SEPARATORS.split(stripped.lower())
    return " ".join(_ABBREVIATIONS.get(word, word) for word in words if word)


# --- Territories ------------------------------------------------------------------------------


def region_list() -> QuerySet[Region]:
    """All regions, by name."""
    return Region.objects.order_by("name")


def department_list(*, region_code: str | None = None) -> QuerySet[Department]:
    """Departments by INSEE code, optionally only those of one region."""
    departments = Department.objects.select_related("region").order_by("code")
    if region_code:
        departments = departments.filter(region_id=region_code)
    return departments


def commune_get(insee_code: str) -> Commune:
    """The commune with this INSEE code (with its department and region).

    Raises ``NotFoundError`` when there is none.
    """
    code = (insee_code or "").strip().upper()
    commune = Commune.objects.select_related("department__region").filter(insee_code=code).first()
    if commune is None:
        raise NotFoundError(_("No commune has the INSEE code %(code)s.") % {"code": code})
    return commune


def communes_for_postal_code(code: str) -> list[Commune]:
    """Communes served by a postal code, most populated first (empty for unknown codes)."""
    code = (code or "").strip().replace(" ", "")
    if not re.fullmatch(r"\d{5}", code):
        return []
    return list(
        Commune.objects.filter(postal_codes__code=code)
        .select_related("department")
        .distinct()
        .order_by("-population", "name")
    )


def commune_search(query: str, limit: int = 20) -> list[Commune]:
    """Communes whose name matches ``query``, case- and accent-insensitively.

    Names starting with the query come first, then names with a word starting with it
    ("eveque" finds "Pont-l'Évêque"); each group by decreasing population. A five-digit query
    is read as a postal code, a code like "2A004" as an INSEE code.
    """
    limit = max(0, min(int(limit), 100))
    raw = (query or "").strip()
    if not raw or not limit:
        return []
    compact = raw.replace(" ", "")
    if re.fullmatch(r"\d{5}", compact):
        by_postal_code = communes_for_postal_code(compact)
        if by_postal_code:
            return by_postal_code[:limit]
    if re.fullmatch(r"(\d{2}|2[ABab])\d{3}", compact):
        found = Commune.objects.select_related("department").filter(insee_code=compact.upper())
        if found:
            return list(found)
    text = normalize_search_text(raw)
    if not text:
        return []
    base = Commune.objects.select_related("department").order_by("-population", "name")
    results = list(base.filter(search_name__startswith=text)[:limit])
    if len(results) < limit:
        seen = [commune.insee_code for commune in results]
        results += list(
            base.filter(search_name__contains=f" {text}").exclude(insee_code__in=seen)[
                : limit - len(results)
            ]
        )
    return results


def territory_boundaries_path(level: Literal["regions", "departements"]) -> Path:
    """The GeoJSON file of simplified region or department boundaries (for maps)."""
    if level not in ("regions", "departements"):
        raise ValueError(f"Unknown boundary level {level!r}.")
    return GEO_DATA_DIR / f"{level}.geojson"


# --- Thesaurus --------------------------------------------------------------------------------


@dataclass
class ConceptNode:
    concept: Concept
    children: list[ConceptNode] = field(default_factory=list)


def concept_get(slug: str) -> Concept:
    """The concept with this identifier; raises ``NotFoundError`` when there is none."""
    concept = Concept.objects.select_related("broader").filter(slug=slug).first()
    if concept is None:
        raise NotFoundError(_("No concept has the identifier %(slug)s.") % {"slug": slug})
    return concept


def concept_search(text: str, *, limit: int = 20) -> list[Concept]:
    """Concepts whose French or English label or synonyms match ``text``.

    Matching ignores case and accents. Ranking: exact label, exact synonym, label starting
    with the text, synonym starting with it, then a word of a label or synonym starting with
    it; ties by French label. The vocabulary holds hundreds of concepts, not millions, so the
    matching runs in Python over one query (no database-specific accent folding needed).
    """
    needle = normalize_search_text(text)
    if not needle or limit <= 0:
        return []
    ranked: list[tuple[int, str, Concept]] = []
    for concept in Concept.objects.select_related("broader"):
        labels = [normalize_search_text(concept.label_fr), normalize_search_text(concept.label_en)]
        synonyms = [
            normalize_search_text(str(value))
            for value in [*(concept.synonyms_fr or []), *(concept.synonyms_en or [])]
        ]
        rank = _match_rank(needle, labels, synonyms)
        if rank is not None:
            ranked.append((rank, labels[0], concept))
    ranked.sort(key=lambda item: (item[0], item[1]))
    return [concept for _, _, concept in ranked[:limit]]


def _match_rank(needle: str, labels: list[str], synonyms: list[str]) -> int | None:
    if needle in labels:
        return 0
    if needle in synonyms:
        return 1
    if any(label.startswith(needle) for label in labels):
        return 2
    if any(synonym.startswith(needle) for synonym in synonyms):
        return 3
    word_start = f" {needle}"
    if any(word_start in f" {value}" for value in [*labels, *synonyms]):
        return 4
    return None


def concept_tree() -> list[ConceptNode]:
    """The whole vocabulary as a forest: top concepts and their narrower concepts, by label.

    One query. A cycle created by hand in the admin (A › B › A) cannot loop forever: a concept
    appears once, and concepts caught only in a cycle are shown as top concepts.
    """
    concepts = sorted(
        Concept.objects.all(), key=lambda item: (normalize_search_text(item.label_fr), item.slug)
    )
    nodes = {concept.pk: ConceptNode(concept) for concept in concepts}
    roots: list[ConceptNode] = []
    for concept in concepts:
        parent = nodes.get(concept.broader_id)
        if parent is None:
            roots.append(nodes[concept.pk])
        else:
            parent.children.append(nodes[concept.pk])
    placed: set[int] = set()

    def mark(node: ConceptNode) -> None:
        stack = [node]
        while stack:
            current = stack.pop()
            if current.concept.pk in placed:
                continue
            placed.add(current.concept.pk)
            stack.extend(current.children)

    for root in roots:
        mark(root)
    for concept in concepts:
        if concept.pk not in placed:
            # Part of a cycle: break it here so every concept is reachable exactly once.
            node = nodes[concept.pk]
            parent = nodes.get(concept.broader_id)
            if parent is not None and node in parent.children:
                parent.children.remove(node)
            roots.append(node)
            mark(node)
    roots.sort(key=lambda node: (normalize_search_text(node.concept.label_fr), node.concept.slug))
    return roots


def concept_descendant_ids(concept: Concept) -> set[int]:
    """Ids of ``concept`` and every narrower concept below it (for facet filters)."""
    children: dict[int, list[int]] = {}
    for pk, broader_id in Concept.objects.values_list("pk", "broader_id"):
        if broader_id is not None:
            children.setdefault(broader_id, []).append(pk)
    found: set[int] = set()
    stack = [concept.pk]
    while stack:
        current = stack.pop()
        if current in found:
            continue
        found.add(current)
        stack.extend(children.get(current, []))
    return found
