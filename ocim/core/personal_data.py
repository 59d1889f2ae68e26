"""Personal data registry: what the platform holds about a person, how to export and erase it.

Every model field that points at the user model (ForeignKey, OneToOneField, ManyToManyField)
must be declared here, once, by the app that owns the model (third-party models are declared by
core, below). A test walks the app registry and fails, naming the model and the field, when one
is missing, so a new model cannot quietly escape the GDPR export or the account deletion.

Declaring a field, in ``<app>/personal_data.py`` (imported automatically)::

    from ocim.core import personal_data as pd

    pd.register(
        "training.Registration", "trainee",
        export=("session", "status", "created_at"),   # field names, or a callable(qs) -> rows
        erase=pd.DELETE,                                  # or SET_NULL, ON_DELETE, pd.Anonymise(fn)
    )

Erasure strategies, applied by ``erase_user`` before the user row itself is deleted:

* ``DELETE``: the rows are deleted (the person's own records: comments, subscriptions…);
* ``SET_NULL``: the link is cleared and the row kept (works for DO_NOTHING links too);
* ``ON_DELETE``: nothing to do, the field's own ``on_delete`` (CASCADE or SET_NULL) is enough —
  the registry checks that it really is one of those;
* ``Anonymise(fn)``: ``fn(queryset, user)`` rewrites the rows so that they keep what must be
  kept (evidence, statistics) and no longer identify the person; it must clear the link.

Data tied to a person without a foreign key (a generic relation, an e-mail address typed in a
form) is declared with ``register_extra(name, export=fn(user), erase=fn(user))``.
"""

from __future__ import annotations

import datetime
import decimal
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import models
from django.db.models.fields.files import FieldFile
from django.utils.module_loading import autodiscover_modules

DELETE = "delete"
SET_NULL = "set_null"
ON_DELETE = "on_delete"


@dataclass(frozen=True)
class Anonymise:
    """Rewrite the rows with ``function(queryset, user)``; the rows stay, the person goes."""

    function: Callable[[models.QuerySet, Any], None]


ExportSpec = Sequence[str] | Callable[[models.QuerySet], list[dict]]
EraseSpec = str | Anonymise


@dataclass(frozen=True)
class FieldEntry:
    model_label: str
    field_name: str
    export: ExportSpec | None
    erase: EraseSpec

    @property
    def key(self) -> str:
        return f"{self.model_label}.{self.field_name}"

    @property
    def model(self) -> type[models.Model]:
        return apps.get_model(self.model_label)

    @property
    def field(self):
        return self.model._meta.get_field(self.field_name)

    def queryset(self, user) -> models.QuerySet:
        return self.model._default_manager.filter(**{self.field_name: user})


@dataclass(frozen=True)
class ExtraEntry:
    name: str
    export: Callable[[Any], list[dict]]
    erase: Callable[[Any], None]


@dataclass
class _Registry:
    fields: dict[tuple[str, str], FieldEntry] = field(default_factory=dict)
    extras: dict[str, ExtraEntry] = field(default_factory=dict)
    discovered: bool = False


_registry = _Registry()


def register(
    model_label: str,
    field_name: str,
    *,
    export: ExportSpec | None,
    erase: EraseSpec,
) -> None:
    """Declare that ``model_label.field_name`` points at a person.

    ``export`` lists the fields to put in the person's download (``None`` only for links that
    hold nothing worth exporting, e.g. a technical session row); ``erase`` says what happens to
    the rows when the person deletes their account. Registering the same field twice replaces
    the first declaration (so a project can override a default).
    """
    if erase not in (DELETE, SET_NULL, ON_DELETE) and not isinstance(erase, Anonymise):
        raise ValueError(f"Unknown erase strategy {erase!r} for {model_label}.{field_name}.")
    _registry.fields[(model_label.lower(), field_name)] = FieldEntry(
        model_label, field_name, export, erase
    )


def register_extra(
    name: str, *, export: Callable[[Any], list[dict]], erase: Callable[[Any], None]
) -> None:
    """Declare personal data that no foreign key reaches (generic relations, typed addresses)."""
    _registry.extras[name] = ExtraEntry(name, export, erase)


def _discover() -> None:
    if not _registry.discovered:
        _registry.discovered = True
        autodiscover_modules("personal_data")


def field_entries() -> list[FieldEntry]:
    _discover()
    return list(_registry.fields.values())


