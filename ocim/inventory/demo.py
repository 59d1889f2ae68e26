"""Builds the demonstration inventory: about 500 invented actors over every family, type and
region (overseas included), placed in real communes of the territory data.

Ten flagship records are written by hand (``demo_content.FLAGSHIPS``) and saved through
``actor_save`` twice (a first import, then the analyst's completion), so their history shows
real changes. The others are generated deterministically (``random.Random(SEED)``) from name
patterns and sentence pieces, and inserted in bulk: every row gets the copied columns exactly as
``actor_save`` derives them (``actor_clean``), passes the model's validation, and gets its first
``ActorRevision``.

``inventory_demo_ensure()`` is idempotent: demo records are found again by their source
(``DEMO_SOURCE``) and source id; existing ones are left alone, missing ones are created. It
needs the territories (loaded by ``ocim_demo`` before domain demos); concepts are used when the
thesaurus is loaded.
"""

from __future__ import annotations

import datetime as dt
import html
import random
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.text import slugify
from wagtail.models import Locale
from wagtail.rich_text import RichText

from ocim.core.demo import register_demo_builder
from ocim.core.models import (
    Commune,
    CommunePostalCode,
    Concept,
    Department,
    HomePage,
    StandardPage,
)

from . import demo_content
from .models import (
    Actor,
    ActorRevision,
    ActorStatus,
    ActorType,
    ActorVisitorCount,
    CoordinatesSource,
    Label,
    RevisionSource,
)
from .services import _fields as snapshot_fields
from .services import actor_clean, actor_save, actor_snapshot

DEMO_SOURCE = "ocim-demo"
SEED = 20_260_501
# Visitor counts are given for these years (a closed actor stops at its closing year).
VISITOR_YEARS = tuple(range(2019, 2025))
# Per department: two actors, plus a share of GENERATED_BY_POPULATION by population.
GENERATED_BY_POPULATION = 250
# How many of a department's most populated communes can receive generated actors.
COMMUNES_PER_DEPARTMENT = 12
# Phone numbers in the ranges ARCEP reserves for fiction, by first digits of the area.
FICTION_PHONE_PREFIXES = ("01 99 00", "02 61 91", "03 53 73", "04 65 71", "05 36 49")
_REGION_PHONE_AREA = {
    "11": 0, "24": 1, "28": 1, "52": 1, "53": 1, "27": 2, "32": 2, "44": 2,
    "84": 3, "93": 3, "94": 3, "75": 4, "76": 4,
}  # fmt: skip


@dataclass(frozen=True)
class TypeProfile:
    """How actors of one type usually look (weights are relative)."""

    weight: int
    legal_statuses: Sequence[tuple[str, int]]
    founded: tuple[int, int]
    staff_bands: Sequence[str]
    # Yearly visitors before 2020 (low, high), or None for actors without a public venue.
    visitors: tuple[int, int] | None
    concepts: Sequence[str]
    concept_pool: Sequence[str]
    # (label slug, probability)
    labels: Sequence[tuple[str, float]] = ()
    closable: bool = True


_MUSEUM_POOL = (
    "collections-management", "preventive-conservation", "school-audiences", "families",
    "temporary-exhibition", "permanent-exhibition", "digitisation", "guided-tour",
    "accessibility", "volunteering",
)  # fmt: skip
_MEDIATION_POOL = (
    "scientific-mediation", "workshop", "science-festival", "science-cafe", "families",
    "school-audiences", "participatory-science", "interactive-exhibit", "young-people",
    "educational-programme", "art-science",
)  # fmt: skip
_NATURE_POOL = (
    "biodiversity", "ecology", "environmental-education", "botany", "zoology", "families",
    "school-audiences", "participatory-science", "climate", "guided-tour",
)  # fmt: skip

