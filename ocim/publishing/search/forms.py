"""The search form of the magazine and the news: the words and the facet filters, read from
the query string so that a search can be shared as a link."""

from __future__ import annotations

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from ocim.core.forms import SearchForm

from .models import SearchDocumentKind
from .query import SearchFilters

MAX_FILTER_VALUES = 20


class ValueListField(forms.Field):
    """Several values of one facet (checkboxes drawn by the template from the facet counts):
    each must match ``pattern``; at most ``MAX_FILTER_VALUES``."""

    widget = forms.MultipleHiddenInput

    def __init__(self, *, pattern: str, **kwargs):
        self.pattern = re.compile(pattern)
        super().__init__(required=False, **kwargs)

    def to_python(self, value):
        if not value:
            return []
        if isinstance(value, str):
            value = [value]
        return [str(item).strip() for item in value if str(item).strip()]

    def validate(self, value):
        super().validate(value)
        if len(value) > MAX_FILTER_VALUES:
            raise ValidationError(_("Too many values were chosen."), code="too_many")
        for item in value:
            if not self.pattern.fullmatch(item):
                raise ValidationError(_("This value is not understood."), code="invalid")


class PublishingSearchForm(SearchForm):
    kind = ValueListField(
        label=_("Type"), pattern="|".join(re.escape(value) for value in SearchDocumentKind.values)
    )
    year = ValueListField(label=_("Year"), pattern=r"(19|2\d)\d\d")
    rubric = ValueListField(label=_("Rubric"), pattern=r"[-\w]{1,120}")
    concept = ValueListField(label=_("Keyword"), pattern=r"[-\w]{1,120}")
    language = ValueListField(label=_("Language"), pattern=r"[a-z]{2}")

    def filters(self) -> SearchFilters:
        """The validated filters (call after ``is_valid()``; invalid facets are left out)."""
        data = getattr(self, "cleaned_data", {})
        return SearchFilters(
            kinds=tuple(data.get("kind") or ()),
            years=tuple(int(year) for year in data.get("year") or ()),
            rubrics=tuple(data.get("rubric") or ()),
            concepts=tuple(data.get("concept") or ()),
            languages=tuple(data.get("language") or ()),
        )
