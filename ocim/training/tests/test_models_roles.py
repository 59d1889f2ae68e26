"""Training roles get the permissions the training app registers (ocim/training/roles.py)."""

import pytest

from ocim.accounts.roles import roles_ensure
from ocim.accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_training_managers_manage_and_trainers_only_see():
    groups = roles_ensure()
    manager, trainer = UserFactory(), UserFactory()
    manager.groups.add(groups["training-manager"])
    trainer.groups.add(groups["trainer"])
    for permission in ("change_registration", "add_session", "change_session", "add_trainer"):
        assert manager.has_perm(f"training.{permission}"), permission
    assert trainer.has_perm("training.view_registration")
    assert trainer.has_perm("training.view_session")
    assert not trainer.has_perm("training.change_registration")
    assert not trainer.has_perm("training.change_session")
