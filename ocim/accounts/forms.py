"""Forms parse and validate; services do the writing."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib.auth import authenticate, password_validation
from django.contrib.auth.forms import AuthenticationForm, SetPasswordForm
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms.auth import LoginForm as WagtailLoginForm

from . import throttling
from .models import User
from .services import PROFILE_FIELDS, login_failure_record, login_success_record

PASSWORD_HELP = _(
    "At least 12 characters. No rule about digits or symbols: a sentence of several words that "
    "you can remember is both strong and easy to type. Common passwords are refused, even with "
    "capitals, digits or symbols added."
)


def client_ip(request) -> str | None:
    # REMOTE_ADDR only: a later setting may trust a proxy header, never by default.
    return (request.META.get("REMOTE_ADDR") or None) if request is not None else None


class AccessibleFormMixin:
    """Sets the autocomplete attributes and turns required fields into `required` markup."""

    autocomplete: dict[str, str] = {}

    def _set_autocomplete(self):
        for name, value in self.autocomplete.items():
            if name in self.fields:
                self.fields[name].widget.attrs["autocomplete"] = value


class ThrottledLoginMixin:
    """Throttling and e-mail verification for any AuthenticationForm (site and Wagtail admin).

    Order: a waiting client is refused before the password is even checked (so a right
    password during a wait is refused too); a failure is counted; an unverified account is
    refused only after a correct password, so the message reveals nothing to a stranger.
    """

    def clean(self):
        email = (self.cleaned_data.get("username") or "").strip()
        password = self.cleaned_data.get("password")
        ip = client_ip(self.request)
        if email and password:
            wait = throttling.wait_seconds(email=email, ip=ip)
            if wait:
                raise forms.ValidationError(throttling.wait_message(wait), code="throttled")
            self.user_cache = authenticate(self.request, username=email, password=password)
            if self.user_cache is None:
                login_failure_record(email=email, ip=ip)
                raise self.get_invalid_login_error()
            self.confirm_login_allowed(self.user_cache)
            login_success_record(email=email)
        return self.cleaned_data

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        if not user.is_email_verified:
            raise forms.ValidationError(
                _(
                    "Your e-mail address is not confirmed yet. Open the link we sent you, or "
                    "ask for a new one."
                ),
                code="unverified",
            )


class LoginForm(ThrottledLoginMixin, AccessibleFormMixin, AuthenticationForm):
    """The site's login form (Django's AuthenticationForm with throttling and verification)."""

    error_messages = {
        "invalid_login": _("The e-mail address or the password is incorrect."),
        "inactive": _("This account is inactive."),
    }
    autocomplete = {"username": "email", "password": "current-password"}

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.fields["username"].label = _("E-mail address")
        self.fields["username"].widget = forms.EmailInput(attrs={"autofocus": True})
        self.fields["password"].label = _("Password")
        self._set_autocomplete()


class AdminLoginForm(ThrottledLoginMixin, WagtailLoginForm):
    """Wagtail admin login with the same throttling and verification as the site."""


class SignupForm(AccessibleFormMixin, forms.Form):
    email = forms.EmailField(label=_("E-mail address"), max_length=254)
    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    job_title = forms.CharField(label=_("Job title"), max_length=200, required=False)
    employer_name = forms.CharField(
        label=_("Employer"),
        max_length=255,
        required=False,
        help_text=_("The museum, association, company or institution you work for."),
    )
    password1 = forms.CharField(
        label=_("Password"), strip=False, widget=forms.PasswordInput, help_text=PASSWORD_HELP
    )
    password2 = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput,
        help_text=_("Type the same password again, to rule out a typing mistake."),
    )
    privacy_consent = forms.BooleanField(
        label=_("I have read and I accept the privacy policy."),
        error_messages={"required": _("You must accept the privacy policy to create an account.")},
    )

    autocomplete = {
        "email": "email",
        "first_name": "given-name",
        "last_name": "family-name",
        "job_title": "organization-title",
        "employer_name": "organization",
        "password1": "new-password",
        "password2": "new-password",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._set_autocomplete()

    def clean(self):
        cleaned = super().clean()
        password1, password2 = cleaned.get("password1"), cleaned.get("password2")
        if password1 and password2 and password1 != password2:
            self.add_error("password2", _("The two passwords do not match."))
        elif password1:
            candidate = User(
                email=cleaned.get("email") or "",
                first_name=cleaned.get("first_name") or "",
                last_name=cleaned.get("last_name") or "",
            )
            try:
                password_validation.validate_password(password1, candidate)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class EmailForm(AccessibleFormMixin, forms.Form):
    email = forms.EmailField(label=_("E-mail address"), max_length=254)
    autocomplete = {"email": "email"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._set_autocomplete()


class NewPasswordForm(AccessibleFormMixin, SetPasswordForm):
    """Choose a new password (reset link). Django's SetPasswordForm with our labels."""

    autocomplete = {"new_password1": "new-password", "new_password2": "new-password"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].label = _("New password")
        self.fields["new_password1"].help_text = PASSWORD_HELP
        self.fields["new_password2"].label = _("New password again")
        self.fields["new_password2"].help_text = ""
        self.error_messages = {
            **self.error_messages,
            "password_mismatch": _("The two passwords do not match."),
        }
        self._set_autocomplete()


class ChangePasswordForm(NewPasswordForm):
    """Change the password of a signed-in user: the current one first."""

    old_password = forms.CharField(
        label=_("Current password"), strip=False, widget=forms.PasswordInput
    )
    field_order = ["old_password", "new_password1", "new_password2"]
    autocomplete = {**NewPasswordForm.autocomplete, "old_password": "current-password"}

    def clean_old_password(self):
        old = self.cleaned_data["old_password"]
        if not self.user.check_password(old):
            raise forms.ValidationError(
                _("Your current password is incorrect."), code="password_incorrect"
            )
        return old


class ProfileForm(AccessibleFormMixin, forms.ModelForm):
    class Meta:
        model = User
        fields = PROFILE_FIELDS
        labels = {
            "first_name": _("First name"),
            "last_name": _("Last name"),
            "job_title": _("Job title"),
            "employer_name": _("Employer"),
            "preferred_language": _("Preferred language"),
        }
        help_texts = {
            "preferred_language": _("The language of the e-mails we send you."),
        }

    autocomplete = {
        "first_name": "given-name",
        "last_name": "family-name",
        "job_title": "organization-title",
        "employer_name": "organization",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["first_name"].required = True
        self.fields["last_name"].required = True
        self.fields["preferred_language"].choices = settings.LANGUAGES
        self._set_autocomplete()


class DeleteAccountForm(AccessibleFormMixin, forms.Form):
    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput,
        help_text=_("To confirm that it really is you."),
    )
    autocomplete = {"password": "current-password"}

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)
        self._set_autocomplete()

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(
                _("This password is incorrect; your account has not been deleted."),
                code="password_incorrect",
            )
        return password
