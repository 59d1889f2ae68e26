"""The site's URLconf with stand-ins for the directory's pages (which the map links to but
does not own), for the map page's tests."""

from django.conf.urls.i18n import i18n_patterns
from django.http import HttpResponse
from django.urls import include, path
from django.urls.resolvers import LocalePrefixPattern, URLResolver

from ocim import urls as site
from ocim.inventory import urls_map


def _stand_in(request, slug=None):
    return HttpResponse("directory")


inventory = (
    [
        *urls_map.urlpatterns,
        path("annuaire/", _stand_in, name="directory"),
        path("annuaire/<slug:slug>/", _stand_in, name="actor_detail"),
    ],
    "inventory",
)

urlpatterns = [
    pattern
    for pattern in site.urlpatterns
    if not (isinstance(pattern, URLResolver) and isinstance(pattern.pattern, LocalePrefixPattern))
]
urlpatterns += i18n_patterns(
    path("", include("ocim.core.urls")),
    path("", include("ocim.accounts.urls")),
    path("", include("ocim.training.urls")),
    path("", include("ocim.publishing.urls")),
    path("", include(inventory)),
    path("", include("wagtail.urls")),
    prefix_default_language=True,
)
