"""Every field that points at the user model must be declared in ocim.core.personal_data."""

from django.apps import apps
from django.conf import settings

from ocim.core import personal_data


def test_every_relation_to_the_user_model_is_registered():
    user_model = apps.get_model(settings.AUTH_USER_MODEL)
    missing = []
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if field.auto_created or not field.is_relation or field.related_model is not user_model:
                continue
            if not (field.many_to_one or field.one_to_one or field.many_to_many):
                continue
            entry = personal_data.entry_for(model, field.name)
            if entry is None:
                missing.append(f"{model._meta.label}.{field.name}")
                continue
            # Covered for export: fields to export exist (or a callable / an explicit None).
            if entry.export is not None and not callable(entry.export):
                for name in entry.export:
                    entry.model._meta.get_field(name)
    assert not missing, (
        "These fields point at the user model but are not declared in the personal-data "
        "registry (export + erasure), see ocim/core/personal_data.py: " + ", ".join(missing)
    )


def test_registry_is_consistent():
    assert personal_data.problems() == []


def test_the_check_finds_an_undeclared_field(monkeypatch):
    entries = dict(personal_data._registry.fields)
    entries.pop(("core.auditlogentry", "actor"))
    monkeypatch.setattr(personal_data._registry, "fields", entries)
    assert any("core.AuditLogEntry.actor" in p for p in personal_data.problems())


def test_the_check_refuses_on_delete_for_do_nothing_links(monkeypatch):
    entries = dict(personal_data._registry.fields)
    entries[("wagtailcore.pagelogentry", "user")] = personal_data.FieldEntry(
        "wagtailcore.PageLogEntry", "user", ("action",), personal_data.ON_DELETE
    )
    monkeypatch.setattr(personal_data._registry, "fields", entries)
    assert any("PageLogEntry.user" in p and "DO_NOTHING" in p for p in personal_data.problems())
