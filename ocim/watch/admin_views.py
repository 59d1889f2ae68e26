"""Admin views of the watch: the staff reading view (stream, item detail, star and curate), the
sources' health, the sources' create/edit/delete views (saved through the services) and the
OPML import and export.

Every view checks its permission itself and answers 403 when refused (anonymous people are
sent to the login page by the admin's own URL wrapper). Domain errors of the services become
form errors or messages, never a server error.
"""

from __future__ import annotations

import re

from django.db.models import Q
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views import View
from wagtail.admin import messages
from wagtail.admin.paginator import WagtailPaginator
from wagtail.admin.views.generic import CreateView, DeleteView, EditView, IndexView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.widgets.button import HeaderButton, MenuItem

from ocim.core.errors import ApplicationError
from ocim.core.models import Concept
from ocim.core.sanitiser import sanitise_html
from ocim.core.selectors import department_list, region_list
from ocim.core.spreadsheets import spreadsheet_response
from ocim.inventory.selectors import actor_family_list

from . import selectors, services
from .admin_forms import (
    HealthFilterForm,
    ItemFilterForm,
    OpmlExportForm,
    OpmlImportForm,
    SavedFilterForm,
    SourceDiscoverForm,
)
from .exports import ExportTooLarge, items_export_table
from .fetching import fetch_error_message, source_reset, source_retry_now
from .fetching.discovery import DiscoveryError
from .fetching.errors import SourceFetchError
from .fetching.preview import source_preview
from .models import RuleAction, RuleMatch, SavedFilter, Source, SourceKind, SourceState
from .opml import OpmlFileError, opml_write
from .pipeline.classify import rule_matcher
from .pipeline.errors import ClassificationRuleError, ExtractionRulesError, FeedParseError
from .pipeline.pages import extraction_rules_clean
from .selectors import share_304_expression

URL_NAMESPACE = "watch"
SOURCES_NAMESPACE = "watch_sources"
STREAM_PAGE_SIZE = 30
HEALTH_PAGE_SIZE = 50
MARKS = ("starred", "curated")
# Feed images are not shown in the back office: the CSP forbids other origins, and loading
# them would tell the feed's site who reads it.
_IMAGE = re.compile(r"<img\b[^>]*>", re.IGNORECASE)


def _url(name: str, *args) -> str:
    return reverse(f"{URL_NAMESPACE}:{name}", args=args)


class WatchView(WagtailAdminTemplateMixin, View):
    """A back-office view of the watch, refused (403) without ``permission`` (or without any
    of them, for a tuple). A view that only defines ``post`` answers 405 to anything else
    (Django's own ``http_method_not_allowed``)."""

    permission: str | tuple[str, ...] = "watch.view_item"

    def dispatch(self, request, *args, **kwargs):
        wanted = (self.permission,) if isinstance(self.permission, str) else self.permission
        if not any(request.user.has_perm(permission) for permission in wanted):
            return self.forbidden()
        return super().dispatch(request, *args, **kwargs)

    def forbidden(self) -> TemplateResponse:
        # A real 403 (Wagtail's own views redirect to the dashboard instead): the refusal is
        # explicit, for people and for tests.
        context = self.get_context_data()
        context["header_title"] = context["page_title"] = _("Access denied")
        return TemplateResponse(self.request, "watch/admin/forbidden.html", context, status=403)

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.get_page_title()}]

    def render(self, template: str, status: int = 200, **context) -> TemplateResponse:
        return TemplateResponse(
            self.request, template, self.get_context_data(**context), status=status
        )

    def fragment(self, status: int = 200, **context) -> TemplateResponse:
        """``template_name`` alone, without the admin's page around it (for a form's script)."""
        return TemplateResponse(self.request, self.template_name, context, status=status)


def _page(paginator: WagtailPaginator, number):
    page = paginator.get_page(number)
    return page, list(paginator.get_elided_page_range(page.number))


# --- Reading view ----------------------------------------------------------------------------


