"""The authentication backend's read of the person of a session."""

import pytest

from ocim.accounts.backends import EmailBackend
from ocim.accounts.models import User
from ocim.accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_the_person_of_the_session_comes_with_every_field():
    person = UserFactory(first_name="Hélène")
    found = EmailBackend().get_user(person.pk)
    expected = User.objects.get(pk=person.pk)
    assert found == expected and not found.get_deferred_fields()
    for field in User._meta.concrete_fields:
        assert getattr(found, field.attname) == getattr(expected, field.attname), field.name


def test_unknown_or_inactive_people_are_not_signed_in():
    person = UserFactory()
    assert EmailBackend().get_user(person.pk + 1000) is None
    User.objects.filter(pk=person.pk).update(is_active=False)
    assert EmailBackend().get_user(person.pk) is None  # as ModelBackend: inactive is refused
