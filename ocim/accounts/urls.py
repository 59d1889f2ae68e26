from django.urls import path
from django.utils.translation import gettext_lazy as _

from . import views

app_name = "accounts"

urlpatterns = [
    path(_("account/login/"), views.login_view, name="login"),
    path(_("account/logout/"), views.logout_view, name="logout"),
    path(_("account/sign-up/"), views.signup, name="signup"),
    path(_("account/sign-up/check-your-inbox/"), views.signup_done, name="signup_done"),
    path(_("account/confirm/<str:token>/"), views.verify_email, name="verify_email"),
    path(_("account/confirmation-link/"), views.verification_resend, name="verification_resend"),
    path(_("account/password/forgotten/"), views.password_reset, name="password_reset"),
    path(
        _("account/password/forgotten/sent/"), views.password_reset_done, name="password_reset_done"
    ),
    path(
        _("account/password/new/<uidb64>/<token>/"),
        views.password_reset_confirm,
        name="password_reset_confirm",
    ),
    path(_("account/password/change/"), views.password_change, name="password_change"),
    path(_("account/"), views.profile, name="profile"),
    path(_("account/edit/"), views.profile_edit, name="profile_edit"),
    path(_("account/my-data/"), views.data_export, name="data_export"),
    path(_("account/delete/"), views.account_delete, name="account_delete"),
]
