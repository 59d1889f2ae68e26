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
    # Entries to store as the pipeline would: (guid, link) pairs.
    entries: list = field(default_factory=list)

    def __call__(self, **kwargs):
        self.calls.append(kwargs)
        if self.error is not None:
            raise self.error
        if self.entries:
            from ocim.watch.models import Item

            source, fetched_at = kwargs["source"], kwargs["fetched_at"]
            known = set(Item.objects.filter(source=source).values_list("guid", flat=True))
            new = [(guid, link) for guid, link in self.entries if guid not in known]
            Item.objects.bulk_create(
                Item(
                    source=source,
                    guid=guid,
                    url=link,
                    title=guid,
                    published_at=fetched_at,
                    first_seen_at=fetched_at,
                )
                for guid, link in new
            )
            return IngestReportStandIn(new_items=len(new))
        return self.report


@pytest.fixture
def pipeline_spy(monkeypatch):
    spy = PipelineSpy()
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