def extra_entries() -> list[ExtraEntry]:
    _discover()
    return list(_registry.extras.values())


def entry_for(model: type[models.Model], field_name: str) -> FieldEntry | None:
    """The declaration covering ``model.field_name`` (a parent model's covers its children)."""
    _discover()
    for klass in [*model._meta.get_parent_list()[::-1], model]:
        entry = _registry.fields.get((klass._meta.label_lower, field_name))
        if entry is not None:
            return entry
    # Fields declared on a concrete parent (multi-table inheritance) belong to that parent.
    declaring = model._meta.get_field(field_name).model
    return _registry.fields.get((declaring._meta.label_lower, field_name))


# --- Checks (used by the coverage test) ---------------------------------------------------------


def user_relation_fields() -> Iterable[tuple[type[models.Model], Any]]:
    """Every (model, field) declared in code whose relation targets the user model."""
    user_model = apps.get_model(settings.AUTH_USER_MODEL)
    for model in apps.get_models():
        for f in model._meta.get_fields():
            if f.auto_created or not f.is_relation or f.related_model is not user_model:
                continue
            if not (f.many_to_one or f.one_to_one or f.many_to_many):
                continue  # generic relations and reverse accessors
            if f.model is not model:
                continue  # inherited through multi-table inheritance: checked on the parent
            yield model, f


def problems() -> list[str]:
    """What is missing or inconsistent in the registry, one sentence each (empty when fine)."""
    found: list[str] = []
    for model, f in user_relation_fields():
        entry = entry_for(model, f.name)
        where = f"{model._meta.label}.{f.name}"
        if entry is None:
            found.append(f"{where} points at the user model but is not registered in personal_data")
            continue
        if entry.erase == ON_DELETE and not f.many_to_many:
            rule = f.remote_field.on_delete
            if rule not in (models.CASCADE, models.SET_NULL):
                found.append(
                    f"{where} is registered with ON_DELETE but its on_delete is "
                    f"{rule.__name__}: use DELETE, SET_NULL or Anonymise"
                )
        if entry.erase == SET_NULL and not (f.null or f.many_to_many):
            found.append(f"{where} is registered with SET_NULL but is not nullable")
    user_model = apps.get_model(settings.AUTH_USER_MODEL)
    for entry in _registry.fields.values():
        try:
            target = entry.field.related_model
        except LookupError:
            continue  # an app that is not installed in this project
        except Exception as exc:
            found.append(f"{entry.key} is registered but does not exist ({exc})")
            continue
        if target is not user_model:
            found.append(f"{entry.key} is registered but does not point at the user model")
    return found


# --- Export and erasure ----------------------------------------------------------------------


def _jsonable(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, FieldFile):
        return value.name or None
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_jsonable(v) for v in value]
    if isinstance(value, models.Model):
        return {"id": _jsonable(value.pk), "label": str(value)}
    return str(value)


def rows_from_fields(queryset: models.QuerySet, field_names: Sequence[str]) -> list[dict]:
    """Rows as ``{"id": …, field: value, …}``; relations become ``{"id", "label"}``."""
    rows = []
    for obj in queryset:
        row: dict[str, Any] = {"id": _jsonable(obj.pk)}
        for name in field_names:
            model_field = obj._meta.get_field(name)
            if model_field.many_to_one or model_field.one_to_one:
                row[name] = _jsonable(getattr(obj, name))
            else:
                row[name] = _jsonable(model_field.value_from_object(obj))
        rows.append(row)
    return rows


def export_user(user) -> dict[str, list[dict]]:
    """Every registered record about ``user``, keyed ``app.Model.field`` (and extra names)."""
    data: dict[str, list[dict]] = {}
    for entry in field_entries():
        if entry.export is None:
            continue
        try:
            queryset = entry.queryset(user)
        except LookupError:
            continue
        if callable(entry.export):
            rows = [_jsonable(row) for row in entry.export(queryset)]
        else:
            rows = rows_from_fields(queryset, entry.export)
        if rows:
            data[entry.key] = rows
    for extra in extra_entries():
        rows = [_jsonable(row) for row in extra.export(user)]
        if rows:
            data[extra.name] = rows
    return data


