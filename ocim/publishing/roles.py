"""Permissions of the publishing roles (applied by ocim.accounts.roles.roles_ensure).

Page permissions (articles, issues) are granted on the root page by ocim.accounts.roles."""

from ocim.accounts.roles import register_role_permissions

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
