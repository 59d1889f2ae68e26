"""Forms of tailor-made training: the public request form and the staff forms of the pipeline,
the conversion into a private session and the invitations."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _
from wagtail.admin.widgets import AdminDateInput, AdminTimeInput

from .forms import AccessibleForm
from .models import CoursePage, PartMode
from .selectors import course_list_for_tailormade
from .tailormade import AUDIENCE_MAX, AUDIENCE_MIN, NOTE_MAX_LENGTH, PartData
from .validators import validate_siret

_phone = RegexValidator(
    r"^\+?[0-9 .()/-]{6,30}$",
    _("Enter a telephone number: digits, spaces and + . ( ) - only."),
)


class CourseChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.title


class TailorMadeRequestForm(AccessibleForm):
    """What an organisation tells us about the training it needs (public, no login)."""

    structure_name = forms.CharField(
        label=_("Name of your structure"),
        max_length=255,
        error_messages={"required": _("Give the name of your structure.")},
    )
    structure_siret = forms.CharField(
        label=_("SIRET number"),
        max_length=20,
        required=False,
        help_text=_("14 digits; spaces are allowed."),
    )
    structure_address = forms.CharField(
        label=_("Address"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    contact_name = forms.CharField(
        label=_("Your name"),
        max_length=200,
        error_messages={"required": _("Give the name of the person we should contact.")},
    )
    contact_job_title = forms.CharField(label=_("Your job title"), max_length=200, required=False)
    contact_email = forms.EmailField(
        label=_("Your e-mail address"),
        max_length=254,
        error_messages={"required": _("Give an e-mail address where we can answer you.")},
    )
    contact_phone = forms.CharField(
        label=_("Your telephone number"), max_length=40, required=False, validators=[_phone]
    )
    topic = forms.CharField(
        label=_("Topic of the training"),
        max_length=255,
        help_text=_("For example: preventive conservation of textiles, welcoming visitors."),
        error_messages={"required": _("Tell us the topic of the training you need.")},
    )
    course = CourseChoiceField(
        label=_("Closest course in our catalogue"),
        queryset=CoursePage.objects.none(),
        required=False,
        empty_label=_("None in particular"),
    )
    description = forms.CharField(
        label=_("Your needs and context"),
        help_text=_("Who are the participants, what do they do today, what should change?"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=5000,
        error_messages={"required": _("Describe your needs in a few lines.")},
    )
    audience_size = forms.IntegerField(
        label=_("Number of participants"),
        min_value=AUDIENCE_MIN,
        max_value=AUDIENCE_MAX,
        error_messages={
            "required": _("Give the number of participants."),
            "invalid": _("Give the number of participants as a whole number."),
            "min_value": _("There is at least one participant."),
            "max_value": _("For more than %(limit_value)s participants, write to us directly."),
        },
    )
    wished_dates = forms.CharField(
        label=_("Wished dates or period"), max_length=255, required=False
    )
    place = forms.CharField(
        label=_("Wished place"),
        max_length=255,
        required=False,
        help_text=_("Your premises, a town, or remote."),
    )
    budget = forms.DecimalField(
        label=_("Budget (euros, excluding tax)"),
        required=False,
        min_value=Decimal("0"),
        max_digits=9,
        decimal_places=2,
        error_messages={
            "invalid": _("Give the budget in euros, as a number (or leave it empty)."),
            "min_value": _("The budget cannot be negative."),
        },
    )
    consent = forms.BooleanField(
        label=_(
            "I agree that Ocim processes these data to answer my request and prepare a proposal."
        ),
        error_messages={
            "required": _("Your agreement is needed for us to process your request and answer you.")
        },
    )
    # Honeypot: hidden from people (CSS and aria-hidden); robots fill every field they find.
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=64, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["course"].queryset = course_list_for_tailormade()

    def clean_structure_siret(self):
        value = "".join(self.cleaned_data.get("structure_siret", "").split())
        if value:
            validate_siret(value)
        return value

    @property
    def is_spam(self) -> bool:
        return bool((self.data.get("website") or "").strip())

    def request_data(self) -> dict:
        return {
            name: value
            for name, value in self.cleaned_data.items()
            if name not in ("website", "idempotency_key")
        }


# --- Staff forms ------------------------------------------------------------------------------


class NoteForm(forms.Form):
    body = forms.CharField(
        label=_("Note"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=NOTE_MAX_LENGTH,
        error_messages={"required": _("Write the note before adding it.")},
    )


class AssignForm(forms.Form):
    assignee = forms.ModelChoiceField(
        label=_("Handled by"), queryset=None, required=False, empty_label=_("Nobody")
    )

    def __init__(self, *args, users=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = users
        self.fields["assignee"].label_from_instance = lambda u: u.get_full_name() or u.email


class QuoteForm(forms.Form):
    quote_amount = forms.DecimalField(
        label=_("Amount of the quote (euros)"),
        min_value=Decimal("0"),
        max_digits=9,
        decimal_places=2,
        error_messages={"required": _("Give the amount of the quote.")},
    )


class LostForm(forms.Form):
    lost_reason = forms.CharField(
        label=_("Why was it lost?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
        error_messages={"required": _("Say why the request was lost.")},
    )


class PartForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=AdminDateInput)
    start_time = forms.TimeField(label=_("Start time"), widget=AdminTimeInput)
    end_time = forms.TimeField(label=_("End time"), widget=AdminTimeInput)
    mode = forms.ChoiceField(label=_("Mode"), choices=PartMode.choices, initial=PartMode.ONSITE)

    def has_changed(self):
        # An extra part left blank is ignored even though its mode select always has a value.
        return any(name in self.changed_data for name in ("date", "start_time", "end_time"))

    def clean(self):
        data = super().clean()
        start, end = data.get("start_time"), data.get("end_time")
        if start and end and end <= start:
            self.add_error("end_time", _("The end time must be after the start time."))
        return data


PartFormSet = forms.formset_factory(
    PartForm, extra=3, min_num=1, validate_min=True, max_num=30, validate_max=True
)

COURSE_EXISTING, COURSE_NEW = "existing", "new"


class ConversionForm(forms.Form):
    """The private session made from a won request (the parts are a formset beside it)."""

    course_choice = forms.ChoiceField(
        label=_("Course"),
        choices=[
            (COURSE_EXISTING, _("A course of the catalogue")),
            (COURSE_NEW, _("A new course (an unpublished draft, titled from the topic)")),
        ],
        widget=forms.RadioSelect,
        initial=COURSE_EXISTING,
    )
    course = CourseChoiceField(
        label=_("Course of the catalogue"), queryset=CoursePage.objects.none(), required=False
    )
    capacity = forms.IntegerField(label=_("Capacity"), min_value=1, max_value=AUDIENCE_MAX)
    place_name = forms.CharField(label=_("Place"), max_length=255, required=False)
    address = forms.CharField(
        label=_("Address"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["course"].queryset = CoursePage.objects.order_by("title")

    def clean(self):
        data = super().clean()
        if data.get("course_choice") == COURSE_EXISTING and not data.get("course"):
            self.add_error("course", _("Choose the course of the session."))
        return data

    @staticmethod
    def parts_from(formset) -> list[PartData]:
        return [
            PartData(
                date=form.cleaned_data["date"],
                start_time=form.cleaned_data["start_time"],
                end_time=form.cleaned_data["end_time"],
                mode=form.cleaned_data["mode"],
            )
            for form in formset.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]


class InvitationForm(forms.Form):
    emails = forms.CharField(
        label=_("E-mail addresses"),
        help_text=_('One per line; "First Last <address>" is accepted.'),
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={"required": _("Paste at least one e-mail address.")},
    )
