"""Every write about accounts: sign-up, verification, passwords, profile, GDPR, demo users."""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core import signing
from django.core.cache import cache
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext_lazy as _

from ocim.core import personal_data
from ocim.core.audit import audit_log
from ocim.core.errors import ApplicationError

from . import throttling
from .models import User
from .roles import ROLES, role_group, roles_ensure
from .selectors import user_get_by_email

VERIFICATION_SALT = "ocim.accounts.email-verification"
VERIFICATION_MAX_AGE = 3 * 24 * 60 * 60  # three days
# At most one mail of a kind to one address in this many seconds (stops inbox flooding through
# the public sign-up, resend and reset forms).
MAIL_COOLDOWN = 60
DEMO_DOMAIN = "demo.ocim.fr"


class VerificationLinkError(ApplicationError):
    default_message = _(
        "This confirmation link is invalid or has expired. Ask for a new one below."
    )
    default_code = "verification_link_invalid"


# --- Mail -------------------------------------------------------------------------------------


def _absolute(path: str) -> str:
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


def _language_of(user: User | None, fallback: str | None = None) -> str:
    codes = {code for code, _name in settings.LANGUAGES}
    for candidate in (getattr(user, "preferred_language", None), fallback):
        if candidate in codes:
            return candidate
    return settings.LANGUAGE_CODE


def _mail_cooldown_free(kind: str, email: str) -> bool:
    """True (and the cooldown starts) unless a mail of ``kind`` went to ``email`` just now."""
    digest = hashlib.sha256(email.strip().lower().encode()).hexdigest()
    key = f"accounts:mail-cooldown:{kind}:{digest}"
    return cache.add(key, 1, timeout=MAIL_COOLDOWN)


def _send_on_commit(*, to: str, template: str, language: str, context: dict[str, Any]) -> None:
    """Render mail `accounts/email/<template>` (subject, text, HTML); send it on commit."""
    with translation.override(language):
        context = {**context, "site_name": settings.WAGTAIL_SITE_NAME, "language": language}
        subject = " ".join(
            render_to_string(f"accounts/email/{template}_subject.txt", context).split()
        )
        text = render_to_string(f"accounts/email/{template}.txt", context)
        html = render_to_string(f"accounts/email/{template}.html", context)
    message = EmailMultiAlternatives(subject=subject, body=text, to=[to])
    message.attach_alternative(html, "text/html")
    transaction.on_commit(lambda: message.send(fail_silently=False))


def next_path_clean(value: str | None) -> str:
    """``value`` if it is a path of this site ("/fr/formation/…"), else "" (no open redirect:
    no scheme, no host, no protocol-relative "//", no backslash tricks, no control character)."""
    value = (value or "").strip()
    if (
        not value.startswith("/")
        or value.startswith(("//", "/\\"))
        or "\\" in value
        or any(ord(char) < 32 for char in value)
        or len(value) > 500
    ):
        return ""
    return value


def _verification_url(user: User, language: str, next_path: str = "") -> str:
    payload = {"u": user.pk, "e": user.email.lower()}
    if next_path:
        payload["n"] = next_path
    token = signing.dumps(payload, salt=VERIFICATION_SALT)
    with translation.override(language):
        return _absolute(reverse("accounts:verify_email", kwargs={"token": token}))


def _send_verification(user: User, next_path: str = "") -> None:
    language = _language_of(user)
    _send_on_commit(
        to=user.email,
        template="verify_email",
        language=language,
        context={
            "user": user,
            "url": _verification_url(user, language, next_path_clean(next_path)),
            "days": 3,
        },
    )


# --- Sign-up and e-mail verification ----------------------------------------------------------


def user_signup(
    *,
    email: str,
    password: str,
    first_name: str,
    last_name: str,
    job_title: str = "",
    employer_name: str = "",
    language: str = "fr",
    privacy_consent: bool,
    next_path: str = "",
) -> User | None:
    """Create an unverified account and mail it a confirmation link valid three days.

    ``next_path`` (a path of this site, e.g. the training registration form the person came
    from) travels in the signed link: once confirmed, they log in and land back there.

    Rule: the person cannot log in until the address is confirmed. When the address already has
    an account nothing is created and the answer is the same (no account enumeration): the
    owner is mailed instead — a fresh confirmation link if that account is still unverified,
    otherwise a note that someone tried to register with their address. Returns the new user,
    or None when the address was taken. Side effects: audit ``accounts.user.signed_up``, mail
    after commit. Errors: ApplicationError when consent to the privacy policy is missing.
    """
    if not privacy_consent:
        raise ApplicationError(_("You must accept the privacy policy to create an account."))
    email = User.objects.normalize_email(email.strip())
    language = _language_of(None, language)
    with transaction.atomic():
        existing = user_get_by_email(email=email)
        if existing is None:
            user = User(
                email=email,
                first_name=first_name.strip(),
                last_name=last_name.strip(),
                job_title=job_title.strip(),
                employer_name=employer_name.strip(),
                preferred_language=language,
                privacy_consent_at=timezone.now(),
            )
            user.set_password(password)
            try:
                with transaction.atomic():
                    user.save()
            except IntegrityError:
                # Another request registered the same address a moment ago.
                existing = user_get_by_email(email=email)
            else:
                audit_log(action="accounts.user.signed_up", actor=None, obj=user)
                _mail_cooldown_free("verify", email)
                _send_verification(user, next_path)
                return user
        if existing is None:  # pragma: no cover - the row vanished between the two reads
            return None
        if not existing.is_email_verified:
            if _mail_cooldown_free("verify", existing.email):
                _send_verification(existing, next_path)
        elif _mail_cooldown_free("signup-existing", existing.email):
            _send_on_commit(
                to=existing.email,
                template="signup_existing",
                language=_language_of(existing),
                context={
                    "user": existing,
                    "login_url": _url_in("accounts:login", _language_of(existing)),
                    "reset_url": _url_in("accounts:password_reset", _language_of(existing)),
                },
            )
        return None


