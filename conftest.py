import pytest


@pytest.fixture(autouse=True)
def _media_and_cache(settings, tmp_path):
    """Each test starts with empty caches and its own media folder."""
    from django.core.cache import caches

    settings.MEDIA_ROOT = tmp_path / "media"
    for cache in caches.all():
        cache.clear()
    yield
    for cache in caches.all():
        cache.clear()


@pytest.fixture(autouse=True)
def _reproducible_fake_data(request):
    """Seed the factories' fake data from the test's id: a test sees the same names on every
    run and on every worker, so a failure caused by one unlucky name is reproducible."""
    import factory.random

    factory.random.reseed_random(request.node.nodeid)


@pytest.fixture(autouse=True)
def _french():
    """Each test starts in French, the site's default: a request in English leaves English
    active in the thread, and later URL reversals would come out under /en/."""
    from django.utils import translation

    translation.activate("fr")
    yield
    translation.deactivate()


@pytest.fixture
def user(db):
    from ocim.accounts.tests.factories import UserFactory

    return UserFactory()
