"""``selectors.sources_health`` and ``sources_health_summary``: the health view's filters, its
sorts (nulls last either way) and the share of 304 answers."""

import datetime as dt

import pytest
from django.utils import timezone

from ocim.watch.models import Source, SourceKind, SourceState
from ocim.watch.selectors import (
    HealthFilters,
    HealthProblem,
    sources_health,
    sources_health_summary,
)

from .admin_builders import SourceCategoryFactory, SourceFactory

pytestmark = pytest.mark.django_db


def recorded(source: Source, **fields) -> Source:
    """The source as the fetcher leaves it (its fields written directly)."""
    Source.objects.filter(pk=source.pk).update(**fields)
    source.refresh_from_db()
    return source


@pytest.fixture
def sources():
    now = timezone.now()
    category = SourceCategoryFactory(name="Presse")
    healthy = recorded(
        SourceFactory(title="A sain"),
        last_fetch_at=now - dt.timedelta(minutes=5),
        last_success_at=now - dt.timedelta(minutes=5),
        last_status=200,
        fetch_count=10,
        not_modified_count=9,
        last_new_item_at=now - dt.timedelta(days=1),
        next_fetch_at=now + dt.timedelta(minutes=55),
    )
    failing = recorded(
        SourceFactory(title="B en erreur", kind=SourceKind.PAGE),
        last_fetch_at=now - dt.timedelta(minutes=1),
        last_success_at=now - dt.timedelta(days=3),
        last_status=500,
        last_error_code="server_error",
        consecutive_errors=3,
        fetch_count=4,
        not_modified_count=0,
    )
    failing.categories.add(category)
    suspended = recorded(
        SourceFactory(title="C suspendue"),
        state=SourceState.SUSPENDED,
        state_reason="10 erreurs de suite",
        consecutive_errors=10,
        last_fetch_at=now - dt.timedelta(hours=2),
        fetch_count=10,
    )
    silent = recorded(
        SourceFactory(title="D silencieuse"),
        last_fetch_at=now - dt.timedelta(hours=1),
        last_success_at=now - dt.timedelta(hours=1),
        last_new_item_at=now - dt.timedelta(days=90),
        fetch_count=100,
        not_modified_count=50,
    )
    never = SourceFactory(title="E jamais lue", state=SourceState.PAUSED)
    return {
        "healthy": healthy,
        "failing": failing,
        "suspended": suspended,
        "silent": silent,
        "never": never,
        "category": category,
    }


def titles(filters=None, sort="title"):
    return [source.title for source in sources_health(filters or HealthFilters(), sort=sort)]


def test_problems_filter_the_sources(sources):
    assert titles(HealthFilters(problem=HealthProblem.ERRORS)) == ["B en erreur", "C suspendue"]
    assert titles(HealthFilters(problem=HealthProblem.SUSPENDED)) == ["C suspendue"]
    assert titles(HealthFilters(problem=HealthProblem.NEVER)) == ["E jamais lue"]
    assert titles(HealthFilters(problem=HealthProblem.SILENT)) == ["B en erreur", "D silencieuse"]
    assert titles(HealthFilters(state=SourceState.PAUSED)) == ["E jamais lue"]
    assert titles(HealthFilters(kind=SourceKind.PAGE)) == ["B en erreur"]
    assert titles(HealthFilters(category=sources["category"].pk)) == ["B en erreur"]
    assert titles(HealthFilters(q="silenc")) == ["D silencieuse"]


def test_sorts_keep_sources_without_a_value_last(sources):
    assert titles(sort="-errors")[:2] == ["C suspendue", "B en erreur"]
    assert titles(sort="last_fetch")[-1] == "E jamais lue"
    assert titles(sort="-last_fetch") == [
        "B en erreur",
        "A sain",
        "D silencieuse",
        "C suspendue",
        "E jamais lue",
    ]
    assert titles(sort="-share_304")[:3] == ["A sain", "D silencieuse", "B en erreur"]
    assert titles(sort="share_304")[-1] == "E jamais lue"
    assert titles(sort="nonsense") == titles(sort="-errors")


def test_the_share_of_304_answers(sources):
    shares = {source.title: source.share_304 for source in sources_health(HealthFilters())}
    assert shares["A sain"] == pytest.approx(0.9)
    assert shares["D silencieuse"] == pytest.approx(0.5)
    assert shares["E jamais lue"] is None


def test_the_summary_counts_in_one_query(sources, django_assert_num_queries):
    with django_assert_num_queries(1):
        summary = sources_health_summary()
    assert (summary.total, summary.active, summary.paused, summary.suspended) == (5, 3, 1, 1)
    assert (summary.with_errors, summary.never_fetched) == (2, 1)
