"""Tailor-made training: requests from the public form, the staff pipeline, the conversion of a
won request into a private session, and the invitations to private sessions.

Pipeline (a small state machine, ``TRANSITIONS``)::

    new ──qualify──▶ qualified ──send_quote──▶ quote_sent ──win──▶ won ──create session
     │                 │                        │  ▲ (revised quote)
     └──────lose───────┴──────────lose──────────┘──┘
    lost / won without a session ──reopen──▶ new

Every staff action is audited as ``training.tailormade.<action>`` and stamps
``status_changed_at`` when the status changes. E-mails leave after the commit, in the
recipient's language, as text and HTML.
"""

from __future__ import annotations

import datetime
import hashlib
import logging
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from ocim.accounts.roles import role_group
from ocim.core.audit import audit_log
from ocim.core.errors import ApplicationError, ConflictError, NotFoundError

from .models import (
    CourseIndexPage,
    CoursePage,
    PartMode,
    Session,
    SessionInvitation,
    SessionPart,
    SessionStatus,
    TailorMadeNote,
    TailorMadeRequest,
    TailorMadeStatus,
)
from .validators import normalise_siret, siret_is_valid

logger = logging.getLogger(__name__)

T = TailorMadeStatus
MANAGER_ROLE = "training-manager"
MANAGE_PERMISSION = "training.change_tailormaderequest"
AUDIENCE_MIN, AUDIENCE_MAX = 1, 500
NOTE_MAX_LENGTH = 10_000
INVITATION_MAX_LINES = 500

# Per client address: at most THROTTLE_LIMIT requests created in THROTTLE_WINDOW seconds. A team
# sends one or two requests; a script sending more is refused until the window ends.
THROTTLE_LIMIT = 5
THROTTLE_WINDOW = 60 * 60
_THROTTLE_PREFIX = "training:tailormade-throttle"


# --- Errors -----------------------------------------------------------------------------------


class TailorMadeInvalid(ApplicationError):
    """Bad request data; ``extra["fields"]`` maps field names to messages."""

    default_message = _("Some information is missing or invalid; check the form.")
    default_code = "tailormade_invalid"


class TooManyRequests(ApplicationError):
    default_message = _(
        "Too many requests have been sent from your connection. Please try again in an hour, "
        "or write to us directly."
    )
    default_code = "too_many_requests"
    status = 429


class TransitionNotAllowed(ConflictError):
    default_message = _("This request cannot be moved to that stage from its current stage.")
    default_code = "tailormade_transition_not_allowed"


class ConversionInvalid(ApplicationError):
    """Bad session data; ``extra["fields"]`` maps field names to messages."""

    default_message = _("The private session could not be created; check the form.")
    default_code = "tailormade_conversion_invalid"


class InvitationInvalid(ApplicationError):
    default_message = _("The invitations could not be sent.")
    default_code = "invitation_invalid"


# --- Throttle ---------------------------------------------------------------------------------


def _throttle_key(ip: str) -> str:
    # Hashed: client addresses are personal data and stay out of cache keys.
    return f"{_THROTTLE_PREFIX}:{hashlib.sha256(ip.strip().encode()).hexdigest()}"


def tailormade_throttle_check(*, ip: str | None) -> None:
    """Refuse when ``ip`` already sent ``THROTTLE_LIMIT`` requests in the current window.

    The counter lives in the shared cache (every web node sees it). Errors: TooManyRequests.
    """
    if ip and (cache.get(_throttle_key(ip)) or 0) >= THROTTLE_LIMIT:
        raise TooManyRequests()


def _throttle_count(ip: str | None) -> None:
    if not ip:
        return
    key = _throttle_key(ip)
    # add() starts the window only once; incr() is atomic on Redis and locmem.
    cache.add(key, 0, timeout=THROTTLE_WINDOW)
    try:
        cache.incr(key)
    except ValueError:  # expired between add() and incr()
        cache.set(key, 1, timeout=THROTTLE_WINDOW)


# --- E-mails ----------------------------------------------------------------------------------


def _language_code(value: str | None) -> str:
    codes = {code for code, _name in settings.LANGUAGES}
    return value if value in codes else settings.LANGUAGE_CODE


