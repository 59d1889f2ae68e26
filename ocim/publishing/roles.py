"""Permissions of the publishing roles (applied by ocim.accounts.roles.roles_ensure).

Page permissions of editors and the editor-in-chief are granted on the root page by
ocim.accounts.roles. Authors get theirs on the magazine pages only (add and edit, never
publish), with the editorial workflow: ocim.publishing.workflow.services.editorial_workflow_ensure.
"""

from ocim.accounts.roles import (
    register_role_collection_permissions,
    register_role_permissions,
)

_MODELS = ("rubric", "person", "subscription")

for _role in ("editor", "editor-in-chief"):
    register_role_permissions(
        _role,
        [
            f"publishing.{action}_{model}"
            for model in _MODELS
            for action in ("view", "add", "change", "delete")
        ],
    )

# Authors write articles: they choose rubrics, authors (and may add one), keywords and media.
register_role_permissions(
    "author",
    [
        "publishing.view_rubric",
        "publishing.view_person",
        "publishing.add_person",
        "core.view_concept",
    ],
)
register_role_collection_permissions(
    "author",
    [
        "wagtailimages.add_image",
        "wagtailimages.choose_image",
        "wagtaildocs.add_document",
        "wagtaildocs.choose_document",
    ],
)
