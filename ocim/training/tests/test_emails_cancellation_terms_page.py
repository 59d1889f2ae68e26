"""The participant's registrations page shows until when a held seat can be cancelled online,
and after that, whom to contact instead of a cancel button."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext

from ocim.accounts.tests.factories import UserFactory
from ocim.core.models import OrganisationSettings
from ocim.training import services
from ocim.training.models import Registration

from . import catalogue_fixtures as fx

pytestmark = pytest.mark.django_db

CONTACT = "formation@ocim.example"


def _page(client, user):
    client.force_login(user)
    response = client.get(reverse("training:my_registrations"))
    assert response.status_code == 200
    return response.content.decode()


def _register(session, user):
    return services.registration_create(
        session=session,
        user=user,
        data={"expectations": "Apprendre.", "payer": "self", "consent": True},
    )


def _cancel_action(registration):
    return reverse("training:my_registration_cancel", args=[registration.pk])


def test_before_the_deadline_the_button_and_the_date_are_shown(client):
    session = fx.session(fx.course(fx.site_with_catalogue()), days_ahead=30)
    user = UserFactory()
    registration = _register(session, user)
    html = _page(client, user)
    deadline = timezone.localtime(services.cancellation_deadline(session))
    with translation.override("fr"):
        sentence = gettext("Cancel online until %(deadline)s.") % {
            "deadline": formats.date_format(deadline, "l j F Y, H:i")
        }
    assert sentence in html
    assert f'action="{_cancel_action(registration)}"' in html
    assert re.search(rf'aria-describedby="cancel-terms-{registration.pk}"', html), (
        "the button is described by the deadline"
    )


def test_after_the_deadline_the_page_tells_whom_to_contact(client):
    settings = OrganisationSettings.load()
    settings.contact_email = CONTACT
    settings.save()
    session = fx.session(fx.course(fx.site_with_catalogue()), days_ahead=5)  # notice: 14 days
    user = UserFactory()
    registration = Registration.objects.create(
        session=session, user=user, status="confirmed", seat_number=1, expectations="x"
    )
    html = _page(client, user)
    assert f'action="{_cancel_action(registration)}"' not in html
    assert f'href="mailto:{CONTACT}"' in html
    # And the service agrees: too late to cancel online.
    with pytest.raises(services.CancellationTooLate):
        services.registration_cancel(registration=registration, actor=user)


def test_the_waiting_list_can_always_be_left(client):
    session = fx.session(fx.course(fx.site_with_catalogue()), days_ahead=3, capacity=0)
    user = UserFactory()
    registration = _register(session, user)
    assert registration.status == "waitlisted"
    html = _page(client, user)
    assert f'action="{_cancel_action(registration)}"' in html


def test_the_deadline_tag_matches_the_service_and_the_page_stays_cheap(
    client, django_assert_max_num_queries
):
    course = fx.course(fx.site_with_catalogue())
    user = UserFactory()
    for days in (20, 25, 30):
        _register(fx.session(course, days_ahead=days), user)
    client.force_login(user)
    url = reverse("training:my_registrations")
    client.get(url)  # warm the site shell cache
    with django_assert_max_num_queries(25):
        assert client.get(url).status_code == 200
    from ocim.training.templatetags.training_tags import registration_cancellation

    registration = Registration.objects.filter(user=user).first()
    terms = registration_cancellation(registration)
    assert terms["deadline"] == services.cancellation_deadline(registration.session)
    assert terms["online"] is True
    late = services.cancellation_deadline(registration.session) + dt.timedelta(seconds=1)
    assert registration_cancellation(registration, now=late)["online"] is False
