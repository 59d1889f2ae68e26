"""Roles are Django groups with permissions. This module is the registry of both.

Each role has a stable key and a group (found by its name). Apps add what their role needs in
their own ``<app>/roles.py`` (imported automatically by ``roles_ensure``)::

    from ocim.accounts.roles import register_role_permissions

    register_role_permissions("training-manager", ["training.add_session"])
    register_role_page_permissions("editor", ["add_page", "change_page"])   # on the root page
    register_role_collection_permissions("editor", ["wagtailimages.add_image"])  # root collection

``roles_ensure()`` then creates the groups and grants what is registered. It only adds: a
permission granted by hand in the admin is never taken away (pass ``prune=True`` to make the
groups match the registry exactly).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils.functional import Promise
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _

ADMIN_ACCESS = "wagtailadmin.access_admin"


@dataclass(frozen=True)
class Role:
    key: str
    group_name: str
    label: Promise
    staff: bool  # staff roles reach the Wagtail admin


ROLES: tuple[Role, ...] = (
    Role("editor", "Rédaction", _("Editor"), True),
    Role("editor-in-chief", "Rédaction en chef", _("Editor-in-chief"), True),
    Role("author", "Auteurs et autrices", _("Author"), True),
    Role("training-manager", "Responsables de formation", _("Training manager"), True),
    Role("trainer", "Formateurs et formatrices", _("Trainer"), True),
    Role("observatory-analyst", "Analystes de l'observatoire", _("Observatory analyst"), True),
    Role("watch-curator", "Veille", _("Watch curator"), True),
    Role("actor-representative", "Représentants d'acteurs", _("Actor representative"), False),
    Role("member", "Membres", _("Member"), False),
)
ROLES_BY_KEY = {role.key: role for role in ROLES}


@dataclass
class _Grants:
    permissions: set[str] = field(default_factory=set)
    page_permissions: set[str] = field(default_factory=set)
    collection_permissions: set[str] = field(default_factory=set)


_grants: dict[str, _Grants] = {role.key: _Grants() for role in ROLES}


def _grants_for(role_key: str) -> _Grants:
    if role_key not in _grants:
        raise ImproperlyConfigured(f"Unknown role {role_key!r}; known: {sorted(_grants)}")
    return _grants[role_key]


def register_role_permissions(role_key: str, permissions: Iterable[str]) -> None:
    """Grant model permissions (``"app_label.codename"``) to a role's group."""
    _grants_for(role_key).permissions.update(permissions)


def register_role_page_permissions(role_key: str, codenames: Iterable[str]) -> None:
    """Grant Wagtail page permissions (``add_page``, ``publish_page``…) on the root page."""
    _grants_for(role_key).page_permissions.update(codenames)


def register_role_collection_permissions(role_key: str, permissions: Iterable[str]) -> None:
    """Grant media permissions (``"wagtailimages.add_image"``…) on the root collection."""
    _grants_for(role_key).collection_permissions.update(permissions)


def registered_grants(role_key: str) -> _Grants:
    return _grants_for(role_key)


# --- What exists today ----------------------------------------------------------------------

_MEDIA = [
    "wagtailimages.add_image",
    "wagtailimages.change_image",
    "wagtailimages.choose_image",
    "wagtaildocs.add_document",
    "wagtaildocs.change_document",
    "wagtaildocs.choose_document",
]
_CONCEPTS = ["core.view_concept", "core.add_concept", "core.change_concept"]

for _role in ROLES:
    if _role.staff:
        register_role_permissions(_role.key, [ADMIN_ACCESS])
for _key in ("editor", "editor-in-chief", "training-manager"):
    register_role_collection_permissions(_key, _MEDIA)
register_role_page_permissions("editor", ["add_page", "change_page", "lock_page"])
register_role_page_permissions(
    "editor-in-chief", ["add_page", "change_page", "lock_page", "publish_page", "unlock_page"]
)
register_role_permissions("editor-in-chief", ["core.view_auditlogentry", "core.view_concept"])
register_role_permissions("editor", ["core.view_concept"])
register_role_permissions("observatory-analyst", _CONCEPTS)
register_role_permissions("watch-curator", _CONCEPTS)
register_role_permissions("training-manager", ["core.view_concept"])


# --- Applying the registry ------------------------------------------------------------------


def _permission(dotted: str) -> Permission:
    try:
        app_label, codename = dotted.split(".", 1)
        return Permission.objects.get(content_type__app_label=app_label, codename=codename)
    except (ValueError, Permission.DoesNotExist) as exc:
        raise ImproperlyConfigured(
            f"Permission {dotted!r} does not exist (is the app installed and migrated?)"
        ) from exc


def role_group(role_key: str) -> Group:
    """The group of a role, created when missing."""
    role = ROLES_BY_KEY.get(role_key)
    if role is None:
        raise ImproperlyConfigured(f"Unknown role {role_key!r}")
    group, _created = Group.objects.get_or_create(name=role.group_name)
    return group


def roles_ensure(*, prune: bool = False) -> dict[str, Group]:
    """Create every role's group and grant what the registry declares. Idempotent.

    Errors: ImproperlyConfigured when a registered permission does not exist.
    """
    from wagtail.models import Collection, GroupCollectionPermission, GroupPagePermission, Page

    autodiscover_modules("roles")
    groups: dict[str, Group] = {}
    with transaction.atomic():
        root_page = Page.get_first_root_node()
        root_collection = Collection.get_first_root_node()
        for role in ROLES:
            grants = _grants[role.key]
            group = role_group(role.key)
            wanted = [_permission(p) for p in sorted(grants.permissions)]
            if prune:
                group.permissions.set(wanted)
            else:
                group.permissions.add(*wanted)
            page_perms = [_permission(f"wagtailcore.{c}") for c in sorted(grants.page_permissions)]
            if prune:
                # Only the root-page grants are the registry's: grants on other pages (e.g. a
                # course catalogue for the training managers) are made by their apps.
                GroupPagePermission.objects.filter(group=group, page=root_page).exclude(
                    permission__in=page_perms
                ).delete()
            if root_page is not None:
                for permission in page_perms:
                    GroupPagePermission.objects.get_or_create(
                        group=group, page=root_page, permission=permission
                    )
            media = [_permission(p) for p in sorted(grants.collection_permissions)]
            if prune:
                GroupCollectionPermission.objects.filter(group=group).exclude(
                    permission__in=media, collection=root_collection
                ).delete()
            if root_collection is not None:
                for permission in media:
                    GroupCollectionPermission.objects.get_or_create(
                        group=group, collection=root_collection, permission=permission
                    )
            groups[role.key] = group
    return groups