PROFILES: dict[str, TypeProfile] = {
    "museum-histoire-naturelle": TypeProfile(
        5, (("local_authority", 8), ("association", 1), ("university", 1)), (1780, 1990),
        ("5-9", "10-19", "20-49", "50-99"), (8_000, 120_000),
        ("natural-history-museum", "natural-history-collections"),
        ("zoology", "botany", "palaeontology", "geology", "mineralogy", "herbarium", "taxidermy",
         "entomological-collections", *_MUSEUM_POOL),
        (("musee-de-france", 0.75), ("tourisme-handicap", 0.15)),
    ),
    "musee-sciences-techniques": TypeProfile(
        6, (("local_authority", 5), ("association", 3), ("foundation", 1), ("company", 1)),
        (1900, 2015), ("1-4", "5-9", "10-19", "20-49"), (3_000, 90_000),
        ("science-technology-museum",),
        ("industrial-heritage", "engineering-technology", "scientific-instruments", "transport",
         "industry-museum", "physics", "energy", *_MUSEUM_POOL),
        (("musee-de-france", 0.45), ("qualite-tourisme", 0.1)),
    ),
    "ecomusee-musee-societe": TypeProfile(
        7, (("local_authority", 4), ("association", 5), ("public_body", 1)), (1971, 2010),
        ("0", "1-4", "5-9", "10-19"), (1_500, 40_000),
        ("society-museum", "ecomuseum"),
        ("intangible-heritage", "agronomy-food", "anthropology", "co-creation", "ecology",
         *_MUSEUM_POOL),
        (("musee-de-france", 0.4), ("maisons-des-illustres", 0.03)),
    ),
    "musee-sante": TypeProfile(
        3, (("public_body", 4), ("foundation", 2), ("association", 2), ("university", 2)),
        (1900, 2010), ("0", "1-4", "5-9"), (500, 12_000),
        ("medical-museum", "health-medicine"),
        ("anatomy", "scientific-instruments", "history-of-science", "human-remains",
         *_MUSEUM_POOL),
        (("musee-de-france", 0.3),),
    ),
    "centre-sciences-ccsti": TypeProfile(
        6, (("association", 7), ("local_authority", 2), ("public_body", 1)), (1979, 2018),
        ("5-9", "10-19", "20-49", "50-99"), (15_000, 180_000),
        ("science-centre", "scientific-mediation"),
        ("interactive-exhibit", "travelling-exhibition", "digital-mediation", "fablab",
         "critical-thinking", "researcher-engagement", *_MEDIATION_POOL),
        (("science-et-culture-innovation", 0.6),),
    ),
    "planetarium": TypeProfile(
        4, (("local_authority", 4), ("association", 4), ("public_body", 2)), (1965, 2020),
        ("0", "1-4", "5-9", "10-19"), (5_000, 70_000),
        ("planetarium", "astronomy"),
        ("space", "physics", "observatory", "immersive-exhibition", *_MEDIATION_POOL),
        (("science-et-culture-innovation", 0.1),),
    ),
    "centre-interpretation": TypeProfile(
        6, (("local_authority", 6), ("association", 3), ("public_body", 1)), (1985, 2021),
        ("0", "1-4", "5-9"), (2_000, 50_000),
        ("interpretation-centre",),
        ("heritage-site", "nature-centre", "geology", "volcanology", "archaeology",
         *_NATURE_POOL),
        (("tourisme-handicap", 0.1), ("qualite-tourisme", 0.1)),
    ),
    "jardin-botanique-arboretum": TypeProfile(
        6, (("local_authority", 7), ("association", 2), ("university", 1)), (1600, 2015),
        ("1-4", "5-9", "10-19", "20-49"), (5_000, 200_000),
        ("botanical-garden", "botany"),
        ("herbarium", "biodiversity", "sustainability", *_NATURE_POOL),
        (("jardin-remarquable", 0.35), ("conservatoire-botanique-national", 0.05)),
    ),
    "zoo-aquarium": TypeProfile(
        5, (("company", 5), ("local_authority", 3), ("association", 2)), (1850, 2015),
        ("10-19", "20-49", "50-99", "100+"), (40_000, 600_000),
        ("zoo", "aquarium"),
        ("oceanography", "biodiversity", "tourists", *_NATURE_POOL),
        (("qualite-tourisme", 0.3), ("tourisme-handicap", 0.15)),
    ),
    "universite": TypeProfile(
        0, (("university", 1),), (1966, 1975), ("100+",), None,
        ("university-collections", "research"),
        ("open-science", "researcher-engagement", "students", "science-society"),
        closable=False,
    ),
    "organisme-recherche": TypeProfile(
        4, (("public_body", 8), ("state", 2)), (1930, 2012), ("20-49", "50-99", "100+"), None,
        ("research-organisation",),
        ("biology", "ecology", "earth-sciences", "astronomy", "agronomy-food", "oceanography",
         "open-science", "researcher-engagement", "participatory-science"),
        closable=False,
    ),
    "association-culture-scientifique": TypeProfile(
        12, (("association", 1),), (1970, 2023), ("0", "0", "1-4", "5-9"), None,
        ("science-association",),
        ("astronomy", "biodiversity", "geology", "mathematics", "computer-science",
         *_MEDIATION_POOL),
    ),
    "reseau-federation": TypeProfile(
        3, (("association", 8), ("cooperative", 1), ("other", 1)), (1980, 2021),
        ("0", "1-4", "5-9"), None,
        ("professional-networks",),
        ("partnership", "professional-training", "sector-observation", "communication",
         "scientific-mediation"),
    ),
    "tiers-lieu-fablab": TypeProfile(
        7, (("association", 6), ("cooperative", 3), ("company", 1)), (2009, 2024),
        ("0", "1-4", "5-9"), None,
        ("third-place", "fablab"),
        ("digital-mediation", "robotics", "co-creation", "living-lab", "young-people",
         "eco-design", "workshop", "computer-science"),
    ),
}  # fmt: skip
# Generated universities: in the most populated commune of the departments that have one of
# these first communes above this population.
UNIVERSITY_MIN_POPULATION = 130_000


