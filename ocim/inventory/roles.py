"""Permissions of the inventory's roles (applied by ocim.accounts.roles.roles_ensure, which
imports this module)."""

from ocim.accounts.roles import register_role_permissions

# Observatory analysts keep the inventory: actors (with their contacts, visitor counts and
# history, edited on the actor's form), the typology and the labels. Nothing is deleted from
# the back office by them: a closed actor is marked closed, and the typology is protected.
register_role_permissions(
    "observatory-analyst",
    [
        f"inventory.{action}_{model}"
        for model in ("actor", "actorfamily", "actortype", "label")
        for action in ("view", "add", "change")
    ]
    + ["inventory.view_actorrevision", "inventory.import_actors"],
)
