"""Wagtail's users app, configured with Ocim's user forms (the user model has no username).

Installed in place of ``wagtail.users`` (see the end of ocim/settings/base.py).
"""

from wagtail.users.apps import WagtailUsersAppConfig


class OcimUsersAppConfig(WagtailUsersAppConfig):
    user_viewset = "ocim.accounts.admin_users.UserViewSet"