class ItemStreamView(WatchView):
    """The stream of items, newest first, with its filters and search."""

    page_title = gettext_lazy("Reading")
    header_icon = "doc-full"
    template_name = "watch/admin/stream.html"

    def get(self, request):
        form = _filter_form(request.GET)
        filters = form.filters()
        story = selectors.story_get(filters.story) if filters.story else None
        # Filters other than the search (and the story, shown apart), set or in error.
        chosen = [
            name
            for name in form.fields
            if name not in ("q", "story") and form.is_bound and form.data.get(name)
        ]
        paginator = WagtailPaginator(
            selectors.item_stream(filters, reader=request.user), STREAM_PAGE_SIZE
        )
        page, page_range = _page(paginator, request.GET.get("p"))
        items = list(page.object_list)
        selectors.items_mark_read_state(items, reader=request.user)
        return self.render(
            self.template_name,
            form=form,
            filters=filters,
            filters_count=len(chosen),
            filters_open=bool(chosen) or bool(form.is_bound and form.errors),
            story=story,
            page_obj=page,
            items=items,
            elided_page_range=page_range,
            can_mark=request.user.has_perm("watch.change_item"),
            next_url=request.get_full_path(),
            # "Mark all as read" stops at the newest item shown now: later ones stay unread.
            read_up_to=selectors.item_newest_id(),
            read_all_query=_query_without(request.GET, "p"),
            export_query=_query_without(request.GET, "p", "format"),
            saved_filters=selectors.saved_filters_for(request.user),
            viewer_id=request.user.pk,
            saved_query=form.saved_query(),
            save_form=SavedFilterForm(),
        )


class ItemExportView(WatchView):
    """GET: the items of the stream's filters as a spreadsheet (``?format=csv`` or ``xlsx``;
    ``exports.items_export_table``). Filters in error, an unknown format or too many items
    send the curator back to the stream with the reason; nothing is cut silently."""

    def get(self, request):
        form = _filter_form(request.GET)
        back = f"{_url('stream')}?{_query_without(request.GET, 'p', 'format')}"
        file_format = request.GET.get("format")
        if file_format not in ("csv", "xlsx"):
            messages.error(request, _("Choose the file's format: CSV or Excel."))
            return HttpResponseRedirect(back)
        if form.is_bound and not form.is_valid():
            messages.error(request, _("Correct the filters first: nothing was exported."))
            return HttpResponseRedirect(back)
        try:
            headers, rows, _count = items_export_table(form.filters(), reader=request.user)
        except ExportTooLarge as error:
            messages.error(request, error.message)
            return HttpResponseRedirect(back)
        return spreadsheet_response(
            headers,
            rows,
            file_format=file_format,
            stem=f"veille-{timezone.localtime():%Y%m%d-%H%M}",
            title=str(_("Watch")),
        )


class SavedFilterCreateView(WatchView):
    """POST: keep the stream's filters (its query string) under a name, for oneself or shared;
    back to the stream with them. Filters in error, none set, or a bad name save nothing and
    say why."""

    def post(self, request):
        query = _filter_form(request.GET).saved_query()
        stream = f"{_url('stream')}?{query}" if query else _url("stream")
        form = SavedFilterForm(request.POST)
        if not query:
            messages.error(
                request, _("Choose filters without errors first, then save them under a name.")
            )
        elif not form.is_valid():
            error = next(iter(form.errors.values()))[0]
            messages.error(
                request,
                _("These filters were not saved: %(reason)s") % {"reason": error},
            )
        else:
            try:
                saved = services.saved_filter_create(
                    user=request.user,
                    name=form.cleaned_data["name"],
                    query=query,
                    shared=form.cleaned_data["shared"],
                )
            except services.SavedFilterError as error:
                messages.error(request, error.message)
            else:
                messages.success(request, _("Filters saved as “%(name)s”.") % {"name": saved.name})
        return HttpResponseRedirect(stream)


class SavedFilterDeleteView(WatchView):
    """POST: delete one of one's own saved filters (others' are a 404 here)."""

    def post(self, request, pk):
        saved = get_object_or_404(SavedFilter, pk=pk, user=request.user)
        services.saved_filter_delete(saved, user=request.user)
        messages.success(request, _("Saved filter “%(name)s” deleted.") % {"name": saved.name})
        return HttpResponseRedirect(_next_url(request, _url("stream")))


def _item_or_404(pk: int):
    item = selectors.item_get(pk)
    if item is None:
        raise Http404
    return item


