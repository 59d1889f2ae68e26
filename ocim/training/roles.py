"""Permissions of the training roles (applied by ocim.accounts.roles.roles_ensure)."""

from ocim.accounts.roles import register_role_permissions

_MODELS = (
    "session",
    "sessionpart",
    "registration",
    "trainer",
    "coursepriceoption",
    "sessioninvitation",
    "tailormaderequest",
    "tailormadenote",
)

# Training managers run the whole catalogue: courses (pages), sessions, registrations, trainers.
register_role_permissions(
    "training-manager",
    [
        f"training.{action}_{model}"
        for model in _MODELS
        for action in ("add", "change", "delete", "view")
    ],
)
# Page permissions are not granted here: on the root page they would open the whole site.
# They belong on the course catalogue page, granted where that page is created.
# Trainers see sessions and their participants (the admin views restrict them to their own).
register_role_permissions(
    "trainer", ["training.view_session", "training.view_registration", "training.view_trainer"]
)
