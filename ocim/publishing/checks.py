"""System checks of the publishing app (run by ``manage.py check``, ``check --deploy`` in CI)."""

from django.conf import settings
from django.core.checks import Error, register


@register()
def walled_documents_served_through_the_site(app_configs, **kwargs):
    """PDFs behind the moving wall are guarded when Wagtail serves a document
    (``wagtail_hooks.guard_walled_documents``). With ``WAGTAILDOCS_SERVE_METHOD = "direct"``
    pages link to the file's storage address instead, which nothing guards."""
    if getattr(settings, "WAGTAILDOCS_SERVE_METHOD", None) == "direct":
        return [
            Error(
                'WAGTAILDOCS_SERVE_METHOD = "direct" links to the storage address of each '
                "document, so the PDFs of articles behind the moving wall would be readable "
                "by anyone.",
                hint='Use "serve_view" (the files go through the site, after the check).',
                id="publishing.E001",
            )
        ]
    return []
