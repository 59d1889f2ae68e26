from django.urls import path
from django.utils.translation import gettext_lazy as _

from . import views, views_tailormade

app_name = "training"

urlpatterns = [
    path(_("training/sessions.ics"), views.catalogue_ical, name="catalogue_ical"),
    path(_("training/sessions/<int:pk>.ics"), views.session_ical, name="session_ical"),
    path(_("training/sessions/<int:pk>/register/"), views.register, name="register"),
    path(_("training/offers/<str:token>/accept/"), views.offer_accept_view, name="offer_accept"),
    path(_("training/offers/<str:token>/decline/"), views.offer_decline_view, name="offer_decline"),
    path(_("training/tailor-made/"), views_tailormade.request_form, name="tailormade_request"),
    path(
        _("training/tailor-made/thank-you/"),
        views_tailormade.request_thanks,
        name="tailormade_thanks",
    ),
    path(_("training/my-registrations/"), views.my_registrations, name="my_registrations"),
    path(
        _("training/my-registrations/<int:pk>/cancel/"),
        views.my_registration_cancel,
        name="my_registration_cancel",
    ),
]
