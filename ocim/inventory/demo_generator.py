"""The generator of invented actors, shared by the demo (``demo.py``) and the benchmark seed
(``inventory_bench_seed``): plausible names, places, statuses, identifiers valid by construction,
labels, concepts, visitor counts and short descriptions for a type and a commune, deterministic
for a seeded ``random.Random``; and the bulk insertion of the drafts with the copied columns that
``actor_save`` derives and each actor's first revision.
"""

from __future__ import annotations

import datetime as dt
import html
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.utils.text import slugify

from ocim.core.models import Commune, CommunePostalCode, Concept

from . import demo_content
from .map_grid import map_cell
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
from .search import actor_search_index_rebuild
from .services import actor_snapshot, snapshot_fields

# Visitor counts are given for these years (a closed actor stops at its closing year).
VISITOR_YEARS = tuple(range(2019, 2025))
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
    """ "de Tours", "d'Angers", "d'Hyères" (French elision before a vowel or a mute h), "du
    Havre" and "des Abymes" (the article of "Le Havre" and "Les Abymes" contracted)."""
    for article, contracted in (("Le ", "du "), ("Les ", "des ")):
        if name.startswith(article):
            return contracted + name[len(article) :]
    if name[:1].lower() in "aeiouyhéèêëàâîïôöûü":
        return f"d'{name}"
    return f"de {name}"


def lower_first(text: str) -> str:
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
        # The map's cell, as actor_clean derives it.
        values["map_cell"] = map_cell(values.get("latitude"), values.get("longitude"))
        if not closed:
            line = f"{rng.randint(0, 99):02d} {rng.randint(0, 99):02d}"
            values["phone"] = f"{phone_prefix(place.region_code)} {line}"
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


def phone_prefix(region_code: str) -> str:
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
    # The directory's search index, as actor_save writes it.
    actor_search_index_rebuild([actor.pk for actor in actors])
    return actors
