"""The Wagtail admin's user screens for Ocim's e-mail user model.

Adds the profile fields to Wagtail's forms, compares addresses case-insensitively (the database
refuses two addresses differing only by case, which would otherwise end in an error page), marks
accounts created by staff as verified, and deletes accounts through the GDPR service.
"""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.users.forms import UserCreationForm, UserEditForm
from wagtail.users.views import users as wagtail_users

from . import services
from .models import User

PROFILE_FIELDS = ("job_title", "employer_name", "preferred_language")


class _CaseInsensitiveEmailMixin:
    def _clean_username(self):
        email = self.cleaned_data.get("email")
        if not email:
            return None
        others = User.objects.filter(email__iexact=email)
        if self.instance.pk is not None:
            others = others.exclude(pk=self.instance.pk)
        if others.exists():
            self.add_error(
                "email",
                forms.ValidationError(
                    _("A user with this e-mail address already exists."),
                    code="duplicate_username",
                ),
            )
        return email


class OcimUserCreationForm(_CaseInsensitiveEmailMixin, UserCreationForm):
    class Meta(UserCreationForm.Meta):
        fields = UserCreationForm.Meta.fields | set(PROFILE_FIELDS)

    def save(self, commit=True):
        user = super().save(commit=False)
        # Staff who create an account vouch for its address.
        user.email_verified_at = user.email_verified_at or timezone.now()
        if commit:
            user.save()
            self.save_m2m()
        return user


class OcimUserEditForm(_CaseInsensitiveEmailMixin, UserEditForm):
    class Meta(UserEditForm.Meta):
        fields = UserEditForm.Meta.fields | set(PROFILE_FIELDS)


class DeleteView(wagtail_users.DeleteView):
    def delete_action(self):
        # Through the service: personal data erased as registered, evidence anonymised.
        services.user_delete(user=self.object, actor=self.request.user)


class UserViewSet(wagtail_users.UserViewSet):
    delete_view_class = DeleteView

    def get_form_class(self, for_update=False):
        return OcimUserEditForm if for_update else OcimUserCreationForm
