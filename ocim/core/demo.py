"""Builds the demonstration site: locales, the French page tree and its English translation,
the legal pages and the organisation settings.

``demo_site_ensure()`` is idempotent: it creates what is missing and leaves existing pages and
settings untouched, so editors' changes survive a second run.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from wagtail.models import Locale, Page, Site
from wagtail.rich_text import RichText
from wagtail.search.index import insert_or_update_object

from . import demo_content
from .models import HomePage, OrganisationSettings, StandardPage

LANGUAGES = ("fr", "en")
WAGTAIL_WELCOME_TITLE = "Welcome to your new Wagtail site!"


@dataclass
class DemoSiteReport:
    created: list[str] = field(default_factory=list)

    def add(self, what: str) -> None:
        self.created.append(what)


def _body(items):
    stream = []
    for kind, value in items:
        if kind in ("h2", "h3"):
            stream.append(("heading", {"text": value, "level": kind}))
        elif kind == "p":
            stream.append(("paragraph", RichText(value)))
        elif kind == "callout":
            title, html = value
            stream.append(("callout", {"title": title, "text": RichText(html)}))
        else:  # a typo in the content module must fail loudly, not drop text
            raise ValueError(f"unknown body item kind: {kind}")
    return stream


def _locales(report):
    locales = {}
    for code in LANGUAGES:
        locale, created = Locale.objects.get_or_create(language_code=code)
        if created:
            report.add(f"locale {code}")
        locales[code] = locale
    return locales


def _remove_wagtail_welcome_page(site_root_id):
    """Delete Wagtail's initial placeholder page (a bare ``Page`` with no children)."""
    for page in Page.objects.filter(depth=2, title=WAGTAIL_WELCOME_TITLE).exclude(pk=site_root_id):
        if page.specific_class is Page and page.numchild == 0:
            page.delete()


def _home_fr(locales, report):
    home = HomePage.objects.filter(depth=2, locale=locales["fr"]).first()
    if home is not None:
        return home
    content = demo_content.HOME["fr"]
    root = Page.get_first_root_node()
    # The placeholder holds the slug we may want and the default site: clear it first.
    _remove_wagtail_welcome_page(site_root_id=None)
    home = HomePage(
        title=content["title"],
        seo_title=content["seo_title"],
        slug=content["slug"],
        search_description=content["search_description"],
        intro=content["intro"],
        locale=locales["fr"],
    )
    root.add_child(instance=home)
    home.save_revision().publish()
    report.add("French home page")
    return home


def _site(home, report):
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        site = Site.objects.create(
            hostname="localhost", port=80, root_page=home, is_default_site=True, site_name="Ocim"
        )
        report.add("default site")
        return site
    if site.root_page_id != home.pk or site.site_name != "Ocim":
        site.root_page = home
        site.site_name = "Ocim"
        site.save()
        report.add("default site now serves the French home page")
    return site


def _translate(source, locale, content, report, label):
    """The live translation of ``source`` in ``locale``, created from ``content`` if missing."""
    existing = source.get_translation_or_none(locale)
    if existing is not None:
        return existing.specific
    # Give the copy its final slug from the start: renaming it afterwards would make Wagtail
    # record a useless redirect from a path that was never published.
    template = type(source).objects.get(pk=source.pk)
    template.slug = content["slug"]
    translated = template.copy_for_translation(locale).specific
    for name, value in content.items():
        setattr(translated, name, value)
    translated.save_revision().publish()
    translated.refresh_from_db()
    report.add(f"{label} ({locale.language_code})")
    return translated


def _standard_page_fr(parent, spec, show_in_menus, report):
    content = spec["fr"]
    existing = parent.get_children().filter(slug=content["slug"]).first()
    if existing is not None:
        return existing.specific
    page = StandardPage(
        title=content["title"],
        slug=content["slug"],
        lead=content["lead"],
        body=_body(content["body"]),
        show_in_menus=show_in_menus,
        last_reviewed=timezone.localdate(),
        locale=parent.locale,
    )
    parent.add_child(instance=page)
    page.save_revision().publish()
    report.add(f"{content['title']} (fr)")
    return page


def _translated_fields(content):
    return {
        "title": content["title"],
        "slug": content["slug"],
        "lead": content["lead"],
        "body": _body(content["body"]),
    }


def _missions(home, pages, language, report):
    """Fill the home page's mission cards once (an edited or emptied list is left alone)."""
    # Reload: children were added since this instance was read, and publishing a stale
    # instance would write its stale tree counters (numchild) back.
    home = HomePage.objects.get(pk=home.pk)
    if home.missions:
        return
    cards = []
    for mission in demo_content.HOME[language]["missions"]:
        cards.append(
            (
                "mission",
                {
                    "title": mission["title"],
                    "text": mission["text"],
                    "link_page": pages[mission["page"]],
                    "link_url": "",
                    "link_label": mission["link_label"],
                },
            )
        )
    home.missions = cards
    home.save_revision().publish()
    report.add(f"mission cards ({language})")


