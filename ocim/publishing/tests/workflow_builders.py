"""Builders for the editorial workflow tests: role users, draft issues and articles, and the
form data of a page's edit view (read from the rendered form, as a browser would send it)."""

from __future__ import annotations

import datetime as dt
import itertools
from html.parser import HTMLParser

from ocim.accounts.roles import role_group, roles_ensure
from ocim.accounts.tests.factories import UserFactory
from ocim.publishing.models import ArticleAbstract, ArticlePage, IssuePage, MagazinePage
from ocim.publishing.workflow.services import editorial_workflow_ensure

from . import builders

_counter = itertools.count(500)


def editorial_setup():
    """The magazine with its workflow, and one user per editorial role."""
    magazine = builders.site_with_magazine()
    roles_ensure()
    editorial_workflow_ensure()
    users = {key: role_user(key) for key in ("author", "editor", "editor-in-chief")}
    return magazine, users


def role_user(role_key: str):
    user = UserFactory()
    user.groups.add(role_group(role_key))
    return user


def draft_issue(magazine: MagazinePage, *, user=None, **fields) -> IssuePage:
    number = next(_counter)
    page = IssuePage(
        title=f"Numéro {number}",
        slug=f"numero-{number}",
        number=number,
        publication_date=fields.pop("publication_date", dt.date(2025, 9, 15)),
        dossier_title="Les collections vivantes",
        editorial="<p>Éditorial du numéro.</p>",
        live=False,
        **fields,
    )
    magazine.add_child(instance=page)
    page.save_revision(user=user)
    return IssuePage.objects.get(pk=page.pk)


def draft_article(issue: IssuePage, *, user=None, title="Les herbiers vivants") -> ArticlePage:
    page = ArticlePage(
        title=title,
        slug=f"article-{next(_counter)}",
        body=[("paragraph", "<p>Texte intégral confidentiel.</p>")],
        live=False,
        owner=user,
    )
    issue.add_child(instance=page)
    ArticleAbstract.objects.create(page=page, language="fr", text="Résumé de l'article.")
    page.save_revision(user=user)
    return ArticlePage.objects.get(pk=page.pk)


class _FormFields(HTMLParser):
    """The fields of the first form with ``data-edit-form`` (or any form), as a browser posts
    them: inputs (checked ones for checkboxes), textareas and selected options."""

    def __init__(self):
        super().__init__()
        self.data: dict[str, list[str]] = {}
        self._in_form = False
        self._textarea: str | None = None
        self._select: str | None = None
        self._select_has_selected = False

    def _add(self, name, value):
        self.data.setdefault(name, []).append(value)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and "data-edit-form" in attrs:
            self._in_form = True
        if not self._in_form:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = attrs.get("type", "text")
            if kind in ("submit", "button", "file", "image", "reset"):
                return
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            self._add(name, attrs.get("value", "on" if kind == "checkbox" else ""))
        elif tag == "textarea" and name:
            self._textarea = name
            self._add(name, "")
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select and "selected" in attrs:
            self._add(self._select, attrs.get("value", ""))

    def handle_endtag(self, tag):
        if tag == "form":
            self._in_form = False
        elif tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None

    def handle_data(self, data):
        if self._textarea:
            self.data[self._textarea][-1] += data


def edit_form_data(html: str) -> dict[str, list[str]]:
    parser = _FormFields()
    parser.feed(html)
    return parser.data
