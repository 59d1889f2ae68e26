"""Public views of the publishing app (the pages themselves are Wagtail pages)."""

from __future__ import annotations

import mimetypes
import os

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST, require_safe
from wagtail.models import Site

from ocim.core.forms import AccessibleForm
from ocim.core.models import OrganisationSettings

from . import account  # noqa: F401  (registers the magazine's section of the account page)
from .access import (
    article_full_text_allowed,
    article_opens_on,
    issue_full_text_allowed,
    issue_opens_on,
)
from .follows import magazine_follow_start, magazine_follow_stop
from .models import ArticlePage, IssuePage, MagazinePage, NewsCategory, NewsKind
from .selectors import NewsFilters, issue_for_number, news_archive_years, news_list_for_index

NEWS_PER_PAGE = 20


def client_ip(request) -> str:
    """The reader's address: ``REMOTE_ADDR`` (the reverse proxy, configured elsewhere, sets it
    to the client's own address)."""
    return request.META.get("REMOTE_ADDR", "")


def _serve_document(document) -> FileResponse:
    name = os.path.basename(document.file.name)
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    response = FileResponse(
        document.file.open("rb"), as_attachment=False, filename=name, content_type=content_type
    )
    # Who may read it depends on the reader: no shared cache may keep it.
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    return response


# The largest id or issue number (the columns are 32-bit integers): larger numbers in a URL
# cannot match and must not reach the database, where they would overflow (a 500).
MAX_DB_INTEGER = 2_147_483_647


def _live_page_or_404(model, pk: int):
    if not 1 <= pk <= MAX_DB_INTEGER:
        raise Http404
    return get_object_or_404(model.objects.live().public(), pk=pk)


def _pdf_forbidden(request, *, page, opens_on) -> TemplateResponse:
    """The 403 answer to a reader not (yet) allowed to download a PDF: why, until when, and how
    to get in (log in, subscribe). The file and its storage URL are never part of it."""
    organisation = OrganisationSettings.load(request_or_site=request)
    return TemplateResponse(
        request,
        "publishing/pdf_forbidden.html",
        {
            "target": page,
            "opens_on": opens_on,
            "login_next": page.get_url(request) or request.path,
            "contact_email": organisation.contact_email,
        },
        status=403,
        headers={"Cache-Control": "private, no-store", "X-Robots-Tag": "noindex"},
    )


@require_safe
def article_pdf(request, pk: int):
    """The article's PDF, to the readers allowed to read its full text; a 403 page to the others
    (the document's own URL is never revealed)."""
    article = _live_page_or_404(ArticlePage, pk)
    if article.pdf is None:
        raise Http404
    if not article_full_text_allowed(article, user=request.user, ip=client_ip(request)):
        return _pdf_forbidden(request, page=article, opens_on=article_opens_on(article))
    return _serve_document(article.pdf)


@require_safe
def issue_pdf(request, pk: int):
    """The whole-issue PDF, under the same rule as the articles' full text."""
    issue = _live_page_or_404(IssuePage, pk)
    if issue.pdf is None:
        raise Http404
    if not issue_full_text_allowed(issue, user=request.user, ip=client_ip(request)):
        magazine = issue.get_parent().specific
        opens_on = issue_opens_on(issue, magazine) if isinstance(magazine, MagazinePage) else None
        return _pdf_forbidden(request, page=issue, opens_on=opens_on)
    return _serve_document(issue.pdf)


@require_safe
def issue_by_number(request, number: int):
    """``/lettre/numero/<n>/``: a stable, guessable address for an issue, redirecting to the
    issue page of the magazine of this site (in the reader's language when translated); 404
    when there is no such live issue."""
    if not 1 <= number <= MAX_DB_INTEGER:
        raise Http404
    issue = issue_for_number(
        site=Site.find_for_request(request), number=number, language=get_language()
    )
    url = issue.get_url(request) if issue is not None else None
    if not url:
        raise Http404
    return redirect(url)


# --- Readers who follow the magazine ---------------------------------------------------------


@login_required
@require_POST
def magazine_follow(request, pk: int):
    """Follow (``action=follow``) or stop following (``action=unfollow``) a magazine, then go
    back to its page. Idempotent: following twice changes nothing."""
    magazine = _live_page_or_404(MagazinePage, pk)
    action = request.POST.get("action")
    if action == "follow":
        magazine_follow_start(user=request.user, magazine=magazine)
        messages.success(
            request, _("You follow the magazine: you will get an e-mail when articles open.")
        )
    elif action == "unfollow":
        magazine_follow_stop(user=request.user, magazine=magazine)
        messages.success(request, _("You no longer follow the magazine."))
    else:
        return HttpResponseBadRequest(_("Unknown action."))
    if request.POST.get("next") == "account":  # a fixed name, never a URL: no open redirect
        return redirect("accounts:profile")
    return redirect((magazine.get_url(request) or "/") + "#follow")


# --- News -------------------------------------------------------------------------------------


class NewsFilterForm(AccessibleForm):
    """Filters of the news list, read from the query string so that URLs can be shared."""

    show_optional = False  # every filter is optional: saying so on each one is noise

    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("All kinds")), *NewsKind.choices]
    )
    category = forms.ChoiceField(label=_("Category"), required=False)
    # Tag slugs keep their accents (taggit does not strip them).
    tag = forms.SlugField(label=_("Tag"), required=False, max_length=100, allow_unicode=True)
    year = forms.IntegerField(label=_("Year"), required=False, min_value=1900, max_value=2999)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        categories = list(NewsCategory.objects.order_by("name"))
        self._category_ids = {category.slug: category.pk for category in categories}
        self.fields["category"].choices = [("", _("All categories"))] + [
            (category.slug, category.name) for category in categories
        ]

    def filters(self) -> NewsFilters:
        """The validated filters; call after ``is_valid()`` returned True."""
        data = self.cleaned_data
        return NewsFilters(
            kind=data.get("kind") or None,
            category_id=self._category_ids.get(data.get("category") or ""),
            tag_slug=data.get("tag") or None,
            year=data.get("year"),
        )

    @property
    def is_filtered(self) -> bool:
        return self.is_bound and any(self.data.get(name) for name in self.fields)


def news_index_serve(request, page):
    """The news index: its news newest first, filtered by the query string (invalid filters are
    reported and ignored), 20 a page, with the years of the archives."""
    form = NewsFilterForm(request.GET or None)
    filters = NewsFilters()
    if form.is_bound:
        if form.is_valid():
            filters = form.filters()
        else:
            messages.warning(request, _("Some filters were not understood; all news are shown."))
    paginator = Paginator(news_list_for_index(page, filters=filters), NEWS_PER_PAGE)
    page_obj = paginator.get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = page.get_context(request)
    context.update(
        {
            "form": form,
            "page_obj": page_obj,
            "news_list": page_obj.object_list,
            "page_range": paginator.get_elided_page_range(page_obj.number),
            "filter_query": query.urlencode(),
            "is_filtered": form.is_bound and form.is_valid() and form.is_filtered,
            "filters": filters,
            "archive_years": news_archive_years(page),
        }
    )
    return TemplateResponse(request, page.get_template(request), context)
