"""Forms of the watch's back office: a source (its extraction rules as separate fields), a
source category, a classification rule and its conditions, the stream's and the health view's
filters, and the OPML upload.

Forms parse and check what people typed and write nothing: the views hand the result to
``services`` (the one writer of a source), which check again and may refuse.
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.http import urlencode
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from .models import (
    ConditionOperator,
    RuleAction,
    Source,
    SourceCategory,
    SourceKind,
    SourceState,
)
from .opml import MAX_BYTES as OPML_MAX_BYTES
from .pipeline.classify import classification_regex_clean
from .pipeline.errors import ClassificationRuleError, ExtractionRulesError
from .pipeline.pages import extraction_rules_clean
from .selectors import HEALTH_SORTS, HealthFilters, HealthProblem, ItemFilters, Kept, ReadState
from .services import (
    SourceError,
    source_full_text_selector_clean,
    source_language_clean,
    source_url_clean,
)

MAX_QUERY_LENGTH = 200
# The largest id a table holds (BigAutoField): a bigger number in a query string is refused.
MAX_ID = 2**63 - 1
# The languages offered by the stream's filter (items in others are found by the search).
STREAM_LANGUAGES = ("fr", "en", "de", "es", "it", "nl", "pt")


# --- Sources ---------------------------------------------------------------------------------

RULE_FIELDS = ("item", "title", "link", "date", "summary")


class ExtractionEngine:
    CSS = "css"
    XPATH = "xpath"
    CHOICES = [("css", _("CSS selectors")), ("xpath", _("XPath expressions"))]


class SourceForm(WagtailAdminModelForm):
    """A source as curators edit it. The extraction rules (web pages only) are typed as one
    field per part and stored as the source's ``extraction_rules`` object."""

    url = forms.CharField(
        label=_("Address"),
        max_length=Source._meta.get_field("url").max_length,
        help_text=_("The feed (RSS, Atom, JSON Feed), or the web page to read."),
        widget=forms.URLInput(attrs={"spellcheck": "false", "autocomplete": "off"}),
    )
    site_url = forms.CharField(
        label=_("Website"),
        required=False,
        max_length=Source._meta.get_field("site_url").max_length,
        widget=forms.URLInput(attrs={"spellcheck": "false", "autocomplete": "off"}),
    )
    state = forms.ChoiceField(
        label=_("State"),
        choices=[
            (SourceState.ACTIVE, SourceState.ACTIVE.label),
            (SourceState.PAUSED, SourceState.PAUSED.label),
        ],
        help_text=_("A paused source is not read until it is made active again."),
    )
    rules_engine = forms.ChoiceField(
        label=_("Rules written as"),
        choices=ExtractionEngine.CHOICES,
        initial=ExtractionEngine.CSS,
        required=False,
    )
    rules_item = forms.CharField(
        label=_("Each item"),
        required=False,
        max_length=500,
        help_text=_("Finds each item on the page (required), e.g. article.news"),
    )
    rules_title = forms.CharField(
        label=_("Its title"),
        required=False,
        max_length=500,
        help_text=_("Inside the item, e.g. h2 (a title or a link is required)"),
    )
    rules_link = forms.CharField(
        label=_("Its link"),
        required=False,
        max_length=500,
        help_text=_("Inside the item, an element with an href, e.g. h2 a (or ./h2/a/@href)"),
    )
    rules_date = forms.CharField(
        label=_("Its date"), required=False, max_length=500, help_text=_("e.g. time")
    )
    rules_summary = forms.CharField(
        label=_("Its summary"), required=False, max_length=500, help_text=_("e.g. p.lead")
    )

    class Meta:
        model = Source
        fields = [
            "title",
            "url",
            "site_url",
            "kind",
            "language",
            "description",
            "categories",
            "concepts",
            "region",
            "department",
            "actor",
            "state",
            "state_reason",
            "fetch_full_text",
            "full_text_selector",
        ]
        widgets = {
            "categories": forms.CheckboxSelectMultiple,
            "concepts": forms.CheckboxSelectMultiple,
            "description": forms.Textarea(attrs={"rows": 3}),
            "state_reason": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {
            "state_reason": _("Why the source is paused (shown in the health view)."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        instance = self.instance
        if instance.pk and instance.state == SourceState.SUSPENDED:
            # Shown as it is; the fetcher suspended it, a curator resumes or pauses it.
            self.fields["state"].choices = [
                (SourceState.SUSPENDED, SourceState.SUSPENDED.label),
                *self.fields["state"].choices,
            ]
        rules = instance.extraction_rules if isinstance(instance.extraction_rules, dict) else {}
        if rules:
            self.initial["rules_engine"] = rules.get("engine", ExtractionEngine.CSS)
            for name in RULE_FIELDS:
                self.initial[f"rules_{name}"] = rules.get(name, "")
        if "concepts" in self.fields:
            self.fields["concepts"].queryset = self.fields["concepts"].queryset.order_by("label_fr")

    def clean_url(self):
        url = self._url("url")
        duplicate = Source.objects.filter(url=url).exclude(pk=self.instance.pk).first()
        if duplicate is not None:
            raise forms.ValidationError(
                _("The watch already reads this address: “%(title)s”.") % {"title": duplicate.title}
            )
        return url

    def clean_site_url(self):
        if not (self.cleaned_data.get("site_url") or "").strip():
            return ""
        return self._url("site_url")

    def _url(self, name: str) -> str:
        try:
            return source_url_clean(self.cleaned_data.get(name) or "", field_name=name)
        except SourceError as error:
            raise forms.ValidationError(str(error.message)) from error

    def clean_full_text_selector(self):
        try:
            return source_full_text_selector_clean(self.cleaned_data.get("full_text_selector"))
        except SourceError as error:
            raise forms.ValidationError(str(error.message)) from error

    def clean_language(self):
        try:
            return source_language_clean(self.cleaned_data.get("language") or "")
        except SourceError as error:
            raise forms.ValidationError(str(error.message)) from error

    def extraction_rules(self) -> dict:
        """The rules typed, as the source stores them (empty for a feed)."""
        data = self.cleaned_data
        if data.get("kind") != SourceKind.PAGE:
            return {}
        rules = {"engine": data.get("rules_engine") or ExtractionEngine.CSS}
        for name in RULE_FIELDS:
            value = (data.get(f"rules_{name}") or "").strip()
            if value:
                rules[name] = value
        return rules

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("kind") == SourceKind.PAGE:
            try:
                extraction_rules_clean(self.extraction_rules())
            except ExtractionRulesError as error:
                for key, message in (error.extra.get("errors") or {}).items():
                    field = f"rules_{key}" if f"rules_{key}" in self.fields else None
                    self.add_error(field, str(message))
        region, department = cleaned.get("region"), cleaned.get("department")
        if region and department and department.region_id != region.pk:
            self.add_error(
                "department",
                _("The department is not in the region chosen: choose one or the other."),
            )
        return cleaned


class SourceCategoryForm(WagtailAdminModelForm):
    class Meta:
        model = SourceCategory
        fields = ["name", "slug"]
        help_texts = {"slug": _("Made from the name when left empty.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["slug"].required = False

    def clean_slug(self):
        slug = self.cleaned_data.get("slug") or slugify(self.cleaned_data.get("name") or "")
        if not slug:
            raise forms.ValidationError(_("Give an identifier made of letters and digits."))
        if SourceCategory.objects.filter(slug=slug).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(_("Another category already has this identifier."))
        return slug


# --- Classification rules --------------------------------------------------------------------


class RuleConditionForm(WagtailAdminModelForm):
    """A rule's condition: a text to look for, or a regular expression the classifier can run."""

    def clean(self):
        cleaned = super().clean()
        value = cleaned.get("value")
        if value is not None and not value.strip():
            self.add_error("value", _("Give the text to look for."))
        elif value and cleaned.get("operator") == ConditionOperator.REGEX:
            # The classifier's own check: RE2 syntax (no backreferences or lookarounds), size.
            try:
                classification_regex_clean(value)
            except ClassificationRuleError as error:
                self.add_error("value", str(error.message))
        return cleaned


class RuleForm(WagtailAdminModelForm):
    """A rule that classifies must attach something, a rule that leaves entries out attaches
    nothing; its conditions are checked by ``RuleConditionForm`` and their number by the
    inline panel (at least one)."""

    def clean(self):
        cleaned = super().clean()
        attaches = any(
            cleaned.get(name) for name in ("concepts", "families", "regions", "departments")
        )
        if cleaned.get("action") == RuleAction.EXCLUDE:
            if attaches:
                raise forms.ValidationError(
                    _(
                        "A rule that leaves entries out attaches nothing: remove its concepts, "
                        "families and territories, or make it a rule that attaches them."
                    )
                )
            return cleaned
        if not attaches:
            raise forms.ValidationError(
                _(
                    "A rule must attach something: choose at least one concept, actor family, "
                    "region or department."
                )
            )
        return cleaned


# --- Stream filters --------------------------------------------------------------------------


def _language_choices():
    names = dict(settings.LANGUAGES)
    from django.utils.translation import get_language_info

    choices = [("", _("All languages"))]
    for code in STREAM_LANGUAGES:
        try:
            label = get_language_info(code)["name_translated"]
        except KeyError:
            label = names.get(code, code)
        choices.append((code, f"{label} ({code})"))
    return choices


class ItemFilterForm(forms.Form):
    """The stream's filters, from the query string. Unknown values are refused field by field
    (the stream then shows the error and ignores that filter)."""

    q = forms.CharField(label=_("Search"), required=False, max_length=MAX_QUERY_LENGTH)
    source = forms.ModelChoiceField(
        label=_("Source"),
        queryset=Source.objects.none(),
        required=False,
        empty_label=_("All sources"),
    )
    category = forms.ModelChoiceField(
        label=_("Category"),
        queryset=SourceCategory.objects.none(),
        required=False,
        empty_label=_("All categories"),
    )
    concept = forms.TypedChoiceField(label=_("Concept"), required=False, coerce=int)
    family = forms.TypedChoiceField(label=_("Actor family"), required=False, coerce=int)
    territory = forms.ChoiceField(label=_("Territory"), required=False)
    language = forms.ChoiceField(label=_("Language"), required=False)
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    kept = forms.ChoiceField(
        label=_("Marked"),
        required=False,
        choices=[
            ("", _("Starred or not")),
            (Kept.STARRED, _("Starred")),
            (Kept.CURATED, _("Curated")),
        ],
    )
    read = forms.ChoiceField(
        label=_("Read"),
        required=False,
        choices=[
            ("", _("Read or not")),
            (ReadState.UNREAD, _("Unread")),
            (ReadState.READ, _("Already read")),
        ],
    )
    story = forms.IntegerField(
        widget=forms.HiddenInput, required=False, min_value=1, max_value=MAX_ID
    )

    def __init__(self, *args, concepts, families, regions, departments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source"].queryset = Source.objects.only("id", "title").order_by("title")
        self.fields["category"].queryset = SourceCategory.objects.order_by("name")
        self.fields["concept"].choices = [("", _("All concepts"))] + [
            (concept.pk, concept.label) for concept in concepts
        ]
        self.fields["family"].choices = [("", _("All families"))] + [
            (family.pk, family.name) for family in families
        ]
        self.fields["territory"].choices = [
            ("", _("All territories")),
            (_("Regions"), [(f"region:{region.pk}", region.name) for region in regions]),
            (
                _("Departments"),
                [
                    (f"department:{department.pk}", f"{department.name} ({department.pk})")
                    for department in departments
                ],
            ),
        ]
        self.fields["language"].choices = _language_choices()

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end date is before the start date."))
        return cleaned

    def saved_query(self) -> str:
        """The query string of the filters set (valid ones only, in the fields' order, no page):
        what a saved filter keeps. "" when none is set or one is in error."""
        if not self.is_bound or not self.is_valid():
            return ""
        pairs = [(name, self.data.get(name)) for name in self.fields if self.data.get(name)]
        return urlencode(pairs)

    def filters(self) -> ItemFilters:
        """The valid filters (a field in error is left out)."""
        if not self.is_bound:
            return ItemFilters()
        self.is_valid()
        # A field in error is not in cleaned_data.
        data = self.cleaned_data
        territory = data.get("territory") or ""
        kind, _sep, code = territory.partition(":")
        source, category = data.get("source"), data.get("category")
        return ItemFilters(
            q=(data.get("q") or "").strip(),
            sources=(source.pk,) if source else (),
            categories=(category.pk,) if category else (),
            concepts=(data["concept"],) if data.get("concept") else (),
            families=(data["family"],) if data.get("family") else (),
            regions=(code,) if kind == "region" and code else (),
            departments=(code,) if kind == "department" and code else (),
            languages=(data["language"],) if data.get("language") else (),
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            story=data.get("story"),
            kept=data.get("kept") or "",
            read=data.get("read") or "",
        )


# --- Health filters --------------------------------------------------------------------------


class HealthFilterForm(forms.Form):
    q = forms.CharField(label=_("Title or address"), required=False, max_length=MAX_QUERY_LENGTH)
    problem = forms.ChoiceField(
        label=_("Show"),
        required=False,
        choices=[
            ("", _("All sources")),
            (HealthProblem.ERRORS, _("With errors")),
            (HealthProblem.SUSPENDED, _("Paused automatically")),
            (HealthProblem.NEVER, _("Never fetched")),
            (HealthProblem.SILENT, _("No new item for 30 days")),
        ],
    )
    state = forms.ChoiceField(
        label=_("State"), required=False, choices=[("", _("All states")), *SourceState.choices]
    )
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("All kinds")), *SourceKind.choices]
    )
    category = forms.ModelChoiceField(
        label=_("Category"),
        queryset=SourceCategory.objects.order_by("name"),
        required=False,
        empty_label=_("All categories"),
    )
    sort = forms.ChoiceField(
        required=False,
        widget=forms.HiddenInput,
        choices=[(key, key) for name in HEALTH_SORTS for key in (name, f"-{name}")],
    )

    def filters(self) -> HealthFilters:
        data = self.cleaned_data
        category = data.get("category")
        return HealthFilters(
            q=(data.get("q") or "").strip(),
            state=data.get("state") or "",
            problem=data.get("problem") or "",
            category=category.pk if category else None,
            kind=data.get("kind") or "",
        )


# --- OPML ------------------------------------------------------------------------------------


class OpmlImportForm(forms.Form):
    file = forms.FileField(
        label=_("OPML file"),
        help_text=_("An export of a feed reader (.opml or .xml), at most %(size)s MB.")
        % {"size": OPML_MAX_BYTES // (1024 * 1024)},
        widget=forms.ClearableFileInput(attrs={"accept": ".opml,.xml,text/x-opml,text/xml"}),
    )

    def clean_file(self):
        uploaded = self.cleaned_data["file"]
        if (uploaded.size or 0) > OPML_MAX_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(size)s MB.")
                % {"size": OPML_MAX_BYTES // (1024 * 1024)}
            )
        return uploaded


class SourceDiscoverForm(forms.Form):
    address = forms.CharField(
        label=_("Address of the website or of the feed"),
        max_length=2000,
        help_text=_(
            "For example https://www.museum.fr/ — the feeds its page announces are read and "
            "listed, or the address itself when it is a feed."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "url", "inputmode": "url"}),
    )


class OpmlExportForm(forms.Form):
    category = forms.ModelChoiceField(
        label=_("Category"),
        queryset=SourceCategory.objects.order_by("name"),
        required=False,
        empty_label=_("Every feed"),
    )


class SavedFilterForm(forms.Form):
    """A name for the stream's current filters, kept for oneself or shared."""

    name = forms.CharField(label=_("Name of these filters"), max_length=100, strip=True)
    shared = forms.BooleanField(label=_("Share them with the other curators"), required=False)
