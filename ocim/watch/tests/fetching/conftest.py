"""Fixtures of the fetcher's tests: loopback servers (from core), sources pointing at them, and
the processing pipeline observed at its boundary."""

from dataclasses import dataclass, field

import pytest

from ocim.core.tests.conftest import loopback_server, loopback_server_factory  # noqa: F401
from ocim.core.tests.test_fetch_ssrf import connect_spy  # noqa: F401
from ocim.core.tests.test_tasks import keep_signal_handlers, redis_queue  # noqa: F401
from ocim.watch.fetching import hosts, pipeline

from .builders import make_source  # noqa: F401


@pytest.fixture(autouse=True)
def _fresh_robots_cache():
    hosts._parsed.clear()
    yield
    hosts._parsed.clear()


@dataclass
class IngestReportStandIn:
    new_items: int = 0
    new_sightings: int = 0


@dataclass
class PipelineSpy:
    """Records what the fetcher hands to the pipeline; answers ``report`` or raises ``error``."""

    calls: list = field(default_factory=list)
    report: IngestReportStandIn = field(default_factory=IngestReportStandIn)
    error: Exception | None = None

    def __call__(self, **kwargs):
        self.calls.append(kwargs)
        if self.error is not None:
            raise self.error
        return self.report


@pytest.fixture
def pipeline_spy(monkeypatch):
    spy = PipelineSpy()
    monkeypatch.setattr(pipeline, "document_ingest", spy)
    return spy