def _filter_form(data) -> ItemFilterForm:
    return ItemFilterForm(
        data or None,
        concepts=Concept.objects.order_by("label_fr"),
        families=actor_family_list(),
        regions=region_list(),
        departments=department_list(),
    )


def _query_without(query, *names) -> str:
    query = query.copy()
    for name in names:
        query.pop(name, None)
    return query.urlencode()


def _next_url(request, default: str) -> str:
    target = request.POST.get("next") or ""
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return default
    return target


class ItemDetailView(WatchView):
    page_title = gettext_lazy("Item")
    header_icon = "doc-full"
    template_name = "watch/admin/item.html"

    def get(self, request, pk):
        detail = selectors.item_detail(pk)
        if detail is None:
            raise Http404
        self.item = detail.item
        item = detail.item
        # Opening an item marks it read for its reader, as in a feed reader.
        services.item_read_set(item, user=request.user, read=True)
        content = item.content_html or item.summary_html
        return self.render(
            self.template_name,
            detail=detail,
            item=item,
            # Sanitised when stored; sanitised again here, whatever wrote the row.
            content=mark_safe(_IMAGE.sub("", sanitise_html(content))),
            can_mark=request.user.has_perm("watch.change_item"),
            can_draft_news=item.news_page_id is None
            and request.user.has_perm("watch.change_item")
            and services.news_draft_allowed(request.user),
            next_url=request.get_full_path(),
        )

    def get_page_subtitle(self):
        item = getattr(self, "item", None)
        return str(item)[:120] if item is not None else ""

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": _url("stream"), "label": _("Reading")},
            {"url": "", "label": self.get_page_subtitle() or _("Item")},
        ]


class ItemMarkView(WatchView):
    """POST: set or clear an item's star or curated mark, then go back where the curator was."""

    permission = "watch.change_item"

    def post(self, request, pk):
        item = _item_or_404(pk)
        mark = request.POST.get("mark")
        value = request.POST.get("value")
        if mark not in MARKS or value not in ("0", "1"):
            messages.error(request, _("This action is not known."))
        else:
            changed = services.item_mark(item, mark=mark, value=value == "1", user=request.user)
            if changed:
                messages.success(request, _mark_message(mark, value == "1", item))
        return HttpResponseRedirect(_next_url(request, _url("item", pk)))


class ItemNewsDraftView(WatchView):
    """POST: draft a news page from the item (curators who may also add news pages), then
    open it in the page editor; a refusal is said on the item's page."""

    permission = "watch.change_item"

    def post(self, request, pk):
        item = _item_or_404(pk)
        try:
            page = services.item_news_draft(item, user=request.user)
        except services.NewsDraftError as error:
            messages.error(request, error.message)
            return HttpResponseRedirect(_url("item", pk))
        messages.success(
            request,
            _("News draft “%(title)s” created from the watch: finish it, then publish it.")
            % {"title": page.title},
        )
        return HttpResponseRedirect(reverse("wagtailadmin_pages:edit", args=[page.pk]))


class ItemReadView(WatchView):
    """POST: mark an item read or unread for the person asking (their own marks: reading the
    items is enough), then go back where they were."""

    def post(self, request, pk):
        item = _item_or_404(pk)
        value = request.POST.get("value")
        if value not in ("0", "1"):
            messages.error(request, _("This action is not known."))
        elif services.item_read_set(item, user=request.user, read=value == "1"):
            if value == "1":
                message = _("“%(title)s” marked as read.")
            else:
                message = _("“%(title)s” marked as unread.")
            messages.success(request, message % {"title": str(item)[:120]})
        return HttpResponseRedirect(_next_url(request, _url("stream")))


class ItemReadAllView(WatchView):
    """POST: mark read, for the person asking, every item the stream's filters (the query
    string) select, up to the newest item when the stream was shown (``up_to``). Filters in
    error or a missing bound mark nothing and say so."""

    def post(self, request):
        stream = f"{_url('stream')}?{_query_without(request.GET, 'p')}".rstrip("?")
        form = _filter_form(request.GET)
        try:
            up_to = int(request.POST.get("up_to", ""))
        except ValueError:
            up_to = 0
        if (form.is_bound and not form.is_valid()) or up_to < 1:
            messages.error(
                request, _("These items could not be marked as read: show them again and retry.")
            )
            return HttpResponseRedirect(stream)
        items = selectors.items_filtered(form.filters(), reader=request.user)
        count = services.items_read_all(items, user=request.user, up_to=up_to)
        if count:
            messages.success(
                request,
                ngettext("%(count)s item marked as read.", "%(count)s items marked as read.", count)
                % {"count": count},
            )
        else:
            messages.info(request, _("These items were already read."))
        return HttpResponseRedirect(stream)