def _absolute(path: str) -> str:
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


def _render_mail(template: str, context: dict[str, Any], language: str, to: str):
    """The e-mail ``training/email/<template>_{subject.txt,.txt,.html}`` in ``language``."""
    context = {"site_name": settings.WAGTAIL_SITE_NAME, "language": language, **context}
    with translation.override(language):
        subject = render_to_string(f"training/email/{template}_subject.txt", context)
        text = render_to_string(f"training/email/{template}.txt", context)
        html = render_to_string(f"training/email/{template}.html", context)
    message = EmailMultiAlternatives(subject=" ".join(subject.split()), body=text, to=[to])
    message.attach_alternative(html, "text/html")
    return message


def _on_commit(send) -> None:
    """Run ``send`` after the commit; a mail failure is logged and never undoes the change."""
    transaction.on_commit(send, robust=True)


def training_managers() -> QuerySet:
    """Active accounts of the training-manager role that have an e-mail address."""
    return (
        role_group(MANAGER_ROLE)
        .user_set.filter(is_active=True)
        .exclude(email="")
        .order_by("last_name", "first_name", "pk")
    )


def tailormade_admin_url(request_id: int) -> str:
    return _absolute(reverse("training_tailormade:detail", args=[request_id]))


def _mail_request_received(request_id: int) -> None:
    def send() -> None:
        item = TailorMadeRequest.objects.select_related("course").get(pk=request_id)
        _render_mail(
            "tailormade_received",
            {"request": item},
            _language_code(item.language),
            item.contact_email,
        ).send(fail_silently=False)
        admin_url = tailormade_admin_url(item.pk)
        for manager in training_managers():
            _render_mail(
                "tailormade_new",
                {"request": item, "admin_url": admin_url, "user": manager},
                _language_code(getattr(manager, "preferred_language", None)),
                manager.email,
            ).send(fail_silently=False)

    _on_commit(send)


# --- The public request -----------------------------------------------------------------------

REQUEST_FIELDS = (
    "structure_name",
    "structure_siret",
    "structure_address",
    "contact_name",
    "contact_job_title",
    "contact_email",
    "contact_phone",
    "topic",
    "description",
    "wished_dates",
    "place",
)


def _clean_request(data: dict[str, Any]) -> dict[str, Any]:
    cleaned: dict[str, Any] = {}
    for name in REQUEST_FIELDS:
        value = data.get(name)
        cleaned[name] = "" if value is None else str(value).strip()
    cleaned["structure_siret"] = normalise_siret(cleaned["structure_siret"])
    cleaned["contact_email"] = cleaned["contact_email"].lower()
    errors: dict[str, str] = {}
    required = {
        "structure_name": _("Give the name of your structure."),
        "contact_name": _("Give the name of the person we should contact."),
        "contact_email": _("Give an e-mail address where we can answer you."),
        "topic": _("Tell us the topic of the training you need."),
    }
    for name, message in required.items():
        if not cleaned[name]:
            errors[name] = str(message)
    if cleaned["structure_siret"] and not siret_is_valid(cleaned["structure_siret"]):
        errors["structure_siret"] = str(
            _("Enter a valid SIRET number: 14 digits, as shown on the employer's documents.")
        )
    if cleaned["contact_email"] and "contact_email" not in errors:
        try:
            validate_email(cleaned["contact_email"])
        except ValidationError:
            errors["contact_email"] = str(_("Enter a valid e-mail address."))
    try:
        audience = int(data.get("audience_size"))
    except (TypeError, ValueError):
        audience = None
    if audience is None or not AUDIENCE_MIN <= audience <= AUDIENCE_MAX:
        errors["audience_size"] = str(
            _("Give a number of participants between %(min)d and %(max)d.")
            % {"min": AUDIENCE_MIN, "max": AUDIENCE_MAX}
        )
    cleaned["audience_size"] = audience
    budget = data.get("budget")
    if budget in (None, ""):
        cleaned["budget"] = None
    else:
        try:
            cleaned["budget"] = Decimal(str(budget))
        except InvalidOperation:
            cleaned["budget"] = None
            errors["budget"] = str(_("Give the budget in euros, as a number (or leave it empty)."))
        else:
            if not cleaned["budget"].is_finite() or cleaned["budget"] < 0:
                errors["budget"] = str(_("The budget cannot be negative."))
    course = data.get("course")
    if course is not None and not isinstance(course, CoursePage):
        course = CoursePage.objects.live().filter(pk=course).first()
        if course is None:
            errors["course"] = str(_("Choose one of the courses of the catalogue."))
    cleaned["course"] = course
    if not data.get("consent"):
        errors["consent"] = str(
            _("Your agreement is needed for us to process your request and answer you.")
        )
    if errors:
        raise TailorMadeInvalid(extra={"fields": errors})
    instance = TailorMadeRequest(**cleaned)
    try:
        # Lengths and the model's own validators, so that nothing the database refuses gets in.
        instance.full_clean(exclude=["language", "idempotency_key", "session"])
    except ValidationError as exc:
        raise TailorMadeInvalid(
            extra={"fields": {k: str(v[0]) for k, v in exc.message_dict.items()}}
        ) from exc
    return cleaned


