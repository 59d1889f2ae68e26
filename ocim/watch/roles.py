"""Permissions of the watch's roles (applied by ocim.accounts.roles.roles_ensure, which imports
this module)."""

from ocim.accounts.roles import register_role_permissions

# Watch curators keep the sources, their categories and the classification rules, and read,
# star and curate the items. Items are never edited by hand: they are what the sources said.
register_role_permissions(
    "watch-curator",
    [
        f"watch.{action}_{model}"
        for model in ("source", "sourcecategory", "classificationrule")
        for action in ("view", "add", "change", "delete")
    ]
    + ["watch.view_item", "watch.change_item", "watch.view_story"],
)
