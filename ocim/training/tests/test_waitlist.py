"""The waiting list: offers when a seat frees, accept/decline links, expiry, cut-off, leaving."""

import datetime as dt
import re

import pytest
from django.core import mail
from django.utils import timezone

from ocim.accounts.tests.factories import UserFactory
from ocim.core.models import AuditLogEntry
from ocim.training import services
from ocim.training.models import Registration

from .core_builders import make_session, registration_data

pytestmark = pytest.mark.django_db


def _register(session, user=None):
    return services.registration_create(
        session=session, user=user or UserFactory(), data=registration_data()
    )


def _full_session_with_list(capacity=1, waiting=3, **fields):
    session = make_session(capacity=capacity, **fields)
    holders = [_register(session) for _ in range(capacity)]
    waiters = [_register(session) for _ in range(waiting)]
    return session, holders, waiters


def _fresh(registration):
    return Registration.objects.get(pk=registration.pk)


def _ranks(session):
    return list(
        Registration.objects.waitlisted().filter(session=session).values_list("pk", "waitlist_rank")
    )


def test_a_freed_seat_is_offered_to_the_first_in_line_by_email(
    django_capture_on_commit_callbacks,
):
    session, (holder,), (first, second, third) = _full_session_with_list()
    first.user.preferred_language = "en"
    first.user.save()
    before = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        services.registration_cancel(registration=holder)
    offer = _fresh(first)
    assert offer.status == "offered"
    assert offer.seat_number == 1
    expected = before + dt.timedelta(hours=48)
    assert abs((offer.offer_expires_at - expected).total_seconds()) < 60
    # The others move up one rank.
    assert _ranks(session) == [(second.pk, 1), (third.pk, 2)]
    offered_mail = [m for m in mail.outbox if m.to == [first.user.email]][-1]
    assert "A seat is available for you" in offered_mail.subject
    html = offered_mail.alternatives[0].content
    links = re.findall(r"https?://\S+?/en/\S+?/", offered_mail.body)
    assert len(links) >= 2, offered_mail.body
    assert "Accept the seat" in html and "Decline the seat" in html
    entry = AuditLogEntry.objects.filter(
        action="training.registration.offered", object_id=str(first.pk)
    ).get()
    assert entry.data["seat"] == 1 and entry.data["rank"] == 1


def test_the_offer_token_finds_the_offer_and_only_the_current_one():
    _session, (holder,), (first, _second, _third) = _full_session_with_list()
    services.registration_cancel(registration=holder)
    offer = _fresh(first)
    token = services.offer_token_make(offer)
    assert services.offer_token_read(token).pk == offer.pk
    with pytest.raises(services.OfferInvalid):
        services.offer_token_read(token + "x")
    with pytest.raises(services.OfferInvalid):
        services.offer_token_read("garbage")
    services.offer_decline(registration=offer)
    with pytest.raises(services.OfferInvalid):
        services.offer_token_read(token)  # the offer is over


def test_accepting_keeps_the_seat():
    _session, (holder,), (first, *_rest) = _full_session_with_list()
    services.registration_cancel(registration=holder)
    accepted = services.offer_accept(registration=_fresh(first), actor=first.user)
    assert (accepted.status, accepted.seat_number, accepted.offer_expires_at) == (
        "confirmed",
        1,
        None,
    )
    assert AuditLogEntry.objects.filter(
        action="training.registration.offer_accepted", object_id=str(first.pk)
    ).exists()
    with pytest.raises(services.OfferInvalid):
        services.offer_accept(registration=accepted)


def test_declining_passes_the_seat_to_the_next_person():
    session, (holder,), (first, second, third) = _full_session_with_list()
    services.registration_cancel(registration=holder)
    services.offer_decline(registration=_fresh(first))
    assert (_fresh(first).status, _fresh(first).seat_number) == ("declined", None)
    assert _fresh(second).status == "offered"
    assert _ranks(session) == [(third.pk, 1)]
    assert AuditLogEntry.objects.filter(action="training.registration.offer_declined").count() == 1


