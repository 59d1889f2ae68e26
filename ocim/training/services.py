"""Every write about training: registrations, seats, the waiting list, offers, capacity.

Seats. A registration that holds a seat (pending, confirmed, offered, attended, no-show) has a
seat number between 1 and the session's capacity, unique in its session. The database enforces
this (constraints + triggers, see ``models`` and migration 0002), so no code path can oversell.
The services keep the common path free of database errors: they lock the row of the session
concerned (``select_for_update``; two different sessions never wait for each other) and give
the lowest free seat number. New registrations on PostgreSQL hold that row ``FOR SHARE``
instead, so a rush of people registering to one session runs side by side, each claiming its
seat or waiting-list rank with a transaction advisory lock (``_seat_or_rank_claimed``); every
other change of seats takes the row ``FOR UPDATE`` and waits for them. Should a write still
collide (a path that forgot the lock), the ``IntegrityError`` is caught and the registration
retried or sent to the waiting list, never turned into a server error.

Lock order: sessions first (by primary key when there are two), then claims, then
registrations.

Waiting list. When a seat frees, ``waitlist_promote_next`` offers it to the first person on the
list: the seat is held for them (status ``offered``) until ``offer_expires_at``; they accept or
decline by a signed link; ``offers_expire`` (a periodic job) passes expired offers on. No offer
is made after the session's cut-off (``promotion_cutoff_hours`` before the start).
"""

from __future__ import annotations

import datetime
import functools
import hashlib
import logging
from email.mime.base import MIMEBase
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.core.mail.message import SafeMIMEText
from django.core.validators import validate_email
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Max, OuterRef, Q, Subquery
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext_lazy as _

from ocim.core.audit import audit_entry, audit_log, audit_log_many
from ocim.core.errors import ApplicationError, ConflictError
from ocim.core.models import OrganisationSettings
from ocim.core.prepared import PreparedRead

from . import ical
from .models import (
    INACTIVE_STATUSES,
    CoursePriceOption,
    PartMode,
    Payer,
    Registration,
    RegistrationStatus,
    Session,
    SessionInvitation,
    SessionPart,
    SessionStatus,
)
from .validators import normalise_siret, siret_is_valid

logger = logging.getLogger(__name__)

S = RegistrationStatus
OFFER_TOKEN_SALT = "ocim.training.offer"  # noqa: S105 - a salt, not a secret
OFFER_TOKEN_MAX_AGE = 60 * 60 * 24 * 60  # the offer's own expiry is what really limits it
# How many times a registration retries after a seat collision before joining the waiting list.
SEAT_RETRIES = 3
# Ranks are moved out of the way by this much while the list is renumbered (the unique rank
# constraint is checked row by row).
_RANK_OFFSET = 1_000_000


# --- Errors -----------------------------------------------------------------------------------


class RegistrationClosed(ApplicationError):
    default_message = _("Registration for this session is closed.")
    default_code = "registration_closed"


class RegistrationNotOpenYet(RegistrationClosed):
    default_message = _("Registration for this session is not open yet.")
    default_code = "registration_not_open_yet"


class SessionCancelled(ApplicationError):
    default_message = _("This session has been cancelled: registration is not possible.")
    default_code = "session_cancelled"


class AlreadyRegistered(ConflictError):
    default_message = _("You are already registered for this session (or on its waiting list).")
    default_code = "already_registered"


class RegistrationInvalid(ApplicationError):
    """Bad registration data; ``extra["fields"]`` maps field names to messages."""

    default_message = _("Some information is missing or invalid; check the form.")
    default_code = "registration_invalid"


class InvalidSiret(RegistrationInvalid):
    default_message = _(
        "The SIRET number is not valid: it has 14 digits, as shown on the employer's documents."
    )
    default_code = "invalid_siret"


class SessionFull(ConflictError):
    default_message = _("There is no seat left in this session.")
    default_code = "session_full"


class InvalidTransition(ConflictError):
    default_message = _("This registration cannot be changed that way in its current state.")
    default_code = "invalid_transition"


class OfferInvalid(ApplicationError):
    default_message = _(
        "This link is invalid or the offer is no longer open. Your registrations page shows "
        "where you stand."
    )
    default_code = "offer_invalid"


class OfferExpired(OfferInvalid):
    default_message = _("This offer has expired: the seat has been offered to the next person.")
    default_code = "offer_expired"


class NotInvited(ApplicationError):
    status = 403
    default_message = _(
        "This session is reserved for the people invited by their organisation. If you were "
        "invited, sign in with the e-mail address the invitation was sent to."
    )


class CancellationTooLate(ApplicationError):
    default_message = _(
        "The online cancellation period has ended. Please contact Ocim's training team: the "
        "terms of sale apply."
    )


class CapacityTooLow(ApplicationError):
    default_message = _(
        "The capacity cannot be lower than the number of seats already held; cancel or move "
        "registrations first."
    )
    default_code = "capacity_too_low"


# --- Helpers ----------------------------------------------------------------------------------


def _now(now: datetime.datetime | None) -> datetime.datetime:
    return now or timezone.now()


def _lock_session(session_id: int) -> Session:
    """Lock one session row for the rest of the transaction (SQLite: writes are serialised)."""
    return Session.objects.select_for_update().get(pk=session_id)


def _lock_session_with_start(session_id: int) -> tuple[Session, datetime.datetime | None]:
    """``_lock_session`` plus when the session begins, read by the same statement (one round
    trip less under the lock; ``FOR UPDATE`` locks the session row, not its parts)."""
    first = SessionPart.objects.filter(session_id=OuterRef("pk")).order_by("date", "start_time")
    session = (
        Session.objects.select_for_update()
        .annotate(
            first_date=Subquery(first.values("date")[:1]),
            first_time=Subquery(first.values("start_time")[:1]),
        )
        .get(pk=session_id)
    )
    if session.first_date is None:
        return session, None
    return session, timezone.make_aware(
        datetime.datetime.combine(session.first_date, session.first_time)
    )


# What a registration reads of its session, under the shared lock (``_share_session_with_start``).
_SHARED_SESSION_FIELDS = (
    "id",
    "course_id",
    "status",
    "capacity",
    "registration_opens_at",
    "registration_closes_at",
    "approval_required",
    "is_private",
)


def _shared_session_fields() -> list:
    """The fields of ``_SHARED_SESSION_FIELDS`` in the model's order (``Model.from_db`` reads
    the values in that order)."""
    return [f for f in Session._meta.concrete_fields if f.attname in _SHARED_SESSION_FIELDS]


@functools.cache
def _shared_session_sql(vendor: str) -> str:
    """The statement of ``_share_session_with_start``, written once per process (building it
    through the ORM on every registration cost more than running it)."""
    quote = connection.ops.quote_name
    session_table = quote(Session._meta.db_table)
    part_table = quote(SessionPart._meta.db_table)
    columns = ", ".join(
        f"{session_table}.{quote(field.column)}" for field in _shared_session_fields()
    )

    # Names from the models' metadata only (no input reaches this text).
    def first(column: str) -> str:
        return (
            f"(SELECT {quote(column)} FROM {part_table} "  # noqa: S608
            f"WHERE {part_table}.{quote('session_id')}"
            f" = {session_table}.{quote('id')} ORDER BY {quote('date')}, {quote('start_time')}"
            " LIMIT 1)"
        )

    return (
        f"SELECT {columns}, {first('date')}, {first('start_time')} "  # noqa: S608
        f"FROM {session_table} "
        f"WHERE {session_table}.{quote('id')} = %s FOR SHARE OF {session_table}"
    )


