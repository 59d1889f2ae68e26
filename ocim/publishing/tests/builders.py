"""Builders for the publishing tests: a site with the magazine, issues, articles, subscriptions."""

from __future__ import annotations

import datetime as dt
import itertools

from django.core.files.base import ContentFile
from wagtail.documents.models import Document
from wagtail.models import Locale, Page, Site

from ocim.core.models import HomePage
from ocim.publishing.models import (
    ArticleAbstract,
    ArticleAuthor,
    ArticlePage,
    IssuePage,
    MagazinePage,
    Person,
    Rubric,
    Subscription,
)

_counter = itertools.count(1)

PDF_BYTES = b"%PDF-1.4\n% test article\n"


def site_with_magazine(*, moving_wall_months: int = 12) -> MagazinePage:
    """A home page set as the default site's root, with the magazine under it (published)."""
    locale, _created = Locale.objects.get_or_create(language_code="fr")
    # A transactional test elsewhere may have flushed the root page the migrations create.
    root = Page.get_first_root_node() or Page.add_root(instance=Page(title="Root", slug="root"))
    home = HomePage(title="Accueil", slug=f"accueil-{next(_counter)}", locale=locale)
    root.add_child(instance=home)
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        Site.objects.create(hostname="localhost", port=80, root_page=home, is_default_site=True)
    else:
        site.root_page = home
        site.save()
    magazine = MagazinePage(
        title="La Lettre de l'Ocim",
        slug="lettre",
        subtitle="Revue des professionnels du patrimoine",
        issn_print="0994-1908",
        publisher="Ocim",
        moving_wall_months=moving_wall_months,
    )
    home.add_child(instance=magazine)
    magazine.save_revision().publish()
    return MagazinePage.objects.get(pk=magazine.pk)


def document(title="Article PDF") -> Document:
    doc = Document(title=title)
    doc.file.save(f"article-{next(_counter)}.pdf", ContentFile(PDF_BYTES), save=False)
    doc.save()
    return doc


def issue(
    magazine: MagazinePage,
    *,
    number: int | None = None,
    publication_date: dt.date = dt.date(2025, 1, 15),
    with_pdf: bool = False,
    **fields,
) -> IssuePage:
    number = number if number is not None else next(_counter) + 200
    page = IssuePage(
        title=f"Numéro {number}",
        slug=f"numero-{number}",
        number=number,
        publication_date=publication_date,
        dossier_title=fields.pop("dossier_title", "Les réserves"),
        period_label=fields.pop("period_label", "janvier-avril 2025"),
        editorial=fields.pop("editorial", "<p>Un numéro consacré aux réserves.</p>"),
        pdf=document("Numéro complet") if with_pdf else None,
        **fields,
    )
    magazine.add_child(instance=page)
    page.save_revision().publish()
    return IssuePage.objects.get(pk=page.pk)


def rubric(name="Dossier", sort_order=0) -> Rubric:
    value, _c = Rubric.objects.get_or_create(
        slug=name.lower().replace(" ", "-").replace("è", "e"),
        defaults={"name": name, "sort_order": sort_order},
    )
    return value


def person(last_name="Martin", first_name="Claire", orcid="") -> Person:
    return Person.objects.create(
        last_name=last_name, first_name=first_name, affiliation="Muséum de Dijon", orcid=orcid
    )


def article(
    issue_page: IssuePage,
    *,
    title="Conserver les herbiers",
    rubric_value: Rubric | None = None,
    authors=(),
    first_page=None,
    last_page=None,
    open_early=False,
    with_pdf=False,
    body_text="Le texte intégral de l'article.",
    **fields,
) -> ArticlePage:
    page = ArticlePage(
        title=title,
        slug=f"article-{next(_counter)}",
        rubric=rubric_value,
        first_page=first_page,
        last_page=last_page,
        open_early=open_early,
        pdf=document() if with_pdf else None,
        body=[("paragraph", f"<p>{body_text}</p>")],
        **fields,
    )
    issue_page.add_child(instance=page)
    for order, author in enumerate(authors):
        ArticleAuthor.objects.create(page=page, person=author, sort_order=order)
    ArticleAbstract.objects.create(page=page, language="fr", text="Résumé de l'article.")
    page.save_revision().publish()
    return ArticlePage.objects.get(pk=page.pk)


def individual_subscription(user, *, starts_on, ends_on) -> Subscription:
    return Subscription.objects.create(
        kind="individual", user=user, starts_on=starts_on, ends_on=ends_on
    )


def institutional_subscription(ip_ranges: str, *, starts_on, ends_on) -> Subscription:
    return Subscription.objects.create(
        kind="institutional",
        institution_name="Université de Bourgogne",
        ip_ranges=ip_ranges,
        starts_on=starts_on,
        ends_on=ends_on,
    )
