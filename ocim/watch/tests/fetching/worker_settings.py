"""Settings of the RQ worker processes started by test_rq_workers.py: the test settings, the
test database of the running session and a queue of its own on the local Redis (all given by
the test through the environment). Never used outside that test."""

import os

import dj_database_url

from ocim.settings.test import *  # noqa: F403
from ocim.settings.test import INSTALLED_APPS

DATABASES = {"default": dj_database_url.parse(os.environ["OCIM_TEST_WORKER_DATABASE_URL"])}
_REDIS_URL = os.environ["OCIM_TEST_WORKER_REDIS_URL"]
_QUEUE = os.environ["OCIM_TEST_WORKER_QUEUE"]
CACHES = {
    "default": {
        "BACKEND": "ocim.core.cache.RedisCache",
        "LOCATION": _REDIS_URL,
        "KEY_PREFIX": _QUEUE,
    }
}
# The project's queues are declared (tasks name them), the worker listens to the test's only.
RQ_QUEUES = {
    name: {"USE_REDIS_CACHE": "default", "DEFAULT_TIMEOUT": 120}
    for name in ("default", "fetch", "mail", _QUEUE)
}
TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": list(RQ_QUEUES)}}
INSTALLED_APPS = [*INSTALLED_APPS, "django_rq"]
OCIM_WATCH_FETCH_THREADS = 4
