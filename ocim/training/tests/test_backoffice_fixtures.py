"""Shared fixtures of the back-office tests (imported by the test_backoffice_* modules)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from ocim.accounts.roles import role_group, roles_ensure
from ocim.accounts.tests.factories import UserFactory
from ocim.training import services
from ocim.training.models import Trainer

from .core_builders import make_course, make_session, registration_data

__all__ = ["make_course", "make_session", "register", "url", "user_with_role"]


def url(name: str, *args) -> str:
    return reverse(f"training_sessions:{name}", args=args)


def register(session, user=None, **overrides):
    """A registration through the public service (seat or waiting list)."""
    return services.registration_create(
        session=session, user=user or UserFactory(), data=registration_data(**overrides)
    )


def user_with_role(role_key: str, **fields):
    roles_ensure()
    user = UserFactory(**fields)
    user.groups.add(role_group(role_key))
    return user


@pytest.fixture
def manager(db):
    return user_with_role("training-manager")


@pytest.fixture
def manager_client(client, manager):
    client.force_login(manager)
    return client


@pytest.fixture
def course(db):
    return make_course()


@pytest.fixture
def session(course):
    return make_session(course, capacity=3)


@pytest.fixture
def trainer_user(course):
    user = user_with_role("trainer")
    trainer = Trainer.objects.create(name="Marc Vasseur", user=user)
    course.trainers.add(trainer)
    course.save()
    return user