def tailormade_request_create(
    *,
    data: dict[str, Any],
    user=None,
    language: str | None = None,
    ip: str | None = None,
    idempotency_key: str | None = None,
    now: datetime.datetime | None = None,
) -> TailorMadeRequest:
    """Record a tailor-made training request from the public form.

    ``data`` holds the form's fields (unknown keys are ignored; ``consent`` must be true).
    The same ``idempotency_key`` (one per form display) returns the request it already created,
    so a double submission creates one request. A signed-in ``user`` is linked to the request.

    Side effects: audit ``training.tailormade.created``; the per-address throttle counts one
    request; on commit, an acknowledgement to the contact (in ``language``) and a notification
    with a link to the back office to every training manager.
    Errors: TailorMadeInvalid (``extra["fields"]``), TooManyRequests.
    """
    now = now or timezone.now()
    key = (idempotency_key or "").strip()[:64] or None
    if key:
        existing = TailorMadeRequest.objects.filter(idempotency_key=key).first()
        if existing is not None:
            return existing
    tailormade_throttle_check(ip=ip)
    cleaned = _clean_request(data)
    user = user if getattr(user, "is_authenticated", False) else None
    try:
        with transaction.atomic():
            item = TailorMadeRequest.objects.create(
                **cleaned,
                language=_language_code(language or translation.get_language()),
                consent_at=now,
                user=user,
                status=T.NEW,
                status_changed_at=now,
                idempotency_key=key,
            )
            audit_log(
                action="training.tailormade.created",
                actor=user,
                obj=item,
                data={"audience_size": item.audience_size, "course": item.course_id},
            )
            _mail_request_received(item.pk)
    except IntegrityError:
        # The same submission raced another one: the first one won, answer with it.
        existing = TailorMadeRequest.objects.filter(idempotency_key=key).first() if key else None
        if existing is None:
            raise
        return existing
    _throttle_count(ip)
    return item


# --- Reads for the back office ----------------------------------------------------------------


def tailormade_request_get(pk) -> TailorMadeRequest:
    """One request with what its page shows. Errors: NotFoundError."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        pk = None
    item = (
        TailorMadeRequest.objects.select_related("course", "user", "assigned_to", "session__course")
        .filter(pk=pk)
        .first()
        if pk
        else None
    )
    if item is None:
        raise NotFoundError(_("This tailor-made request does not exist."))
    return item


def tailormade_note_list(item: TailorMadeRequest) -> QuerySet[TailorMadeNote]:
    """The request's notes, oldest first (a timeline), with their authors."""
    return item.notes.select_related("author").order_by("created_at", "pk")


def tailormade_assignable_users() -> QuerySet:
    """Who may handle a request: active accounts allowed to change requests."""
    User = get_user_model()
    return (
        User.objects.filter(is_active=True)
        .filter(
            Q(is_superuser=True)
            | Q(groups__permissions__codename="change_tailormaderequest")
            | Q(user_permissions__codename="change_tailormaderequest")
        )
        .distinct()
        .order_by("last_name", "first_name", "email")
    )


