from django import forms
from django.forms.boundfield import BoundField
from django.utils.translation import gettext_lazy as _

SEARCH_QUERY_MAX_LENGTH = 200


class SearchForm(forms.Form):
    """The site search box. Blank is allowed (it shows the empty state, not an error)."""

    q = forms.CharField(
        label=_("Search terms"),
        max_length=SEARCH_QUERY_MAX_LENGTH,
        required=False,
        strip=True,
        error_messages={
            "max_length": _("Your search is too long: use at most %(limit_value)d characters."),
            "null_characters_not_allowed": _(
                "Your search contains characters that are not allowed."
            ),
        },
    )

    def clean_q(self):
        # Control characters never help a search and confuse some full-text parsers.
        query = self.cleaned_data["q"]
        return "".join(char for char in query if char.isprintable() or char == " ").strip()


class DescribedBoundField(BoundField):
    """Links a field to its error list (aria-describedby) in addition to its help text."""

    def build_widget_attrs(self, attrs, widget=None):
        attrs = super().build_widget_attrs(attrs, widget)
        if self.errors and self.auto_id:
            ids = attrs.get("aria-describedby", "").split()
            if f"{self.auto_id}_error" not in ids:  # Django may have added it already
                ids.append(f"{self.auto_id}_error")
            attrs["aria-describedby"] = " ".join(ids)
        return attrs


class AccessibleForm(forms.Form):
    """A form rendered field by field with ``core/_field.html``: errors and help text are
    announced with their field, and optional fields say so (``show_optional``)."""

    bound_field_class = DescribedBoundField
    show_optional = True