def _share_session_with_start(session_id: int) -> tuple[Session, datetime.datetime | None]:
    """PostgreSQL: ``_lock_session_with_start`` with a shared lock (``FOR SHARE``).

    Registrations to the same session then run side by side (their commits, each waiting for
    the disk, overlap instead of queueing behind one row lock), while every other change of
    the session's seats (cancellation, move, promotion, capacity, staff actions) takes the row
    ``FOR UPDATE`` and so still waits for them, and they for it. Registrations in flight keep
    out of each other's way by claiming a seat or a rank (``_claim``); the unique constraints
    and the capacity trigger stay the guarantee.

    The session comes back with the fields a registration needs; any other field is deferred
    (read from the database if something asks for it), never guessed.
    """
    with connection.cursor() as cursor:
        cursor.execute(_shared_session_sql(connection.vendor), [session_id])
        row = cursor.fetchone()
    if row is None:
        raise Session.DoesNotExist()
    names = [field.attname for field in _shared_session_fields()]
    count = len(names)
    session = Session.from_db(connection.alias, names, row[:count])
    first_date, first_time = row[count:]
    if first_date is None:
        return session, None
    return session, timezone.make_aware(datetime.datetime.combine(first_date, first_time))


def _claim_key(session_id: int, kind: str, number: int) -> int:
    """A PostgreSQL advisory-lock key (signed 64 bits) for seat or rank ``number``."""
    digest = hashlib.blake2b(
        f"ocim.training.{kind}.{session_id}.{number}".encode(), digest_size=8
    ).digest()
    return int.from_bytes(digest, "big", signed=True)


_CLAIM_SQL = {
    # Not held by a registration committed since this transaction last looked (read in the
    # same statement, with the freshest snapshot), and then — only then: a claim on a taken
    # number, kept while waiting for another, could close a cycle of waits — claimed.
    "seat": "SELECT CASE WHEN EXISTS (SELECT 1 FROM {table} WHERE session_id = %s "
    "AND seat_number = %s) THEN false ELSE pg_try_advisory_xact_lock(%s) END",
    "rank": "SELECT CASE WHEN EXISTS (SELECT 1 FROM {table} WHERE session_id = %s "
    "AND status = 'waitlisted' AND waitlist_rank = %s) THEN false "
    "ELSE pg_try_advisory_xact_lock(%s) END",
}


def _claim(session_id: int, kind: str, number: int, *, wait: bool = False) -> bool:
    """Claim seat or rank ``number`` until the end of the transaction (PostgreSQL advisory
    lock): True when claimed and still free; with ``wait``, wait for the registration holding
    the claim to end (and say nothing of whether it is free: the caller reads again)."""
    key = _claim_key(session_id, kind, number)
    with connection.cursor() as cursor:
        if wait:
            # Wait for the holder without keeping anything: a waiter that kept the claim it
            # waited for could wait next for a seat whose holder waits for that claim
            # (deadlock). A shared session-level lock waits for the holder's transaction to
            # end, then is given back at once, in the same statement (so nothing can come
            # between the two); waiters do not wait for each other.
            cursor.execute(
                "SELECT pg_advisory_lock_shared(%s), pg_advisory_unlock_shared(%s)", [key, key]
            )
            return True
        sql = _CLAIM_SQL[kind].format(table=connection.ops.quote_name(Registration._meta.db_table))
        cursor.execute(sql, [session_id, number, key])
        return bool(cursor.fetchone()[0])


CLAIM_ATTEMPTS = 64


def _seat_or_rank_claimed(session: Session) -> tuple[int | None, int | None]:
    """With ``session`` held ``FOR SHARE`` (PostgreSQL): the lowest free seat nobody else is
    taking, else the next waiting-list rank nobody else is taking, claimed for this
    transaction. A seat that looks free but is being taken is waited for only when no other
    seat is free: the registration taking it may fail, and the seat must not stay empty while
    this person goes to the waiting list."""
    for _round in range(session.capacity + 2):
        rows = _seat_rows(session)
        taken = {number for number, _rank in rows if number is not None}
        free = [n for n in range(1, session.capacity + 1) if n not in taken]
        for number in free:
            if _claim(session.pk, "seat", number):
                return number, None
        if not free:
            break
        # Every free seat is being taken right now: wait for the first taker to finish, then
        # look again (with a fresh snapshot) — the seat is free again if it failed.
        _claim(session.pk, "seat", free[0], wait=True)
    else:
        raise ConflictError()
    top = max((rank for _seat, rank in rows if rank is not None), default=0)
    for rank in range(top + 1, top + 1 + CLAIM_ATTEMPTS):
        if _claim(session.pk, "rank", rank):
            return None, rank
    raise ConflictError()


_SEAT_ROWS = PreparedRead(
    lambda session_id: (
        Registration.objects.filter(
            Q(seat_number__isnull=False) | Q(status=S.WAITLISTED), session_id=session_id
        )
        .order_by()  # the model's ordering would join and sort the sessions for nothing
        .values_list("seat_number", "waitlist_rank")
    ),
    params=(int,),
)


def _seat_rows(session: Session) -> list[tuple[int | None, int | None]]:
    """``(seat, rank)`` of every registration holding a seat or waiting (one read, written
    once per process: it runs under the session's lock)."""
    return _SEAT_ROWS.rows(session.pk)


def session_starts_at(session: Session) -> datetime.datetime | None:
    """When the first part of ``session`` begins (aware, in the site's time zone)."""
    # A query of its own, not ``session.parts``: on a session whose parts were prefetched with
    # a custom queryset, ``session.parts.order_by()`` would drop the filter on the session.
    first = SessionPart.objects.filter(session_id=session.pk).order_by("date", "start_time").first()
    if first is None:
        return None
    return timezone.make_aware(datetime.datetime.combine(first.date, first.start_time))


def _lowest_free_seat(session: Session) -> int | None:
    taken = set(
        Registration.objects.filter(session=session, seat_number__isnull=False).values_list(
            "seat_number", flat=True
        )
    )
    for number in range(1, session.capacity + 1):
        if number not in taken:
            return number
    return None


def _seat_or_rank(session: Session) -> tuple[int | None, int | None]:
    """With ``session`` locked (PostgreSQL: held ``FOR SHARE``, see ``_seat_or_rank_claimed``):
    ``(lowest free seat, None)``, or ``(None, next waiting-list rank)`` when the session is
    full — one read for both, since it runs under the lock."""
    if connection.vendor == "postgresql":
        return _seat_or_rank_claimed(session)
    rows = _seat_rows(session)
    taken = {seat for seat, _rank in rows if seat is not None}
    seat = next((n for n in range(1, session.capacity + 1) if n not in taken), None)
    if seat is not None:
        return seat, None
    return None, max((rank for _seat, rank in rows if rank is not None), default=0) + 1


def _next_rank(session: Session) -> int:
    top = Registration.objects.filter(session=session, status=S.WAITLISTED).aggregate(
        top=Max("waitlist_rank")
    )["top"]
    return (top or 0) + 1


def _waitlist_compact(session: Session) -> None:
    """Renumber the waiting list 1..n, keeping its order."""
    waiting = Registration.objects.filter(session=session, status=S.WAITLISTED)
    rows = list(waiting.order_by("waitlist_rank").values_list("pk", "waitlist_rank"))
    if all(rank == index for index, (_pk, rank) in enumerate(rows, start=1)):
        return
    waiting.update(waitlist_rank=F("waitlist_rank") + _RANK_OFFSET)
    for index, (pk, _rank) in enumerate(rows, start=1):
        Registration.objects.filter(pk=pk).update(waitlist_rank=index)


def _needs_signature(session: Session, payer: str) -> bool:
    """A registration stays pending until approved, or until the employer's or training fund's
    convention / purchase order is signed; a self-paying person without approval is confirmed."""
    return session.approval_required or payer != Payer.SELF


def _audit_entry(action: str, registration: Registration, actor: Any, **data: Any):
    return audit_entry(
        action=f"training.registration.{action}",
        actor=actor,
        obj=registration,
        data={"session": registration.session_id, "status": registration.status, **data},
    )


def _audit(action: str, registration: Registration, actor: Any, **data: Any) -> None:
    _audit_entry(action, registration, actor, **data).save()