def _mark_message(mark: str, value: bool, item) -> str:
    title = str(item)[:120]
    if mark == "starred":
        return (_("“%(title)s” starred.") if value else _("Star removed from “%(title)s”.")) % {
            "title": title
        }
    return (
        _("“%(title)s” marked as curated.") if value else _("“%(title)s” no longer curated.")
    ) % {"title": title}


# --- Sources' health -------------------------------------------------------------------------


class SourceHealthView(WatchView):
    permission = "watch.view_source"
    page_title = gettext_lazy("Source health")
    header_icon = "clipboard-list"
    template_name = "watch/admin/health.html"

    COLUMNS = (
        ("title", gettext_lazy("Source")),
        ("state", gettext_lazy("State")),
        ("last_fetch", gettext_lazy("Last fetch")),
        ("status", gettext_lazy("Last status")),
        ("share_304", gettext_lazy("Share of 304")),
        ("errors", gettext_lazy("Consecutive errors")),
        ("next_fetch", gettext_lazy("Next fetch")),
        ("last_new_item", gettext_lazy("Last new item")),
    )

    def get(self, request):
        form = HealthFilterForm(request.GET or None)
        if form.is_bound and form.is_valid():
            filters, sort = form.filters(), form.cleaned_data.get("sort") or ""
        else:
            filters, sort = selectors.HealthFilters(), ""
        sort = sort or selectors.DEFAULT_HEALTH_SORT
        sources = selectors.sources_health(filters, sort=sort).prefetch_related("categories")
        paginator = WagtailPaginator(sources, HEALTH_PAGE_SIZE)
        page, page_range = _page(paginator, request.GET.get("p"))
        for source in page.object_list:
            source.error_message = (
                fetch_error_message(source.last_error_code) if source.last_error_code else ""
            )
        return self.render(
            self.template_name,
            form=form,
            summary=selectors.sources_health_summary(),
            page_obj=page,
            sources=page.object_list,
            elided_page_range=page_range,
            columns=self._columns(request, sort),
            suspended=SourceState.SUSPENDED,
            paused=SourceState.PAUSED,
            can_edit=request.user.has_perm("watch.change_source"),
            next_url=request.get_full_path(),
            now=timezone.now(),
        )

    def _columns(self, request, sort: str) -> list[dict]:
        columns = []
        for key, label in self.COLUMNS:
            current = sort.removeprefix("-") == key
            descending = sort.startswith("-")
            query = request.GET.copy()
            query.pop("p", None)
            query["sort"] = key if current and descending else (f"-{key}" if current else key)
            columns.append(
                {
                    "key": key,
                    "label": label,
                    "url": f"?{query.urlencode()}",
                    "aria_sort": ("descending" if descending else "ascending") if current else "",
                }
            )
        return columns


class SourceHealthDetailView(WatchView):
    """One source's health record and the fetcher's log of its latest reads."""

    permission = "watch.view_source"
    page_title = gettext_lazy("Source health")
    header_icon = "clipboard-list"
    template_name = "watch/admin/health_source.html"

    def get(self, request, pk):
        self.source = get_object_or_404(
            Source.objects.annotate(share_304=share_304_expression()), pk=pk
        )
        return self.render(
            self.template_name,
            source=self.source,
            interval_minutes=self.source.interval_seconds // 60,
            error_message=(
                fetch_error_message(self.source.last_error_code)
                if self.source.last_error_code
                else ""
            ),
            log=[
                (entry, fetch_error_message(entry.error_code) if entry.error_code else "")
                for entry in selectors.source_fetch_log(self.source)
            ],
            can_edit=request.user.has_perm("watch.change_source"),
            next_url=request.get_full_path(),
            suspended=SourceState.SUSPENDED,
            paused=SourceState.PAUSED,
        )

    def get_page_subtitle(self):
        source = getattr(self, "source", None)
        return str(source) if source is not None else ""

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse("watch_health:index"), "label": _("Source health")},
            {"url": "", "label": self.get_page_subtitle()},
        ]


