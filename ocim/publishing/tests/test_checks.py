"""The system check that keeps walled PDFs behind the site's own check of who may read them."""

from django.core import checks


def _publishing_errors():
    return [message.id for message in checks.run_checks() if message.id.startswith("publishing.")]


def test_documents_served_straight_from_storage_are_refused(settings):
    settings.WAGTAILDOCS_SERVE_METHOD = "direct"
    assert _publishing_errors() == ["publishing.E001"]


def test_documents_served_through_the_site_pass(settings):
    for method in ("serve_view", "redirect"):
        settings.WAGTAILDOCS_SERVE_METHOD = method
        assert _publishing_errors() == []
