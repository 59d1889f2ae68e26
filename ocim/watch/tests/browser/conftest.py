"""The browser suite's fixtures (real Chromium, axe-core), shared with the core's."""

from ocim.core.tests.browser.conftest import (  # noqa: F401
    axe_check,
    axe_source,
    browser,
    context,
    demo_site,
    django_db_setup,
    page,
)
