"""Fixtures of the fetcher's tests: loopback servers (from core), feeds to serve, and the
processing pipeline observed at its boundary (the real pipeline runs behind the spy)."""

from dataclasses import dataclass, field

import pytest

from ocim.core.tests.conftest import loopback_server, loopback_server_factory  # noqa: F401
from ocim.core.tests.test_fetch_ssrf import connect_spy  # noqa: F401
from ocim.core.tests.test_tasks import keep_signal_handlers, redis_queue  # noqa: F401
from ocim.watch.fetching import hosts, pipeline


@pytest.fixture(autouse=True)
def _fresh_robots_cache():
    hosts._parsed.clear()
    yield
    hosts._parsed.clear()


@dataclass
class PipelineSpy:
    """Records what the fetcher hands to the pipeline and what it answered. The real
    ``source_document_ingest`` runs, unless ``error`` is set (a bug of the pipeline)."""

    real: object
    calls: list = field(default_factory=list)
    reports: list = field(default_factory=list)
    error: Exception | None = None

    def __call__(self, **kwargs):
        self.calls.append(kwargs)
        if self.error is not None:
            raise self.error
        report = self.real(**kwargs)
        self.reports.append(report)
        return report


@pytest.fixture
def pipeline_spy(monkeypatch):
    spy = PipelineSpy(real=pipeline.document_ingest)
    monkeypatch.setattr(pipeline, "document_ingest", spy)
    return spy


@dataclass
class FullTextSpy:
    calls: list = field(default_factory=list)

    def __call__(self, item, html):
        self.calls.append((item.pk, html))
        item.full_text = html[:100]
        item.save(update_fields=["full_text"])


@pytest.fixture
def full_text_spy(monkeypatch):
    spy = FullTextSpy()
    monkeypatch.setattr(pipeline, "full_text_extract", spy)
    return spy
