"""Public views of the publishing app (the pages themselves are Wagtail pages)."""

from __future__ import annotations

import mimetypes
import os

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from ocim.core.forms import AccessibleForm

from .access import article_full_text_allowed, issue_full_text_allowed
from .models import ArticlePage, IssuePage, NewsCategory, NewsKind
from .selectors import NewsFilters, news_archive_years, news_list_for_index

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


@require_safe
def article_pdf(request, pk: int):
    """The article's PDF, to the readers allowed to read its full text; 403 to the others
    (the document's own URL is never revealed)."""
    article = get_object_or_404(ArticlePage.objects.live().public(), pk=pk)
    if article.pdf is None:
        raise Http404
    if not article_full_text_allowed(article, user=request.user, ip=client_ip(request)):
        raise PermissionDenied
    return _serve_document(article.pdf)


@require_safe
def issue_pdf(request, pk: int):
    """The whole-issue PDF, under the same rule as the articles' full text."""
    issue = get_object_or_404(IssuePage.objects.live().public(), pk=pk)
    if issue.pdf is None:
        raise Http404
    if not issue_full_text_allowed(issue, user=request.user, ip=client_ip(request)):
        raise PermissionDenied
    return _serve_document(issue.pdf)


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
