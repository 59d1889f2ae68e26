"""An actor's history made readable: each revision's changes as (field label, old, new) with
names instead of keys ("Planétarium" rather than 7, "Fermé" rather than "closed").

Related names are looked up in one query per model for a whole page of revisions.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Model
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from wagtail.images import get_image_model

from ocim.core.models import Commune, Concept

from .models import Actor, ActorRevision, ActorType, Label

EMPTY = "—"
# Longest value shown; the rest is cut (descriptions can be long).
MAX_SHOWN = 300

# Keys of a snapshot that hold the key of a related record, and the model it points at.
_RELATED = {
    "type_id": ActorType,
    "parent_id": Actor,
    "commune_id": Commune,
    "image_id": None,  # the image model, resolved when needed
}
_MANY = {"labels": Label, "concepts": Concept}


@dataclass(frozen=True)
class FieldChange:
    key: str
    label: str
    old: str
    new: str


def _image_model():
    return get_image_model()


def _field_label(key: str) -> str:
    if key == "labels":
        return str(Actor._meta.get_field("labels").verbose_name)
    if key == "concepts":
        return str(Actor._meta.get_field("concepts").verbose_name)
    if key == "visitor_counts":
        return _("yearly visitor counts")
    for field in Actor._meta.concrete_fields:
        if field.attname == key:
            return str(field.verbose_name)
    return key


def _choices(key: str) -> dict:
    for field in Actor._meta.concrete_fields:
        if field.attname == key and field.choices:
            return {value: str(label) for value, label in field.flatchoices}
    return {}


def _shorten(text: str) -> str:
    return text if len(text) <= MAX_SHOWN else text[: MAX_SHOWN - 1] + "…"


class _Names:
    """Names of the related records a set of revisions mentions, fetched once per model."""

    def __init__(self, revisions: Iterable[ActorRevision]):
        wanted: dict[type[Model], set] = defaultdict(set)
        for revision in revisions:
            for key, values in revision.changes.items():
                model = self._model(key)
                if model is None:
                    continue
                for value in values:
                    if isinstance(value, list):
                        wanted[model].update(value)
                    elif value not in (None, ""):
                        wanted[model].add(value)
        self.names: dict[type[Model], dict] = {}
        for model, keys in wanted.items():
            self.names[model] = {
                str(record.pk): str(record) for record in model.objects.filter(pk__in=keys)
            }

    @staticmethod
    def _model(key: str):
        if key == "image_id":
            return _image_model()
        return _RELATED.get(key) or _MANY.get(key)

    def show(self, key: str, value) -> str:
        if value is None or value == "" or value == [] or value == {}:
            return EMPTY
        model = self._model(key)
        if key in _MANY:
            names = self.names.get(model, {})
            return ", ".join(
                sorted(names.get(str(pk), _("#%(pk)s (deleted)") % {"pk": pk}) for pk in value)
            )
        if model is not None:
            return self.names.get(model, {}).get(str(value), _("#%(pk)s (deleted)") % {"pk": value})
        if key == "visitor_counts" and isinstance(value, dict):
            return "; ".join(
                f"{year} : {number_format(visitors, force_grouping=True)}"
                for year, visitors in sorted(value.items(), reverse=True)
            )
        if key == "social_links" and isinstance(value, list):
            return ", ".join(
                str(item.get("url", "")) if isinstance(item, dict) else str(item) for item in value
            )
        choices = _choices(key)
        if choices:
            return choices.get(value, str(value))
        if isinstance(value, bool):
            return _("yes") if value else _("no")
        return _shorten(str(value))


def revision_changes(revisions: list[ActorRevision]) -> dict[int, list[FieldChange]]:
    """{revision id: its changes, readable}, for a page of revisions."""
    names = _Names(revisions)
    result = {}
    for revision in revisions:
        result[revision.pk] = [
            FieldChange(
                key=key,
                label=_field_label(key),
                old=names.show(key, old),
                new=names.show(key, new),
            )
            for key, (old, new) in sorted(
                revision.changes.items(), key=lambda item: _field_label(item[0])
            )
        ]
    return result
