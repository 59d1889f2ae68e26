from django import forms
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