def erase_user(user) -> None:
    """Apply every registered erasure to ``user``'s records (the user row itself excepted).

    Call inside a transaction, right before deleting the user row; ``ON_DELETE`` fields are
    then handled by the deletion itself.
    """
    for extra in extra_entries():
        extra.erase(user)
    for entry in field_entries():
        try:
            queryset = entry.queryset(user)
        except LookupError:
            continue
        if entry.erase == DELETE:
            if entry.field.many_to_many:
                getattr(user, entry.field.remote_field.get_accessor_name() or "").clear()
            else:
                queryset.delete()
        elif entry.erase == SET_NULL:
            if entry.field.many_to_many:
                getattr(user, entry.field.remote_field.get_accessor_name() or "").clear()
            else:
                queryset.update(**{entry.field_name: None})
        elif isinstance(entry.erase, Anonymise):
            entry.erase.function(queryset, user)


# --- Declarations for core and the third-party apps installed today ------------------------

DELETED_USER_LABEL = "deleted user"


def _anonymise_audit(queryset: models.QuerySet, user) -> None:
    # The entries are evidence and stay; only the person's identity goes.
    queryset.update(actor=None, actor_label=DELETED_USER_LABEL)


register(
    "core.AuditLogEntry",
    "actor",
    export=("action", "created_at", "object_repr", "data"),
    erase=Anonymise(_anonymise_audit),
)

# Wagtail: pages and media stay (they belong to the organisation); the person's link goes.
_PAGE_EXPORT = ("title", "url_path", "first_published_at", "last_published_at")
register("wagtailcore.Page", "owner", export=_PAGE_EXPORT, erase=ON_DELETE)
register("wagtailcore.Page", "locked_by", export=("title", "locked_at"), erase=ON_DELETE)
register(
    "wagtailcore.Revision",
    "user",
    export=("created_at", "content_type", "object_id", "object_str", "approved_go_live_at"),
    erase=ON_DELETE,
)
register(
    "wagtailcore.WorkflowState",
    "requested_by",
    export=("workflow", "content_type", "object_id", "status", "created_at"),
    erase=ON_DELETE,
)
register(
    "wagtailcore.TaskState",
    "finished_by",
    export=("task", "status", "started_at", "finished_at", "comment"),
    erase=ON_DELETE,
)
# Log entries keep what happened to a page or object; DO_NOTHING links, so cleared explicitly.
register(
    "wagtailcore.PageLogEntry",
    "user",
    export=("action", "timestamp", "label", "page"),
    erase=SET_NULL,
)
register(
    "wagtailcore.ModelLogEntry",
    "user",
    export=("action", "timestamp", "label", "content_type", "object_id"),
    erase=SET_NULL,
)
register(
    "wagtailcore.Comment",
    "user",
    export=("page", "text", "contentpath", "created_at", "resolved_at"),
    erase=DELETE,
)
register("wagtailcore.Comment", "resolved_by", export=("page", "resolved_at"), erase=ON_DELETE)
register("wagtailcore.CommentReply", "user", export=("comment", "text", "created_at"), erase=DELETE)
register(
    "wagtailcore.PageSubscription", "user", export=("page", "comment_notifications"), erase=DELETE
)
register(
    "wagtailcore.UploadedFile",
    "uploaded_by_user",
    export=("file", "for_content_type"),
    erase=DELETE,
)
register("wagtailcore.APIToken", "user", export=None, erase=DELETE)  # a secret, never exported
register(
    "wagtailusers.UserProfile",
    "user",
    export=(
        "submitted_notifications",
        "approved_notifications",
        "rejected_notifications",
        "updated_comments_notifications",
        "preferred_language",
        "current_time_zone",
        "avatar",
        "dismissibles",
        "theme",
        "density",
        "contrast",
        "keyboard_shortcuts",
    ),
    erase=DELETE,
)
register(
    "wagtailadmin.EditingSession",
    "user",
    export=("content_type", "object_id", "last_seen_at"),
    erase=DELETE,
)
register(
    "wagtailadmin.FormState",
    "user",
    export=("content_type", "object_id", "last_updated_at"),
    erase=DELETE,
)
register(
    "wagtailimages.Image",
    "uploaded_by_user",
    export=("title", "file", "created_at"),
    erase=ON_DELETE,
)
register(
    "wagtaildocs.Document",
    "uploaded_by_user",
    export=("title", "file", "created_at"),
    erase=ON_DELETE,
)
register(
    "admin.LogEntry",
    "user",
    export=("action_time", "content_type", "object_repr", "action_flag", "change_message"),
    erase=DELETE,
)
