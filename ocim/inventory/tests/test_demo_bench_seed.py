"""The benchmark seed: the requested number of actors, with the columns actor_save would derive,
over every type, placed in their communes, each with its first revision."""

from __future__ import annotations

import io
from unittest import mock

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import F

from ocim.core.services import thesaurus_load
from ocim.inventory.models import Actor, ActorRevision, ActorType, ActorVisitorCount
from ocim.inventory.services import actor_snapshot

from .test_demo_content import territories_subset_load

pytestmark = pytest.mark.django_db

SOURCE = "bench-seed"


@pytest.fixture
def territories():
    territories_subset_load(per_department=3)
    thesaurus_load()


def _seed(*args) -> str:
    out = io.StringIO()
    call_command("inventory_bench_seed", "--any-database", *args, stdout=out)
    return out.getvalue()


def test_seeds_the_requested_count_with_consistent_copied_columns(territories):
    output = _seed("--count", "120", "--batch-size", "50")
    assert "120 actors in" in output
    actors = Actor.objects.filter(source=SOURCE)
    assert actors.count() == 120
    assert set(actors.values_list("type", flat=True)) == set(
        ActorType.objects.values_list("pk", flat=True)
    )
    assert not actors.exclude(family=F("type__family")).exists()
    assert not actors.exclude(department=F("commune__department")).exists()
    assert not actors.exclude(region=F("commune__department__region")).exists()
    assert not actors.filter(commune__isnull=True).exists()
    assert not actors.filter(latitude__isnull=True).exists()
    assert actors.exclude(labels=None).exists()
    assert actors.exclude(concepts=None).count() == 120
    assert ActorVisitorCount.objects.filter(actor__source=SOURCE).exists()
    assert len({a.department_id for a in actors}) > 10
    for actor in actors:
        # Near its commune's point (a couple of kilometres at most).
        assert abs(actor.latitude - actor.commune.latitude) <= 0.021
        assert abs(actor.longitude - actor.commune.longitude) <= 0.026
        assert len(actor.description) > 300
    for actor in actors[::10]:
        actor.full_clean()
        (revision,) = actor.revisions.all()
        assert revision.snapshot == actor_snapshot(actor)


def test_a_second_run_adds_more_and_clear_starts_again(territories):
    _seed("--count", "20")
    _seed("--count", "15", "--no-history")
    actors = Actor.objects.filter(source=SOURCE)
    assert actors.count() == 35
    assert sorted(int(n) for n in actors.values_list("source_id", flat=True)) == list(range(1, 36))
    assert ActorRevision.objects.filter(actor__source=SOURCE).count() == 20
    _seed("--count", "10", "--clear")
    assert actors.count() == 10


def test_refuses_without_territories():
    with pytest.raises(CommandError, match="load_territories"):
        _seed("--count", "5")
    assert not Actor.objects.exists()


def test_refuses_a_database_that_is_not_a_throw_away_one(territories):
    with (
        mock.patch.dict(connection.settings_dict, {"NAME": "ocim"}),
        pytest.raises(CommandError, match="throw-away"),
    ):
        call_command("inventory_bench_seed", "--count", "5", stdout=io.StringIO())
    assert not Actor.objects.exists()
