"""The sources' health view: curators see each source's last fetch, status, share of 304,
errors, next fetch and the reason of a pause; they filter and sort; others are refused."""

import datetime as dt

import pytest
from django.utils import timezone

from ocim.core.models import AuditLogEntry
from ocim.watch.models import FetchLog, FetchOutcome, Source, SourceState

from .admin_builders import SourceFactory, user_with_role

pytestmark = pytest.mark.django_db

HEALTH = "/admin/watch/health/"


@pytest.fixture
def curator_client(client):
    client.force_login(user_with_role("watch-curator"))
    return client


@pytest.fixture
def sources():
    now = timezone.now()
    healthy = SourceFactory(title="Flux en forme")
    Source.objects.filter(pk=healthy.pk).update(
        last_fetch_at=now,
        last_status=200,
        fetch_count=20,
        not_modified_count=15,
        next_fetch_at=now + dt.timedelta(hours=1),
    )
    broken = SourceFactory(title="Flux suspendu")
    Source.objects.filter(pk=broken.pk).update(
        state=SourceState.SUSPENDED,
        state_reason="Suspendue après 10 erreurs consécutives",
        last_fetch_at=now,
        last_status=503,
        last_error_code="server_error",
        last_error="HTTP 503 <script>alert(1)</script>",
        consecutive_errors=10,
        fetch_count=10,
    )
    return healthy, broken


def test_the_health_record_of_each_source_is_shown(curator_client, sources):
    response = curator_client.get(HEALTH)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Flux en forme" in html and "75 %" in html
    assert "Suspendue après 10 erreurs consécutives" in html
    assert "server_error" in html and "503" in html
    assert "<script>alert(1)</script>" not in html
    # Worst first by default: consecutive errors, descending.
    assert html.index("Flux suspendu") < html.index("Flux en forme")
    assert 'aria-sort="descending"' in html


def test_filters_and_sorts(curator_client, sources):
    html = curator_client.get(HEALTH, {"problem": "suspended"}).content.decode()
    assert "Flux suspendu" in html and "Flux en forme" not in html
    html = curator_client.get(HEALTH, {"sort": "title"}).content.decode()
    assert html.index("Flux en forme") < html.index("Flux suspendu")
    assert 'aria-sort="ascending"' in html


@pytest.mark.parametrize(
    "params",
    [{"sort": "password"}, {"problem": "x"}, {"category": "abc"}, {"p": "zz"}, {"q": "\x00"}],
)
def test_any_input_gets_a_page(curator_client, sources, params):
    assert curator_client.get(HEALTH, params).status_code == 200


def test_the_page_runs_a_constant_number_of_queries(
    curator_client, sources, django_assert_max_num_queries
):
    curator_client.get(HEALTH)
    with django_assert_max_num_queries(60) as first:
        curator_client.get(HEALTH)
    for _number in range(30):
        SourceFactory().categories.create(name=f"Catégorie {_number}", slug=f"c-{_number}")
    with django_assert_max_num_queries(len(first.captured_queries)):
        curator_client.get(HEALTH)


def test_staff_without_the_role_are_refused(client, sources):
    client.force_login(user_with_role("editor"))
    assert client.get(HEALTH).status_code == 403


def test_reset_and_retry_call_the_fetchers_services(
    curator_client, sources, django_capture_on_commit_callbacks
):
    _healthy, broken = sources
    with django_capture_on_commit_callbacks() as callbacks:
        response = curator_client.post(
            f"/admin/watch/health/{broken.pk}/reset/", {"next": HEALTH + "?problem=errors"}
        )
    assert response.status_code == 302 and response["Location"] == HEALTH + "?problem=errors"
    assert callbacks, "the reset queues a read of the source"
    broken.refresh_from_db()
    assert broken.state == SourceState.ACTIVE and broken.consecutive_errors == 0
    assert AuditLogEntry.objects.filter(action="watch.source.reset").exists()

    paused = SourceFactory(title="En pause", state=SourceState.PAUSED)
    response = curator_client.post(f"/admin/watch/health/{paused.pk}/retry/", follow=True)
    assert response.status_code == 200
    assert "paused by staff" in response.content.decode() or "suspendue par" in (
        response.content.decode()
    )
    assert not AuditLogEntry.objects.filter(action="watch.source.retried").exists()
    response = curator_client.post(
        f"/admin/watch/health/{broken.pk}/retry/", {"next": "https://ailleurs.exemple.com/"}
    )
    assert response["Location"] == f"/admin/watch/health/{broken.pk}/"
    assert AuditLogEntry.objects.filter(action="watch.source.retried").exists()
    assert curator_client.get(f"/admin/watch/health/{broken.pk}/retry/").status_code == 405


def test_a_source_shows_its_record_and_the_fetchers_log(curator_client, sources):
    _healthy, broken = sources
    now = timezone.now()
    FetchLog.objects.create(
        source=broken,
        started_at=now,
        duration_ms=1200,
        outcome=FetchOutcome.ERROR,
        status_code=503,
        error_code="server_error",
        detail="HTTP 503",
    )
    FetchLog.objects.create(
        source=broken,
        started_at=now - dt.timedelta(hours=1),
        duration_ms=80,
        outcome=FetchOutcome.CONTENT,
        status_code=200,
        bytes_received=20480,
        new_entries=4,
    )
    response = curator_client.get(f"/admin/watch/health/{broken.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Suspendue après 10 erreurs consécutives" in html
    assert ("1200 ms" in html and "20,0" in html) or "20.0" in html
    assert html.index("server_error") < html.index("80 ms")


def test_other_staff_cannot_reset_or_retry(client, sources):
    _healthy, broken = sources
    client.force_login(user_with_role("editor"))
    assert client.post(f"/admin/watch/health/{broken.pk}/reset/").status_code == 403
    assert client.post(f"/admin/watch/health/{broken.pk}/retry/").status_code == 403
    assert client.get(f"/admin/watch/health/{broken.pk}/").status_code == 403
    broken.refresh_from_db()
    assert broken.state == SourceState.SUSPENDED