def tailormade_actions_allowed(item: TailorMadeRequest) -> list[str]:
    """The transitions the request's current status allows (names of ``TRANSITIONS``)."""
    return [name for name, rule in TRANSITIONS.items() if _transition_allowed(item, rule)]


# --- The pipeline -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Transition:
    sources: tuple[str, ...]
    target: str
    audit: str  # the verb of ``training.tailormade.<verb>``


TRANSITIONS: dict[str, Transition] = {
    "qualify": Transition((T.NEW,), T.QUALIFIED, "qualified"),
    "send_quote": Transition((T.QUALIFIED, T.QUOTE_SENT), T.QUOTE_SENT, "quote_sent"),
    "win": Transition((T.QUOTE_SENT,), T.WON, "won"),
    "lose": Transition((T.NEW, T.QUALIFIED, T.QUOTE_SENT), T.LOST, "lost"),
    "reopen": Transition((T.LOST, T.WON), T.NEW, "reopened"),
}


def _transition_allowed(item: TailorMadeRequest, rule: Transition) -> bool:
    if item.status not in rule.sources:
        return False
    # A won request that became a session stays won: the session depends on it.
    return not (rule.target == T.NEW and item.session_id)


def tailormade_request_transition(
    *,
    request: TailorMadeRequest,
    action: str,
    actor,
    quote_amount: Any = None,
    lost_reason: str = "",
    now: datetime.datetime | None = None,
) -> TailorMadeRequest:
    """Move a request along the pipeline (see ``TRANSITIONS``).

    ``send_quote`` needs ``quote_amount`` (euros, ≥ 0); ``lose`` needs ``lost_reason``;
    ``reopen`` clears the reason (the audit keeps it). A won request that has a private session
    cannot be reopened.
    Side effects: audit ``training.tailormade.<qualified|quote_sent|won|lost|reopened>``;
    ``status_changed_at`` set.
    Errors: TransitionNotAllowed; TailorMadeInvalid (missing amount or reason).
    """
    now = now or timezone.now()
    rule = TRANSITIONS.get(action)
    if rule is None:
        raise TransitionNotAllowed()
    amount = None
    if action == "send_quote":
        try:
            amount = Decimal(str(quote_amount).strip().replace(",", "."))
        except (InvalidOperation, AttributeError):
            amount = None
        if quote_amount in (None, "") or amount is None or not amount.is_finite() or amount < 0:
            raise TailorMadeInvalid(
                _("Give the amount of the quote in euros (zero or more)."),
                extra={"fields": {"quote_amount": str(_("Give the amount of the quote."))}},
            )
        amount = amount.quantize(Decimal("0.01"))
        if amount >= Decimal("10000000"):
            raise TailorMadeInvalid(_("The amount of the quote is too large."))
    reason = (lost_reason or "").strip()
    if action == "lose" and not reason:
        raise TailorMadeInvalid(
            _("Say why the request was lost."),
            extra={"fields": {"lost_reason": str(_("Say why the request was lost."))}},
        )
    with transaction.atomic():
        item = TailorMadeRequest.objects.select_for_update().get(pk=request.pk)
        if not _transition_allowed(item, rule):
            raise TransitionNotAllowed(
                _('A request in the stage "%(status)s" cannot be moved that way.')
                % {"status": item.get_status_display()}
            )
        previous = item.status
        data: dict[str, Any] = {"from": previous, "to": rule.target}
        item.status = rule.target
        item.status_changed_at = now
        fields = ["status", "status_changed_at", "updated_at"]
        if action == "send_quote":
            item.quote_amount = amount
            fields.append("quote_amount")
            data["quote_amount"] = str(amount)
        elif action == "lose":
            item.lost_reason = reason
            fields.append("lost_reason")
            data["reason"] = reason
        elif action == "reopen" and item.lost_reason:
            data["previous_reason"] = item.lost_reason
            item.lost_reason = ""
            fields.append("lost_reason")
        item.save(update_fields=fields)
        audit_log(action=f"training.tailormade.{rule.audit}", actor=actor, obj=item, data=data)
    return item