@dataclass
class InventoryDemoReport:
    created: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)

    def add(self, what: str) -> None:
        self.created.append(what)


# --- identifiers, valid by construction -------------------------------------------------------


def luhn_complete(digits: str) -> str:
    """``digits`` followed by the Luhn check digit that makes the whole number valid."""
    total = 0
    for index, char in enumerate(reversed(digits)):
        number = int(char)
        if index % 2 == 0:  # doubled once the check digit is appended
            number *= 2
            if number > 9:
                number -= 9
        total += number
    return digits + str((10 - total % 10) % 10)


def siret_make(rng: random.Random) -> str:
    """An invented SIRET: a SIREN passing the Luhn check, then an establishment number chosen
    so that the 14 digits pass it too (never La Poste's SIREN, which follows another rule)."""
    while True:
        siren = luhn_complete(f"{rng.randrange(10_000_000, 99_999_999):08d}")
        if not siren.startswith("356000000"):
            return luhn_complete(f"{siren}{rng.randrange(1, 9999):04d}")


def uai_make(rng: random.Random, department_code: str) -> str:
    from .identifiers import _UAI_LETTERS

    prefix = department_code if department_code.isdigit() else "020"
    digits = f"{prefix.zfill(3)}{rng.randrange(0, 9999):04d}"[:7]
    return digits + _UAI_LETTERS[int(digits) % 23]


def ror_make(rng: random.Random) -> str:
    from .identifiers import _CROCKFORD

    body = "0" + "".join(rng.choice(_CROCKFORD) for _index in range(6))
    number = 0
    for char in body:
        number = number * 32 + _CROCKFORD.index(char)
    return f"{body}{98 - (number * 100) % 97:02d}"


# --- names -------------------------------------------------------------------------------------


def with_de(name: str) -> str:
    """ "de Tours", "d'Angers", "d'Hyères" (French elision before a vowel or a mute h)."""
    if name[:1].lower() in "aeiouyhéèêëàâîïôöûü":
        return f"d'{name}"
    return f"de {name}"


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


# --- the generator, shared with the benchmark seed ---------------------------------------------


@dataclass
class Place:
    """A commune as the generator needs it (no query while generating)."""

    insee_code: str
    name: str
    department_code: str
    department_name: str
    region_code: str
    region_name: str
    population: int
    latitude: float | None
    longitude: float | None
    postal_code: str = ""


@dataclass
class ActorDraft:
    """A generated actor before insertion: its column values (by attname, the copied columns
    included), and what goes into other tables."""

    values: dict
    labels: list[int] = field(default_factory=list)
    concepts: list[int] = field(default_factory=list)
    visitors: dict[int, int] = field(default_factory=dict)
    parent_key: str = ""
    _actor: Actor | None = None

    @property
    def actor(self) -> Actor:
        """The model instance (built once, on first use: the fast path never needs it)."""
        if self._actor is None:
            self._actor = Actor(**self.values)
        return self._actor