def _organisation(legal_pages, report):
    settings = OrganisationSettings.load()
    changed = []
    for name, value in demo_content.ORGANISATION.items():
        current = getattr(settings, name)
        default = OrganisationSettings._meta.get_field(name).get_default()
        if current in ("", None) or (
            current == default
            and current != value
            and name in ("organisation_name", "parent_organisation")
        ):
            setattr(settings, name, value)
            changed.append(name)
    for spec in demo_content.LEGAL_PAGES:
        if getattr(settings, f"{spec['setting']}_id") is None:
            setattr(settings, spec["setting"], legal_pages[spec["key"]])
            changed.append(spec["setting"])
    if changed:
        settings.save()
        report.add("organisation settings: " + ", ".join(changed))
    return settings


@transaction.atomic
def demo_site_ensure() -> DemoSiteReport:
    """Create the demonstration page tree in French and English if it is missing.

    Ensures the ``fr`` and ``en`` locales; a French ``HomePage`` as the root of the default site
    (Wagtail's initial placeholder page is deleted); its English translation; the three mission
    pages (in the main menu) and the four legal pages (out of the menu) in both languages; and
    ``OrganisationSettings`` with the legal pages wired in. Existing pages are never modified.
    Returns what was created (empty on a second run).
    """
    report = DemoSiteReport()
    locales = _locales(report)
    home_fr = _home_fr(locales, report)
    _site(home_fr, report)
    _remove_wagtail_welcome_page(site_root_id=home_fr.pk)

    en_home_content = demo_content.HOME["en"]
    home_en = _translate(
        home_fr,
        locales["en"],
        {
            "title": en_home_content["title"],
            "seo_title": en_home_content["seo_title"],
            "slug": en_home_content["slug"],
            "search_description": en_home_content["search_description"],
            "intro": en_home_content["intro"],
            "missions": [],
        },
        report,
        "home page",
    )

    pages = {"fr": {}, "en": {}}
    legal = {}
    for spec, in_menu in [(spec, spec["menu"]) for spec in demo_content.PAGES] + [
        (spec, False) for spec in demo_content.LEGAL_PAGES
    ]:
        page_fr = _standard_page_fr(home_fr, spec, in_menu, report)
        page_en = _translate(
            page_fr, locales["en"], _translated_fields(spec["en"]), report, spec["en"]["title"]
        )
        pages["fr"][spec["key"]] = page_fr
        pages["en"][spec["key"]] = page_en
        if "setting" in spec:
            legal[spec["key"]] = page_fr

    _missions(home_fr, pages["fr"], "fr", report)
    _missions(home_en, pages["en"], "en", report)
    _organisation(legal, report)
    if report.created:
        # Index now rather than through the task queue, so the site search works right after
        # this command even before a task worker has started.
        for page in [home_fr, home_en, *pages["fr"].values(), *pages["en"].values()]:
            insert_or_update_object(page.specific)
    return report


# Domain apps add their demonstration content here, from their own ``demo`` module (imported
# by ``demo_builders()``), so that core never imports a domain app.
_DEMO_BUILDERS: dict[str, tuple[int, object]] = {}


def register_demo_builder(name: str, builder, *, order: int = 100) -> None:
    """Run ``builder()`` (idempotent; returns a report with ``created`` and ``skipped`` lists)
    when the demo is built, after the site pages, reference data, roles and users."""
    _DEMO_BUILDERS[name] = (order, builder)


def demo_builders():
    """The registered builders, in order, after importing every app's ``demo`` module."""
    from django.utils.module_loading import autodiscover_modules

    autodiscover_modules("demo")
    return [
        (name, builder)
        for name, (_order, builder) in sorted(_DEMO_BUILDERS.items(), key=lambda item: item[1][0])
    ]


def mission_page_callout_ensure(*, target: Page, slug: str, title: str, links_html: str) -> bool:
    """Add, once, a callout at the end of the mission page ``slug`` (a sibling of ``target``,
    under the same home page) whose text links to ``target`` — how a domain app's index page
    (the course catalogue, the magazine) is reached from its mission page in the main menu.

    ``links_html`` holds the callout's paragraphs; it must contain the internal link to
    ``target`` (``mission_link_attrs(target)``), by which the callout is found again.
    Returns True when the callout was added.
    """
    page = StandardPage.objects.child_of(target.get_parent()).filter(slug=slug).first()
    if page is None:
        return False
    marker = mission_link_attrs(target)
    if any(
        block.block_type == "callout" and marker in block.value["text"].source
        for block in page.body
    ):
        return False
    page.body.append(("callout", {"title": title, "text": RichText(links_html)}))
    page.save_revision().publish()
    return True


def mission_link_attrs(target: Page) -> str:
    """The attributes of an internal rich-text link to ``target``."""
    return f'linktype="page" id="{target.pk}"'