def session_is_invited(session: Session, user) -> bool:
    """Whether ``user`` may register for ``session`` as far as invitations go (public sessions
    invite everyone; a private session, only the addresses it invited)."""
    if not session.is_private:
        return True
    email = (getattr(user, "email", "") or "").strip().lower()
    return bool(email) and SessionInvitation.objects.filter(session=session, email=email).exists()


def cancellation_deadline(
    session: Session, *, starts_at: datetime.datetime | None = None
) -> datetime.datetime | None:
    """Until when a participant may cancel online (``cancellation_notice_days`` before the
    start); None when the session has no dates yet. ``starts_at`` spares the query when the
    caller already knows the start (a page listing many sessions with their parts)."""
    if starts_at is None:
        starts_at = session_starts_at(session)
    if starts_at is None:
        return None
    return starts_at - datetime.timedelta(days=session.cancellation_notice_days)


_UNSET = object()


def _check_open(
    session: Session,
    now: datetime.datetime,
    *,
    by_staff: bool = False,
    starts_at: Any = _UNSET,
) -> None:
    if session.status == SessionStatus.CANCELLED:
        raise SessionCancelled()
    if by_staff:
        # Staff may add someone to a closed, full-looking or started session, not to a past one.
        if session.status == SessionStatus.COMPLETED:
            raise RegistrationClosed(_("This session is over."))
        return
    if session.status == SessionStatus.DRAFT:
        raise RegistrationClosed(_("This session is not open for registration."))
    if session.status != SessionStatus.OPEN:
        raise RegistrationClosed()
    if session.registration_opens_at and now < session.registration_opens_at:
        raise RegistrationNotOpenYet()
    if session.registration_closes_at and now >= session.registration_closes_at:
        raise RegistrationClosed(_("The registration deadline for this session has passed."))
    if starts_at is _UNSET:
        starts_at = session_starts_at(session)
    if starts_at and now >= starts_at:
        raise RegistrationClosed(_("This session has already started."))


REGISTRATION_FIELDS = (
    "job_title",
    "employer_name",
    "employer_siret",
    "employer_address",
    "payer",
    "signatory_name",
    "signatory_email",
    "admin_contact_name",
    "admin_contact_email",
    "expectations",
    "accommodation_needs",
)


def _clean_data(session: Session, data: dict[str, Any], now: datetime.datetime) -> dict:
    """The registration fields from ``data`` (other keys are ignored), validated."""
    cleaned: dict[str, Any] = {}
    for name in REGISTRATION_FIELDS:
        value = data.get(name)
        cleaned[name] = "" if value is None else str(value).strip()
    cleaned["payer"] = cleaned["payer"] or Payer.EMPLOYER
    errors: dict[str, str] = {}
    if not cleaned["expectations"]:
        errors["expectations"] = str(
            _("Tell us what you expect from this training: it helps us adapt it to you.")
        )
    if cleaned["payer"] not in Payer.values:
        errors["payer"] = str(_("Choose who pays: the employer, a training fund or yourself."))
    for name in ("signatory_email", "admin_contact_email"):
        if cleaned[name]:
            try:
                validate_email(cleaned[name])
            except ValidationError:
                errors[name] = str(_("Enter a valid e-mail address."))
    price_option = data.get("price_option")
    if price_option is not None and not isinstance(price_option, CoursePriceOption):
        price_option = CoursePriceOption.objects.filter(pk=price_option).first()
        if price_option is None:
            errors["price_option"] = str(_("Choose one of the price options of this course."))
    if isinstance(price_option, CoursePriceOption) and price_option.page_id != session.course_id:
        errors["price_option"] = str(_("Choose one of the price options of this course."))
    cleaned["price_option"] = price_option if isinstance(price_option, CoursePriceOption) else None
    siret = normalise_siret(cleaned["employer_siret"])
    cleaned["employer_siret"] = siret
    if siret and not siret_is_valid(siret):
        raise InvalidSiret(
            extra={"fields": {**errors, "employer_siret": str(InvalidSiret.default_message)}}
        )
    if errors:
        raise RegistrationInvalid(extra={"fields": errors})
    consent = data.get("consent_at") or (now if data.get("consent") else None)
    cleaned["consent_at"] = consent
    return cleaned


# --- E-mails ----------------------------------------------------------------------------------

EMAIL_KINDS = (
    "received",
    "confirmed",
    "waitlisted",
    "offered",
    "cancelled",
    "reminder",
    "session_changed",
    "session_cancelled",
    "offer_expired",
)
# The e-mails about a held seat or a schedule carry the session's events as ``session.ics``.
# "cancelled" carries them (as cancelled events) only when the person held a seat, i.e. had
# received a calendar file before; see ``_calendar_status``.
CALENDAR_KINDS = (
    "received",
    "confirmed",
    "offered",
    "reminder",
    "session_changed",
    "session_cancelled",
    "offer_expired",
    "cancelled",
)
CALENDAR_FILENAME = "session.ics"


def _language_of(user) -> str:
    codes = {code for code, _name in settings.LANGUAGES}
    language = getattr(user, "preferred_language", None)
    return language if language in codes else settings.LANGUAGE_CODE


def _absolute(path: str) -> str:
    if path.startswith(("http://", "https://")):
        return path
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


def _url(name: str, language: str, **kwargs: Any) -> str:
    with translation.override(language):
        return _absolute(reverse(name, kwargs=kwargs or None))


def _optional_url(name: str, language: str) -> str:
    try:
        return _url(name, language)
    except NoReverseMatch:
        return ""


def _course_url(course, language: str) -> str:
    """The absolute URL of ``course`` in ``language`` (its translation when there is one)."""
    with translation.override(language):
        page = course.localized
        path = page.get_url() if page.live else course.get_url()
    return _absolute(path) if path else ""


def _contact_email() -> str:
    """The training team's address (the organisation's contact e-mail, set by staff)."""
    return OrganisationSettings.load().contact_email


def _calendar_status(registration: Registration, kind: str, extra: dict) -> str | None:
    """The status of the events attached to the ``kind`` e-mail, or None for no attachment.

    Confirmed seats are CONFIRMED; a seat not final yet (pending, offered) or a place on the
    waiting list is TENTATIVE; a cancelled session, a cancelled seat or a lapsed offer is
    CANCELLED, so the event the person imported earlier is marked cancelled in their calendar.
    """
    if kind not in CALENDAR_KINDS:
        return None
    if kind == "cancelled" and not extra.get("held_seat"):
        return None  # never had a calendar file from us: nothing to take back
    if kind in ("cancelled", "offer_expired", "session_cancelled"):
        return "CANCELLED"
    if registration.session.status == SessionStatus.CANCELLED:
        return "CANCELLED"
    if registration.status in (S.CONFIRMED, S.ATTENDED):
        return "CONFIRMED"
    return "TENTATIVE"


def registration_calendar_attachment(
    *, registration: Registration, status: str, course_url: str = ""
) -> MIMEBase:
    """``session.ics`` for ``registration``: one event per part of its session.

    The file is ``METHOD:PUBLISH`` in every case, cancellations included (events then carry
    ``STATUS:CANCELLED``). Why not the iTIP methods REQUEST/CANCEL: they are scheduling
    messages that need an ORGANIZER and ATTENDEEs (RFC 5546); Outlook and Gmail then show
    RSVP buttons that send replies nobody reads, and most clients ignore a CANCEL for an event
    that reached the calendar through "add to calendar" rather than through an invitation.
    A PUBLISH file is what Apple Calendar, Outlook, Thunderbird and Google Calendar import
    as a plain event; importing a later file replaces the event with the same UID when its
    SEQUENCE is higher (Thunderbird and Apple Calendar show a cancelled event struck through).
    UIDs are the session parts' (as in the public feeds); SEQUENCE follows the latest change of
    the session or of the registration, so each e-mail supersedes the previous one.
    """
    session = registration.session
    events = ical.session_events(
        session,
        course_url=course_url,
        status=status,
        sequence=ical.sequence_for(session.updated_at, registration.updated_at),
        remote_links=status != "CANCELLED" and registration.status in (S.PENDING, S.CONFIRMED),
    )
    body = ical.calendar_render(events, name=session.title or session.course.title)
    part = SafeMIMEText(body, "calendar", "utf-8")
    part.set_param("method", "PUBLISH")
    part.add_header("Content-Disposition", "attachment", filename=CALENDAR_FILENAME)
    return part