class SourceActionView(WatchView):
    """POST: one of the fetcher's staff actions on a source, then back where the curator was."""

    permission = "watch.change_source"
    action = None  # the service: (source=…, actor=…) -> Source
    success_message = ""

    def post(self, request, pk):
        source = get_object_or_404(Source, pk=pk)
        try:
            type(self).action(source=source, actor=request.user)
        except ApplicationError as error:
            messages.error(request, str(error.message))
        else:
            messages.success(request, self.success_message % {"title": source.title})
        target = request.POST.get("next") or ""
        if not url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            target = reverse("watch_health:source", args=[pk])
        return HttpResponseRedirect(target)


class SourceResetView(SourceActionView):
    action = staticmethod(source_reset)
    success_message = gettext_lazy(
        "“%(title)s”: errors and counters cleared; it will be read again soon."
    )


class SourceRetryView(SourceActionView):
    action = staticmethod(source_retry_now)
    success_message = gettext_lazy("“%(title)s” will be read as soon as a worker is free.")


# --- Sources (create, edit, delete through the services) -------------------------------------


class SourceFormViewMixin:
    def save_instance(self):
        form = self.form
        source = form.save(commit=False)
        source.extraction_rules = form.extraction_rules()
        return services.source_save(
            source,
            user=self.request.user,
            categories=form.cleaned_data.get("categories") or [],
            concepts=form.cleaned_data.get("concepts") or [],
        )

    def form_valid(self, form):
        self.form = form
        try:
            self.object = self.save_instance()
        except services.SourceError as error:
            # Refused by the services after the form's own checks: nothing was written.
            field = error.field if error.field in form.fields else None
            form.add_error(field, str(error.message))
            self.produced_error_code = "validation_error"
            self.produced_error_message = self.get_error_message()
            return self.form_invalid(form)
        response = self.save_action()
        hook_response = self.run_after_hook()
        return hook_response if hook_response is not None else response


# What the "find a feed" page may fill in on the form of a new source (``?url=…&title=…``).
SOURCE_PREFILL = ("url", "title", "site_url", "language", "kind")


class SourceCreateView(SourceFormViewMixin, CreateView):
    def get_initial(self):
        """A new source's form may come filled from a link (the feeds found on a website):
        only these fields, cut to their length; the form checks them all again on save."""
        initial = super().get_initial()
        if self.request.method != "GET":
            return initial
        for name in SOURCE_PREFILL:
            value = " ".join((self.request.GET.get(name) or "").split())
            if value:
                initial[name] = value[: Source._meta.get_field(name).max_length]
        if initial.get("kind") and initial["kind"] not in SourceKind.values:
            del initial["kind"]
        return initial


class SourceEditView(SourceFormViewMixin, EditView):
    pass


class SourceIndexView(IndexView):
    @cached_property
    def header_buttons(self):
        buttons = super().header_buttons
        if self.request.user.has_perm("watch.add_source"):
            buttons.append(
                HeaderButton(
                    gettext_lazy("Find a website's feeds"),
                    url=reverse(f"{SOURCES_NAMESPACE}:discover"),
                    icon_name="search",
                )
            )
        return buttons

    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        buttons += [
            MenuItem(
                gettext_lazy("Health record"),
                url=reverse("watch_health:source", args=[instance.pk]),
                icon_name="clipboard-list",
                priority=20,
            ),
            MenuItem(
                gettext_lazy("Its items"),
                url=f"{reverse('watch:stream')}?source={instance.pk}",
                icon_name="doc-full",
                priority=30,
            ),
        ]
        return buttons

    def get_base_queryset(self):
        return super().get_base_queryset().prefetch_related("categories")

    def search_queryset(self, queryset):
        if not self.is_searching:
            return queryset
        query = self.search_query
        return queryset.filter(Q(title__icontains=query) | Q(url__icontains=query))


