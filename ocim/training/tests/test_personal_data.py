"""A participant's registrations are in their data export; deleting the account anonymises them
(the rows stay as evidence of the training given) and frees nothing that was not theirs."""

import pytest

from ocim.accounts.services import user_data_export, user_delete
from ocim.accounts.tests.factories import UserFactory
from ocim.training import services
from ocim.training.models import Registration

from .core_builders import make_session, registration_data

pytestmark = pytest.mark.django_db


def test_registrations_are_exported():
    user = UserFactory()
    session = make_session(capacity=2)
    services.registration_create(session=session, user=user, data=registration_data())
    rows = user_data_export(user=user)["records"]["training.Registration.user"]
    assert rows[0]["status"] == "confirmed"
    assert rows[0]["expectations"].startswith("Savoir éclairer")
    assert rows[0]["session"]["id"] == session.pk


def test_account_deletion_keeps_an_anonymous_registration():
    user, other = UserFactory(), UserFactory()
    session = make_session(capacity=2)
    mine = services.registration_create(
        session=session,
        user=user,
        data=registration_data(accommodation_needs="Fauteuil roulant"),
        idempotency_key="k-1",
    )
    theirs = services.registration_create(session=session, user=other, data=registration_data())
    user_delete(user=user)
    kept = Registration.objects.get(pk=mine.pk)
    assert kept.user is None
    assert (kept.status, kept.seat_number) == ("confirmed", 1)
    assert kept.employer_name  # the organisation trained stays, for the indicators
    for name in (
        "job_title",
        "signatory_name",
        "signatory_email",
        "expectations",
        "accommodation_needs",
        "employer_address",
    ):
        assert getattr(kept, name) == "", name
    assert kept.idempotency_key is None
    assert Registration.objects.get(pk=theirs.pk).user == other