def _url_in(name: str, language: str) -> str:
    with translation.override(language):
        return _absolute(reverse(name))


def email_verify(*, token: str) -> User:
    """Confirm the address carried by a signed link; idempotent for an already verified one.

    Errors: VerificationLinkError when the link is tampered with, older than three days, or its
    address no longer matches the account. Side effect: audit ``accounts.user.email_verified``.
    """
    try:
        payload = signing.loads(token, salt=VERIFICATION_SALT, max_age=VERIFICATION_MAX_AGE)
        user_id, email = int(payload["u"]), str(payload["e"])
    except (signing.BadSignature, KeyError, TypeError, ValueError) as exc:
        raise VerificationLinkError() from exc
    with transaction.atomic():
        user = User.objects.select_for_update().filter(pk=user_id, is_active=True).first()
        if user is None or user.email.lower() != email:
            raise VerificationLinkError()
        if not user.is_email_verified:
            user.email_verified_at = timezone.now()
            user.save(update_fields=["email_verified_at"])
            audit_log(action="accounts.user.email_verified", actor=user, obj=user)
    return user


def verification_next_path(*, token: str) -> str:
    """The page the person was heading to when they signed up ("" if none), read from a
    confirmation link that ``email_verify`` accepted."""
    try:
        payload = signing.loads(token, salt=VERIFICATION_SALT, max_age=VERIFICATION_MAX_AGE)
    except signing.BadSignature:
        return ""
    return next_path_clean(payload.get("n") if isinstance(payload, dict) else "")


def email_verification_resend(*, email: str) -> None:
    """Mail a new confirmation link when ``email`` has an unverified account; else nothing.

    Always silent (same answer whether the account exists or not); at most one mail a minute.
    """
    user = user_get_by_email(email=email)
    if user is None or user.is_email_verified or not user.is_active:
        return
    with transaction.atomic():
        if _mail_cooldown_free("verify", user.email):
            _send_verification(user)


# --- Login --------------------------------------------------------------------------------------


def login_failure_record(*, email: str, ip: str | None) -> None:
    """Count a failed login for the address and the client; audit when a wait begins/grows.

    Side effect: audit ``accounts.user.login_throttled`` (with the account when it exists).
    """
    if throttling.record_failure(email=email, ip=ip):
        with transaction.atomic():
            audit_log(
                action="accounts.user.login_throttled",
                actor=None,
                obj=user_get_by_email(email=email) if email else None,
                data={"ip": ip or ""},
            )


def login_success_record(*, email: str) -> None:
    throttling.record_success(email=email)


# --- Passwords ----------------------------------------------------------------------------------


def password_reset_request(*, email: str) -> None:
    """Mail a password-reset link to ``email`` when it belongs to an active account.

    Silent either way, so the form reveals nothing about which addresses have an account; at
    most one mail a minute per address. The link (Django's token) is valid
    ``PASSWORD_RESET_TIMEOUT`` seconds and dies once the password changes.
    """
    user = user_get_by_email(email=email)
    # Accounts created by staff (a participant added to a training) have no usable password:
    # the reset link is how their owner sets the first one.
    if user is None or not user.is_active:
        return
    with transaction.atomic():
        if not _mail_cooldown_free("reset", user.email):
            return
        language = _language_of(user)
        with translation.override(language):
            path = reverse(
                "accounts:password_reset_confirm",
                kwargs={
                    "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
                    "token": default_token_generator.make_token(user),
                },
            )
        _send_on_commit(
            to=user.email,
            template="password_reset",
            language=language,
            context={
                "user": user,
                "url": _absolute(path),
                "hours": settings.PASSWORD_RESET_TIMEOUT // 3600,
            },
        )