class SourceDeleteView(DeleteView):
    template_name = "watch/admin/source_delete.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["impact"] = services.source_deletion_impact(self.object)
        return context

    def delete_action(self):
        services.source_delete(self.object, user=self.request.user)

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except ApplicationError as error:
            messages.error(self.request, str(error.message))
            return HttpResponseRedirect(
                reverse(f"{SOURCES_NAMESPACE}:delete", args=[self.object.pk])
            )


class SourceDiscoverView(WatchView):
    """From a website's address, the feeds it offers, each read and described, with a link
    that opens a new source's form filled in (``services.source_discover``; nothing written)."""

    permission = "watch.add_source"
    page_title = gettext_lazy("Find a website's feeds")
    header_icon = "search"
    template_name = "watch/admin/source_discover.html"

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse(f"{SOURCES_NAMESPACE}:index"), "label": _("Sources")},
            {"url": "", "label": self.get_page_title()},
        ]

    def get(self, request):
        address = " ".join((request.GET.get("address") or "").split())[:2000]
        return self.render(
            self.template_name, form=SourceDiscoverForm(initial={"address": address})
        )

    def post(self, request):
        form = SourceDiscoverForm(request.POST)
        if not form.is_valid():
            return self.render(self.template_name, form=form, status=400)
        try:
            found = services.source_discover(form.cleaned_data["address"])
        except DiscoveryError as error:
            form.add_error("address", str(error.message))
            return self.render(self.template_name, form=form, status=400)
        discovery = found.discovery
        add_url = reverse(f"{SOURCES_NAMESPACE}:add")
        page_url = discovery.final_url or discovery.address
        site_url = (
            page_url
            if not any(feed.candidate.found_by == "address" for feed in found.feeds)
            else ""
        )
        feeds = []
        for feed in found.feeds:
            prefill = {
                "url": feed.url,
                "title": feed.candidate.title or discovery.page_title,
                "site_url": site_url,
                "language": feed.language,
            }
            feeds.append((feed, f"{add_url}?{urlencode({k: v for k, v in prefill.items() if v})}"))
        page_prefill = {"kind": SourceKind.PAGE, "url": page_url, "title": discovery.page_title}
        return self.render(
            self.template_name,
            form=form,
            found=found,
            discovery=discovery,
            feeds=feeds,
            page_add_url=f"{add_url}?{urlencode({k: v for k, v in page_prefill.items() if v})}",
        )


class SourcePreviewView(WatchView):
    """POST from a source's form (its script): read the address now with the kind and rules
    typed, and answer the fragment that shows the entries the watch would get
    (``fetching.preview.source_preview``). Nothing is saved. Input errors and sources that
    cannot be read answer the fragment with the message (400 for the input), never a server
    error."""

    permission = ("watch.add_source", "watch.change_source")
    template_name = "watch/admin/_source_preview.html"

    def post(self, request):
        data = request.POST
        kind = data.get("kind") if data.get("kind") in SourceKind.values else SourceKind.FEED
        try:
            url = services.source_url_clean(data.get("url") or "")
        except services.SourceError as error:
            return self.fragment(400, error=str(error.message))
        rules = {}
        if kind == SourceKind.PAGE:
            rules = {"engine": data.get("rules_engine") or "css"}
            for name in ("item", "title", "link", "date", "summary"):
                value = (data.get(f"rules_{name}") or "").strip()
                if value:
                    rules[name] = value
            try:
                rules = extraction_rules_clean(rules)
            except ExtractionRulesError as error:
                reasons = [str(message) for message in (error.extra.get("errors") or {}).values()]
                return self.fragment(400, error=str(error.message), reasons=reasons)
        try:
            language = services.source_language_clean(data.get("language") or "")
        except services.SourceError:
            language = ""
        source_id = None
        if (data.get("source") or "").isdigit():
            source_id = (
                Source.objects.filter(pk=int(data["source"])).values_list("pk", flat=True).first()
            )
        try:
            preview = source_preview(
                url=url,
                kind=kind,
                rules=rules,
                language=language,
                source_id=source_id,
                source_title=" ".join((data.get("title") or "").split())[:300],
            )
        except (SourceFetchError, FeedParseError) as error:
            return self.fragment(error=str(error.message), url=url)
        return self.fragment(preview=preview, kind=kind)


