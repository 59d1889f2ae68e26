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
import random
from collections import defaultdict
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
    Department,
    HomePage,
    StandardPage,
)

from . import demo_content
from .demo_generator import (
    ActorDraft,
    ActorGenerator,
    Place,
    drafts_insert,
    lower_first,
    phone_prefix,
    places_load,
    ror_make,
    siret_make,
    typology_load,
    uai_make,
)
from .models import (
    Actor,
    ActorStatus,
    CoordinatesSource,
    RevisionSource,
)
from .services import actor_clean, actor_save

DEMO_SOURCE = "ocim-demo"
SEED = 20_260_501
# Per department: two actors, plus a share of GENERATED_BY_POPULATION by population.
GENERATED_BY_POPULATION = 250
# How many of a department's most populated communes can receive generated actors.
COMMUNES_PER_DEPARTMENT = 12
# Generated universities: in the most populated commune of the departments that have one of
# these first communes above this population.
UNIVERSITY_MIN_POPULATION = 130_000


@dataclass
class InventoryDemoReport:
    created: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)

    def add(self, what: str) -> None:
        self.created.append(what)


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
            child_name = generator.name_from(pattern, university, u_lower=lower_first(name))
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
            actor.phone = f"{phone_prefix(commune.department.region_id)} 10 {rng.randint(10, 99)}"
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
