"""Admin views of actor imports: upload → column mapping → check of the rows in the background
(progress) → preview and decisions → commit in the background (progress) → report.

The views parse input with forms, call ``services_import`` and turn domain errors into form
errors or messages (never a server error). Every view needs the ``inventory.import_actors``
permission (``ImportJob.Meta.permissions``); they are mounted by
``wagtail_hooks_import.register_import_urls`` under the namespace ``inventory_import``.
"""

from __future__ import annotations

from django import forms
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views import View
from wagtail.admin import messages
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from ocim.core.errors import ApplicationError

from . import services_import
from .imports import FIELDS, ImportFileError, check_size
from .models_import import DuplicateDecision, ImportJob, ImportStatus

URL_NAMESPACE = "inventory_import"
PERMISSION = "inventory.import_actors"
# Rows shown in the preview (errors, duplicates with their own decision); the counts are complete.
SHOWN_ERRORS = 200
SHOWN_DUPLICATES = 100
REFRESH_SECONDS = 2


def _url(name: str, *args) -> str:
    return reverse(f"{URL_NAMESPACE}:{name}", args=args)


# --- Forms --------------------------------------------------------------------------------------


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        help_text=_(
            "CSV (UTF-8 or Latin-1, comma or semicolon) or XLSX; the first line names the columns."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.txt,.tsv,.xlsx"}),
    )
    source = forms.CharField(
        label=_("Source"),
        required=False,
        max_length=100,
        help_text=ImportJob._meta.get_field("source").help_text,
    )

    def clean_file(self):
        uploaded = self.cleaned_data["file"]
        name = (uploaded.name or "").lower()
        if not name.endswith((".csv", ".txt", ".tsv", ".xlsx")):
            raise forms.ValidationError(
                _("Only CSV and XLSX files can be imported: save the spreadsheet in one of them.")
            )
        try:
            check_size(uploaded.size or 0)
        except ImportFileError as error:
            raise forms.ValidationError(str(error.message)) from error
        return uploaded


_FIELD_CHOICES = [("", _("— Ignore this column —")), *[(f.key, f.label) for f in FIELDS]]