def _format_part(part: dict, *, remote_links: bool) -> str:
    """One line of a schedule snapshot, in the active language."""
    day = formats.date_format(datetime.date.fromisoformat(part["date"]), "l j F Y")
    line = f"{day}, {part['start_time']}–{part['end_time']}"
    if part.get("mode") == PartMode.REMOTE:
        line += f" ({_('remote')})"
        if remote_links and part.get("remote_url"):
            line += f" {part['remote_url']}"
    elif part.get("place"):
        line += f", {part['place']}"
    return line


def _format_place(snapshot: dict) -> str:
    if snapshot.get("is_remote"):
        return str(_("Remote"))
    address = " ".join((snapshot.get("address") or "").split())
    pieces = [snapshot.get("place_name") or "", address, snapshot.get("commune") or ""]
    return ", ".join(piece for piece in pieces if piece) or str(_("to be announced"))


def _schedule_changes(before: dict, after: dict, *, remote_links: bool) -> list[dict]:
    """What changed between two snapshots, as labelled old → new lines (active language)."""
    changes = []
    if before.get("parts") != after.get("parts"):
        changes.append(
            {
                "label": _("Dates and times"),
                "before": [_format_part(p, remote_links=remote_links) for p in before["parts"]],
                "after": [_format_part(p, remote_links=remote_links) for p in after["parts"]],
            }
        )
    place_keys = ("place_name", "address", "commune", "is_remote")
    if any(before.get(key) != after.get(key) for key in place_keys):
        changes.append(
            {
                "label": _("Place"),
                "before": [_format_place(before)],
                "after": [_format_place(after)],
            }
        )
    return changes


def registration_email_render(
    *, registration: Registration, kind: str, extra: dict | None = None
) -> EmailMultiAlternatives:
    """The e-mail of ``kind`` (see ``EMAIL_KINDS``) for ``registration``, in the person's language.

    ``extra`` holds what the event adds (JSON-able): ``held_seat`` and ``by_staff`` for
    "cancelled", ``reason`` for "session_cancelled", ``before``/``after`` schedule snapshots for
    "session_changed". The kinds of ``CALENDAR_KINDS`` attach ``session.ics``.

    Errors: NoReverseMatch if the offer views are not installed (``kind="offered"``).
    """
    if kind not in EMAIL_KINDS:
        raise ValueError(f"Unknown registration e-mail {kind!r}")
    extra = dict(extra or {})
    user = registration.user
    language = _language_of(user)
    session = registration.session
    course = session.course
    holds_seat = registration.status in (S.PENDING, S.CONFIRMED)
    course_url = _course_url(course, language)
    contact_email = _contact_email()
    context: dict[str, Any] = {
        "registration": registration,
        "session": session,
        "course": course,
        "course_url": course_url,
        "parts": list(session.parts.all()),
        "user": user,
        "site_name": settings.WAGTAIL_SITE_NAME,
        "language": language,
        "registrations_url": _optional_url("training:my_registrations", language),
        "contact_email": contact_email,
        # The course's disability contact, else the training team.
        "disability_contact_name": course.disability_contact_name,
        "disability_contact_email": course.disability_contact_email or contact_email,
        # Remote links are for the people who hold a seat, not for the waiting list.
        "show_remote_links": holds_seat and session.status != SessionStatus.CANCELLED,
        "by_staff": bool(extra.get("by_staff")),
        "reason": str(extra.get("reason") or ""),
    }
    if kind == "offered":
        token = offer_token_make(registration)
        context["accept_url"] = _url("training:offer_accept", language, token=token)
        context["decline_url"] = _url("training:offer_decline", language, token=token)
    with translation.override(language):
        context["offer_expires_at"] = (
            timezone.localtime(registration.offer_expires_at)
            if registration.offer_expires_at
            else None
        )
        deadline = cancellation_deadline(session)
        context["cancellation_deadline"] = timezone.localtime(deadline) if deadline else None
        context["cancellation_open"] = deadline is None or timezone.now() <= deadline
        status = _calendar_status(registration, kind, extra) if context["parts"] else None
        context["calendar_status"] = status or ""
        context["calendar_filename"] = CALENDAR_FILENAME
        if kind == "session_changed":
            context["changes"] = _schedule_changes(
                extra.get("before") or {},
                extra.get("after") or session_schedule_snapshot(session),
                remote_links=context["show_remote_links"],
            )
        subject = " ".join(render_to_string(f"training/email/{kind}_subject.txt", context).split())
        text = render_to_string(f"training/email/{kind}.txt", context)
        html = render_to_string(f"training/email/{kind}.html", context)
        attachment = (
            registration_calendar_attachment(
                registration=registration, status=status, course_url=course_url
            )
            if status
            else None
        )
    message = EmailMultiAlternatives(subject=subject, body=text, to=[user.email])
    message.attach_alternative(html, "text/html")
    if attachment is not None:
        message.attach(attachment)
    return message


def _mail_on_commit(registration: Registration, kind: str, extra: dict | None = None) -> None:
    """Queue the e-mail once the change is committed (the "mail" queue of the task backend):
    the request that changed the registration neither renders nor sends it, and a mail failure
    never undoes the change. ``extra`` must be JSON-serialisable (it travels with the task)."""
    if registration.user_id is None or not registration.user.email:
        return
    registration_id = registration.pk

    def enqueue() -> None:
        from .tasks import send_registration_email

        send_registration_email.enqueue(registration_id, kind, extra)

    transaction.on_commit(enqueue, robust=True)


def registration_email_send(*, registration_id: int, kind: str, extra: dict | None = None) -> bool:
    """Render and send the e-mail of ``kind`` for a registration (the worker's side of
    ``_mail_on_commit``); False when the registration or its person is gone meanwhile."""
    fresh = (
        Registration.objects.select_related("session__course", "user")
        .filter(pk=registration_id)
        .first()
    )
    if fresh is None or fresh.user_id is None or not fresh.user.email:
        return False
    registration_email_render(registration=fresh, kind=kind, extra=extra).send(fail_silently=False)
    return True


# --- Offer tokens -----------------------------------------------------------------------------


def offer_token_make(registration: Registration) -> str:
    """A signed token for the accept/decline links of the current offer of ``registration``.

    It names the offer by its expiry time, so the links of an earlier offer stop working.
    """
    expires = registration.offer_expires_at.isoformat() if registration.offer_expires_at else ""
    return signing.dumps({"r": registration.pk, "o": expires}, salt=OFFER_TOKEN_SALT)


def offer_token_read(token: str) -> Registration:
    """The registration whose current offer ``token`` was made for.

    Errors: OfferInvalid when the token is forged, too old, or its offer is no longer open.
    """
    try:
        payload = signing.loads(token, salt=OFFER_TOKEN_SALT, max_age=OFFER_TOKEN_MAX_AGE)
        pk, expires = int(payload["r"]), str(payload["o"])
    except (signing.BadSignature, KeyError, TypeError, ValueError) as exc:
        raise OfferInvalid() from exc
    registration = (
        Registration.objects.select_related("session__course", "user").filter(pk=pk).first()
    )
    if registration is None or registration.status != S.OFFERED:
        raise OfferInvalid()
    if registration.offer_expires_at is None or (
        registration.offer_expires_at.isoformat() != expires
    ):
        raise OfferInvalid()
    return registration


# --- Registration -----------------------------------------------------------------------------


def _earlier_registrations(session_id: int, user_id: int, key: str | None = None):
    """``(pk, idempotency_key)`` of at most two registrations: the person's active one for the
    session, and the one a form with ``key`` already created."""
    earlier = Q(session_id=session_id, user_id=user_id) & ~Q(status__in=INACTIVE_STATUSES)
    if key is not None:
        earlier |= Q(idempotency_key=key)
    return Registration.objects.filter(earlier).order_by().values_list("pk", "idempotency_key")[:2]