def tailormade_request_assign(*, request: TailorMadeRequest, assignee, actor) -> TailorMadeRequest:
    """Give the request to ``assignee`` (None: nobody), who must be allowed to handle requests.

    Side effect: audit ``training.tailormade.assigned``.
    Errors: TailorMadeInvalid when ``assignee`` may not handle requests.
    """
    if assignee is not None and not (assignee.is_active and assignee.has_perm(MANAGE_PERMISSION)):
        raise TailorMadeInvalid(_("This person cannot handle tailor-made requests."))
    with transaction.atomic():
        item = TailorMadeRequest.objects.select_for_update().get(pk=request.pk)
        previous = item.assigned_to_id
        item.assigned_to = assignee
        item.save(update_fields=["assigned_to", "updated_at"])
        audit_log(
            action="training.tailormade.assigned",
            actor=actor,
            obj=item,
            data={"from": previous, "to": assignee.pk if assignee else None},
        )
    return item


def tailormade_note_add(*, request: TailorMadeRequest, body: str, actor) -> TailorMadeNote:
    """Add a dated note by ``actor`` to the request's timeline.

    Side effect: audit ``training.tailormade.note_added``.
    Errors: TailorMadeInvalid (empty or too long).
    """
    body = (body or "").strip()
    if not body:
        raise TailorMadeInvalid(_("Write the note before adding it."))
    if len(body) > NOTE_MAX_LENGTH:
        raise TailorMadeInvalid(
            _("A note has at most %(max)d characters.") % {"max": NOTE_MAX_LENGTH}
        )
    with transaction.atomic():
        note = TailorMadeNote.objects.create(request=request, author=actor, body=body)
        audit_log(
            action="training.tailormade.note_added",
            actor=actor,
            obj=request,
            data={"note": note.pk},
        )
    return note


# --- Won → private session --------------------------------------------------------------------


@dataclass(frozen=True)
class PartData:
    date: datetime.date
    start_time: datetime.time
    end_time: datetime.time
    mode: str = PartMode.ONSITE


def _catalogue_for(item: TailorMadeRequest) -> CourseIndexPage | None:
    if item.course_id:
        parent = item.course.get_parent().specific
        if isinstance(parent, CourseIndexPage):
            return parent
    default = settings.LANGUAGE_CODE
    return (
        CourseIndexPage.objects.filter(locale__language_code=default).order_by("path").first()
        or CourseIndexPage.objects.order_by("path").first()
    )


def _draft_course_create(item: TailorMadeRequest, *, actor) -> CoursePage:
    catalogue = _catalogue_for(item)
    if catalogue is None:
        raise ConversionInvalid(_("There is no course catalogue page to put the new course in."))
    title = item.topic[:255]
    base = slugify(title)[:60] or "formation-sur-mesure"
    slug, n = base, 1
    siblings = set(catalogue.get_children().values_list("slug", flat=True))
    while slug in siblings:
        n += 1
        slug = f"{base}-{n}"
    # Nothing else from the request is copied: it is the client's text, not public copy.
    course = CoursePage(title=title, slug=slug, live=False)
    catalogue.add_child(instance=course)
    # A revision, so the draft opens in the page editor like any other draft.
    course.save_revision(user=actor if getattr(actor, "is_authenticated", False) else None)
    return course


