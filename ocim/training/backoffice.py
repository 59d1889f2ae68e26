"""The training back office: who sees which session, the registrations of a session, and the
staff's own writes (adding a participant, e-mailing the participants).

Access. A training manager (``training.change_registration``, the "training-manager" role)
sees and acts on every session. A trainer whose ``Trainer.user`` is their account sees, read
only, the sessions of the courses they teach and a few facts about the participants holding a
seat there (``TRAINER_FIELDS``). Everybody else sees nothing.

The registration state changes themselves are the services of ``services.py``; this module
only adds what is specific to staff work.
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Q, QuerySet
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from ocim.core.audit import audit_log
from ocim.core.errors import ApplicationError
from ocim.core.models import AuditLogEntry

from . import services
from .models import (
    SEAT_HOLDING_STATUSES,
    Registration,
    RegistrationStatus,
    Session,
    SessionStatus,
)

logger = logging.getLogger(__name__)

S = RegistrationStatus
MANAGE_PERMISSION = "training.change_registration"
TRAINER_PERMISSION = "training.view_registration"

# What a trainer may see of a participant (nothing about money, contracts or expectations).
TRAINER_FIELDS = ("name", "email", "employer_name", "accommodation_needs", "status")


class RecipientsEmpty(ApplicationError):
    default_message = _("Nobody matches these recipients: no e-mail was sent.")
    default_code = "recipients_empty"


class AlreadyParticipant(services.AlreadyRegistered):
    default_message = _(
        "This person is already registered for this session (or on its waiting list)."
    )


class ParticipantInvalid(ApplicationError):
    default_message = _("Enter a valid e-mail address for the participant.")
    default_code = "participant_invalid"


# --- Access -------------------------------------------------------------------------------------


def user_manages_training(user) -> bool:
    """Whether ``user`` runs the training back office (all sessions, every action)."""
    return bool(user and user.is_authenticated and user.has_perm(MANAGE_PERMISSION))


def _trainer_sessions_filter(user) -> Q:
    return Q(course__trainers__user=user)


def sessions_visible_to(user, queryset: QuerySet | None = None) -> QuerySet:
    """The sessions ``user`` may see in the back office: all for a manager, those of the courses
    they teach for a trainer, none for anyone else."""
    queryset = Session.objects.all() if queryset is None else queryset
    if user_manages_training(user):
        return queryset
    if user and user.is_authenticated and user.has_perm(TRAINER_PERMISSION):
        teaching = Session.objects.filter(_trainer_sessions_filter(user)).values("pk")
        return queryset.filter(pk__in=teaching)
    return queryset.none()


def session_access(*, user, session: Session) -> str | None:
    """``"manage"``, ``"view"`` (a trainer of the course) or None (no access)."""
    if user_manages_training(user):
        return "manage"
    if (
        user
        and user.is_authenticated
        and user.has_perm(TRAINER_PERMISSION)
        and Session.objects.filter(_trainer_sessions_filter(user), pk=session.pk).exists()
    ):
        return "view"
    return None


# --- Reads --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SessionOverview:
    counts: dict[str, int]
    seats_held: int
    capacity: int
    waitlist_length: int

    @property
    def seats_left(self) -> int:
        return max(self.capacity - self.seats_held, 0)

    def count_rows(self) -> list[tuple[str, Any, int]]:
        """``(status, label, count)`` for every status, in the order of the choices."""
        return [(value, label, self.counts.get(value, 0)) for value, label in S.choices]


def session_overview(*, session: Session) -> SessionOverview:
    """How many registrations of ``session`` are in each status (one query)."""
    counts = dict(
        Registration.objects.filter(session=session)
        .order_by()
        .values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    held = sum(counts.get(status, 0) for status in SEAT_HOLDING_STATUSES)
    return SessionOverview(
        counts=counts,
        seats_held=held,
        capacity=session.capacity,
        waitlist_length=counts.get(S.WAITLISTED, 0),
    )


def session_registrations(
    *,
    session: Session,
    status: str = "",
    payer: str = "",
    search: str = "",
    for_trainer: bool = False,
) -> QuerySet:
    """The registrations of ``session``: seat holders by seat, then the waiting list by rank,
    then the others; filtered by status, payer and words found in the name, e-mail or employer.

    A trainer sees only the participants holding a seat.
    """
    registrations = Registration.objects.filter(session=session).select_related(
        "user", "price_option"
    )
    if for_trainer:
        registrations = registrations.filter(status__in=SEAT_HOLDING_STATUSES)
    if status:
        registrations = registrations.filter(status=status)
    if payer:
        registrations = registrations.filter(payer=payer)
    for word in search.split()[:10]:
        registrations = registrations.filter(
            Q(user__first_name__icontains=word)
            | Q(user__last_name__icontains=word)
            | Q(user__email__icontains=word)
            | Q(employer_name__icontains=word)
        )
    return registrations.order_by(
        F("seat_number").asc(nulls_last=True),
        F("waitlist_rank").asc(nulls_last=True),
        "created_at",
        "pk",
    )


def session_has_begun(session: Session, now: datetime.datetime | None = None) -> bool:
    starts_at = services.session_starts_at(session)
    return starts_at is not None and starts_at <= (now or timezone.now())


def registration_actions(registration: Registration, *, begun: bool) -> list[str]:
    """The staff actions that make sense for ``registration`` in its state (the services still
    decide: this only spares staff buttons that would be refused)."""
    status = registration.status
    actions: list[str] = []
    if status == S.PENDING:
        actions.append("confirm")
    if status == S.WAITLISTED:
        actions.append("promote")
    if begun and status in (S.CONFIRMED, S.ATTENDED, S.NO_SHOW):
        if status != S.ATTENDED:
            actions.append("attended")
        if status != S.NO_SHOW:
            actions.append("no_show")
    if status in (S.PENDING, S.CONFIRMED) and not begun:
        actions.append("move")
    if status in (S.PENDING, S.CONFIRMED, S.OFFERED, S.WAITLISTED):
        actions.append("cancel")
    return actions


def session_move_targets(*, registration: Registration, today: datetime.date | None = None):
    """Sessions a registration may be moved to: open or closed, not started, not its own;
    annotated with their seats (full ones included, the service refuses them with a reason)."""
    today = today or timezone.localdate()
    upcoming = Session.objects.filter(parts__date__gte=today).values("pk")
    return (
        Session.objects.filter(
            pk__in=upcoming, status__in=(SessionStatus.OPEN, SessionStatus.CLOSED)
        )
        .exclude(pk=registration.session_id)
        .exclude(parts__date__lt=today)
        .with_seats()
        .with_dates()
        .select_related("course")
        .order_by("starts_on", "pk")
    )


def registration_history(*, registration: Registration) -> QuerySet:
    """The audit entries about ``registration``, newest first."""
    return AuditLogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Registration),
        object_id=str(registration.pk),
    ).select_related("actor")


RECIPIENT_CHOICES = (
    ("seats", _("Participants holding a seat")),
    ("waitlist", _("Waiting list")),
    ("both", _("Both")),
)


def session_recipients(*, session: Session, recipients: str) -> QuerySet:
    """The accounts to write to: seat holders, the waiting list or both (with an address)."""
    statuses = {
        "seats": SEAT_HOLDING_STATUSES,
        "waitlist": (S.WAITLISTED,),
        "both": (*SEAT_HOLDING_STATUSES, S.WAITLISTED),
    }.get(recipients)
    if statuses is None:
        raise ValueError(f"Unknown recipients {recipients!r}")
    user_ids = Registration.objects.filter(
        session=session, status__in=statuses, user__isnull=False
    ).values("user_id")
    return (
        get_user_model()
        .objects.filter(pk__in=user_ids, is_active=True)
        .exclude(email="")
        .order_by("pk")
    )


# --- Writes -------------------------------------------------------------------------------------


def participant_account_get_or_create(
    *,
    email: str,
    first_name: str = "",
    last_name: str = "",
    job_title: str = "",
    employer_name: str = "",
    actor=None,
) -> tuple[Any, bool]:
    """The account of ``email`` (matched ignoring case), created when missing.

    A created account has an unusable password: the person sets one with "forgotten password"
    (their address is not marked verified until they do). Side effect: audit
    ``accounts.user.created_by_staff``. Errors: ParticipantInvalid for a bad address.
    """
    from ocim.accounts.selectors import user_get_by_email

    User = get_user_model()
    email = User.objects.normalize_email((email or "").strip())
    try:
        validate_email(email)
    except ValidationError as exc:
        raise ParticipantInvalid(
            extra={"fields": {"email": str(ParticipantInvalid.default_message)}}
        ) from exc
    existing = user_get_by_email(email=email)
    if existing is not None:
        return existing, False
    with transaction.atomic():
        user = User(
            email=email,
            first_name=first_name.strip()[:150],
            last_name=last_name.strip()[:150],
            job_title=job_title.strip()[:200],
            employer_name=employer_name.strip()[:255],
            preferred_language=settings.LANGUAGE_CODE,
        )
        user.set_unusable_password()
        try:
            with transaction.atomic():
                user.save()
        except IntegrityError:
            # The address was registered a moment ago by someone else.
            existing = user_get_by_email(email=email)
            if existing is None:  # pragma: no cover - vanished between the two reads
                raise
            return existing, False
        audit_log(
            action="accounts.user.created_by_staff", actor=actor, obj=user, data={"by": "training"}
        )
    return user, True


def participant_add(
    *,
    session: Session,
    email: str,
    data: dict[str, Any],
    first_name: str = "",
    last_name: str = "",
    actor=None,
) -> tuple[Registration, bool]:
    """Staff register a person for ``session`` by their e-mail address.

    The existing account of that address is used, otherwise one is created (see
    ``participant_account_get_or_create``); then ``registration_create(by_staff=True)``: a seat
    when one is free, else the waiting list. All or nothing: a refused registration creates no
    account. Returns ``(registration, account_created)``.
    Side effects: those of both services (audit, e-mail on commit).
    Errors: ParticipantInvalid, AlreadyParticipant, and the errors of ``registration_create``.
    """
    with transaction.atomic():
        user, created = participant_account_get_or_create(
            email=email,
            first_name=first_name,
            last_name=last_name,
            job_title=str(data.get("job_title") or ""),
            employer_name=str(data.get("employer_name") or ""),
            actor=actor,
        )
        try:
            registration = services.registration_create(
                session=session, user=user, data=data, actor=actor, by_staff=True
            )
        except services.AlreadyRegistered as error:
            raise AlreadyParticipant() from error
    return registration, created


def _message_render(
    *, user, session: Session, subject: str, message: str
) -> EmailMultiAlternatives:
    language = services._language_of(user)
    context = {
        "user": user,
        "session": session,
        "course": session.course,
        "parts": list(session.parts.all()),
        "subject": subject,
        "message": message,
        "site_name": settings.WAGTAIL_SITE_NAME,
        "language": language,
        "registrations_url": services._optional_url("training:my_registrations", language),
    }
    with translation.override(language):
        text = render_to_string("training/admin/session_message_email.txt", context)
        html = render_to_string("training/admin/session_message_email.html", context)
    mail = EmailMultiAlternatives(subject=subject, body=text, to=[user.email])
    mail.attach_alternative(html, "text/html")
    return mail


def session_participants_email(
    *, session: Session, subject: str, message: str, recipients: str, actor=None
) -> int:
    """E-mail every participant of ``session`` in ``recipients`` (see ``session_recipients``):
    one message per person, plain text and HTML (the text escaped, its line breaks kept),
    sent after commit; one failing address does not stop the others. Returns the count.

    Side effect: audit ``training.session.participants_emailed`` with the count.
    Errors: RecipientsEmpty when nobody matches; ApplicationError for an empty subject/message.
    """
    subject = " ".join((subject or "").split())
    message = (message or "").strip()
    if not subject or not message:
        raise ApplicationError(_("Write a subject and a message."))
    with transaction.atomic():
        users = list(session_recipients(session=session, recipients=recipients))
        if not users:
            raise RecipientsEmpty()
        session = Session.objects.select_related("course").get(pk=session.pk)
        mails = [
            _message_render(user=user, session=session, subject=subject, message=message)
            for user in users
        ]
        audit_log(
            action="training.session.participants_emailed",
            actor=actor,
            obj=session,
            data={"count": len(mails), "recipients": recipients, "subject": subject},
        )
        for mail in mails:
            transaction.on_commit(_sender(mail), robust=True)
    return len(mails)


def _sender(mail: EmailMultiAlternatives):
    def send() -> None:
        mail.send(fail_silently=False)

    return send