# Written once per process: every registration runs one of them.
_EARLIER = PreparedRead(_earlier_registrations, params=(int, int))
_EARLIER_OR_SAME_KEY = PreparedRead(_earlier_registrations, params=(int, int, str))


def registration_create(
    *,
    session: Session,
    user,
    data: dict[str, Any],
    idempotency_key: str | None = None,
    actor=None,
    by_staff: bool = False,
    now: datetime.datetime | None = None,
) -> Registration:
    """Register ``user`` for ``session``: a seat when one is free, else the waiting list.

    ``by_staff=True`` is the back office adding a participant: registration dates, the draft or
    closed status and invitations do not apply (a cancelled or completed session still refuses).

    A seat gives a pending registration (approval or signature awaited) or, for a self-paying
    person at a session without approval, a confirmed one. The same ``idempotency_key`` (one per
    form submission) returns the registration it already created. ``data`` holds the form's
    fields (unknown keys are ignored); ``consent=True`` records the consent time.

    Side effects (on commit): an e-mail (received, confirmed or waitlisted); audit entries
    ``training.registration.created`` (+ ``.waitlisted``).

    Errors: SessionCancelled, RegistrationClosed / RegistrationNotOpenYet, NotInvited,
    AlreadyRegistered, InvalidSiret, RegistrationInvalid.
    """
    now = _now(now)
    key = (idempotency_key or "").strip()[:64] or None
    # One read for "this very form was already sent" and "already registered" (checked again
    # by the one-active-registration constraint should two submissions race).
    if key:
        found = _EARLIER_OR_SAME_KEY.rows(session.pk, user.pk, key)
    else:
        found = _EARLIER.rows(session.pk, user.pk)
    same = next((pk for pk, found_key in found if key and found_key == key), None)
    if same is not None:
        return _same_submission(Registration.objects.get(pk=same), user)
    if found:
        raise AlreadyRegistered()
    cleaned = _clean_data(session, data, now)
    actor = actor if actor is not None else user
    for _attempt in range(SEAT_RETRIES + 1):
        try:
            with transaction.atomic():
                registration = _registration_create_locked(
                    session_id=session.pk,
                    user=user,
                    cleaned=cleaned,
                    key=key,
                    now=now,
                    by_staff=by_staff,
                )
                entries = [
                    _audit_entry(
                        "created",
                        registration,
                        actor,
                        seat=registration.seat_number,
                        rank=registration.waitlist_rank,
                    )
                ]
                if registration.status == S.WAITLISTED:
                    entries.append(
                        _audit_entry(
                            "waitlisted", registration, actor, rank=registration.waitlist_rank
                        )
                    )
                audit_log_many(entries)  # one INSERT: this runs under the session's lock
                if registration.status == S.WAITLISTED:
                    _mail_on_commit(registration, "waitlisted")
                elif registration.status == S.CONFIRMED:
                    _mail_on_commit(registration, "confirmed")
                else:
                    _mail_on_commit(registration, "received")
                return registration
        except IntegrityError:
            # Someone wrote without the lock (or a double submission raced): find out which.
            if key:
                existing = Registration.objects.filter(idempotency_key=key).first()
                if existing is not None:
                    return _same_submission(existing, user)
            if Registration.objects.active().filter(session=session, user=user).exists():
                raise AlreadyRegistered() from None
            logger.warning("Seat collision on session %s; retrying", session.pk)
    raise ConflictError()


def _same_submission(existing: Registration, user) -> Registration:
    if existing.user_id != getattr(user, "pk", None):
        raise ConflictError()
    return existing


def _registration_create_locked(
    *,
    session_id: int,
    user,
    cleaned: dict,
    key: str | None,
    now: datetime.datetime,
    by_staff: bool = False,
) -> Registration:
    # The locked part is kept short (every other registration to this session waits for it):
    # the start date comes with the locked row, "already registered" was checked by the
    # caller (the one-active-registration constraint catches a race), and the free seat or the
    # next rank is one read.
    shared = connection.vendor == "postgresql"
    if shared:
        session, starts_at = _share_session_with_start(session_id)
    else:  # SQLite: one writer at a time anyway
        session, starts_at = _lock_session_with_start(session_id)
    _check_open(session, now, by_staff=by_staff, starts_at=starts_at)
    if not by_staff and not session_is_invited(session, user):
        raise NotInvited()
    seat, rank = _seat_or_rank(session)
    if seat is None:
        status = S.WAITLISTED
    else:
        status = S.PENDING if _needs_signature(session, cleaned["payer"]) else S.CONFIRMED
    return Registration.objects.create(
        session=session,
        user=user,
        status=status,
        seat_number=seat,
        waitlist_rank=rank,
        idempotency_key=key,
        confirmed_at=now if status == S.CONFIRMED else None,
        **cleaned,
    )


def registration_confirm(
    *, registration: Registration, actor=None, now: datetime.datetime | None = None
) -> Registration:
    """Confirm a pending registration (approved, convention signed). Idempotent when confirmed.

    Side effects: audit ``training.registration.confirmed``; e-mail "confirmed" on commit.
    Errors: InvalidTransition from any other state.
    """
    now = _now(now)
    with transaction.atomic():
        _lock_session(registration.session_id)
        registration = Registration.objects.select_for_update().get(pk=registration.pk)
        if registration.status == S.CONFIRMED:
            return registration
        if registration.status != S.PENDING:
            raise InvalidTransition(_("Only a pending registration can be confirmed."))
        registration.status = S.CONFIRMED
        registration.confirmed_at = now
        registration.save(update_fields=["status", "confirmed_at", "updated_at"])
        _audit("confirmed", registration, actor)
        _mail_on_commit(registration, "confirmed")
    return registration


def registration_attendance_record(
    *,
    registration: Registration,
    attended: bool,
    actor=None,
    now: datetime.datetime | None = None,
) -> Registration:
    """Record whether a confirmed participant attended (or was absent), once the session began.

    The seat stays held: attendance is evidence about a past session, not a change of seats.
    A record can be corrected (attended ↔ no-show). Side effect: audit
    ``training.registration.attended`` or ``training.registration.no_show``.
    Errors: InvalidTransition before the session starts or for a registration that was not
    confirmed.
    """
    now = _now(now)
    with transaction.atomic():
        session = _lock_session(registration.session_id)
        registration = Registration.objects.select_for_update().get(pk=registration.pk)
        starts_at = session_starts_at(session)
        if starts_at is None or starts_at > now:
            raise InvalidTransition(_("Attendance can be recorded once the session has begun."))
        if registration.status not in (S.CONFIRMED, S.ATTENDED, S.NO_SHOW):
            raise InvalidTransition(_("Only a confirmed participant's attendance can be recorded."))
        status = S.ATTENDED if attended else S.NO_SHOW
        if registration.status != status:
            registration.status = status
            registration.save(update_fields=["status", "updated_at"])
            _audit("attended" if attended else "no_show", registration, actor)
    return registration


def _registration_mark_cancelled(
    registration: Registration, *, now, actor, reason: str, by_staff: bool, **audit_data: Any
) -> str:
    """Cancel ``registration`` (its seat or rank given up) and audit it; returns its previous
    status. The caller holds the session's lock and decides what the freed seat becomes."""
    previous, seat = registration.status, registration.seat_number
    registration.status = S.CANCELLED
    registration.seat_number = None
    registration.waitlist_rank = None
    registration.offer_expires_at = None
    registration.cancelled_at = now
    registration.save(
        update_fields=[
            "status",
            "seat_number",
            "waitlist_rank",
            "offer_expires_at",
            "cancelled_at",
            "updated_at",
        ]
    )
    _audit(
        "cancelled",
        registration,
        actor,
        previous=previous,
        seat=seat,
        reason=reason,
        by_staff=by_staff,
        **audit_data,
    )
    return previous