class ActorGenerator:
    """Makes plausible, invented actors for a type and a place. Deterministic for a given
    ``rng`` state; needs the typology (types with their family), and optionally labels and
    concepts by slug (missing ones are skipped)."""

    def __init__(
        self,
        rng: random.Random,
        *,
        types: dict[str, ActorType],
        labels: dict[str, int],
        concepts: dict[str, int],
        source: str,
        long_descriptions: bool = False,
    ):
        self.rng = rng
        self.long_descriptions = long_descriptions
        self.types = types
        self.labels = labels
        self.concepts = concepts
        self.source = source

    def type_sequence(self, count: int, weights: dict[str, int] | None = None) -> list[str]:
        """``count`` type slugs, each weighted type at least once (when ``count`` allows), the
        rest in the weights' proportions (the profiles' by default), shuffled."""
        if weights is None:
            weights = {slug: p.weight for slug, p in PROFILES.items() if p.weight}
        weighted = {slug: w for slug, w in weights.items() if w and slug in self.types}
        slugs = list(weighted)[:count]
        rest = count - len(slugs)
        total = sum(weighted.values())
        for slug, weight in weighted.items():
            slugs += [slug] * (rest * weight // total)
        slugs += self.rng.choices(
            list(weighted), weights=list(weighted.values()), k=count - len(slugs)
        )
        self.rng.shuffle(slugs)
        return slugs

    def name(self, type_slug: str, place: Place) -> str:
        pattern = self.rng.choice(demo_content.NAME_PATTERNS[type_slug])
        return self.name_from(pattern, place)

    def name_from(self, pattern: str, place: Place, **extra) -> str:
        return pattern.format(
            de=with_de(place.name),
            c=place.name,
            dep=place.department_name,
            reg_de=demo_content.REGION_WITH_ARTICLE.get(place.region_name)
            or with_de(place.region_name),
            invented=self.rng.choice(demo_content.INVENTED_NAMES),
            **extra,
        )

    def make(
        self,
        *,
        name: str,
        type_slug: str,
        place: Place,
        source_id: str,
        slug: str = "",
        parent_key: str = "",
    ) -> ActorDraft:
        rng = self.rng
        profile = PROFILES[type_slug]
        actor_type = self.types[type_slug]
        founded = rng.randint(*profile.founded)
        closed = profile.closable and rng.random() < 0.05 and founded < 2020
        closed_year = rng.randint(max(founded + 3, 2008), 2024) if closed else None
        short = slugify(name)[:40].strip("-") or "acteur"
        values = {
            "name": name,
            "slug": slug,
            "type_id": actor_type.pk,
            # The copied columns, as actor_clean derives them (no query: the ids are known).
            "family_id": actor_type.family_id,
            "department_id": place.department_code,
            "region_id": place.region_code,
            "legal_status": _weighted(rng, profile.legal_statuses),
            "street": f"{rng.randint(1, 120)} {rng.choice(demo_content.STREETS)}",
            "postal_code": place.postal_code,
            "commune_id": place.insee_code,
            "year_founded": founded,
            "status": ActorStatus.CLOSED.value if closed else ActorStatus.OPEN.value,
            "closed_year": closed_year,
            "staff_band": "0" if closed else rng.choice(profile.staff_bands),
            "description": self.description(type_slug, name, place, closed_year),
            "source": self.source,
            "source_id": source_id,
        }
        if place.latitude is not None:
            if rng.random() < 0.6:
                # A point entered by hand: within a couple of kilometres of the commune's point.
                values["latitude"] = round(place.latitude + rng.uniform(-0.02, 0.02), 5)
                values["longitude"] = round(place.longitude + rng.uniform(-0.025, 0.025), 5)
                values["coordinates_source"] = CoordinatesSource.ENTERED.value
            else:
                values["latitude"], values["longitude"] = place.latitude, place.longitude
                values["coordinates_source"] = CoordinatesSource.COMMUNE.value
        if not closed:
            line = f"{rng.randint(0, 99):02d} {rng.randint(0, 99):02d}"
            values["phone"] = f"{_phone_prefix(place.region_code)} {line}"
            values["website"] = f"https://{short}.example.org/"
            values["email"] = f"contact@{short}.example.org"
            if rng.random() < 0.25:
                values["social_links"] = [
                    {"network": "mastodon", "url": f"https://mastodon.example.org/@{short[:30]}"}
                ]
            confirmed_days = rng.randint(0, 900)
            values["last_confirmed_on"] = dt.date(2025, 6, 30) - dt.timedelta(days=confirmed_days)
        self.identifiers(values, type_slug, place)
        draft = ActorDraft(values=values, parent_key=parent_key)
        for label_slug, probability in profile.labels:
            if label_slug in self.labels and rng.random() < probability:
                draft.labels.append(self.labels[label_slug])
        chosen = list(profile.concepts) + rng.sample(
            list(profile.concept_pool), k=min(len(profile.concept_pool), rng.randint(1, 4))
        )
        draft.concepts = sorted({self.concepts[s] for s in chosen if s in self.concepts})
        if self.labels.get("musee-de-france") in draft.labels:
            values["museofile"] = f"M{rng.randint(1000, 8999):04d}"
        if profile.visitors:
            draft.visitors = self.visitor_counts(profile.visitors, place, founded, closed_year)
        return draft

    def identifiers(self, values: dict, type_slug: str, place: Place) -> None:
        rng = self.rng
        legal = values["legal_status"]
        if legal != "state" and rng.random() < 0.7:
            values["siret"] = siret_make(rng)
        if legal == "association" and rng.random() < 0.8:
            digits = place.department_code if place.department_code.isdigit() else "20"
            values["rna"] = f"W{(digits + '0')[:3]}{rng.randrange(0, 999_999):06d}"
        if type_slug == "universite":
            values["uai"] = uai_make(rng, place.department_code)
            values["ror"] = ror_make(rng)
        if type_slug == "organisme-recherche":
            # RNSR: the year of registration, five digits and a letter.
            year, number = rng.randint(1990, 2023), rng.randrange(0, 99_999)
            values["rnsr"] = f"{year}{number:05d}{rng.choice('ABCDEFGHJKLMNPRSTUVWXYZ')}"
            if rng.random() < 0.5:
                values["ror"] = ror_make(rng)
        if rng.random() < 0.3:
            values["osm"] = f"{rng.choice(('node', 'way'))}/{rng.randint(10**7, 10**10 - 1)}"

    def visitor_counts(self, bounds, place: Place, founded: int, closed_year) -> dict[int, int]:
        rng = self.rng
        low, high = bounds
        # Bigger towns, bigger audiences (log-ish), then the usual years: 2020 and 2021 hit
        # by the closures, recovery after.
        scale = min(1.0, 0.35 + (place.population / 300_000) ** 0.5)
        base = rng.uniform(low, low + (high - low) * scale)
        factors = {2019: 1.0, 2020: rng.uniform(0.3, 0.5), 2021: rng.uniform(0.55, 0.8)}
        counts = {}
        for year in VISITOR_YEARS:
            if year < founded or (closed_year and year >= closed_year):
                continue
            factor = factors.get(year, rng.uniform(0.9, 1.12))
            counts[year] = int(round(base * factor, -1)) or 10
        return counts

    def description(self, type_slug: str, name: str, place: Place, closed_year) -> str:
        rng = self.rng
        where = _text(
            f"{name} se trouve à {place.name} ({place.department_name}, {place.region_name})."
        )
        paragraphs = [f"{where} {demo_content.TYPE_SENTENCES[type_slug]}"]
        paragraphs.append(
            " ".join(rng.sample(demo_content.ACTIVITY_SENTENCES, k=rng.randint(2, 3)))
        )
        for _extra in range(rng.randint(1, 3) if self.long_descriptions else 0):
            paragraphs.append(
                " ".join(rng.sample(demo_content.ACTIVITY_SENTENCES, k=rng.randint(2, 4)))
            )
        if closed_year:
            paragraphs.append(demo_content.CLOSED_SENTENCE.format(year=closed_year))
        return "".join(f"<p>{text}</p>" for text in paragraphs)


def _phone_prefix(region_code: str) -> str:
    return FICTION_PHONE_PREFIXES[_REGION_PHONE_AREA.get(region_code, 0)]


def _text(value: str) -> str:
    # Names go into HTML: escape the markup characters (apostrophes stay as they are).
    return html.escape(value, quote=False)


def _weighted(rng: random.Random, choices: Sequence[tuple[str, int]]) -> str:
    values, weights = zip(*choices, strict=True)
    return rng.choices(values, weights=weights)[0]


def places_load(insee_codes: Iterable[str] | None = None) -> list[Place]:
    """Communes as ``Place`` (with their first postal code), all of them or those given."""
    communes = Commune.objects.order_by("insee_code")
    codes = CommunePostalCode.objects.order_by("commune_id", "code")
    if insee_codes is not None:
        communes = communes.filter(insee_code__in=list(insee_codes))
        codes = codes.filter(commune_id__in=list(insee_codes))
    postal: dict[str, str] = {}
    for commune_id, code in codes.values_list("commune_id", "code"):
        postal.setdefault(commune_id, code)
    rows = communes.values_list(
        "insee_code",
        "name",
        "department_id",
        "department__name",
        "department__region_id",
        "department__region__name",
        "population",
        "latitude",
        "longitude",
    )
    return [Place(*row, postal_code=postal.get(row[0], "")) for row in rows]


def typology_load() -> tuple[dict[str, ActorType], dict[str, int], dict[str, int]]:
    types = {t.slug: t for t in ActorType.objects.select_related("family")}
    labels = dict(Label.objects.values_list("slug", "pk"))
    concepts = dict(Concept.objects.values_list("slug", "pk"))
    return types, labels, concepts


def draft_snapshot(draft: ActorDraft) -> dict:
    """What ``actor_snapshot`` returns for the draft once inserted, from its values alone."""
    if draft._actor is not None:
        snapshot = actor_snapshot(draft._actor)  # columns only: the actor has no pk yet
    else:
        snapshot = {}
        for field_ in snapshot_fields():
            value = draft.values.get(field_.attname, _DEFAULTS[field_.attname])
            if value is not None and not isinstance(value, (str, int, float, bool, list, dict)):
                value = str(value)
            snapshot[field_.attname] = value
    snapshot["labels"] = sorted(draft.labels)
    snapshot["concepts"] = sorted(draft.concepts)
    snapshot["visitor_counts"] = {str(y): n for y, n in draft.visitors.items()}
    return snapshot


_DEFAULTS = {f.attname: f.get_default() for f in Actor._meta.concrete_fields}


def drafts_insert(drafts: list[ActorDraft], *, batch_size: int = 2000, history: bool = True):
    """Insert generated actors with their labels, concepts, visitor counts and (``history``)
    first revision, in bulk. Their slugs must be unique already; parents must exist (their
    ``parent_id`` set). Returns the inserted actors."""
    snapshots = [draft_snapshot(draft) for draft in drafts] if history else []
    actors = Actor.objects.bulk_create([d.actor for d in drafts], batch_size=batch_size)
    label_through = Actor.labels.through
    concept_through = Actor.concepts.through
    label_rows, concept_rows, count_rows, revisions = [], [], [], []
    for index, (draft, actor) in enumerate(zip(drafts, actors, strict=True)):
        label_rows += [label_through(actor_id=actor.pk, label_id=pk) for pk in draft.labels]
        concept_rows += [concept_through(actor_id=actor.pk, concept_id=pk) for pk in draft.concepts]
        count_rows += [
            ActorVisitorCount(actor_id=actor.pk, year=year, visitors=visitors)
            for year, visitors in draft.visitors.items()
        ]
        if history:
            revisions.append(
                ActorRevision(
                    actor_id=actor.pk,
                    source=RevisionSource.SYSTEM,
                    source_detail=actor.source,
                    changes={},
                    snapshot=snapshots[index],
                )
            )
    label_through.objects.bulk_create(label_rows, batch_size=batch_size * 2)
    concept_through.objects.bulk_create(concept_rows, batch_size=batch_size * 2)
    ActorVisitorCount.objects.bulk_create(count_rows, batch_size=batch_size * 2)
    ActorRevision.objects.bulk_create(revisions, batch_size=batch_size)
    return actors


# --- the demo ----------------------------------------------------------------------------------


def _demo_places() -> dict[str, list[Place]]:
    """Per department, its most populated communes (ties by code), as candidate places."""
    ranked = Commune.objects.order_by("department_id", "-population", "insee_code").values_list(
        "department_id", "insee_code"
    )
    chosen: dict[str, list[str]] = defaultdict(list)
    for department_id, insee_code in ranked:
        if len(chosen[department_id]) < COMMUNES_PER_DEPARTMENT:
            chosen[department_id].append(insee_code)
    codes = [code for codes in chosen.values() for code in codes]
    places = {p.insee_code: p for p in places_load(codes)}
    return {dep: [places[code] for code in codes] for dep, codes in chosen.items()}


def demo_drafts(rng: random.Random, generator: ActorGenerator) -> list[ActorDraft]:
    """The generated demo actors (not the flagships), in a deterministic order; parents
    (universities) before their children. Source ids are ``demo-0001``…"""
    by_department = _demo_places()
    populations = dict(Department.objects.values_list("code", "population"))
    total = sum(populations.get(dep, 0) for dep in by_department) or 1
    plan: list[tuple[str, Place]] = []  # (type slug or "", place): types are dealt afterwards
    regions_first_place: dict[str, Place] = {}
    universities: list[Place] = []
    for dep in sorted(by_department):
        places = by_department[dep]
        first = places[0]
        regions_first_place.setdefault(first.region_code, first)
        if first.population > regions_first_place[first.region_code].population:
            regions_first_place[first.region_code] = first
        if first.population >= UNIVERSITY_MIN_POPULATION:
            universities.append(first)
        count = 2 + round(GENERATED_BY_POPULATION * populations.get(dep, 0) / total)
        weights = [p.population + 2_000 for p in places]
        plan += [("", place) for place in rng.choices(places, weights=weights, k=count)]
    types = generator.type_sequence(len(plan))
    drafts: list[ActorDraft] = []
    taken: set[str] = {f["name"] for f in demo_content.FLAGSHIPS}
    number = 0

    def add(name, type_slug, place, parent_key=""):
        nonlocal number
        number += 1
        draft = generator.make(
            name=name,
            type_slug=type_slug,
            place=place,
            source_id=f"demo-{number:04d}",
            parent_key=parent_key,
        )
        if parent_key:
            draft.values["legal_status"] = "university"  # a service or garden of the university
        drafts.append(draft)
        return draft

    flagship_universities = {
        f["commune"] for f in demo_content.FLAGSHIPS if f["type"] == "universite"
    }
    for university in universities:
        name = generator.name_from("Université {de}", university)
        if name in taken or university.insee_code in flagship_universities:
            continue
        taken.add(name)
        parent = add(name, "universite", university)
        for type_slug, pattern in demo_content.UNIVERSITY_CHILDREN[: rng.randint(1, 3)]:
            child_name = generator.name_from(pattern, university, u_lower=_lower_first(name))
            taken.add(child_name)
            add(child_name, type_slug, university, parent_key=parent.values["source_id"])
    for type_slug, (_unused, place) in zip(types, plan, strict=True):
        if type_slug == "reseau-federation":
            # Networks sit in their region's main town.
            place = regions_first_place[place.region_code]
        for _attempt in range(12):
            name = generator.name(type_slug, place)
            if name not in taken:
                break
        else:
            continue  # every pattern of this type is used in this commune already
        taken.add(name)
        add(name, type_slug, place)
    return drafts


def _slugs_assign(drafts: list[ActorDraft]) -> None:
    """Unique slugs for the new drafts, against each other and the existing actors."""
    bases = [slugify(d.actor.name)[:100].strip("-") or "acteur" for d in drafts]
    existing = set()
    for start in range(0, len(bases), 500):
        existing |= set(
            Actor.objects.filter(slug__in=bases[start : start + 500]).values_list("slug", flat=True)
        )
    used = set(existing)
    for draft, base in zip(drafts, bases, strict=True):
        candidate, number = base, 1
        # The bases were checked in bulk; a numbered variant is checked when it is needed.
        while candidate in used or (number > 1 and Actor.objects.filter(slug=candidate).exists()):
            number += 1
            candidate = f"{base}-{number}"
        used.add(candidate)
        draft.actor.slug = candidate


def _generated_ensure(generator: ActorGenerator, rng: random.Random, report) -> None:
    drafts = demo_drafts(rng, generator)
    types_by_pk = {t.pk: t for t in generator.types.values()}
    existing = dict(Actor.objects.filter(source=DEMO_SOURCE).values_list("source_id", "pk"))
    missing = [d for d in drafts if d.values["source_id"] not in existing]
    if not missing:
        return
    communes = Commune.objects.select_related("department").in_bulk(
        {d.values["commune_id"] for d in missing}
    )
    for draft in missing:
        actor = draft.actor
        actor.type = types_by_pk[actor.type_id]
        actor.commune = communes[actor.commune_id]
        actor_clean(actor)  # the same canonical spellings and copied columns as actor_save
        # Uniqueness is guaranteed by construction (slugs below, source ids); every other
        # rule of the model is checked here, so a bad generator fails loudly.
        actor.full_clean(
            # Foreign keys come from the database (checking each would cost a query).
            exclude=["family", "department", "region", "slug", "parent", "type", "commune"],
            validate_unique=False,
            validate_constraints=False,
        )
    _slugs_assign(missing)
    # Parents first, so that children can point to them.
    top = [d for d in missing if not d.parent_key]
    children = [d for d in missing if d.parent_key]
    drafts_insert(top)
    if children:
        parents = dict(
            Actor.objects.filter(
                source=DEMO_SOURCE, source_id__in={d.parent_key for d in children}
            ).values_list("source_id", "pk")
        )
        for draft in children:
            draft.actor.parent_id = parents.get(draft.parent_key)
        drafts_insert(children)
    report.add(f"{len(missing)} generated actors")


def _flagships_ensure(types, labels, concepts, report) -> None:
    existing = dict(
        Actor.objects.filter(source=DEMO_SOURCE, source_id__startswith="flagship-").values_list(
            "source_id", "pk"
        )
    )
    communes = Commune.objects.select_related("department").in_bulk(
        {spec["commune"] for spec in demo_content.FLAGSHIPS}
    )
    analyst = get_user_model().objects.filter(email="observatory-analyst@demo.ocim.fr").first()
    rng = random.Random(SEED + 1)  # noqa: S311 (reproducible demo data, no secret)
    for spec in demo_content.FLAGSHIPS:
        source_id = f"flagship-{spec['key']}"
        if source_id in existing:
            continue
        commune = communes.get(spec["commune"])
        if commune is None:
            report.skipped.append(f"{spec['name']}: commune {spec['commune']} not loaded")
            continue
        postal = CommunePostalCode.objects.filter(commune=commune).order_by("code").first()
        actor = Actor(
            name=spec["name"],
            other_names=spec["other_names"],
            type=types[spec["type"]],
            legal_status=spec["legal_status"],
            street=spec["street"],
            postal_code=postal.code if postal else "",
            commune=commune,
            year_founded=spec["year_founded"],
            status=ActorStatus.CLOSED if spec.get("closed_year") else ActorStatus.OPEN,
            closed_year=spec.get("closed_year"),
            staff_band=spec["staff_band"],
            source=DEMO_SOURCE,
            source_id=source_id,
            parent_id=existing.get(f"flagship-{spec['parent']}") if spec.get("parent") else None,
            latitude=round(commune.latitude + rng.uniform(-0.01, 0.01), 5),
            longitude=round(commune.longitude + rng.uniform(-0.012, 0.012), 5),
            coordinates_source=CoordinatesSource.ENTERED,
        )
        short = slugify(spec["name"])[:40].strip("-")
        if not spec.get("closed_year"):
            actor.website = f"https://{short}.example.org/"
            actor.email = f"bonjour@{short}.example.org"
            actor.phone = f"{_phone_prefix(commune.department.region_id)} 10 {rng.randint(10, 99)}"
        if spec["legal_status"] != "state":
            actor.siret = siret_make(rng)
        if "musee-de-france" in spec["labels"]:
            actor.museofile = f"M{9000 + len(existing):04d}"
        if spec["legal_status"] == "association":
            actor.rna = f"W{commune.department_id[:2]}1{rng.randrange(0, 999_999):06d}"
        if spec["type"] == "universite" and not spec.get("parent"):
            actor.uai = uai_make(rng, commune.department_id)
            actor.ror = ror_make(rng)
        # The record as first imported, then completed by the observatory's analyst: two
        # revisions, the second with real changes to show in the history.
        actor_save(
            actor,
            source=RevisionSource.IMPORT,
            source_detail="inventaire-ocim-2022.csv",
            labels=[labels[s] for s in spec["labels"] if s in labels],
            concepts=[concepts[s] for s in spec["concepts"][:2] if s in concepts],
        )
        actor.description = "".join(f"<p>{p}</p>" for p in spec["description"])
        actor.last_confirmed_on = dt.date(2025, 3, 1) + dt.timedelta(days=rng.randint(0, 120))
        actor_save(
            actor,
            user=analyst,
            source=RevisionSource.ADMIN,
            concepts=[concepts[s] for s in spec["concepts"] if s in concepts],
            visitor_counts=spec["visitors"],
        )
        existing[source_id] = actor.pk
        report.add(f"actor {spec['name']}")


def _mission_page_link(language: str, report) -> None:
    """The observation mission page (in the main menu) leads to the directory, once."""
    try:
        with translation.override(language):
            url = reverse("inventory:directory")
    except NoReverseMatch:
        return  # the directory is not wired yet: nothing to link to
    home = HomePage.objects.filter(depth=2, locale__language_code="fr").first()
    if home is None:
        return
    if language != "fr":
        locale = Locale.objects.filter(language_code=language).first()
        home = home.get_translation_or_none(locale) if locale else None
        if home is None:
            return
    page = StandardPage.objects.child_of(home).filter(slug=demo_content.MISSION_PAGE_SLUG).first()
    if page is None:
        return
    marker = f'href="{url}"'
    if any(
        block.block_type == "callout" and marker in block.value["text"].source
        for block in page.body
    ):
        return
    title, label = demo_content.MISSION_CALLOUT[language]
    page.body.append(
        ("callout", {"title": title, "text": RichText(f"<p><a {marker}>{label}</a></p>")})
    )
    page.save_revision().publish()
    report.add(f"link to the directory on the observation mission page ({language})")


@transaction.atomic
def inventory_demo_ensure() -> InventoryDemoReport:
    """Create the demonstration inventory if it is missing (see the module docstring).

    Skips (and says so) when the territories are not loaded."""
    report = InventoryDemoReport()
    if not Commune.objects.exists():
        report.skipped.append("inventory demo: no communes, load the territories first")
        return report
    types, labels, concepts = typology_load()
    _flagships_ensure(types, labels, concepts, report)
    rng = random.Random(SEED)  # noqa: S311 (reproducible demo data, no secret)
    generator = ActorGenerator(
        rng, types=types, labels=labels, concepts=concepts, source=DEMO_SOURCE
    )
    _generated_ensure(generator, rng, report)
    for language in ("fr", "en"):
        _mission_page_link(language, report)
    return report


register_demo_builder("inventory", inventory_demo_ensure, order=30)