def password_reset_complete(*, user: User, password: str) -> User:
    """Set a new password from a reset link (token checked by the caller).

    Following the link proves the person reads that mailbox, so an unverified address becomes
    verified. Failure counters of the account are forgotten. Audit ``accounts.user.password_reset``.
    """
    with transaction.atomic():
        user.set_password(password)
        fields = ["password"]
        if not user.is_email_verified:
            user.email_verified_at = timezone.now()
            fields.append("email_verified_at")
        user.save(update_fields=fields)
        audit_log(action="accounts.user.password_reset", actor=user, obj=user)
    throttling.record_success(email=user.email)
    return user


def password_change(*, user: User, password: str) -> User:
    """Replace the password of a signed-in user (old password checked by the form).

    Side effect: audit ``accounts.user.password_changed``; other sessions are invalidated by
    Django's session hash (the caller keeps the current one with update_session_auth_hash).
    """
    with transaction.atomic():
        user.set_password(password)
        user.save(update_fields=["password"])
        audit_log(action="accounts.user.password_changed", actor=user, obj=user)
    return user


# --- Profile --------------------------------------------------------------------------------------

PROFILE_FIELDS = ("first_name", "last_name", "job_title", "employer_name", "preferred_language")


def profile_update(*, user: User, **changes: str) -> User:
    """Update the editable profile fields; unknown fields are an error, not silently dropped.

    Side effect: audit ``accounts.user.profile_updated`` with the names (not values) of the
    changed fields; nothing is written when nothing changed.
    """
    unknown = set(changes) - set(PROFILE_FIELDS)
    if unknown:
        raise ValueError(f"Not profile fields: {sorted(unknown)}")
    if "preferred_language" in changes and changes["preferred_language"] not in dict(
        settings.LANGUAGES
    ):
        raise ApplicationError(_("Choose one of the languages offered."))
    changed = [name for name, value in changes.items() if getattr(user, name) != value]
    if not changed:
        return user
    with transaction.atomic():
        for name in changed:
            setattr(user, name, changes[name].strip())
        user.save(update_fields=changed)
        audit_log(
            action="accounts.user.profile_updated", actor=user, obj=user, data={"fields": changed}
        )
    return user


# --- GDPR ---------------------------------------------------------------------------------


def user_data_export(*, user: User) -> dict:
    """Everything the platform holds about ``user``, as a JSON-ready dict.

    ``profile`` is the account itself; ``records`` holds every registered personal-data field
    (see ocim.core.personal_data) that has rows for the user. Side effect: audit
    ``accounts.user.data_exported`` (recorded before the export, so it appears in it).
    """
    with transaction.atomic():
        audit_log(action="accounts.user.data_exported", actor=user, obj=user)
        return {
            "format": "ocim-personal-data/1",
            "exported_at": timezone.now().isoformat(),
            "profile": personal_data.rows_from_fields(
                User.objects.filter(pk=user.pk),
                (
                    "email",
                    "first_name",
                    "last_name",
                    "job_title",
                    "employer_name",
                    "preferred_language",
                    "date_joined",
                    "last_login",
                    "email_verified_at",
                    "privacy_consent_at",
                    "is_active",
                ),
            )[0]
            | {"groups": sorted(user.groups.values_list("name", flat=True))},
            "records": personal_data.export_user(user),
        }


def user_delete(*, user: User, actor: User | None = None) -> None:
    """Delete an account and everything tied to it, keeping anonymised evidence.

    Rule: every registered personal-data field is erased as declared (deleted, unlinked or
    anonymised — audit entries stay with the actor replaced by "deleted user"), then the user
    row is deleted. ``actor`` is who asked (the person themself when None). Side effect: audit
    ``accounts.user.deleted`` (itself anonymised). Atomic: all or nothing.
    """
    with transaction.atomic():
        audit_log(
            action="accounts.user.deleted",
            actor=actor,
            obj=user,
            data={"by": "self" if actor is None or actor.pk == user.pk else "staff"},
        )
        personal_data.erase_user(user)
        user.delete()


# --- Demo ---------------------------------------------------------------------------------------


def demo_users_ensure() -> list[tuple[str, str, str | None]]:
    """One verified demo account per role (``<role>@demo.ocim.fr``), in the role's group.

    A password is generated (``secrets``) only for an account created now and returned once:
    ``[(role, email, password or None), …]``. Existing accounts are left alone (password None).
    """
    roles_ensure()
    result: list[tuple[str, str, str | None]] = []
    for role in ROLES:
        email = f"{role.key}@{DEMO_DOMAIN}"
        with transaction.atomic():
            user = user_get_by_email(email=email)
            password = None
            if user is None:
                password = secrets.token_urlsafe(15)
                user = User.objects.create_user(
                    email=email,
                    password=password,
                    first_name="Démo",
                    last_name=str(role.label),
                    job_title=str(role.label),
                    employer_name="Ocim",
                    email_verified_at=timezone.now(),
                )
                user.groups.add(role_group(role.key))
                audit_log(action="accounts.user.demo_created", actor=None, obj=user)
        result.append((role.key, email, password))
    return result