def registration_cancel(
    *,
    registration: Registration,
    actor=None,
    reason: str = "",
    by_staff: bool = False,
    now: datetime.datetime | None = None,
) -> Registration:
    """Cancel a registration (by the participant or by staff); its seat goes to the waiting list.

    Pending, confirmed, offered and waitlisted registrations can be cancelled; cancelling twice
    is a no-op. A participant cancels a held seat online only until ``cancellation_deadline``;
    staff (``by_staff=True``) at any time. Side effects: audit
    ``training.registration.cancelled``; e-mail "cancelled" (saying that the training team
    cancelled when ``by_staff``; with the events marked cancelled when a seat was held); the
    freed seat is offered to the
    next person (``waitlist_promote_next``).
    Errors: InvalidTransition for a registration already attended, marked no-show or declined;
    CancellationTooLate for a participant past the deadline.
    """
    now = _now(now)
    with transaction.atomic():
        session = _lock_session(registration.session_id)
        registration = Registration.objects.select_for_update().get(pk=registration.pk)
        if registration.status == S.CANCELLED:
            return registration
        if registration.status not in (S.PENDING, S.CONFIRMED, S.OFFERED, S.WAITLISTED):
            raise InvalidTransition(_("This registration can no longer be cancelled."))
        if not by_staff and registration.status in (S.PENDING, S.CONFIRMED):
            deadline = cancellation_deadline(session)
            if deadline is not None and now > deadline:
                raise CancellationTooLate(extra={"deadline": deadline.isoformat()})
        previous = _registration_mark_cancelled(
            registration, now=now, actor=actor, reason=reason, by_staff=by_staff
        )
        _mail_on_commit(
            registration,
            "cancelled",
            extra={
                "by_staff": by_staff,
                "held_seat": previous in (S.PENDING, S.CONFIRMED, S.OFFERED),
            },
        )
        if previous == S.WAITLISTED:
            _waitlist_compact(session)
        else:
            _promote_while_seats(session, now=now, actor=actor)
    return registration


def registration_move(
    *,
    registration: Registration,
    to_session: Session,
    actor=None,
    now: datetime.datetime | None = None,
) -> Registration:
    """Move a seat-holding registration to another session of any course, keeping its status.

    Both sessions are locked (lower primary key first, so two opposite moves cannot deadlock);
    the registration takes the lowest free seat of ``to_session``; the seat it leaves is offered
    to the first session's waiting list. Side effects: audit ``training.registration.moved``.
    Errors: SessionFull, SessionCancelled, AlreadyRegistered, InvalidTransition.
    """
    now = _now(now)
    if to_session.pk == registration.session_id:
        return registration
    with transaction.atomic():
        locked = {pk: _lock_session(pk) for pk in sorted((registration.session_id, to_session.pk))}
        source, target = locked[registration.session_id], locked[to_session.pk]
        registration = Registration.objects.select_for_update().get(pk=registration.pk)
        if registration.status not in (S.PENDING, S.CONFIRMED):
            raise InvalidTransition(_("Only a pending or confirmed registration can be moved."))
        if target.status == SessionStatus.CANCELLED:
            raise SessionCancelled()
        if target.status in (SessionStatus.COMPLETED, SessionStatus.DRAFT):
            raise InvalidTransition(_("A registration can only be moved to an upcoming session."))
        if (
            registration.user_id
            and Registration.objects.active()
            .filter(session=target, user_id=registration.user_id)
            .exists()
        ):
            raise AlreadyRegistered(_("This person is already registered for the other session."))
        seat = _lowest_free_seat(target)
        if seat is None:
            raise SessionFull(_("There is no seat left in the session you chose."))
        old_seat = registration.seat_number
        registration.session = target
        registration.seat_number = seat
        registration.price_option = (
            registration.price_option
            if registration.price_option and registration.price_option.page_id == target.course_id
            else None
        )
        registration.save(update_fields=["session", "seat_number", "price_option", "updated_at"])
        _audit(
            "moved",
            registration,
            actor,
            from_session=source.pk,
            from_seat=old_seat,
            seat=seat,
        )
        _promote_while_seats(source, now=now, actor=actor)
    return registration


def registration_promote(
    *, registration: Registration, actor=None, now: datetime.datetime | None = None
) -> Registration:
    """Staff give a seat to a chosen person on the waiting list, skipping the offer step.

    Side effects: audit ``training.registration.promoted``; e-mail (received or confirmed).
    Errors: InvalidTransition (not waitlisted), SessionFull.
    """
    now = _now(now)
    with transaction.atomic():
        session = _lock_session(registration.session_id)
        registration = Registration.objects.select_for_update().get(pk=registration.pk)
        if registration.status != S.WAITLISTED:
            raise InvalidTransition(_("Only a person on the waiting list can be promoted."))
        seat = _lowest_free_seat(session)
        if seat is None:
            raise SessionFull()
        rank = registration.waitlist_rank
        registration.status = (
            S.PENDING if _needs_signature(session, registration.payer) else S.CONFIRMED
        )
        registration.seat_number = seat
        registration.waitlist_rank = None
        registration.confirmed_at = now if registration.status == S.CONFIRMED else None
        registration.save(
            update_fields=["status", "seat_number", "waitlist_rank", "confirmed_at", "updated_at"]
        )
        _audit("promoted", registration, actor, seat=seat, rank=rank)
        _mail_on_commit(
            registration, "confirmed" if registration.status == S.CONFIRMED else "received"
        )
        _waitlist_compact(session)
    return registration


# --- Waiting list -----------------------------------------------------------------------------


def waitlist_leave(*, registration: Registration, actor=None) -> Registration:
    """Take a person off the waiting list; the people behind them move up one rank.

    Side effects: audit ``training.registration.waitlist_left``. Idempotent once left.
    Errors: InvalidTransition when the registration is not on the waiting list.
    """
    with transaction.atomic():
        session = _lock_session(registration.session_id)
        registration = Registration.objects.select_for_update().get(pk=registration.pk)
        if registration.status == S.CANCELLED:
            return registration
        if registration.status != S.WAITLISTED:
            raise InvalidTransition(_("This registration is not on the waiting list."))
        rank = registration.waitlist_rank
        registration.status = S.CANCELLED
        registration.waitlist_rank = None
        registration.cancelled_at = timezone.now()
        registration.save(update_fields=["status", "waitlist_rank", "cancelled_at", "updated_at"])
        _audit("waitlist_left", registration, actor, rank=rank)
        _waitlist_compact(session)
    return registration


def promotion_is_open(session: Session, now: datetime.datetime) -> bool:
    """Whether seats may still be offered from the waiting list of ``session``."""
    if session.status not in (SessionStatus.OPEN, SessionStatus.CLOSED):
        return False
    starts_at = session_starts_at(session)
    if starts_at is None:
        return True
    return now < starts_at - datetime.timedelta(hours=session.promotion_cutoff_hours)


def _offer_next(session: Session, *, now: datetime.datetime, actor=None) -> Registration | None:
    """With ``session`` locked: offer the lowest free seat to the head of the waiting list."""
    if not promotion_is_open(session, now):
        return None
    head = (
        Registration.objects.select_for_update()
        .filter(session=session, status=S.WAITLISTED)
        .order_by("waitlist_rank")
        .first()
    )
    if head is None:
        return None
    seat = _lowest_free_seat(session)
    if seat is None:
        return None
    expires = now + datetime.timedelta(hours=session.offer_hours)
    starts_at = session_starts_at(session)
    if starts_at is not None:
        # An offer never outlives the cut-off: the seat must be settled before the start.
        cutoff = starts_at - datetime.timedelta(hours=session.promotion_cutoff_hours)
        expires = min(expires, cutoff)
    rank = head.waitlist_rank
    head.status = S.OFFERED
    head.seat_number = seat
    head.waitlist_rank = None
    head.offer_expires_at = expires
    head.save(
        update_fields=["status", "seat_number", "waitlist_rank", "offer_expires_at", "updated_at"]
    )
    _audit("offered", head, actor, seat=seat, rank=rank, expires_at=expires.isoformat())
    _mail_on_commit(head, "offered")
    _waitlist_compact(session)
    return head


