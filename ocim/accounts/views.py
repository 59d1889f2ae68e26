"""Account pages: thin views that parse a form, call a service and render."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth import logout, update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.tokens import default_token_generator
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.http import urlencode
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from ocim.core.errors import ApplicationError

from . import forms, services
from .sections import account_sections


@method_decorator(never_cache, name="dispatch")
class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    form_class = forms.LoginForm
    redirect_authenticated_user = True


login_view = LoginView.as_view()
logout_view = auth_views.LogoutView.as_view()


@sensitive_post_parameters("password1", "password2")
@never_cache
def signup(request):
    if request.user.is_authenticated:
        return redirect("accounts:profile")
    form = forms.SignupForm(request.POST or None)
    # Where the person was going (e.g. a training registration form): kept through sign-up,
    # the confirmation e-mail and the login that follows.
    next_path = services.next_path_clean(request.POST.get("next") or request.GET.get("next"))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.user_signup(
                email=data["email"],
                password=data["password1"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                job_title=data["job_title"],
                employer_name=data["employer_name"],
                language=get_language() or "fr",
                privacy_consent=data["privacy_consent"],
                next_path=next_path,
            )
        except ApplicationError as error:
            form.add_error(None, error.message)
        else:
            # The same page whether the address was new or not: nothing to enumerate.
            return redirect("accounts:signup_done")
    return render(
        request,
        "accounts/signup.html",
        {"form": form, "next": next_path},
        status=_status(request, form),
    )


def _status(request, form) -> int:
    return 400 if request.method == "POST" and form.errors else 200


def signup_done(request):
    return render(request, "accounts/signup_done.html")


def verify_email(request, token: str):
    try:
        services.email_verify(token=token)
    except ApplicationError as error:
        return render(
            request,
            "accounts/verification_resend.html",
            {"form": forms.EmailForm(), "link_error": error.message},
            status=400,
        )
    messages.success(request, _("Thank you, your e-mail address is confirmed. You can log in."))
    next_path = services.verification_next_path(token=token)
    if next_path:
        return redirect(f"{reverse('accounts:login')}?{urlencode({'next': next_path})}")
    return redirect("accounts:login")


@never_cache
def verification_resend(request):
    form = forms.EmailForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.email_verification_resend(email=form.cleaned_data["email"])
        return redirect("accounts:signup_done")
    return render(
        request, "accounts/verification_resend.html", {"form": form}, status=_status(request, form)
    )


@never_cache
def password_reset(request):
    form = forms.EmailForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.password_reset_request(email=form.cleaned_data["email"])
        return redirect("accounts:password_reset_done")
    return render(
        request, "accounts/password_reset.html", {"form": form}, status=_status(request, form)
    )


def password_reset_done(request):
    return render(request, "accounts/password_reset_done.html")


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Django's link checking (token moved out of the URL), our form and service."""

    template_name = "accounts/password_reset_confirm.html"
    form_class = forms.NewPasswordForm
    token_generator = default_token_generator
    success_url = reverse_lazy("accounts:login")

    def form_valid(self, form):
        services.password_reset_complete(
            user=self.user, password=form.cleaned_data["new_password1"]
        )
        del self.request.session[auth_views.INTERNAL_RESET_SESSION_TOKEN]
        messages.success(self.request, _("Your password has been changed. You can log in."))
        return redirect(self.get_success_url())

    def form_invalid(self, form):
        response = super().form_invalid(form)
        response.status_code = 400
        return response

    def dispatch(self, *args, **kwargs):
        response = super().dispatch(*args, **kwargs)
        if not self.validlink and response.status_code == 200:
            response.status_code = 400  # an invalid or used link is a bad request, not a page
        return response


password_reset_confirm = PasswordResetConfirmView.as_view()


@login_required
@sensitive_post_parameters()
@never_cache
def password_change(request):
    form = forms.ChangePasswordForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.password_change(user=request.user, password=form.cleaned_data["new_password1"])
        update_session_auth_hash(request, request.user)
        messages.success(request, _("Your password has been changed."))
        return redirect("accounts:profile")
    return render(
        request, "accounts/password_change.html", {"form": form}, status=_status(request, form)
    )


@login_required
def profile(request):
    return render(
        request,
        "accounts/profile.html",
        # What other apps show here (subscriptions, follows…), registered in ``sections``.
        {"profile_user": request.user, "sections": account_sections(request)},
    )


@login_required
def profile_edit(request):
    form = forms.ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        # The ModelForm wrote the cleaned values on the instance; reload so the service compares
        # with what is stored.
        changes = {name: form.cleaned_data[name] for name in services.PROFILE_FIELDS}
        request.user.refresh_from_db()
        services.profile_update(user=request.user, **changes)
        messages.success(request, _("Your profile has been saved."))
        return redirect("accounts:profile")
    if request.method == "POST":
        request.user.refresh_from_db()
    return render(
        request, "accounts/profile_edit.html", {"form": form}, status=_status(request, form)
    )


@login_required
@require_POST
def data_export(request):
    data = services.user_data_export(user=request.user)
    filename = f"ocim-personal-data-{timezone.localdate():%Y-%m-%d}.json"
    response = HttpResponse(
        json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
@sensitive_post_parameters("password")
@never_cache
def account_delete(request):
    form = forms.DeleteAccountForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        services.user_delete(user=request.user)
        logout(request)
        messages.success(request, _("Your account and your personal data have been deleted."))
        return redirect("/" + (get_language() or "fr") + "/")
    return render(
        request, "accounts/account_delete.html", {"form": form}, status=_status(request, form)
    )
