from django.urls import path
from django.utils.translation import gettext_lazy as _

from . import views

app_name = "accounts"

urlpatterns = [
    path(_("account/login/"), views.login_view, name="login"),
    path(_("account/logout/"), views.logout_view, name="logout"),
    path(_("account/"), views.profile, name="profile"),
]
