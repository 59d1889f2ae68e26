"""Builders for the registration, seat and waiting-list tests (training core)."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

from django.utils import timezone
from wagtail.models import Locale, Page

from ocim.core.models import HomePage
from ocim.training.models import (
    CourseIndexPage,
    CoursePage,
    CoursePriceOption,
    Session,
    SessionPart,
)

_counter = itertools.count(1)

VALID_SIRET = "73282932000074"  # passes the Luhn check
INVALID_SIRET = "73282932000075"


def make_course(title: str = "Éclairer une exposition") -> CoursePage:
    locale, _created = Locale.objects.get_or_create(language_code="fr")
    # A transactional test flushes the tree the migrations created: plant a new root then.
    root = Page.get_first_root_node() or Page.add_root(instance=Page(title="Root", slug="root"))
    n = next(_counter)
    home = root.add_child(
        instance=HomePage(title="Accueil", slug=f"accueil-core-{n}", locale=locale)
    )
    index = home.add_child(instance=CourseIndexPage(title="Formations", slug="formations"))
    course = index.add_child(
        instance=CoursePage(title=title, slug=f"cours-core-{n}", duration_hours=Decimal("14"))
    )
    CoursePriceOption.objects.create(page=course, label="Avec déjeuners", amount=Decimal("700"))
    return course


def make_session(
    course: CoursePage | None = None,
    *,
    capacity: int = 3,
    status: str = "open",
    days_ahead: int = 30,
    **fields,
) -> Session:
    course = course or make_course()
    session = Session.objects.create(course=course, capacity=capacity, status=status, **fields)
    first = timezone.localdate() + dt.timedelta(days=days_ahead)
    SessionPart.objects.create(
        session=session, date=first, start_time=dt.time(9, 30), end_time=dt.time(17, 0)
    )
    return session


def registration_data(**overrides) -> dict:
    data = {
        "job_title": "Régisseuse des collections",
        "employer_name": "Muséum d'histoire naturelle de Dijon",
        "employer_siret": VALID_SIRET,
        "employer_address": "1 avenue Albert-Premier, 21000 Dijon",
        "payer": "self",
        "signatory_name": "Hélène Girard",
        "signatory_email": "direction@museum-dijon.fr",
        "expectations": "Savoir éclairer des objets fragiles sans les abîmer.",
        "consent": True,
    }
    data.update(overrides)
    return data
