# The browser fixtures (Chromium, live server with the demo site, axe-core) are shared.
from ocim.core.tests.browser.conftest import (  # noqa: F401
    axe_check,
    axe_source,
    browser,
    context,
    demo_site,
    django_db_setup,
    page,
)
