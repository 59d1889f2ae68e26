"""The facets of the search page, rendered in Python: a search lists up to a hundred facet
values, and the template language took about 70 µs each (most of a page's rendering)."""

from django import template
from django.utils.formats import number_format
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext

register = template.Library()


@register.simple_tag
def search_facets(facets, exact: bool = True):
    """The fieldsets of the facets: ``facets`` is a list of (name, legend, values), each value
    a ``FacetValue`` (checkbox, label, count; counts marked "about" when not ``exact``)."""
    about = (
        ""
        if exact
        else format_html(
            '<span aria-hidden="true">≈ </span><span class="visually-hidden">{} </span>',
            gettext("about"),
        )
    )
    fieldsets = []
    for name, legend, values in facets:
        items = format_html_join(
            "\n",
            '<li class="form-field--checkbox"><input type="checkbox" name="{0}" value="{1}" '
            'id="facet-{0}-{2}"{3}> <label for="facet-{0}-{2}">{4} <span class="meta">'
            "({5}{6})</span></label></li>",
            (
                (
                    name,
                    value.value,
                    position,
                    " checked" if value.selected else "",
                    value.label,
                    about if value.count else "",
                    number_format(value.count, force_grouping=True),
                )
                for position, value in enumerate(values, start=1)
            ),
        )
        fieldsets.append(
            format_html(
                '<fieldset class="search-facet" data-facet="{}">\n<legend>{}</legend>\n'
                "<ul>\n{}\n</ul>\n</fieldset>",
                name,
                legend,
                items,
            )
        )
    return format_html_join("\n", "{}", ((fieldset,) for fieldset in fieldsets))
