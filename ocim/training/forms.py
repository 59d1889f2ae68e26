"""Forms of the public training pages: catalogue filters and the registration form."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from ocim.core.forms import AccessibleForm
from ocim.core.models import Concept, Region
from ocim.core.prepared import PreparedRead
from ocim.core.selectors import normalize_search_text

from .models import CourseFormat, CoursePriceOption, Payer
from .selectors import CatalogueFilters
from .validators import validate_siret

MONTHS_AHEAD = 18


MODE_CHOICES = [("", _("On site or remote")), ("onsite", _("On site")), ("remote", _("Remote"))]


def _month_choices(today: dt.date) -> list[tuple[str, str]]:
    choices = [("", _("Any month"))]
    month = today.replace(day=1)
    for _index in range(MONTHS_AHEAD):
        choices.append((month.strftime("%Y-%m"), date_format(month, "YEAR_MONTH_FORMAT")))
        month = (month + dt.timedelta(days=32)).replace(day=1)
    return choices


class CatalogueFilterForm(AccessibleForm):
    """Filters of the catalogue, read from the query string so that URLs can be shared."""

    show_optional = False  # every filter is optional: saying so on each one is noise

    format = forms.ChoiceField(
        label=_("Format"),
        required=False,
        choices=[("", _("All formats")), *CourseFormat.choices],
    )
    domain = forms.ChoiceField(label=_("Domain"), required=False)
    month = forms.ChoiceField(label=_("Month"), required=False)
    region = forms.ModelChoiceField(
        label=_("Region"),
        required=False,
        queryset=Region.objects.order_by("name"),
        empty_label=_("All regions"),
    )
    mode = forms.ChoiceField(label=_("Attendance"), required=False, choices=MODE_CHOICES)
    seats = forms.BooleanField(label=_("Only sessions with seats left"), required=False)

    def __init__(self, *args, today: dt.date | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["month"].choices = _month_choices(today or timezone.localdate())
        # Only the domains some published course uses: the others would give an empty list.
        # Sorted here, accent-insensitively ("Éclairage" between "D" and "F").
        concepts = sorted(
            Concept.objects.filter(courses__live=True).distinct(),
            key=lambda concept: normalize_search_text(concept.label),
        )
        self._domain_ids = {concept.slug: concept.pk for concept in concepts}
        self.fields["domain"].choices = [("", _("All domains"))] + [
            (concept.slug, concept.label) for concept in concepts
        ]

    def filters(self) -> CatalogueFilters:
        """The validated filters; call after ``is_valid()`` returned True."""
        data = self.cleaned_data
        month = None
        if data.get("month"):
            month = dt.date.fromisoformat(f"{data['month']}-01")
        return CatalogueFilters(
            format=data.get("format") or None,
            domain_id=self._domain_ids.get(data.get("domain") or ""),
            month=month,
            region_code=data["region"].pk if data.get("region") else None,
            mode=data.get("mode") or None,
            seats_left_only=bool(data.get("seats")),
        )

    @property
    def is_filtered(self) -> bool:
        return self.is_bound and any(self.data.get(name) for name in self.fields if name != "page")


class LoadedModelChoiceField(forms.ModelChoiceField):
    """A ModelChoiceField whose answer is checked against the options the form already loaded
    (``loaded``: primary key as text → object) instead of a query of its own."""

    loaded: dict[str, object] | None = None

    def to_python(self, value):
        if self.loaded is None:
            return super().to_python(value)
        if value in self.empty_values:
            return None
        option = self.loaded.get(str(value))
        if option is None:
            raise forms.ValidationError(
                self.error_messages["invalid_choice"],
                code="invalid_choice",
                params={"value": value},
            )
        return option

    def __deepcopy__(self, memo):
        result = super().__deepcopy__(memo)
        result.loaded = None  # each form instance loads its own options
        return result


def _course_price_options(course_id):
    return CoursePriceOption.objects.filter(page_id=course_id).order_by("sort_order")


# Written once per process: every registration form (shown or submitted) reads them.
_COURSE_PRICE_OPTIONS = PreparedRead(
    lambda course_id: _course_price_options(course_id).values_list(
        *(field.attname for field in CoursePriceOption._meta.concrete_fields)
    ),
    params=(int,),
)


class RegistrationForm(AccessibleForm):
    """What a participant gives to register to a session (contract fields of Registration)."""

    job_title = forms.CharField(label=_("Job title"), max_length=200)
    employer_name = forms.CharField(label=_("Employer (structure)"), max_length=255)
    employer_siret = forms.CharField(
        label=_("Employer SIRET number"),
        max_length=20,
        required=False,
        help_text=_("14 digits; spaces are allowed."),
    )
    employer_address = forms.CharField(
        label=_("Employer address"), widget=forms.Textarea(attrs={"rows": 3})
    )
    payer = forms.ChoiceField(label=_("Who pays for the training?"), choices=Payer.choices)
    price_option = LoadedModelChoiceField(
        label=_("Price option"),
        queryset=CoursePriceOption.objects.none(),
        empty_label=None,
        widget=forms.RadioSelect,
    )
    signatory_name = forms.CharField(
        label=_("Person who signs the agreement (name)"), max_length=200
    )
    signatory_email = forms.EmailField(label=_("Person who signs the agreement (e-mail)"))
    admin_contact_name = forms.CharField(
        label=_("Administrative contact (name)"), max_length=200, required=False
    )
    admin_contact_email = forms.EmailField(
        label=_("Administrative contact (e-mail)"), required=False
    )
    expectations = forms.CharField(
        label=_("Your expectations"),
        help_text=_("What do you expect from this training? What is your current practice?"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=5000,
    )
    accommodation_needs = forms.CharField(
        label=_("Disability or accommodation needs"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
    )
    consent = forms.BooleanField(
        label=_(
            "I agree that Ocim processes these data to manage my registration and the "
            "training agreement."
        )
    )
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args, course=None, **kwargs):
        super().__init__(*args, **kwargs)
        options = CoursePriceOption.objects.none()
        loaded = []
        if course is not None:
            # A course page or its id (a submitted form needs no more than the id).
            course_id = getattr(course, "pk", course)
            options = _course_price_options(course_id)
            # One read gives the choices and validates the answer.
            loaded = _COURSE_PRICE_OPTIONS.instances(CoursePriceOption, course_id)
        if not loaded:
            del self.fields["price_option"]
            return
        field = self.fields["price_option"]
        field.queryset = options
        field.loaded = {str(option.pk): option for option in loaded}

    def clean_employer_siret(self):
        value = "".join(self.cleaned_data.get("employer_siret", "").split())
        if value:
            validate_siret(value)
        return value

    def registration_data(self) -> dict:
        data = {
            name: value
            for name, value in self.cleaned_data.items()
            if name not in ("consent", "idempotency_key")
        }
        data["consent_at"] = timezone.now()
        return data