class MappingForm(forms.Form):
    source = forms.CharField(
        label=_("Source"),
        max_length=100,
        help_text=ImportJob._meta.get_field("source").help_text,
    )

    def __init__(self, *args, headers: list[str], samples: list[list[str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.headers = headers
        for index, header in enumerate(headers):
            examples = [row[index] for row in samples if index < len(row) and row[index]][:3]
            self.fields[f"column_{index}"] = forms.ChoiceField(
                label=header or _("Column %(number)d") % {"number": index + 1},
                choices=_FIELD_CHOICES,
                required=False,
                help_text=(_("e.g. %(examples)s") % {"examples": " · ".join(examples)[:200]})
                if examples
                else "",
            )

    def column_fields(self):
        return [self[f"column_{index}"] for index in range(len(self.headers))]

    def mapping(self) -> dict[str, str]:
        return {
            str(index): self.cleaned_data.get(f"column_{index}") or ""
            for index in range(len(self.headers))
            if self.cleaned_data.get(f"column_{index}")
        }


class PreviewForm(forms.Form):
    # Shown only when the file has duplicates: absent, it means "merge".
    default_decision = forms.ChoiceField(
        label=_("For the other duplicates"),
        choices=DuplicateDecision.choices,
        initial=DuplicateDecision.MERGE,
        required=False,
    )
    skip_invalid_rows = forms.BooleanField(
        label=_("Skip the rows with errors and import the others"), required=False
    )

    def __init__(self, *args, duplicates: list[dict], **kwargs):
        super().__init__(*args, **kwargs)
        self.duplicate_rows = []
        for duplicate in duplicates:
            name = f"decision_{duplicate['row']}"
            self.fields[name] = forms.ChoiceField(
                label=_("Row %(row)d") % {"row": duplicate["row"]},
                choices=DuplicateDecision.choices,
                initial=DuplicateDecision.MERGE,
            )
            self.duplicate_rows.append((duplicate, name))

    def duplicate_fields(self):
        return [(duplicate, self[name]) for duplicate, name in self.duplicate_rows]

    def decisions(self) -> dict[str, str]:
        return {
            str(duplicate["row"]): self.cleaned_data[name]
            for duplicate, name in self.duplicate_rows
            if self.cleaned_data.get(name)
        }


# --- Views --------------------------------------------------------------------------------------


class ImportBaseView(WagtailAdminTemplateMixin, View):
    header_icon = "upload"
    page_title = _("Import actors")
    job: ImportJob | None = None

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm(PERMISSION):
            return self.forbidden()
        if "pk" in kwargs:
            self.job = get_object_or_404(ImportJob, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def forbidden(self) -> TemplateResponse:
        context = self.get_context_data()
        context["header_title"] = context["page_title"] = _("Access denied")
        return TemplateResponse(
            self.request, "inventory/import/forbidden.html", context, status=403
        )

    def get_page_subtitle(self):
        return self.job.file_name if self.job else ""

    def get_breadcrumbs_items(self):
        items = [*self.breadcrumbs_items, {"url": _url("index"), "label": _("Import actors")}]
        if self.job:
            items.append({"url": _url("detail", self.job.pk), "label": self.job.file_name})
        return items

    def render(self, template: str, **context):
        context = self.get_context_data(job=self.job, **context)
        return TemplateResponse(self.request, template, context)


class ImportIndexView(ImportBaseView):
    """Recent imports and the upload form."""

    def get(self, request):
        return self.page(UploadForm())

    def post(self, request):
        form = UploadForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                job = services_import.import_job_create(
                    uploaded_file=form.cleaned_data["file"],
                    source=form.cleaned_data["source"],
                    user=request.user,
                )
            except ApplicationError as error:
                form.add_error("file", str(error.message))
            else:
                return HttpResponseRedirect(_url("mapping", job.pk))
        return self.page(form)

    def page(self, form):
        jobs = ImportJob.objects.select_related("created_by")[:20]
        return self.render("inventory/import/index.html", form=form, jobs=jobs)


class ImportMappingView(ImportBaseView):
    page_title = _("Map the columns")

    def form(self, data=None):
        info = self.job.file_info
        if "samples" in info:  # kept at upload: the file is not read again for the form
            headers, samples = info.get("headers", []), info["samples"]
        else:
            try:
                table = services_import.import_job_table(self.job)
            except ImportFileError as error:
                self.error = str(error.message)
                return None
            headers, samples = table.headers, table.rows[:20]
        initial = {"source": self.job.source}
        initial.update({f"column_{index}": key for index, key in self.job.mapping.items()})
        return MappingForm(data, initial=initial, headers=headers, samples=samples)

    def editable(self) -> bool:
        return self.job.status in services_import.MAPPABLE

    def get(self, request, pk):
        if not self.editable():
            return HttpResponseRedirect(_url("detail", pk))
        self.error = ""
        return self.page(self.form())

    def post(self, request, pk):
        if not self.editable():
            return HttpResponseRedirect(_url("detail", pk))
        self.error = ""
        form = self.form(request.POST)
        if form is not None and form.is_valid():
            try:
                services_import.import_preview_queue(
                    job=self.job,
                    mapping=form.mapping(),
                    source=form.cleaned_data["source"],
                    user=request.user,
                )
            except ApplicationError as error:
                form.add_error(None, str(error.message))
            else:
                # The rows are checked in the background: the next page shows how far.
                return HttpResponseRedirect(_url("detail", pk))
        return self.page(form)

    def page(self, form):
        return self.render("inventory/import/mapping.html", form=form, error=self.error)


class ImportPreviewView(ImportBaseView):
    page_title = _("Check and import")

    def preview(self) -> dict:
        return self.job.report.get("preview", {})

    def form(self, data=None):
        return PreviewForm(data, duplicates=self.preview().get("duplicates", [])[:SHOWN_DUPLICATES])

    def get(self, request, pk):
        if self.job.status != ImportStatus.PREVIEWED:
            return HttpResponseRedirect(_url("detail", pk))
        return self.page(self.form())

    def post(self, request, pk):
        if self.job.status != ImportStatus.PREVIEWED:
            return HttpResponseRedirect(_url("detail", pk))
        form = self.form(request.POST)
        if form.is_valid():
            try:
                services_import.import_queue(
                    job=self.job,
                    decisions=form.decisions(),
                    default_decision=form.cleaned_data["default_decision"]
                    or DuplicateDecision.MERGE,
                    skip_invalid_rows=form.cleaned_data["skip_invalid_rows"],
                    user=request.user,
                )
            except ApplicationError as error:
                form.add_error(None, str(error.message))
            else:
                messages.success(request, _("The import has started."))
                return HttpResponseRedirect(_url("detail", pk))
        return self.page(form)

    def page(self, form):
        preview = self.preview()
        return self.render(
            "inventory/import/preview.html",
            form=form,
            preview=preview,
            errors=preview.get("errors", [])[:SHOWN_ERRORS],
            more_duplicates=max(0, preview.get("duplicate_count", 0) - SHOWN_DUPLICATES),
        )


class ImportDetailView(ImportBaseView):
    """Where an import stands: the progress bar while its rows are checked or written (the
    page refreshes itself, no script needed), then the next step or the report."""

    page_title = _("Import")

    def get(self, request, pk):
        checking = self.job.status == ImportStatus.CHECKING
        running = checking or self.job.status in (ImportStatus.QUEUED, ImportStatus.RUNNING)
        response = self.render(
            "inventory/import/detail.html",
            running=running,
            checking=checking,
            progress=services_import.import_progress(self.job),
            outcome=self.job.report.get("outcome"),
            failure=self.job.report.get("failure"),
            refresh_seconds=REFRESH_SECONDS,
        )
        if running:
            response["Refresh"] = str(REFRESH_SECONDS)
            response["Cache-Control"] = "no-store"
        return response