def tailormade_session_create(
    *,
    request: TailorMadeRequest,
    actor,
    parts: list[PartData],
    course: CoursePage | None = None,
    new_course: bool = False,
    capacity: int | None = None,
    place_name: str = "",
    address: str = "",
) -> Session:
    """Turn a won request into a private session, in one transaction.

    Either of an existing ``course``, or (``new_course=True``) of a new unpublished course page
    under the catalogue, titled from the request's topic, for staff to complete. The session is
    private, open, without approval, of ``capacity`` seats (default: the audience size), with
    one part per item of ``parts``; the request is linked to it.
    Side effects: audit ``training.tailormade.converted``; maybe a new draft ``CoursePage``.
    Errors: ConflictError (not won, or already has a session); ConversionInvalid.
    """
    errors: dict[str, str] = {}
    if bool(course) == bool(new_course):
        errors["course"] = str(_("Choose a course of the catalogue, or a new course."))
    if not parts:
        errors["parts"] = str(_("Give at least one date."))
    for part in parts:
        if part.end_time <= part.start_time:
            errors["parts"] = str(_("Each part must end after it starts."))
        if part.mode not in PartMode.values:
            errors["parts"] = str(_("Choose on site or remote for each part."))
    capacity = request.audience_size if capacity in (None, "") else capacity
    try:
        capacity = int(capacity)
    except (TypeError, ValueError):
        capacity = -1
    if capacity < 1:
        errors["capacity"] = str(_("The capacity must be at least 1."))
    if errors:
        raise ConversionInvalid(extra={"fields": errors})
    with transaction.atomic():
        item = TailorMadeRequest.objects.select_for_update().get(pk=request.pk)
        if item.status != T.WON:
            raise ConflictError(_("Only a won request can become a private session."))
        if item.session_id:
            raise ConflictError(_("This request already has its private session."))
        if new_course:
            course = _draft_course_create(item, actor=actor)
        modes = {part.mode for part in parts}
        session = Session.objects.create(
            course=course,
            title=item.structure_name[:200],
            status=SessionStatus.OPEN,
            capacity=capacity,
            approval_required=False,
            is_private=True,
            place_name=(place_name or "").strip()[:255],
            address=(address or "").strip(),
            is_remote=modes == {PartMode.REMOTE},
        )
        for order, part in enumerate(sorted(parts, key=lambda p: (p.date, p.start_time))):
            SessionPart.objects.create(
                session=session,
                sort_order=order,
                date=part.date,
                start_time=part.start_time,
                end_time=part.end_time,
                mode=part.mode,
            )
        item.session = session
        item.save(update_fields=["session", "updated_at"])
        audit_log(
            action="training.tailormade.converted",
            actor=actor,
            obj=item,
            data={"session": session.pk, "course": course.pk, "new_course": bool(new_course)},
        )
    return session


# --- Invitations to private sessions ----------------------------------------------------------


_NAMED_ADDRESS = re.compile(r"^(?P<name>[^<>]*)<(?P<address>[^<>]*)>$")


@dataclass
class InvitationLine:
    number: int
    text: str
    message: str


@dataclass
class ParsedInvitations:
    entries: list[tuple[str, str]] = field(default_factory=list)  # (name, lower-case e-mail)
    errors: list[InvitationLine] = field(default_factory=list)
    duplicates: int = 0


def invitation_lines_parse(text: str) -> ParsedInvitations:
    """Read one address per line (``Name <address>`` or ``address``); blank lines are skipped,
    repeated addresses counted once, invalid lines reported with their line number."""
    result = ParsedInvitations()
    seen: set[str] = set()
    for number, raw in enumerate((text or "").splitlines(), start=1):
        line = raw.strip().rstrip(",;").strip()
        if not line:
            continue
        match = _NAMED_ADDRESS.match(line)
        if match:
            name, address = match["name"].strip().strip("\"'").strip(), match["address"]
        else:
            name, address = "", line
        address = address.strip().lower()
        valid = bool(address) and not any(char.isspace() or char in "<>" for char in address)
        if valid:
            try:
                validate_email(address)
            except ValidationError:
                valid = False
        if not valid:
            result.errors.append(
                InvitationLine(number, raw.strip()[:200], str(_("not a valid e-mail address")))
            )
            continue
        if address in seen:
            result.duplicates += 1
            continue
        seen.add(address)
        result.entries.append((name.strip()[:200], address))
    return result


@dataclass
class InvitationsResult:
    created: list[SessionInvitation]
    already_invited: int
    duplicates: int
    errors: list[InvitationLine]


def _invitation_language(invitation: SessionInvitation) -> str:
    User = get_user_model()
    account = User.objects.filter(email__iexact=invitation.email).first()
    if account is not None and getattr(account, "preferred_language", None):
        return _language_code(account.preferred_language)
    item = invitation.session.tailor_made_requests.first()
    return _language_code(item.language if item else None)


