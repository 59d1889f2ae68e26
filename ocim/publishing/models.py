"""Publishing: La Lettre de l'Ocim — the magazine, its issues and articles (Wagtail pages), the
rubrics and people (snippets), and the subscriptions that open embargoed full text.

The moving wall (who may read an article's full text) is decided in one place:
``ocim.publishing.access``. Nothing here shows or hides text by itself.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.http import Http404
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from taggit.models import TaggedItemBase
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index
from wagtail.snippets.models import register_snippet

from ocim.core.blocks import RICH_TEXT_FEATURES
from ocim.core.models import BaseModel

from .blocks import ArticleBodyBlock
from .validators import validate_doi, validate_ip_ranges, validate_issn, validate_orcid


class Licence(models.TextChoices):
    CC_BY = "cc-by-4.0", _("Creative Commons Attribution 4.0 (CC BY 4.0)")
    CC_BY_NC_ND = (
        "cc-by-nc-nd-4.0",
        _("Creative Commons Attribution-NonCommercial-NoDerivatives 4.0 (CC BY-NC-ND 4.0)"),
    )
    ALL_RIGHTS_RESERVED = "all-rights-reserved", _("All rights reserved")


LICENCE_URLS = {
    Licence.CC_BY: "https://creativecommons.org/licenses/by/4.0/",
    Licence.CC_BY_NC_ND: "https://creativecommons.org/licenses/by-nc-nd/4.0/",
}


# --- Snippets -------------------------------------------------------------------------------


class Rubric(models.Model):
    """A section of the table of contents (Dossier, Articles, Observatoire, Repères…); the
    order of the table of contents is ``sort_order``."""

    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("identifier"), max_length=120, unique=True)
    sort_order = models.PositiveSmallIntegerField(
        _("position in the table of contents"),
        default=0,
        help_text=_("Rubrics are listed from the smallest number to the largest."),
    )

    panels = [FieldPanel("name"), FieldPanel("slug"), FieldPanel("sort_order")]

    class Meta:
        verbose_name = _("rubric")
        verbose_name_plural = _("rubrics")
        ordering = ["sort_order", "name"]

    def __str__(self):
        return self.name


class Person(index.Indexed, models.Model):
    """An author of the magazine (not an account: most authors have none)."""

    first_name = models.CharField(_("first name"), max_length=120, blank=True)
    last_name = models.CharField(_("last name"), max_length=120)
    affiliation = models.CharField(_("affiliation"), max_length=255, blank=True)
    orcid = models.CharField(
        _("ORCID iD"),
        max_length=19,
        blank=True,
        validators=[validate_orcid],
        help_text=_("For example 0000-0002-1825-0097."),
    )
    bio = models.TextField(_("short biography"), blank=True)

    panels = [
        FieldRowPanel([FieldPanel("first_name"), FieldPanel("last_name")]),
        FieldPanel("affiliation"),
        FieldPanel("orcid"),
        FieldPanel("bio"),
    ]
    search_fields = [
        index.SearchField("last_name"),
        index.SearchField("first_name"),
        index.AutocompleteField("last_name"),
    ]

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["last_name", "first_name"]

    def __str__(self):
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def orcid_url(self) -> str:
        return f"https://orcid.org/{self.orcid}" if self.orcid else ""


# --- Magazine -------------------------------------------------------------------------------


class MagazinePage(Page):
    """The magazine (La Lettre de l'Ocim): its identity, its masthead and its moving wall."""

    subtitle = models.CharField(_("subtitle"), max_length=255, blank=True)
    issn_print = models.CharField(
        _("ISSN (print)"), max_length=9, blank=True, validators=[validate_issn]
    )
    issn_electronic = models.CharField(
        _("ISSN (electronic)"), max_length=9, blank=True, validators=[validate_issn]
    )
    publisher = models.CharField(_("publisher"), max_length=255, blank=True)
    moving_wall_months = models.PositiveSmallIntegerField(
        _("moving wall (months)"),
        default=12,
        validators=[MaxValueValidator(120)],
        help_text=_(
            "The full text of an article opens to everyone this many months after its issue "
            "is published; subscribers read it at once."
        ),
    )
    licence = models.CharField(
        _("licence of open content"),
        max_length=30,
        choices=Licence.choices,
        default=Licence.CC_BY_NC_ND,
    )
    intro = RichTextField(_("introduction"), features=RICH_TEXT_FEATURES, blank=True)

    content_panels = [
        *Page.content_panels,
        FieldPanel("subtitle"),
        FieldPanel("intro"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("issn_print"), FieldPanel("issn_electronic")]),
                FieldPanel("publisher"),
            ],
            heading=_("Identification"),
        ),
        MultiFieldPanel(
            [FieldPanel("moving_wall_months"), FieldPanel("licence")], heading=_("Open access")
        ),
        InlinePanel("masthead", label=_("masthead")),
    ]
    search_fields = [*Page.search_fields, index.SearchField("subtitle")]
    parent_page_types = ["core.HomePage"]
    subpage_types = ["publishing.IssuePage", "publishing.DossierPage"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("magazine")
        verbose_name_plural = _("magazines")

    def get_context(self, request, *args, **kwargs):
        from .selectors import issue_page_for_magazine

        context = super().get_context(request, *args, **kwargs)
        page_obj, page_range = issue_page_for_magazine(self, request.GET.get("page"))
        context.update(issues=page_obj.object_list, page_obj=page_obj, page_range=page_range)
        context["masthead"] = list(self.masthead.all())
        context["licence_url"] = LICENCE_URLS.get(self.licence, "")
        return context


class MastheadEntry(Orderable):
    """One line of the masthead: "Directeur de la publication — Jean Dupont"."""

    page = ParentalKey(MagazinePage, on_delete=models.CASCADE, related_name="masthead")
    role = models.CharField(_("role"), max_length=200)
    name = models.CharField(_("name"), max_length=200)

    panels = [FieldPanel("role"), FieldPanel("name")]

    class Meta(Orderable.Meta):
        verbose_name = _("masthead entry")
        verbose_name_plural = _("masthead entries")

    def __str__(self):
        return f"{self.role} — {self.name}"


# --- Issues ---------------------------------------------------------------------------------


def _number_taken(*, parent, number: int, exclude_pk) -> bool:
    siblings = IssuePage.objects.child_of(parent).filter(number=number)
    if exclude_pk:
        siblings = siblings.exclude(pk=exclude_pk)
    return siblings.exists()


def _number_taken_error() -> ValidationError:
    return ValidationError(
        {"number": _("This magazine already has an issue with this number.")}, code="unique"
    )


class IssuePageForm(WagtailAdminPageForm):
    """Checks that the number is free in the magazine (the parent page is known only here when
    the issue is being created)."""

    def clean(self):
        cleaned_data = super().clean()
        number = cleaned_data.get("number")
        parent = self.parent_page
        if (
            number is not None
            and parent is not None
            and _number_taken(parent=parent, number=number, exclude_pk=self.instance.pk)
        ):
            self.add_error("number", _number_taken_error().error_dict["number"][0])
        return cleaned_data


class IssuePage(Page):
    """A numbered issue, built around a thematic dossier."""

    number = models.PositiveIntegerField(_("number"), validators=[MinValueValidator(1)])
    dossier_title = models.CharField(_("dossier title"), max_length=255, blank=True)
    guest_editors = models.CharField(
        _("guest editors"),
        max_length=255,
        blank=True,
        help_text=_("The people who coordinated the dossier, as they should be printed."),
    )
    period_label = models.CharField(
        _("period"), max_length=100, blank=True, help_text=_("For example “janvier-avril 2025”.")
    )
    publication_date = models.DateField(
        _("publication date"),
        help_text=_("The moving wall is counted from this date."),
    )
    cover_image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("cover"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    editorial = RichTextField(_("editorial"), features=RICH_TEXT_FEATURES, blank=True)
    editorial_signatory = models.CharField(_("editorial signed by"), max_length=200, blank=True)
    editorial_signatory_role = models.CharField(
        _("role of the signatory"), max_length=200, blank=True
    )
    pdf = models.ForeignKey(
        "wagtaildocs.Document",
        verbose_name=_("whole issue (PDF)"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    toc_pdf = models.ForeignKey(
        "wagtaildocs.Document",
        verbose_name=_("table of contents (PDF)"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    base_form_class = IssuePageForm
    content_panels = [
        *Page.content_panels,
        FieldRowPanel([FieldPanel("number"), FieldPanel("period_label")]),
        FieldPanel("publication_date"),
        MultiFieldPanel(
            [FieldPanel("dossier_title"), FieldPanel("guest_editors")], heading=_("Dossier")
        ),
        FieldPanel("cover_image"),
        MultiFieldPanel(
            [
                FieldPanel("editorial"),
                FieldPanel("editorial_signatory"),
                FieldPanel("editorial_signatory_role"),
            ],
            heading=_("Editorial"),
        ),
        MultiFieldPanel([FieldPanel("pdf"), FieldPanel("toc_pdf")], heading=_("PDF files")),
    ]
    # The editorial is open from publication (it is not behind the moving wall).
    search_fields = [
        *Page.search_fields,
        index.SearchField("dossier_title"),
        index.SearchField("editorial"),
        index.FilterField("number"),
        index.FilterField("publication_date"),
    ]
    parent_page_types = ["publishing.MagazinePage"]
    subpage_types = ["publishing.ArticlePage"]

    class Meta:
        verbose_name = _("issue")
        verbose_name_plural = _("issues")

    def get_context(self, request, *args, **kwargs):
        from .access import issue_full_text_allowed
        from .selectors import issue_table_of_contents
        from .views import client_ip

        context = super().get_context(request, *args, **kwargs)
        context["toc"] = issue_table_of_contents(self)
        context["issue_pdf_allowed"] = bool(self.pdf_id) and issue_full_text_allowed(
            self, user=request.user, ip=client_ip(request)
        )
        return context

    def route(self, request, path_components):
        # An article is public only while its issue is (unpublishing an issue takes its
        # articles out with it: ``workflow.services.issue_articles_withdraw``); whatever the
        # state of an article, nothing is served under an issue that is not live.
        if path_components and not self.live:
            raise Http404
        return super().route(request, path_components)

    def clean(self):
        super().clean()
        # Saved in the tree (the parent is known): the number must be free among its siblings.
        if self.path and self.depth and self.depth > 1 and self.number is not None:
            parent = Page.objects.filter(path=self.path[: -self.steplen]).first()
            if parent and _number_taken(parent=parent, number=self.number, exclude_pk=self.pk):
                raise _number_taken_error()


# --- Articles -------------------------------------------------------------------------------


class AbstractLanguage(models.TextChoices):
    FRENCH = "fr", _("French")
    ENGLISH = "en", _("English")
    GERMAN = "de", _("German")
    SPANISH = "es", _("Spanish")
    ITALIAN = "it", _("Italian")


class ArticlePage(Page):
    """An article of an issue.

    Search: Wagtail's index (the site search) holds the title, translated title, abstracts and
    free keywords, never the body: it does not know about the moving wall. The publishing search
    (``ocim.publishing.search``) indexes the body once the article is open to everyone.
    """

    translated_title = models.CharField(_("translated title"), max_length=255, blank=True)
    rubric = models.ForeignKey(
        Rubric,
        verbose_name=_("rubric"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="articles",
    )
    first_page = models.PositiveIntegerField(_("first page"), null=True, blank=True)
    last_page = models.PositiveIntegerField(_("last page"), null=True, blank=True)
    keywords = ParentalManyToManyField(
        "core.Concept", verbose_name=_("thesaurus keywords"), blank=True, related_name="articles"
    )
    free_keywords = models.CharField(
        _("other keywords"),
        max_length=500,
        blank=True,
        help_text=_("Separated by commas."),
    )
    regions = ParentalManyToManyField(
        "core.Region", verbose_name=_("regions"), blank=True, related_name="articles"
    )
    departments = ParentalManyToManyField(
        "core.Department", verbose_name=_("departments"), blank=True, related_name="articles"
    )
    body = StreamField(ArticleBodyBlock(), verbose_name=_("full text"), blank=True)
    pdf = models.ForeignKey(
        "wagtaildocs.Document",
        verbose_name=_("PDF"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Served only to the readers allowed to read the full text."),
    )
    doi = models.CharField(
        _("DOI"),
        max_length=255,
        blank=True,
        validators=[validate_doi],
        help_text=_("For example 10.4000/lettreocim.1234."),
    )
    licence = models.CharField(
        _("licence"),
        max_length=30,
        choices=Licence.choices,
        blank=True,
        help_text=_("Leave blank to use the magazine's licence."),
    )
    open_early = models.BooleanField(
        _("open before the moving wall"),
        default=False,
        help_text=_("The full text is open to everyone at once."),
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("translated_title"),
        FieldPanel("rubric"),
        InlinePanel("authors", label=_("authors")),
        FieldRowPanel([FieldPanel("first_page"), FieldPanel("last_page")], heading=_("Pages")),
        InlinePanel("abstracts", label=_("abstracts")),
        MultiFieldPanel(
            [
                FieldPanel("keywords"),
                FieldPanel("free_keywords"),
                FieldPanel("regions"),
                FieldPanel("departments"),
            ],
            heading=_("Indexing"),
        ),
        FieldPanel("body"),
        MultiFieldPanel(
            [FieldPanel("pdf"), FieldPanel("doi"), FieldPanel("licence"), FieldPanel("open_early")],
            heading=_("Publication"),
        ),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("translated_title"),
        index.SearchField("free_keywords"),
        index.RelatedFields("abstracts", [index.SearchField("text")]),
    ]
    parent_page_types = ["publishing.IssuePage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(first_page__isnull=True)
                | models.Q(last_page__isnull=True)
                | models.Q(first_page__lte=models.F("last_page")),
                name="publishing_article_page_range",
            )
        ]

    def get_context(self, request, *args, **kwargs):
        from .access import article_full_text_allowed, article_issue_and_magazine, article_opens_on
        from .selectors import article_authors, stream_renditions_prefetch
        from .views import client_ip

        context = super().get_context(request, *args, **kwargs)
        issue, magazine = article_issue_and_magazine(self)
        licence = self.licence or (magazine.licence if magazine else "")
        full_text_allowed = article_full_text_allowed(
            self, user=request.user, ip=client_ip(request)
        )
        if full_text_allowed:
            # One query for the renditions of all the figures, however many there are.
            stream_renditions_prefetch(self.body)
        context.update(
            issue=issue,
            magazine=magazine,
            authors=article_authors(self),
            abstracts=list(self.abstracts.all()),
            keyword_concepts=list(self.keywords.all()),
            places=[*self.regions.all(), *self.departments.all()],
            full_text_allowed=full_text_allowed,
            opens_on=article_opens_on(self),
            licence_label=Licence(licence).label if licence else "",
            licence_url=LICENCE_URLS.get(licence, ""),
        )
        return context

    def serve(self, request, *args, **kwargs):
        response = super().serve(request, *args, **kwargs)
        # The full text shows or not depending on the reader: no shared cache may keep the page.
        patch_cache_control(response, private=True)
        return response

    def clean(self):
        super().clean()
        if (
            self.first_page is not None
            and self.last_page is not None
            and self.first_page > self.last_page
        ):
            raise ValidationError(
                {"last_page": _("The last page cannot come before the first page.")},
                code="page_range",
            )

    @property
    def page_range(self) -> str:
        if self.first_page and self.last_page and self.first_page != self.last_page:
            return f"{self.first_page}-{self.last_page}"
        return str(self.first_page or self.last_page or "")

    @property
    def free_keyword_list(self) -> list[str]:
        return [word.strip() for word in self.free_keywords.split(",") if word.strip()]


class AuthorLink(Orderable):
    """An ordered author of a page (article or news): subclasses declare ``page`` and
    ``person`` (their related names differ) and the "each person once" constraint."""

    panels = [FieldPanel("person")]

    class Meta(Orderable.Meta):
        abstract = True
        verbose_name = _("author")
        verbose_name_plural = _("authors")

    def __str__(self):
        return str(self.person)


class ArticleAuthor(AuthorLink):
    page = ParentalKey(ArticlePage, on_delete=models.CASCADE, related_name="authors")
    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="authorships"
    )

    class Meta(AuthorLink.Meta):
        constraints = [
            models.UniqueConstraint(fields=["page", "person"], name="publishing_author_once")
        ]


class ArticleAbstract(Orderable):
    page = ParentalKey(ArticlePage, on_delete=models.CASCADE, related_name="abstracts")
    language = models.CharField(_("language"), max_length=8, choices=AbstractLanguage.choices)
    text = models.TextField(_("abstract"))

    panels = [FieldPanel("language"), FieldPanel("text")]

    class Meta(Orderable.Meta):
        verbose_name = _("abstract")
        verbose_name_plural = _("abstracts")
        constraints = [
            models.UniqueConstraint(
                fields=["page", "language"], name="publishing_abstract_one_per_language"
            )
        ]

    def __str__(self):
        return f"{self.get_language_display()}: {self.text[:60]}"


# --- Subscriptions and the wall -------------------------------------------------------------


class SubscriptionKind(models.TextChoices):
    INDIVIDUAL = "individual", _("Individual")
    INSTITUTIONAL = "institutional", _("Institutional (IP ranges)")


class Subscription(BaseModel):
    """A paid subscription: the full text is open at once, from ``starts_on`` to ``ends_on``
    (both included), to one account (individual) or to the IP ranges of an institution."""

    kind = models.CharField(
        _("kind"),
        max_length=20,
        choices=SubscriptionKind.choices,
        default=SubscriptionKind.INDIVIDUAL,
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("subscriber account"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="publishing_subscriptions",
        help_text=_("For an individual subscription."),
    )
    institution_name = models.CharField(
        _("institution"),
        max_length=255,
        blank=True,
        help_text=_("For an institutional subscription."),
    )
    ip_ranges = models.TextField(
        _("IP ranges"),
        blank=True,
        validators=[validate_ip_ranges],
        help_text=_(
            "For an institutional subscription: one address or CIDR range per line, IPv4 or "
            "IPv6 (for example 192.0.2.0/24 or 2001:db8::/32)."
        ),
    )
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    note = models.TextField(_("internal note"), blank=True)

    class Meta:
        verbose_name = _("subscription")
        verbose_name_plural = _("subscriptions")
        ordering = ["-ends_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="publishing_subscription_dates",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(kind="individual", user__isnull=False)
                    | (models.Q(kind="institutional") & ~models.Q(ip_ranges=""))
                ),
                name="publishing_subscription_kind",
            ),
        ]

    def __str__(self):
        who = self.institution_name if self.kind == SubscriptionKind.INSTITUTIONAL else self.user
        return f"{who} ({self.starts_on} – {self.ends_on})"

    def clean(self):
        super().clean()
        errors = {}
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            errors["ends_on"] = _("The end date cannot come before the start date.")
        if self.kind == SubscriptionKind.INDIVIDUAL and self.user_id is None:
            errors["user"] = _("An individual subscription needs the subscriber's account.")
        if self.kind == SubscriptionKind.INSTITUTIONAL:
            if not self.institution_name.strip():
                errors["institution_name"] = _("Give the name of the institution.")
            if not self.ip_ranges.strip():
                errors["ip_ranges"] = _("An institutional subscription needs IP ranges.")
        if errors:
            raise ValidationError(errors)


class WallDigest(models.Model):
    """One e-mail announcing to the magazine's followers the articles whose wall lifted in one
    run of the job (its ``WallLift`` rows). ``completed_at`` is set once every follower has
    been sent it; until then the job sends it again to those who have not."""

    magazine = models.ForeignKey(
        MagazinePage, verbose_name=_("magazine"), on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    completed_at = models.DateTimeField(_("sent to every follower at"), null=True, blank=True)

    class Meta:
        verbose_name = _("wall digest")
        verbose_name_plural = _("wall digests")

    def __str__(self):
        return f"{self.magazine} ({self.created_at:%Y-%m-%d %H:%M})"


class WallDigestDelivery(models.Model):
    """The record that a follower was sent a digest: at most one per follower and digest, so a
    digest sent again after a failure never reaches the same person twice."""

    digest = models.ForeignKey(
        WallDigest, verbose_name=_("digest"), on_delete=models.CASCADE, related_name="deliveries"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reader"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now)

    class Meta:
        verbose_name = _("wall digest delivery")
        verbose_name_plural = _("wall digest deliveries")
        constraints = [
            models.UniqueConstraint(fields=["digest", "user"], name="publishing_digest_once")
        ]

    def __str__(self):
        return f"{self.digest} → {self.user}"


class WallLift(models.Model):
    """The record that an article's moving wall lifted (and its followers were told): one row
    per article, so the periodic job never announces an article twice."""

    article = models.OneToOneField(
        ArticlePage, verbose_name=_("article"), on_delete=models.CASCADE, related_name="wall_lift"
    )
    opened_on = models.DateField(_("opened on"))
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    digest = models.ForeignKey(
        WallDigest,
        verbose_name=_("digest"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="lifts",
    )

    class Meta:
        verbose_name = _("wall lift")
        verbose_name_plural = _("wall lifts")

    def __str__(self):
        return f"{self.article} ({self.opened_on})"


class MagazineFollow(models.Model):
    """A reader who wants an e-mail when articles of the magazine open."""

    magazine = models.ForeignKey(
        MagazinePage, verbose_name=_("magazine"), on_delete=models.CASCADE, related_name="follows"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reader"),
        on_delete=models.CASCADE,
        related_name="magazine_follows",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("magazine follow")
        verbose_name_plural = _("magazine follows")
        constraints = [
            models.UniqueConstraint(fields=["magazine", "user"], name="publishing_follow_once")
        ]

    def __str__(self):
        return f"{self.user} → {self.magazine}"


# --- News -----------------------------------------------------------------------------------


@register_snippet
class NewsCategory(models.Model):
    """A broad heading of the news (Appels à projets, Vie du réseau…); tags are finer and free."""

    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("identifier"), max_length=120, unique=True)

    panels = [FieldPanel("name"), FieldPanel("slug")]

    class Meta:
        verbose_name = _("news category")
        verbose_name_plural = _("news categories")
        ordering = ["name"]

    def __str__(self):
        return self.name


class NewsIndexPage(Page):
    """The news of the site: lists its news pages, filtered from the query string (served by
    ``views.news_index_serve``)."""

    intro = RichTextField(_("introduction"), features=RICH_TEXT_FEATURES, blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    search_fields = [*Page.search_fields, index.SearchField("intro")]
    parent_page_types = ["core.HomePage"]
    subpage_types = ["publishing.NewsPage"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("news index")
        verbose_name_plural = _("news indexes")

    def serve(self, request, *args, **kwargs):
        # Wagtail's before_serve_page hooks (view restrictions, passwords) have run already.
        from .views import news_index_serve

        return news_index_serve(request, self)


class NewsPageTag(TaggedItemBase):
    content_object = ParentalKey(
        "publishing.NewsPage", on_delete=models.CASCADE, related_name="tagged_items"
    )


class NewsKind(models.TextChoices):
    NEWS = "news", _("News item")
    ARTICLE = "article", _("Web article")


class NewsPage(Page):
    """A news item or a web article.

    One model with a ``kind`` rather than two page types: both have the same fields, the same
    place in the tree and the same listing; two models would mean two tables to query (and
    merge, sort and paginate) for every listing, and an editor could not change a news item
    into an article without re-creating the page. News are public: the body is indexed.
    """

    kind = models.CharField(
        _("kind"), max_length=20, choices=NewsKind.choices, default=NewsKind.NEWS
    )
    date = models.DateField(_("date"), help_text=_("The news are listed newest first."))
    category = models.ForeignKey(
        NewsCategory,
        verbose_name=_("category"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="news",
    )
    tags = ClusterTaggableManager(through=NewsPageTag, verbose_name=_("tags"), blank=True)
    lead_image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("lead image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    lead = models.TextField(_("lead text"), blank=True)
    body = StreamField(ArticleBodyBlock(), verbose_name=_("body"), blank=True)
    related_issue = models.ForeignKey(
        IssuePage,
        verbose_name=_("related issue"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="news",
        help_text=_("The news is then listed on the dossier page of this issue."),
    )

    content_panels = [
        *Page.content_panels,
        FieldRowPanel([FieldPanel("kind"), FieldPanel("date")]),
        FieldRowPanel([FieldPanel("category"), FieldPanel("tags")]),
        InlinePanel("authors", label=_("authors")),
        FieldPanel("lead_image"),
        FieldPanel("lead"),
        FieldPanel("body"),
        FieldPanel("related_issue"),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("lead"),
        index.SearchField("body"),
        index.FilterField("kind"),
        index.FilterField("date"),
    ]
    parent_page_types = ["publishing.NewsIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("news")
        verbose_name_plural = _("news")

    def get_context(self, request, *args, **kwargs):
        from .selectors import news_authors, stream_renditions_prefetch

        context = super().get_context(request, *args, **kwargs)
        stream_renditions_prefetch(self.body)
        context["authors"] = news_authors(self)
        context["tag_list"] = list(self.tags.all())
        return context


class NewsAuthor(AuthorLink):
    page = ParentalKey(NewsPage, on_delete=models.CASCADE, related_name="authors")
    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="news_authorships"
    )

    class Meta(AuthorLink.Meta):
        constraints = [
            models.UniqueConstraint(fields=["page", "person"], name="publishing_news_author_once")
        ]


# --- Dossiers -------------------------------------------------------------------------------


class DossierPageForm(WagtailAdminPageForm):
    """The issue of a dossier must be an issue of the magazine the dossier is in."""

    def clean(self):
        cleaned_data = super().clean()
        issue = cleaned_data.get("issue")
        parent = self.parent_page
        if issue is not None and parent is not None and not issue.is_child_of(parent):
            self.add_error("issue", _("Choose an issue of this magazine."))
        return cleaned_data


class DossierPage(Page):
    """The thematic dossier of an issue, in the magazine: the issue's articles of the dossier
    rubric (with their access state) and the news related to the issue."""

    intro = RichTextField(_("introduction"), features=RICH_TEXT_FEATURES, blank=True)
    issue = models.ForeignKey(
        IssuePage,
        verbose_name=_("issue"),
        on_delete=models.PROTECT,
        related_name="dossiers",
    )
    rubric = models.ForeignKey(
        Rubric,
        verbose_name=_("dossier rubric"),
        on_delete=models.PROTECT,
        related_name="dossiers",
        help_text=_("The articles of the issue in this rubric make up the dossier."),
    )

    base_form_class = DossierPageForm
    content_panels = [
        *Page.content_panels,
        FieldPanel("intro"),
        FieldRowPanel([FieldPanel("issue"), FieldPanel("rubric")]),
    ]
    search_fields = [*Page.search_fields, index.SearchField("intro")]
    parent_page_types = ["publishing.MagazinePage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("dossier")
        verbose_name_plural = _("dossiers")

    @property
    def issue_is_public(self) -> bool:
        """A dossier presents its issue: it is public only while the issue is live and under
        no view restriction (see ``selectors.dossier_issue_is_public``)."""
        from .selectors import dossier_issue_is_public

        return dossier_issue_is_public(self)

    def serve(self, request, *args, **kwargs):
        # Wagtail's own checks (live, view restrictions) have run; the issue's are added here.
        if not self.issue_is_public:
            raise Http404
        return super().serve(request, *args, **kwargs)

    def get_sitemap_urls(self, request=None):
        return super().get_sitemap_urls(request) if self.issue_is_public else []

    def get_indexed_instance(self):
        # Out of the site search while its issue is not public (re-indexed when the issue is
        # published or unpublished: ``search_hooks``).
        return super().get_indexed_instance() if self.issue_is_public else None

    def get_context(self, request, *args, **kwargs):
        from .selectors import dossier_articles, dossier_news

        context = super().get_context(request, *args, **kwargs)
        context["articles"] = dossier_articles(self)
        context["news_list"] = dossier_news(self)
        return context


# The search index lives in its own module (see ocim.publishing.search).
from .search.models import SearchDocument, SearchDocumentKind  # noqa: E402, F401

# The editorial workflow's models live in their own module (see ocim.publishing.workflow).
from .workflow.models import IssueAwareApprovalTask, PendingArticleRelease  # noqa: E402, F401
