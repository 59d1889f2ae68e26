from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from ..blocks import RICH_TEXT_FEATURES, BodyBlock, MissionBlock


class HomePage(Page):
    """The root page of a language tree: presents Ocim's three missions."""

    intro = RichTextField(_("introduction"), features=RICH_TEXT_FEATURES, blank=True)
    missions = StreamField(
        [("mission", MissionBlock())], verbose_name=_("missions"), blank=True, max_num=6
    )

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("missions")]
    search_fields = [*Page.search_fields, index.SearchField("intro")]
    parent_page_types = ["wagtailcore.Page"]
    # No subpage_types: core must not name domain apps (core ← accounts ← domains). Each
    # domain's index page declares parent_page_types = ["core.HomePage"] instead.
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("home page")


class StandardPage(Page):
    """A plain editorial page: legal notice, accessibility statement, about pages."""

    lead = models.TextField(_("lead"), blank=True)
    body = StreamField(BodyBlock(), verbose_name=_("body"), blank=True)
    last_reviewed = models.DateField(_("last reviewed"), null=True, blank=True)

    content_panels = [
        *Page.content_panels,
        FieldPanel("lead"),
        FieldPanel("body"),
        FieldPanel("last_reviewed"),
    ]
    search_fields = [*Page.search_fields, index.SearchField("lead"), index.SearchField("body")]
    parent_page_types = ["core.HomePage", "core.StandardPage"]
    subpage_types = ["core.StandardPage"]

    class Meta:
        verbose_name = _("standard page")


@register_setting(icon="site")
class OrganisationSettings(BaseGenericSetting):
    """Facts about Ocim shown in the footer and the legal pages, editable by staff."""

    organisation_name = models.CharField(_("organisation"), max_length=200, default="Ocim")
    parent_organisation = models.CharField(
        _("parent organisation"), max_length=200, default="Université Bourgogne Europe"
    )
    address = models.TextField(_("postal address"), blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    phone = models.CharField(_("telephone"), max_length=40, blank=True)
    publication_director = models.CharField(_("publication director"), max_length=200, blank=True)
    host = models.TextField(_("host"), blank=True)
    legal_notice_page = models.ForeignKey(
        "wagtailcore.Page",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("legal notice page"),
    )
    accessibility_page = models.ForeignKey(
        "wagtailcore.Page",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("accessibility statement page"),
    )
    privacy_page = models.ForeignKey(
        "wagtailcore.Page",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("privacy policy page"),
    )
    cookies_page = models.ForeignKey(
        "wagtailcore.Page",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("cookie information page"),
    )
    accessibility_status = models.CharField(
        _("accessibility compliance"),
        max_length=20,
        choices=[
            ("full", _("fully compliant")),
            ("partial", _("partially compliant")),
            ("none", _("not compliant")),
        ],
        default="partial",
    )

    panels = [
        MultiFieldPanel(
            [
                FieldPanel("organisation_name"),
                FieldPanel("parent_organisation"),
                FieldPanel("address"),
                FieldPanel("contact_email"),
                FieldPanel("phone"),
                FieldPanel("publication_director"),
                FieldPanel("host"),
            ],
            heading=_("Organisation"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("legal_notice_page"),
                FieldPanel("accessibility_page"),
                FieldPanel("privacy_page"),
                FieldPanel("cookies_page"),
                FieldPanel("accessibility_status"),
            ],
            heading=_("Legal pages"),
        ),
    ]

    class Meta:
        verbose_name = _("organisation")