def _promote_while_seats(session: Session, *, now: datetime.datetime, actor=None) -> list:
    offers = []
    while (offer := _offer_next(session, now=now, actor=actor)) is not None:
        offers.append(offer)
    return offers


def waitlist_promote_next(
    *, session: Session, actor=None, now: datetime.datetime | None = None
) -> Registration | None:
    """Offer a free seat of ``session`` to the first person on its waiting list.

    Returns the offered registration, or None when there is no free seat, nobody waiting, or
    the cut-off before the start has passed. The seat is held until ``offer_expires_at``
    (``offer_hours`` from now, never past the cut-off). Side effects: audit
    ``training.registration.offered``; the offer e-mail with accept/decline links on commit.
    """
    now = _now(now)
    with transaction.atomic():
        locked = _lock_session(session.pk)
        return _offer_next(locked, now=now, actor=actor)


def offer_accept(
    *, registration: Registration, actor=None, now: datetime.datetime | None = None
) -> Registration:
    """Accept a seat offered from the waiting list: the registration keeps its seat and becomes
    pending (or confirmed, see ``registration_create``).

    Side effects: audit ``training.registration.offer_accepted``; e-mail on commit.
    Errors: OfferExpired (the offer is then passed on), OfferInvalid (not an open offer).
    """
    now = _now(now)
    with transaction.atomic():
        session = _lock_session(registration.session_id)
        registration = Registration.objects.select_for_update().get(pk=registration.pk)
        if registration.status != S.OFFERED:
            raise OfferInvalid()
        if registration.offer_expires_at <= now:
            expired = True
        else:
            expired = False
            registration.status = (
                S.PENDING if _needs_signature(session, registration.payer) else S.CONFIRMED
            )
            registration.offer_expires_at = None
            registration.confirmed_at = now if registration.status == S.CONFIRMED else None
            registration.save(
                update_fields=["status", "offer_expires_at", "confirmed_at", "updated_at"]
            )
            _audit("offer_accepted", registration, actor, seat=registration.seat_number)
            _mail_on_commit(
                registration, "confirmed" if registration.status == S.CONFIRMED else "received"
            )
    if expired:
        offers_expire(now=now, session=session)
        raise OfferExpired()
    return registration


def offer_decline(
    *, registration: Registration, actor=None, now: datetime.datetime | None = None
) -> Registration:
    """Decline a seat offered from the waiting list; the seat goes to the next person.

    Side effects: audit ``training.registration.offer_declined``; the next offer.
    Errors: OfferInvalid when the registration holds no open offer.
    """
    now = _now(now)
    with transaction.atomic():
        session = _lock_session(registration.session_id)
        registration = Registration.objects.select_for_update().get(pk=registration.pk)
        if registration.status == S.DECLINED:
            return registration
        if registration.status != S.OFFERED:
            raise OfferInvalid()
        seat = registration.seat_number
        _offer_close(registration, now)
        _audit("offer_declined", registration, actor, seat=seat)
        _promote_while_seats(session, now=now, actor=actor)
    return registration


def _offer_close(registration: Registration, now: datetime.datetime) -> None:
    registration.status = S.DECLINED
    registration.seat_number = None
    registration.offer_expires_at = None
    registration.cancelled_at = now
    registration.save(
        update_fields=["status", "seat_number", "offer_expires_at", "cancelled_at", "updated_at"]
    )


def offers_expire(*, now: datetime.datetime | None = None, session: Session | None = None) -> int:
    """Close every offer whose time is up and pass each seat to the next person.

    Idempotent (a second run finds nothing to do); one transaction per session, so a busy
    session never holds up the others. Returns the number of offers that expired.
    Side effects: audit ``training.registration.offer_expired``; the "offer_expired" e-mail (on
    commit); then the next offers.
    """
    now = _now(now)
    expired_offers = Registration.objects.offers_expired(now)
    if session is not None:
        expired_offers = expired_offers.filter(session=session)
    session_ids = sorted(set(expired_offers.values_list("session_id", flat=True)))
    count = 0
    for session_id in session_ids:
        with transaction.atomic():
            locked = _lock_session(session_id)
            for registration in Registration.objects.select_for_update().filter(
                pk__in=Registration.objects.offers_expired(now).filter(session=locked).values("pk")
            ):
                seat = registration.seat_number
                _offer_close(registration, now)
                _audit("offer_expired", registration, None, seat=seat)
                _mail_on_commit(registration, "offer_expired")
                count += 1
            _promote_while_seats(locked, now=now)
    return count


# --- Capacity ---------------------------------------------------------------------------------


def session_capacity_change(
    *, session: Session, capacity: int, actor=None, now: datetime.datetime | None = None
) -> Session:
    """Change the capacity of ``session``.

    Lowering it below the number of seats held is refused. Lowering it below the highest seat
    number held first moves those registrations to free lower seats (seat numbers are only
    labels). Raising it offers the new seats to the waiting list.
    Side effects: audit ``training.session.capacity_changed``; offers.
    Errors: CapacityTooLow, RegistrationInvalid (negative capacity).
    """
    now = _now(now)
    if capacity is None or int(capacity) < 0:
        raise RegistrationInvalid(_("The capacity must be zero or more."))
    capacity = int(capacity)
    with transaction.atomic():
        locked = _lock_session(session.pk)
        previous = locked.capacity
        holders = Registration.objects.filter(session=locked, seat_number__isnull=False)
        held = holders.count()
        if capacity < held:
            raise CapacityTooLow(
                _(
                    "The capacity cannot be lower than the %(held)d seats already held; cancel "
                    "or move registrations first."
                )
                % {"held": held},
                extra={"held": held},
            )
        if capacity < previous:
            taken = set(holders.values_list("seat_number", flat=True))
            free = iter(n for n in range(1, capacity + 1) if n not in taken)
            for registration in holders.filter(seat_number__gt=capacity).order_by("seat_number"):
                registration.seat_number = next(free)
                registration.save(update_fields=["seat_number", "updated_at"])
        locked.capacity = capacity
        locked.save(update_fields=["capacity", "updated_at"])
        audit_log(
            action="training.session.capacity_changed",
            actor=actor,
            obj=locked,
            data={"from": previous, "to": capacity},
        )
        if capacity > previous:
            _promote_while_seats(locked, now=now, actor=actor)
    session.capacity = capacity
    return locked


# --- Reminders --------------------------------------------------------------------------------

# Seat holders are reminded this long before the start.
REMINDER_LEAD = datetime.timedelta(days=7)
REMINDED_STATUSES = (S.PENDING, S.CONFIRMED)


def _reminder_send_on_commit(registration_id: int, claimed_at: datetime.datetime) -> None:
    """Send the reminder after the claim commits; if sending fails, release the claim so that
    the next run tries again (the claim is the only record that a reminder went out)."""

    def send() -> None:
        fresh = Registration.objects.select_related("session__course", "user").get(
            pk=registration_id
        )
        if fresh.status not in REMINDED_STATUSES:
            return  # cancelled between the claim and the commit
        try:
            registration_email_render(registration=fresh, kind="reminder").send(fail_silently=False)
        except Exception:
            logger.exception("Reminder for registration %s not sent; will retry", registration_id)
            Registration.objects.filter(pk=registration_id, reminder_sent_at=claimed_at).update(
                reminder_sent_at=None
            )

    transaction.on_commit(send)


