"""The inventory of science-heritage-society actors.

An actor has a type, and through it a family, from an editable typology (``ActorFamily`` ›
``ActorType``, seeded by migration ``0002``); labels; a place (commune → department → region,
the last two copied from the commune so that facets and maps filter on indexed columns of the
actor itself); coordinates with their provenance; identifiers in the public registers, each
checked (``ocim.inventory.identifiers``); thesaurus concepts; yearly visitor counts; and a
history of every change (``ActorRevision``), written by the services, never by hand.

Personal contacts (``ActorContact``) are kept for Ocim's staff: they are never public and never
leave through exports. The actor's own e-mail address, phone and website are public.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ocim.core.models import BaseModel

from . import identifiers


class ActorFamily(models.Model):
    """A family of actors (museums, gardens and zoos, science centres…): the first level."""

    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    name_fr = models.CharField(_("name (French)"), max_length=150)
    name_en = models.CharField(_("name (English)"), max_length=150)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("actor family")
        verbose_name_plural = _("actor families")
        ordering = ["sort_order", "name_fr"]

    def __str__(self):
        return self.name

    @property
    def name(self) -> str:
        from django.utils.translation import get_language

        return self.name_en if (get_language() or "fr").startswith("en") else self.name_fr


class ActorType(models.Model):
    """A type of actor within a family (natural history museum, planetarium…)."""

    family = models.ForeignKey(
        ActorFamily, verbose_name=_("family"), on_delete=models.PROTECT, related_name="types"
    )
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    name_fr = models.CharField(_("name (French)"), max_length=150)
    name_en = models.CharField(_("name (English)"), max_length=150)
    description = models.TextField(_("definition"), blank=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("actor type")
        verbose_name_plural = _("actor types")
        ordering = ["family__sort_order", "sort_order", "name_fr"]

    def __str__(self):
        return self.name

    @property
    def name(self) -> str:
        from django.utils.translation import get_language

        return self.name_en if (get_language() or "fr").startswith("en") else self.name_fr


class Label(models.Model):
    """A label or official designation (Musée de France, Jardin remarquable…)."""

    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    name = models.CharField(_("name"), max_length=150, unique=True)
    awarded_by = models.CharField(_("awarded by"), max_length=200, blank=True)
    url = models.URLField(_("web page"), blank=True)

    class Meta:
        verbose_name = _("label")
        verbose_name_plural = _("labels")
        ordering = ["name"]

    def __str__(self):
        return self.name


class LegalStatus(models.TextChoices):
    STATE = "state", _("State service or national institution")
    LOCAL_AUTHORITY = "local_authority", _("Local authority")
    PUBLIC_BODY = "public_body", _("Public establishment")
    UNIVERSITY = "university", _("University or higher education establishment")
    ASSOCIATION = "association", _("Association")
    FOUNDATION = "foundation", _("Foundation or endowment fund")
    COMPANY = "company", _("Company")
    COOPERATIVE = "cooperative", _("Cooperative (SCIC, SCOP)")
    OTHER = "other", pgettext_lazy("legal status", "Other")


class ActorStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("actor status", "Open")
    CLOSED = "closed", pgettext_lazy("actor status", "Closed")


class CoordinatesSource(models.TextChoices):
    ENTERED = "entered", _("Entered")
    GEOCODED = "geocoded", _("Geocoded from the address")
    COMMUNE = "commune", _("Commune's point (approximate)")


class StaffBand(models.TextChoices):
    NONE = "0", _("No employee")
    B1_4 = "1-4", _("1 to 4")
    B5_9 = "5-9", _("5 to 9")
    B10_19 = "10-19", _("10 to 19")
    B20_49 = "20-49", _("20 to 49")
    B50_99 = "50-99", _("50 to 99")
    B100 = "100+", _("100 or more")


class Actor(BaseModel):
    name = models.CharField(_("name"), max_length=255)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    other_names = models.TextField(
        _("other names"), blank=True, help_text=_("One per line: former names, acronyms.")
    )
    type = models.ForeignKey(
        ActorType, verbose_name=_("type"), on_delete=models.PROTECT, related_name="actors"
    )
    # Copied from the type (the services keep it in step): filtered and counted on directly.
    # No index of its own: the (family, type) index serves it (one index fewer to write).
    family = models.ForeignKey(
        ActorFamily,
        verbose_name=_("family"),
        on_delete=models.PROTECT,
        related_name="actors",
        editable=False,
        db_index=False,
    )
    labels = models.ManyToManyField(
        Label, verbose_name=_("labels"), blank=True, related_name="actors"
    )
    legal_status = models.CharField(
        _("legal status"), max_length=20, choices=LegalStatus.choices, blank=True
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent organisation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="children",
    )
    # Address.
    street = models.CharField(_("street address"), max_length=255, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=5, blank=True)
    commune = models.ForeignKey(
        "core.Commune",
        verbose_name=_("commune"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Copied from the commune (the services keep them in step).
    department = models.ForeignKey(
        "core.Department",
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    # No index of its own: the (region, department) index serves it.
    region = models.ForeignKey(
        "core.Region",
        verbose_name=_("region"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
        db_index=False,
    )
    latitude = models.FloatField(
        _("latitude"),
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.FloatField(
        _("longitude"),
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    coordinates_source = models.CharField(
        _("coordinates from"), max_length=10, choices=CoordinatesSource.choices, blank=True
    )
    # map: the Z-order code of the coordinates' map tile (ocim.inventory.map_grid), written by
    # the services: the map counts actors per cell of any zoom level from this one column.
    map_cell = models.BigIntegerField(_("map cell"), null=True, blank=True, editable=False)
    # Public contacts (of the organisation, not of a person).
    email = models.EmailField(_("public e-mail address"), blank=True)
    phone = models.CharField(_("public phone number"), max_length=30, blank=True)
    website = models.URLField(_("website"), max_length=500, blank=True)
    # [{"network": "mastodon", "url": "https://…"}, …]
    social_links = models.JSONField(_("social networks"), default=list, blank=True)
    # Identifiers (canonical spelling: see identifiers.normalise_identifier).
    siret = models.CharField(
        _("SIRET"), max_length=14, blank=True, validators=[identifiers.validate_siret]
    )
    museofile = models.CharField(
        _("Muséofile reference"),
        max_length=5,
        blank=True,
        validators=[identifiers.validate_museofile],
    )
    wikidata = models.CharField(
        _("Wikidata identifier"),
        max_length=13,
        blank=True,
        validators=[identifiers.validate_wikidata],
    )
    rna = models.CharField(
        _("RNA number"), max_length=10, blank=True, validators=[identifiers.validate_rna]
    )
    uai = models.CharField(
        _("UAI number"), max_length=8, blank=True, validators=[identifiers.validate_uai]
    )
    rnsr = models.CharField(
        _("RNSR number"), max_length=10, blank=True, validators=[identifiers.validate_rnsr]
    )
    ror = models.CharField(
        _("ROR identifier"), max_length=9, blank=True, validators=[identifiers.validate_ror]
    )
    osm = models.CharField(
        _("OpenStreetMap object"), max_length=30, blank=True, validators=[identifiers.validate_osm]
    )
    concepts = models.ManyToManyField(
        "core.Concept",
        verbose_name=_("fields and disciplines"),
        blank=True,
        related_name="inventory_actors",
    )
    year_founded = models.PositiveSmallIntegerField(
        _("year founded"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1000), MaxValueValidator(2100)],
    )
    status = models.CharField(
        _("status"), max_length=10, choices=ActorStatus.choices, default=ActorStatus.OPEN
    )
    closed_year = models.PositiveSmallIntegerField(
        _("year closed"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1000), MaxValueValidator(2100)],
    )
    staff_band = models.CharField(_("staff"), max_length=6, choices=StaffBand.choices, blank=True)
    # Sanitised HTML (ocim.core.sanitiser), written by the services.
    description = models.TextField(_("description"), blank=True)
    image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("logo or photo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    last_confirmed_on = models.DateField(_("last confirmed on"), null=True, blank=True)
    # Where the record comes from, so that a new import of the same source updates it.
    source = models.CharField(_("source"), max_length=100, blank=True)
    source_id = models.CharField(_("identifier in the source"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("actor")
        verbose_name_plural = _("actors")
        ordering = ["name", "pk"]
        indexes = [
            models.Index(fields=["family", "type"], name="inventory_actor_family_type"),
            models.Index(fields=["region", "department"], name="inventory_actor_territory"),
            models.Index(fields=["latitude", "longitude"], name="inventory_actor_coordinates"),
            # map: the map's clusters read only this index, not the table's rows, for the
            # filters on these columns (PostgreSQL; other databases index map_cell alone).
            models.Index(
                fields=["map_cell"],
                include=[
                    "latitude",
                    "longitude",
                    "id",
                    "family",
                    "type",
                    "status",
                    "region",
                    "department",
                ],
                name="inventory_actor_map_cell",
            ),
            models.Index(fields=["siret"], name="inventory_actor_siret"),
            models.Index(fields=["status"], name="inventory_actor_status"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "source_id"],
                condition=~Q(source="") & ~Q(source_id=""),
                name="inventory_actor_unique_source_id",
            ),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                | Q(latitude__isnull=False, longitude__isnull=False),
                name="inventory_actor_coordinates_together",
            ),
            models.CheckConstraint(
                condition=Q(status="closed") | Q(closed_year__isnull=True),
                name="inventory_actor_closed_year_when_closed",
            ),
        ]

    def __str__(self):
        return self.name


class ActorVisitorCount(models.Model):
    actor = models.ForeignKey(
        Actor, verbose_name=_("actor"), on_delete=models.CASCADE, related_name="visitor_counts"
    )
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(1900), MaxValueValidator(2100)]
    )
    visitors = models.PositiveIntegerField(_("visitors"))

    class Meta:
        verbose_name = _("yearly visitor count")
        verbose_name_plural = _("yearly visitor counts")
        ordering = ["-year"]
        constraints = [
            models.UniqueConstraint(
                fields=["actor", "year"], name="inventory_visitors_one_per_year"
            )
        ]

    def __str__(self):
        return f"{self.year}: {self.visitors}"


class ActorContact(models.Model):
    """A person to contact at the actor: for Ocim's staff only (never public, never exported)."""

    actor = models.ForeignKey(
        Actor, verbose_name=_("actor"), on_delete=models.CASCADE, related_name="contacts"
    )
    name = models.CharField(_("name"), max_length=200)
    role = models.CharField(_("job title"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail address"), blank=True)
    phone = models.CharField(_("phone number"), max_length=30, blank=True)

    class Meta:
        verbose_name = _("contact person")
        verbose_name_plural = _("contact persons")
        ordering = ["name", "pk"]

    def __str__(self):
        return self.name


class RevisionSource(models.TextChoices):
    ADMIN = "admin", _("Back office")
    IMPORT = "import", _("Import")
    CONTRIBUTION = "contribution", _("Contribution by the actor")
    API = "api", _("API")
    REVERT = "revert", _("Revert")
    SYSTEM = "system", _("Automatic")


class ActorRevision(models.Model):
    """One change of an actor: who, when, from where, which fields (old → new), and the whole
    record after it (``snapshot``: what a revert restores)."""

    actor = models.ForeignKey(
        Actor, verbose_name=_("actor"), on_delete=models.CASCADE, related_name="revisions"
    )
    created_at = models.DateTimeField(_("date"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    source = models.CharField(_("source"), max_length=20, choices=RevisionSource.choices)
    source_detail = models.CharField(_("detail"), max_length=255, blank=True)
    # {field: [old, new]}; empty for the first revision (the record as created).
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    snapshot = models.JSONField(_("record"), default=dict)

    class Meta:
        verbose_name = _("actor revision")
        verbose_name_plural = _("actor revisions")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.actor_id} @ {self.created_at:%Y-%m-%d %H:%M}"


# directory: the directory's search index lives in its own module (one row per actor).
from .models_directory import ActorSearchIndex  # noqa: E402, F401

# import: the import jobs live in their own module; imported here so Django registers them.
from .models_import import DuplicateDecision, ImportJob, ImportStatus  # noqa: E402, F401

# open data: the files of the whole inventory written ahead.
from .models_opendata import OpenDataFile  # noqa: E402, F401
