"""Builders for the catalogue tests: a site with a catalogue page, courses and sessions."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

from django.utils import timezone
from wagtail.models import Locale, Page, Site

from ocim.core.models import Commune, Concept, Department, HomePage, Region
from ocim.training.models import (
    CourseIndexPage,
    CoursePage,
    CoursePriceOption,
    Registration,
    Session,
    SessionPart,
    Trainer,
)

_counter = itertools.count(1)


def site_with_catalogue() -> CourseIndexPage:
    locale, _created = Locale.objects.get_or_create(language_code="fr")
    root = Page.get_first_root_node()
    home = HomePage(title="Accueil", slug=f"accueil-{next(_counter)}", locale=locale)
    root.add_child(instance=home)
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        Site.objects.create(hostname="localhost", port=80, root_page=home, is_default_site=True)
    else:
        site.root_page = home
        site.save()
    index = CourseIndexPage(title="Formations", slug="formations", intro="<p>Nos formations.</p>")
    home.add_child(instance=index)
    return index


def territory(region_code="27", region_name="Bourgogne-Franche-Comté", insee="21231"):
    region, _c = Region.objects.get_or_create(code=region_code, defaults={"name": region_name})
    department, _c = Department.objects.get_or_create(
        code=insee[:2], defaults={"name": f"Département {insee[:2]}", "region": region}
    )
    commune, _c = Commune.objects.get_or_create(
        insee_code=insee,
        defaults={
            "name": f"Commune {insee}",
            "search_name": f"commune {insee}",
            "department": department,
        },
    )
    return commune


def concept(slug="osteology", label="Ostéologie"):
    value, _c = Concept.objects.get_or_create(
        slug=slug, defaults={"label_fr": label, "label_en": label}
    )
    return value


def course(index: CourseIndexPage, *, title="Montage ostéologique", fmt="course", domains=()):
    page = CoursePage(
        title=title,
        slug=f"cours-{next(_counter)}",
        format=fmt,
        objectives="<ul><li>Monter un squelette.</li></ul>",
        audience="Préparateurs et régisseurs.",
        prerequisites="Aucun.",
        programme=[("day", {"title": "Jour 1 – Préparer", "body": "<p>Nettoyage des os.</p>"})],
        teaching_methods="Travaux pratiques.",
        assessment_methods="Exercice final.",
        duration_hours=Decimal("21"),
        duration_days=Decimal("3"),
        accessibility="<p>Lieux accessibles.</p>",
        disability_contact_name="Claire Morel",
        disability_contact_email="handicap@ocim.fr",
        access_lead_time="Inscription jusqu'à 15 jours avant",
        content_updated_on=dt.date(2026, 9, 1),
    )
    index.add_child(instance=page)
    trainer = Trainer.objects.create(
        name="Marc Vasseur", role="Préparateur", organisation="Muséum", bio="<p>Vingt ans.</p>"
    )
    page.trainers.add(trainer)
    for value in domains:
        page.domains.add(value)
    CoursePriceOption.objects.create(
        page=page, label="Avec déjeuners", amount=Decimal("700"), sort_order=0
    )
    CoursePriceOption.objects.create(
        page=page, label="Avec hébergement", amount=Decimal("960"), sort_order=1
    )
    page.save_revision().publish()
    return CoursePage.objects.get(pk=page.pk)


def session(
    course_page: CoursePage,
    *,
    days_ahead=30,
    days=2,
    capacity=15,
    status="open",
    commune=None,
    remote=False,
    is_private=False,
    place_name="Muséum de Dijon",
) -> Session:
    value = Session.objects.create(
        course=course_page,
        status=status,
        capacity=capacity,
        is_private=is_private,
        place_name="" if remote else place_name,
        commune=commune,
        is_remote=remote,
    )
    first = timezone.localdate() + dt.timedelta(days=days_ahead)
    for offset in range(days):
        SessionPart.objects.create(
            session=value,
            date=first + dt.timedelta(days=offset),
            start_time=dt.time(9, 30),
            end_time=dt.time(17, 0),
            mode="remote" if remote else "onsite",
        )
    return value


def fill(session_value: Session, count: int, users) -> None:
    """Give ``count`` confirmed seats of the session to ``users`` (direct rows: test setup)."""
    for number, user in zip(range(1, count + 1), users, strict=False):
        Registration.objects.create(
            session=session_value,
            user=user,
            status="confirmed",
            seat_number=number,
            expectations="Apprendre.",
        )
