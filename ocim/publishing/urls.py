from django.urls import path
from django.utils.translation import gettext_lazy as _

from . import views

app_name = "publishing"

urlpatterns = [
    path(_("lettre/articles/<int:pk>/pdf/"), views.article_pdf, name="article_pdf"),
    path(_("lettre/issues/<int:pk>/pdf/"), views.issue_pdf, name="issue_pdf"),
]
