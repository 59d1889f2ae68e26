"""/healthz: 200 when the database, the cache and the task backend answer, 503 otherwise."""

import pytest
from django.core.cache.backends.base import BaseCache


class UnreachableCache(BaseCache):
    """A cache whose server is down: reads and writes fail, like Redis when it is stopped."""

    def __init__(self, location, params):
        super().__init__(params)

    def get(self, key, default=None, version=None):
        raise ConnectionError("cache server unreachable")

    def set(self, key, value, timeout=None, version=None):
        raise ConnectionError("cache server unreachable")

    def clear(self):
        pass


@pytest.mark.django_db
def test_healthy(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "checks": {"database": {"ok": True}, "cache": {"ok": True}, "tasks": {"ok": True}},
    }
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_healthy_with_the_database_task_backend(client, settings, django_assert_num_queries):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    # SELECT 1, then one query on the task results table.
    with django_assert_num_queries(2):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["checks"]["tasks"] == {"ok": True}


@pytest.mark.django_db
def test_cache_down_gives_503_naming_the_cache(client, settings):
    settings.CACHES = {"default": {"BACKEND": "ocim.core.tests.test_healthz.UnreachableCache"}}

    response = client.get("/healthz")

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["checks"]["cache"] == {"ok": False, "error": "ConnectionError"}
    assert body["checks"]["database"] == {"ok": True}
    assert body["checks"]["tasks"] == {"ok": True}


@pytest.mark.django_db
def test_task_queue_down_gives_503_naming_the_tasks(client, settings):
    # Nothing listens on port 1: the RQ backend's Redis is unreachable.
    settings.RQ_QUEUES = {"default": {"URL": "redis://127.0.0.1:1/0", "SOCKET_CONNECT_TIMEOUT": 1}}
    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}

    response = client.get("/healthz")

    assert response.status_code == 503
    checks = response.json()["checks"]
    assert checks["tasks"]["ok"] is False
    assert checks["cache"] == {"ok": True}


def test_only_get_is_allowed(client):
    assert client.post("/healthz").status_code == 405
