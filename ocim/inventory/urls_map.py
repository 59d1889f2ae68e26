from django.urls import path
from django.utils.translation import gettext_lazy as _

from . import views_map

urlpatterns = [
    path(_("inventory/map/"), views_map.map_page, name="map"),
]