def reminders_send(*, now: datetime.datetime | None = None) -> int:
    """E-mail a reminder to every pending or confirmed participant of a session that starts
    within ``REMINDER_LEAD`` (and has not started), once per registration.

    Cancelled and completed sessions are skipped. Each registration is claimed by a conditional
    UPDATE of ``reminder_sent_at`` (from NULL to ``now``) before its e-mail is queued, so two
    runs, even at the same time on two workers, never send the same reminder twice; a failed
    sending releases the claim. A session moved after its reminder is reminded again
    (``session_change_notify`` resets ``reminder_sent_at``). Returns the number of reminders
    claimed and handed to the mail backend. Side effects: ``reminder_sent_at``; audit
    ``training.registration.reminded``; the "reminder" e-mail (with ``session.ics``) on commit.
    """
    now = _now(now)
    horizon = now + REMINDER_LEAD
    waiting = Registration.objects.filter(
        status__in=REMINDED_STATUSES, reminder_sent_at__isnull=True, user__isnull=False
    ).exclude(user__email="")
    # A coarse filter on the first day in the database; the exact start is checked below.
    sessions = (
        Session.objects.exclude(status__in=(SessionStatus.CANCELLED, SessionStatus.COMPLETED))
        .with_dates()
        .filter(
            starts_on__gte=timezone.localdate(now),
            starts_on__lte=timezone.localdate(horizon),
            pk__in=waiting.values("session_id"),
        )
        .order_by("pk")
    )
    count = 0
    for session in sessions:
        starts_at = session_starts_at(session)
        if starts_at is None or not (now < starts_at <= horizon):
            continue
        for registration in waiting.filter(session=session).select_related("user"):
            with transaction.atomic():
                claimed = (
                    Registration.objects.filter(
                        pk=registration.pk,
                        status__in=REMINDED_STATUSES,
                        reminder_sent_at__isnull=True,
                    )
                    .exclude(session__status=SessionStatus.CANCELLED)
                    .update(reminder_sent_at=now)
                )
                if not claimed:
                    continue  # another worker got there first, or it changed meanwhile
                _audit("reminded", registration, None, starts_at=starts_at.isoformat())
                _reminder_send_on_commit(registration.pk, now)
                count += 1
    return count


# --- Session schedule changes and cancellation --------------------------------------------------

# Registrations told about a change or a cancellation of their session.
NOTIFIED_STATUSES = (S.PENDING, S.CONFIRMED, S.OFFERED, S.WAITLISTED)
SNAPSHOT_KEYS = ("parts", "place_name", "address", "commune", "is_remote")


def session_schedule_snapshot(session: Session) -> dict:
    """What participants rely on to come: the parts (date, times, mode, place, remote link),
    the place and whether the session is remote, as JSON-able data.

    Read from the database by primary key, not from ``session`` itself: a bound Wagtail form
    changes the instance (and its in-memory parts) before it saves, so the snapshot taken
    "before" must come from the stored rows. Compare two snapshots with ``==``.
    """
    stored = Session.objects.select_related("commune").get(pk=session.pk)
    parts = SessionPart.objects.filter(session_id=session.pk).order_by("date", "start_time", "pk")
    return {
        "parts": [
            {
                "date": part.date.isoformat(),
                "start_time": part.start_time.strftime("%H:%M"),
                "end_time": part.end_time.strftime("%H:%M"),
                "mode": part.mode,
                "place": part.place.strip(),
                "remote_url": part.remote_url.strip(),
            }
            for part in parts
        ],
        "place_name": stored.place_name.strip(),
        "address": " ".join(stored.address.split()),
        "commune": stored.commune.name if stored.commune_id else "",
        "is_remote": stored.is_remote,
    }


def _snapshot_start(snapshot: dict) -> tuple[str, str] | None:
    parts = snapshot.get("parts") or []
    return min(((p["date"], p["start_time"]) for p in parts), default=None)


def session_change_notify(*, session: Session, before: dict, actor=None) -> int:
    """Tell every active registration (seat holders, offers, waiting list) that the schedule or
    the place of ``session`` changed since ``before`` (a ``session_schedule_snapshot`` taken
    before the edit). Returns the number of people e-mailed; 0, with nothing written or sent,
    when nothing they rely on changed (or the session is cancelled).

    Reminders: when the start moved, a reminder already sent no longer holds. If the new start
    is more than ``REMINDER_LEAD`` away, ``reminder_sent_at`` is reset so the reminder goes out
    again before the new date; if it is sooner, this e-mail (which carries the reminder's
    practical information) stands as the reminder, so no second e-mail follows within the hour.

    Side effects: the session's ``updated_at`` (the calendar SEQUENCE); audit
    ``training.session.changed`` with the changed keys and their old and new values; one
    "session_changed" e-mail per person (with ``session.ics``), on commit.
    """
    now = timezone.now()
    before = dict(before or {})
    with transaction.atomic():
        locked = _lock_session(session.pk)
        if locked.status == SessionStatus.CANCELLED:
            return 0
        after = session_schedule_snapshot(locked)
        changed = [key for key in SNAPSHOT_KEYS if before.get(key) != after.get(key)]
        if not changed:
            return 0
        # Bumps the SEQUENCE of the attached events, so calendars replace the old ones.
        Session.objects.filter(pk=locked.pk).update(updated_at=now)
        recipients = list(
            # of=self: PostgreSQL cannot lock the nullable side of the join to the user.
            Registration.objects.select_for_update(of=("self",))
            .filter(session=locked, status__in=NOTIFIED_STATUSES)
            .select_related("user")
            .order_by("pk")
        )
        if _snapshot_start(before) != _snapshot_start(after):
            starts_at = session_starts_at(locked)
            reminded = Registration.objects.filter(session=locked, status__in=REMINDED_STATUSES)
            if starts_at is not None and starts_at - now <= REMINDER_LEAD:
                reminded.update(reminder_sent_at=now)
            else:
                reminded.update(reminder_sent_at=None)
        notified = 0
        for registration in recipients:
            if registration.user_id is None or not registration.user.email:
                continue
            _mail_on_commit(
                registration, "session_changed", extra={"before": before, "after": after}
            )
            notified += 1
        audit_log(
            action="training.session.changed",
            actor=actor,
            obj=locked,
            data={
                "changed": changed,
                "before": {key: before.get(key) for key in changed},
                "after": {key: after[key] for key in changed},
                "notified": notified,
            },
        )
    return notified


def session_cancel(
    *, session: Session, actor=None, reason: str = "", now: datetime.datetime | None = None
) -> Session:
    """Ocim cancels ``session``: its status becomes cancelled and every active registration
    (seat holders, offers, waiting list) is cancelled, with no waiting-list promotion.

    Idempotent: a second call finds nobody left to cancel and writes nothing; a session set to
    cancelled by hand (a form) still has its remaining registrations cancelled. Registrations
    already attended or marked no-show are evidence and stay as they are.
    Side effects: audit ``training.registration.cancelled`` per registration (with
    ``by_staff`` and ``session_cancelled``) and ``training.session.cancelled``; one
    "session_cancelled" e-mail per person (apology, ``reason`` if given, nothing to pay,
    events marked cancelled), on commit.
    Errors: InvalidTransition for a completed session.
    """
    now = _now(now)
    reason = (reason or "").strip()
    with transaction.atomic():
        locked = _lock_session(session.pk)
        if locked.status == SessionStatus.COMPLETED:
            raise InvalidTransition(_("A completed session cannot be cancelled."))
        previous_status = locked.status
        registrations = list(
            # of=self: PostgreSQL cannot lock the nullable side of the join to the user.
            Registration.objects.select_for_update(of=("self",))
            .filter(session=locked, status__in=NOTIFIED_STATUSES)
            .select_related("user")
            .order_by("pk")
        )
        if previous_status == SessionStatus.CANCELLED and not registrations:
            return locked
        if previous_status != SessionStatus.CANCELLED:
            locked.status = SessionStatus.CANCELLED
            locked.save(update_fields=["status", "updated_at"])
        for registration in registrations:
            _registration_mark_cancelled(
                registration,
                now=now,
                actor=actor,
                reason=reason,
                by_staff=True,
                session_cancelled=True,
            )
            _mail_on_commit(registration, "session_cancelled", extra={"reason": reason})
        audit_log(
            action="training.session.cancelled",
            actor=actor,
            obj=locked,
            data={
                "previous_status": previous_status,
                "reason": reason,
                "registrations_cancelled": len(registrations),
            },
        )
    session.status = locked.status
    return locked
