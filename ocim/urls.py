from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path
from django.views.generic import RedirectView
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from ocim.core import views as core_views
from ocim.core.api import API_PATH, api

urlpatterns = [
    path("", RedirectView.as_view(url=f"/{settings.LANGUAGE_CODE}/", permanent=False)),
    path("healthz", core_views.healthz, name="healthz"),
    path("robots.txt", core_views.robots_txt, name="robots_txt"),
    path("sitemap.xml", core_views.sitemap, name="sitemap"),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path(API_PATH, api.urls),
]

urlpatterns += i18n_patterns(
    path("", include("ocim.core.urls")),
    path("", include("ocim.accounts.urls")),
    path("", include("ocim.training.urls")),
    path("", include("ocim.publishing.urls")),
    path("", include("ocim.inventory.urls")),
    path("", include(wagtail_urls)),
    prefix_default_language=True,
)

handler400 = "ocim.core.views.bad_request"
handler403 = "ocim.core.views.permission_denied"
handler404 = "ocim.core.views.page_not_found"
handler500 = "ocim.core.views.server_error"
