import pytest


@pytest.fixture
def mailbox():
    """The locmem outbox. Mail leaves on commit: wrap the action in ``committed()``."""
    from django.core import mail

    return mail.outbox


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """``with committed(): …`` runs the on-commit callbacks (mail) registered inside."""

    def factory():
        return django_capture_on_commit_callbacks(execute=True)

    return factory
