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

# What training managers may do with the pages under a course catalogue (and nowhere else).
CATALOGUE_PAGE_PERMISSIONS = ("add_page", "change_page", "publish_page")


def catalogue_permissions_grant(page) -> list:
    """Let the training managers add, edit and publish course pages under the catalogue ``page``
    (a ``CourseIndexPage``): Wagtail page permissions on that page, inherited by its subpages.

    Called where a catalogue is created (the ``after_create_page`` hook, the demo). Idempotent.
    Returns the ``GroupPagePermission`` rows (existing or created).
    """
    from django.contrib.auth.models import Permission
    from wagtail.models import GroupPagePermission

    from ocim.accounts.roles import role_group

    group = role_group("training-manager")
    permissions = Permission.objects.filter(
        content_type__app_label="wagtailcore", codename__in=CATALOGUE_PAGE_PERMISSIONS
    )
    return [
        GroupPagePermission.objects.get_or_create(group=group, page=page, permission=permission)[0]
        for permission in permissions
    ]
