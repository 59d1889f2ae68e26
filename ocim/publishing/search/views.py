"""The public search page of the magazine and the news."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.http import require_safe

from .forms import PublishingSearchForm
from .query import FACET_NAMES, document_search, search_hits, search_session

RESULTS_PER_PAGE = 10


@require_safe
def search(request):
    """Search the issues, articles, news and web articles (every language), with facets.

    The words and filters are validated by ``PublishingSearchForm``: a query too long or with
    forbidden characters is reported and not run; filters that are not understood are reported
    and ignored. A query with no searchable word (punctuation, operators, very common words)
    says so. Any ``page`` value is clamped to an existing page, so no input makes this fail.
    """
    form = PublishingSearchForm(request.GET or None)
    context = {"form": form, "query": "", "outcome": None, "no_words": False}
    if form.is_bound:
        form.is_valid()
        query = form.cleaned_data.get("q", "")
        context["query"] = query
        if query and "q" not in form.errors:
            with search_session():
                _search_context(request, form, query, context)
    return render(request, "publishing/search.html", context)


def _search_context(request, form, query: str, context: dict) -> None:
    """The outcome of the search, its page of results and its facets, into ``context``."""
    outcome = document_search(query=query, filters=form.filters())
    if outcome is None:
        context["no_words"] = True
        return
    paginator = Paginator(outcome.documents, RESULTS_PER_PAGE)
    page_obj = paginator.get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    context.update(
        outcome=outcome,
        page_obj=page_obj,
        page_range=paginator.get_elided_page_range(page_obj.number, on_each_side=2, on_ends=1),
        filter_query=params.urlencode(),
        hits=search_hits(page_obj.object_list, outcome.words, request=request),
        facets=[
            (name, form.fields[name].label, outcome.facets[name])
            for name in FACET_NAMES
            if outcome.facets.get(name)
        ],
        filter_errors=[form.fields[name].label for name in FACET_NAMES if name in form.errors],
    )
