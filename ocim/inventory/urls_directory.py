"""The public directory's pages (included by ``ocim.inventory.urls``, namespace "inventory")."""

from django.urls import path
from django.utils.translation import gettext_lazy as _

from . import views_directory

urlpatterns = [
    path(_("inventory/"), views_directory.directory, name="directory"),
    path(_("inventory/<slug:slug>/"), views_directory.actor_detail, name="actor"),
]