class RuleTrialView(WatchView):
    """POST from a classification rule's form (its script): try the rule's conditions, as
    typed, on the latest items stored, and answer the fragment that says how many match and
    shows the first ones (``selectors.rule_trial``). Nothing is saved; an unusable condition
    answers its message (400)."""

    permission = ("watch.add_classificationrule", "watch.change_classificationrule")
    template_name = "watch/admin/_rule_trial.html"
    MAX_CONDITIONS = 50

    def post(self, request):
        data = request.POST
        try:
            total = min(int(data.get("conditions-TOTAL_FORMS") or 0), self.MAX_CONDITIONS)
        except ValueError:
            total = 0
        conditions = []
        for index in range(total):
            prefix = f"conditions-{index}-"
            if data.get(prefix + "DELETE") in ("1", "on", "true"):
                continue
            conditions.append(
                (
                    index + 1,
                    (
                        data.get(prefix + "field") or "",
                        data.get(prefix + "operator") or "",
                        data.get(prefix + "value") or "",
                        data.get(prefix + "negate") in ("1", "on", "true"),
                    ),
                )
            )
        try:
            for number, condition in conditions:
                try:
                    rule_matcher(match_all=True, conditions=[condition])
                except ClassificationRuleError as error:
                    raise ClassificationRuleError(
                        _("Condition %(number)s: %(reason)s")
                        % {"number": number, "reason": error.message},
                        code=error.code,
                    ) from error
            matcher = rule_matcher(
                match_all=data.get("match") != RuleMatch.ANY,
                conditions=[condition for _number, condition in conditions],
            )
        except ClassificationRuleError as error:
            return self.fragment(400, error=str(error.message))
        trial = selectors.rule_trial(matcher)
        return self.fragment(trial=trial, excludes=data.get("action") == RuleAction.EXCLUDE)


# --- OPML ------------------------------------------------------------------------------------


class OpmlImportView(WatchView):
    """Upload an OPML file; every feed becomes a source, or nothing does (with the report of
    what to fix)."""

    permission = "watch.add_source"
    page_title = gettext_lazy("Import sources (OPML)")
    header_icon = "upload"
    template_name = "watch/admin/opml_import.html"

    def get(self, request):
        return self.render(self.template_name, form=OpmlImportForm())

    def post(self, request):
        form = OpmlImportForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.render(self.template_name, form=form, status=400)
        uploaded = form.cleaned_data["file"]
        try:
            report = services.sources_opml_import(
                data=uploaded.read(), user=request.user, file_name=uploaded.name or ""
            )
        except services.OpmlImportError as error:
            return self.render(
                self.template_name,
                form=OpmlImportForm(),
                rejected=str(error.message),
                problems=error.problems,
                file_name=uploaded.name,
                status=400,
            )
        except OpmlFileError as error:
            return self.render(
                self.template_name,
                form=OpmlImportForm(),
                rejected=str(error.message),
                problems=[],
                file_name=uploaded.name,
                status=400,
            )
        return self.render(
            self.template_name, form=OpmlImportForm(), report=report, file_name=uploaded.name
        )


class OpmlExportView(WatchView):
    """The feed sources as an OPML 2.0 file (all, or one category's)."""

    permission = "watch.view_source"
    page_title = gettext_lazy("Export sources (OPML)")
    header_icon = "download"
    template_name = "watch/admin/opml_export.html"

    def get(self, request):
        form = OpmlExportForm(request.GET or None)
        if "download" not in request.GET:
            return self.render(self.template_name, form=form)
        if not form.is_valid():
            return self.render(self.template_name, form=form, status=400)
        category = form.cleaned_data.get("category")
        now = timezone.now()
        sources = selectors.sources_for_opml(category_id=category.pk if category else None)
        title = _("Ocim watch sources")
        if category is not None:
            title = f"{title} — {category.name}"
        body = opml_write(sources, title=title, created_at=now)
        name = f"ocim-veille-{category.slug if category else 'sources'}-{now:%Y%m%d}.opml"
        response = HttpResponse(body, content_type="text/x-opml; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response


def source_edit_url(source: Source) -> str:
    return reverse(f"{SOURCES_NAMESPACE}:edit", args=[source.pk])
