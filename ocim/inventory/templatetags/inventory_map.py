"""``{% inventory_map_assets %}``: the scripts and styles of the inventory's maps (Leaflet,
served from our own static files, and ``inventory/map.js``) with their configuration, for the
``extra_head`` block of a page holding the map or a small map
(``<div class="inventory-minimap" data-lat=".." data-lon=".."></div>``)."""

from django import template
from django.conf import settings
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

register = template.Library()


@register.inclusion_tag("inventory/map/_assets.html")
def inventory_map_assets():
    boundaries = reverse("api:inventory_map_boundaries", kwargs={"level": "LEVEL"})
    return {
        "config": {
            "language": (get_language() or settings.LANGUAGE_CODE)[:2],
            "boundariesUrl": boundaries,
            "tileUrl": settings.OCIM_MAP_TILE_URL,
            "tileAttribution": settings.OCIM_MAP_TILE_ATTRIBUTION,
            "strings": {
                "sources": _("Sources: INSEE, IGN — Licence Ouverte / Etalab 2.0"),
                "zoomIn": _("Zoom in"),
                "zoomOut": _("Zoom out"),
                "actorOne": _("%(count)s actor"),
                "actorOther": _("%(count)s actors"),
                "zoomOnCluster": _("%(count)s actors here: zoom in"),
                "loading": _("Loading the map…"),
                "shown": _("%(count)s actors in this part of the map."),
                "shownOne": _("%(count)s actor in this part of the map."),
                "failed": _(
                    "The map could not be loaded. The tables below give the same information."
                ),
                "legendCount": _("Actors"),
                "legendPer100k": _("Actors per 100,000 inhabitants"),
                "noData": _("No population data"),
                "range": _("over %(low)s up to %(high)s"),
                "areaTooltip": _("%(name)s: %(actors)s"),
                "per100k": _("%(value)s per 100,000 inhabitants"),
                "actorPage": _("Page of %(name)s"),
                "location": _("Location of the actor"),
            },
        }
    }
