"""The site's URLs plus ``/bench/bare``: a Django view that does nothing but answer.

Its cost is the floor every page pays (WSGI, middleware, URL resolution); comparing a page with
it shows how much the page itself adds. The site's patterns are appended as they are, not
``include()``d, because ``i18n_patterns`` must stay at the top level of the root URLconf.
"""

from django.http import HttpResponse
from django.urls import path

from ocim import urls as site_urls
from ocim.urls import handler400, handler403, handler404, handler500


def bare(request):
    return HttpResponse(b"ok\n", content_type="text/plain")


urlpatterns = [path("bench/bare", bare, name="bench_bare"), *site_urls.urlpatterns]

__all__ = ["handler400", "handler403", "handler404", "handler500", "urlpatterns"]
