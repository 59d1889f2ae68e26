"""Forms of the inventory's back office: the actor with every field, its yearly visitor counts
and its staff-only contact persons (edited inline on the same page).

The forms parse and check what people typed; they write nothing. The views hand the result to
``services.actor_save`` (the only writer of an actor) and ``services_admin.actor_contacts_save``.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django import forms
from django.core.validators import URLValidator
from django.forms import BaseFormSet, formset_factory, inlineformset_factory
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from . import identifiers
from .admin_choosers import actor_chooser_viewset, commune_chooser_viewset
from .models import Actor, ActorContact, ActorStatus, ActorVisitorCount

# Canonical spellings, as the services store them (see services.actor_clean).
_IDENTIFIERS_UPPER = ("museofile", "wikidata", "rna", "uai", "rnsr")
_IDENTIFIERS_LOWER = ("ror", "osm")
# Hosts of the social networks people link to most; any other address is kept as "web".
_NETWORKS = {
    "bsky.app": "bluesky",
    "facebook.com": "facebook",
    "instagram.com": "instagram",
    "linkedin.com": "linkedin",
    "tiktok.com": "tiktok",
    "twitter.com": "x",
    "x.com": "x",
    "youtube.com": "youtube",
    "vimeo.com": "vimeo",
    "flickr.com": "flickr",
    "threads.net": "threads",
}
MAX_SOCIAL_LINKS = 20


def network_of(url: str) -> str:
    host = (urlsplit(url).hostname or "").lower().removeprefix("www.").removeprefix("m.")
    if host in _NETWORKS:
        return _NETWORKS[host]
    # Mastodon and other federated servers have no common host: recognised by the address.
    if urlsplit(url).path.startswith("/@"):
        return "mastodon"
    return "web"


class SocialLinksField(forms.CharField):
    """Social network pages, one address per line; stored as ``[{"network", "url"}]``."""

    widget = forms.Textarea(attrs={"rows": 3})

    def prepare_value(self, value):
        if isinstance(value, list):
            return "\n".join(
                str(item.get("url", "")) if isinstance(item, dict) else str(item) for item in value
            )
        return value

    def to_python(self, value):
        text = super().to_python(value) or ""
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        if len(lines) > MAX_SOCIAL_LINKS:
            raise forms.ValidationError(
                _("At most %(count)d addresses.") % {"count": MAX_SOCIAL_LINKS}
            )
        links = []
        check = URLValidator(schemes=["http", "https"])
        for line in lines:
            try:
                check(line)
            except forms.ValidationError as error:
                raise forms.ValidationError(
                    _("“%(value)s” is not a web address.") % {"value": line[:80]}
                ) from error
            links.append({"network": network_of(line), "url": line})
        return links


class ActorForm(WagtailAdminModelForm):
    """Every field a person edits. The family, department and region are not here: the
    services copy them from the type and the commune."""

    website = forms.URLField(
        label=_("website"), required=False, max_length=500, assume_scheme="https"
    )
    social_links = SocialLinksField(
        label=_("Social networks"),
        required=False,
        help_text=_("One address per line (Mastodon, Instagram, LinkedIn…)."),
    )

    class Meta:
        model = Actor
        fields = [
            "name",
            "other_names",
            "type",
            "labels",
            "legal_status",
            "parent",
            "status",
            "closed_year",
            "year_founded",
            "staff_band",
            "street",
            "postal_code",
            "commune",
            "latitude",
            "longitude",
            "coordinates_source",
            "email",
            "phone",
            "website",
            "social_links",
            "siret",
            "museofile",
            "wikidata",
            "rna",
            "uai",
            "rnsr",
            "ror",
            "osm",
            "concepts",
            "description",
            "image",
            "last_confirmed_on",
            "source",
            "source_id",
        ]
        widgets = {
            "labels": forms.CheckboxSelectMultiple,
            "concepts": forms.CheckboxSelectMultiple,
            "commune": commune_chooser_viewset.widget_class,
            "parent": actor_chooser_viewset.widget_class,
            "other_names": forms.Textarea(attrs={"rows": 2}),
            "description": forms.Textarea(attrs={"rows": 8}),
        }
        help_texts = {
            "description": _(
                "Simple HTML is kept (paragraphs, emphasis, lists, links); anything else is "
                "removed when saved."
            ),
            "commune": _("Its department and region follow."),
            "siret": _("14 digits; spaces are allowed."),
            "wikidata": _("For example Q3329534."),
            "osm": _("For example way/123456."),
        }

    # Groups of fields, in order, for the template (heading, field names).
    SECTIONS = (
        (
            _("Identity"),
            (
                "name",
                "other_names",
                "type",
                "labels",
                "legal_status",
                "parent",
                "status",
                "closed_year",
                "year_founded",
                "staff_band",
            ),
        ),
        (
            _("Address and location"),
            (
                "street",
                "postal_code",
                "commune",
                "latitude",
                "longitude",
                "coordinates_source",
            ),
        ),
        (_("Public contacts"), ("email", "phone", "website", "social_links")),
        (
            _("Identifiers"),
            ("siret", "museofile", "wikidata", "rna", "uai", "rnsr", "ror", "osm"),
        ),
        (_("Description"), ("concepts", "description", "image", "last_confirmed_on")),
        (_("Provenance"), ("source", "source_id")),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["type"].queryset = self.fields["type"].queryset.select_related("family")
        # Identifiers are checked once spelt canonically (clean_<name>), not as typed.
        for name in ("siret", *_IDENTIFIERS_UPPER, *_IDENTIFIERS_LOWER):
            self.fields[name].validators = []

    def sections(self):
        return [(heading, [self[name] for name in names]) for heading, names in self.SECTIONS]

    def clean_siret(self):
        return identifiers.normalise_siret(self.cleaned_data.get("siret") or "")

    def _identifier(self, name: str, *, lower: bool = False) -> str:
        return identifiers.normalise_identifier(self.cleaned_data.get(name) or "", lower=lower)

    def clean_museofile(self):
        return self._identifier("museofile")

    def clean_wikidata(self):
        return self._identifier("wikidata")

    def clean_rna(self):
        return self._identifier("rna")

    def clean_uai(self):
        return self._identifier("uai")

    def clean_rnsr(self):
        return self._identifier("rnsr")

    def clean_ror(self):
        return self._identifier("ror", lower=True)

    def clean_osm(self):
        return self._identifier("osm", lower=True)

    def clean_parent(self):
        parent = self.cleaned_data.get("parent")
        if parent is not None and self.instance.pk:
            # Walk up from the chosen parent: meeting this actor would make a loop.
            seen, current = set(), parent
            while current is not None and current.pk not in seen:
                if current.pk == self.instance.pk:
                    raise forms.ValidationError(
                        _("An actor cannot be its own parent organisation, even indirectly.")
                    )
                seen.add(current.pk)
                current = current.parent
        return parent

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("status") != ActorStatus.CLOSED:
            cleaned["closed_year"] = None
        latitude, longitude = cleaned.get("latitude"), cleaned.get("longitude")
        if (latitude is None) != (longitude is None) and not (
            self.has_error("latitude") or self.has_error("longitude")
        ):
            raise forms.ValidationError(_("Give both the latitude and the longitude, or neither."))
        return cleaned


class VisitorCountForm(forms.Form):
    year = forms.IntegerField(label=_("year"), min_value=1900, max_value=2100)
    visitors = forms.IntegerField(label=_("visitors"), min_value=0, max_value=2_000_000_000)


class BaseVisitorCountFormSet(BaseFormSet):
    def clean(self):
        super().clean()
        years = set()
        for form in self.forms:
            if not form.has_changed() or self._should_delete_form(form) or not form.is_valid():
                continue
            year = form.cleaned_data["year"]
            if year in years:
                raise forms.ValidationError(_("The year %(year)s is given twice.") % {"year": year})
            years.add(year)

    def counts(self) -> dict[int, int]:
        """{year: visitors} of the rows kept (valid formset only)."""
        return {
            form.cleaned_data["year"]: form.cleaned_data["visitors"]
            for form in self.forms
            if form.has_changed() and not self._should_delete_form(form)
        }


VisitorCountFormSet = formset_factory(
    VisitorCountForm,
    formset=BaseVisitorCountFormSet,
    extra=2,
    can_delete=True,
    max_num=200,
    validate_max=True,
)


def visitor_count_formset(data=None, *, actor: Actor | None = None):
    counts = (
        ActorVisitorCount.objects.filter(actor=actor).order_by("-year")
        if actor is not None and actor.pk
        else []
    )
    initial = [{"year": count.year, "visitors": count.visitors} for count in counts]
    return VisitorCountFormSet(data, initial=initial, prefix="visitors")


ContactFormSet = inlineformset_factory(
    Actor,
    ActorContact,
    fields=["name", "role", "email", "phone"],
    extra=1,
    can_delete=True,
    max_num=100,
    validate_max=True,
)


def contact_formset(data=None, *, actor: Actor | None = None):
    return ContactFormSet(data, instance=actor or Actor(), prefix="contacts")