def test_expired_offers_pass_to_the_next_and_the_job_is_idempotent():
    _session, (holder,), (first, second, _third) = _full_session_with_list()
    services.registration_cancel(registration=holder)
    later = timezone.now() + dt.timedelta(hours=49)
    assert services.offers_expire(now=later) == 1
    assert _fresh(first).status == "declined"
    assert _fresh(second).status == "offered"
    assert services.offers_expire(now=later) == 0  # nothing left to do at that time
    assert AuditLogEntry.objects.filter(action="training.registration.offer_expired").count() == 1


def test_accepting_too_late_is_refused_and_passes_the_offer_on():
    _session, (holder,), (first, second, _third) = _full_session_with_list()
    services.registration_cancel(registration=holder)
    later = timezone.now() + dt.timedelta(hours=49)
    with pytest.raises(services.OfferExpired) as raised:
        services.offer_accept(registration=_fresh(first), now=later)
    assert "expiré" in str(raised.value.message)
    assert _fresh(first).status == "declined"
    assert _fresh(second).status == "offered"


def test_no_offer_after_the_cutoff_before_the_start():
    # Starts in one day, cut-off 48 hours before: too late to offer anything.
    session, (holder,), (first, *_rest) = _full_session_with_list(days_ahead=1)
    services.registration_cancel(registration=holder, by_staff=True)
    assert _fresh(first).status == "waitlisted"
    assert services.waitlist_promote_next(session=session) is None
    assert not AuditLogEntry.objects.filter(action="training.registration.offered").exists()


def test_an_offer_never_runs_past_the_cutoff():
    session, (holder,), (first, *_rest) = _full_session_with_list(days_ahead=3)
    services.registration_cancel(registration=holder, by_staff=True)
    offer = _fresh(first)
    starts_at = services.session_starts_at(session)
    assert offer.offer_expires_at == starts_at - dt.timedelta(hours=48)


def test_offer_hours_are_configurable_per_session():
    _session, (holder,), (first, *_rest) = _full_session_with_list(offer_hours=6)
    now = timezone.now()
    services.registration_cancel(registration=holder, now=now)
    assert _fresh(first).offer_expires_at == now + dt.timedelta(hours=6)


def test_leaving_the_list_keeps_ranks_dense_and_ordered():
    session, _holders, waiters = _full_session_with_list(waiting=4)
    services.waitlist_leave(registration=waiters[1], actor=waiters[1].user)
    assert _ranks(session) == [(waiters[0].pk, 1), (waiters[2].pk, 2), (waiters[3].pk, 3)]
    assert _fresh(waiters[1]).status == "cancelled"
    services.waitlist_leave(registration=waiters[1])  # twice: no error
    with pytest.raises(services.InvalidTransition):
        services.waitlist_leave(registration=_holders[0])
    # A newcomer goes to the end.
    assert _register(session).waitlist_rank == 4


def test_staff_promotion_of_a_chosen_person_is_audited():
    _session, (holder,), (first, second, _third) = _full_session_with_list(
        capacity=1, waiting=3, days_ahead=1
    )
    # Past the cut-off: no automatic offer (and past the participant's notice: staff cancel).
    services.registration_cancel(registration=holder, by_staff=True)
    promoted = services.registration_promote(registration=_fresh(second), actor=None)
    assert (promoted.status, promoted.seat_number) == ("confirmed", 1)
    assert _fresh(first).waitlist_rank == 1
    assert AuditLogEntry.objects.filter(action="training.registration.promoted").count() == 1
    with pytest.raises(services.SessionFull):
        services.registration_promote(registration=_fresh(first))


def test_the_periodic_job_is_registered_and_calls_the_service():
    from ocim.core.scheduler import periodic_registry as registry
    from ocim.training.tasks import expire_offers

    job = registry.get("training.offers.expire")
    assert job.task is expire_offers
    _session, (holder,), (first, *_rest) = _full_session_with_list()
    services.registration_cancel(registration=holder)
    Registration.objects.filter(pk=first.pk).update(
        offer_expires_at=timezone.now() - dt.timedelta(minutes=1)
    )
    assert expire_offers.call() == 1
    assert _fresh(first).status == "declined"