def invitation_email_render(invitation: SessionInvitation) -> EmailMultiAlternatives:
    """The invitation e-mail: the session and a link to its registration page."""
    session = invitation.session
    language = _invitation_language(invitation)
    with translation.override(language):
        register_url = _absolute(reverse("training:register", args=[session.pk]))
    return _render_mail(
        "tailormade_invitation",
        {
            "invitation": invitation,
            "session": session,
            "course": session.course,
            "parts": list(
                SessionPart.objects.filter(session_id=session.pk).order_by("date", "start_time")
            ),
            "register_url": register_url,
        },
        language,
        invitation.email,
    )


def _mail_invitation(invitation_id: int) -> None:
    def send() -> None:
        invitation = SessionInvitation.objects.select_related("session__course").get(
            pk=invitation_id
        )
        invitation_email_render(invitation).send(fail_silently=False)
        SessionInvitation.objects.filter(pk=invitation_id).update(sent_at=timezone.now())

    _on_commit(send)


def session_invitations_create(*, session: Session, text: str, actor) -> InvitationsResult:
    """Invite the addresses pasted in ``text`` (one per line) to a private session.

    Invalid lines are reported (nothing is created for them); addresses repeated in the text
    or already invited are skipped. Side effects: audit ``training.tailormade.invited`` (one
    entry with the addresses); each new invitation is e-mailed on commit (``sent_at`` set once
    sent).
    Errors: InvitationInvalid (public session, nothing to read, too many lines).
    """
    if not session.is_private:
        raise InvitationInvalid(_("Only private sessions take invitations."))
    if session.status in (SessionStatus.CANCELLED, SessionStatus.COMPLETED):
        raise InvitationInvalid(_("This session is over or cancelled: nobody can be invited."))
    if len((text or "").splitlines()) > INVITATION_MAX_LINES:
        raise InvitationInvalid(
            _("Paste at most %(max)d lines at a time.") % {"max": INVITATION_MAX_LINES}
        )
    parsed = invitation_lines_parse(text)
    if not parsed.entries and not parsed.errors:
        raise InvitationInvalid(_("Paste at least one e-mail address."))
    created: list[SessionInvitation] = []
    with transaction.atomic():
        existing = set(
            SessionInvitation.objects.filter(session=session).values_list("email", flat=True)
        )
        for name, email in parsed.entries:
            if email in existing:
                continue
            invitation = SessionInvitation.objects.create(
                session=session, email=email, name=name, invited_by=actor
            )
            created.append(invitation)
            _mail_invitation(invitation.pk)
        if created:
            audit_log(
                action="training.tailormade.invited",
                actor=actor,
                obj=session,
                data={"emails": [invitation.email for invitation in created]},
            )
    return InvitationsResult(
        created=created,
        already_invited=len(parsed.entries) - len(created),
        duplicates=parsed.duplicates,
        errors=parsed.errors,
    )


def session_invitation_resend(*, invitation: SessionInvitation, actor) -> SessionInvitation:
    """E-mail the invitation again. Side effect: audit ``training.tailormade.invitation_resent``.
    Errors: InvitationInvalid when the session is over or cancelled."""
    if invitation.session.status in (SessionStatus.CANCELLED, SessionStatus.COMPLETED):
        raise InvitationInvalid(_("This session is over or cancelled: nobody can be invited."))
    with transaction.atomic():
        audit_log(
            action="training.tailormade.invitation_resent",
            actor=actor,
            obj=invitation.session,
            data={"email": invitation.email},
        )
        _mail_invitation(invitation.pk)
    return invitation


def session_invitation_delete(*, invitation: SessionInvitation, actor) -> None:
    """Withdraw an invitation: the person can no longer register (a registration already made
    stays; cancel it from the session if needed).
    Side effect: audit ``training.tailormade.invitation_removed``."""
    with transaction.atomic():
        audit_log(
            action="training.tailormade.invitation_removed",
            actor=actor,
            obj=invitation.session,
            data={"email": invitation.email},
        )
        invitation.delete()


def session_invitation_list(session: Session) -> QuerySet[SessionInvitation]:
    return SessionInvitation.objects.filter(session=session).select_related("invited_by")
