"""fetch_log_prune(): the fetch log keeps OCIM_WATCH_FETCH_LOG_DAYS days."""

from datetime import timedelta

import pytest
from django.utils import timezone

from ocim.core.errors import ApplicationError
from ocim.watch.fetching import fetch_log_prune
from ocim.watch.models import FetchLog
from ocim.watch.tasks import prune_fetch_log

from .builders import make_source

pytestmark = pytest.mark.django_db


def log(source, days_ago):
    return FetchLog.objects.create(
        source=source, started_at=timezone.now() - timedelta(days=days_ago), outcome="content"
    )


def test_entries_past_the_retention_are_deleted(settings):
    settings.OCIM_WATCH_FETCH_LOG_DAYS = 7
    source = make_source("https://musee.example.org/flux.xml")
    old = [log(source, 8), log(source, 30)]
    recent = [log(source, 6), log(source, 0)]

    assert prune_fetch_log.enqueue().return_value == 2

    assert set(FetchLog.objects.values_list("pk", flat=True)) == {entry.pk for entry in recent}
    assert not FetchLog.objects.filter(pk__in=[entry.pk for entry in old]).exists()
    assert fetch_log_prune(older_than_days=0) == 2


def test_a_negative_retention_is_refused():
    with pytest.raises(ApplicationError):
        fetch_log_prune(older_than_days=-1)
