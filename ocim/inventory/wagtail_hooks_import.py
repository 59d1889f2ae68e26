"""Back office of actor imports: the views' URLs, the menu item and the permission, for the
staff who hold ``inventory.import_actors``. Imported by ``wagtail_hooks`` (Wagtail loads only
that module of each app)."""

from django.contrib.auth.models import Permission
from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from .admin_views_import import (
    PERMISSION,
    URL_NAMESPACE,
    ImportDetailView,
    ImportIndexView,
    ImportMappingView,
    ImportPreviewView,
)

urlpatterns = [
    path("", ImportIndexView.as_view(), name="index"),
    path("<int:pk>/", ImportDetailView.as_view(), name="detail"),
    path("<int:pk>/mapping/", ImportMappingView.as_view(), name="mapping"),
    path("<int:pk>/preview/", ImportPreviewView.as_view(), name="preview"),
]


@hooks.register("register_admin_urls")
def register_import_urls():
    return [path("inventory/imports/", include((urlpatterns, URL_NAMESPACE)))]


class ImportMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm(PERMISSION)


@hooks.register("register_admin_menu_item")
def register_import_menu_item():
    return ImportMenuItem(
        _("Import actors"), reverse(f"{URL_NAMESPACE}:index"), icon_name="upload", order=310
    )


@hooks.register("register_permissions")
def register_import_permission():
    # Shown in the group editor of the admin ("Other permissions").
    app_label, codename = PERMISSION.split(".")
    return Permission.objects.filter(content_type__app_label=app_label, codename=codename)
