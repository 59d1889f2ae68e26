"""The public directory of actors and each actor's page.

Views parse and render: the filters come from ``ActorFilters.from_query`` (values it does not
understand are reported, never an error), the reads from ``ocim.inventory.directory``.
"""

from __future__ import annotations

import json
import logging
from html import escape as _escape
from urllib.parse import quote, urlencode

from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.formats import localize
from django.utils.html import strip_tags
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_safe

from ocim.core.sanitiser import sanitise_html

from .directory import actor_public_get, directory_search, page_number
from .filters import ActorFilters
from .models import ActorStatus
from .related import related_sections
from .search import query_words

logger = logging.getLogger(__name__)

# Escapes that make JSON safe inside a <script> element (as Django's json_script does).
_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}
# Families whose actors are museal places for schema.org.
_MUSEUM_FAMILIES = {"musees"}


def _json_for_script(data) -> str:
    return mark_safe(json.dumps(data, ensure_ascii=False).translate(_SCRIPT_ESCAPES))


def _query_without(filters: ActorFilters, name: str, value: str) -> str:
    pairs = [(key, item) for key, item in filters.as_query() if (key, item) != (name, value)]
    return urlencode(pairs)


def _facet_rows(facets, *, exact: bool = True) -> list[dict]:
    """The facets that have values, each with its list items written here: a checkbox and
    its label with the count in words ("12 actors", "≈ 1,200 actors" when ``exact`` is false:
    estimated from a sample). About 200 values a page: written in Python with the standard
    library's escaping (Django's template engine, then ``format_html``, cost 25 µs a value, a
    sixth of the page's time); each count's words are looked up once."""
    about = (
        ""
        if exact
        else '<span aria-hidden="true">≈ </span><span class="visually-hidden">'
        f"{_escape(_('about'))} </span>"
    )
    count_texts: dict[int, str] = {}
    rows = []
    for facet in facets:
        if not facet.values:
            continue
        name = _escape(str(facet.name))
        items = []
        for number, value in enumerate(facet.values, start=1):
            count = value.count
            count_text = count_texts.get(count)
            if count_text is None:
                count_text = count_texts[count] = _escape(
                    ngettext("%(counter)s actor", "%(counter)s actors", count)
                    % {"counter": localize(count)}
                )
            items.append(
                f'<li class="form-field--checkbox"><input type="checkbox" name="{name}" '
                f'value="{_escape(str(value.value))}" id="facet-{name}-{number}"'
                f"{' checked' if value.selected else ''}> "
                f'<label for="facet-{name}-{number}">{_escape(str(value.label))} '
                f'<span class="meta">({about if count else ""}{count_text})</span></label></li>'
            )
        # Every value was escaped above.
        rows.append({"facet": facet, "items": mark_safe("\n".join(items))})
    return rows


def _with_links(actors) -> list:
    """The actors with the address of their page (``public_url``): the URL is reversed once,
    not once an actor (a sixth of the template's time)."""
    before, after = reverse("inventory:actor", kwargs={"slug": "slug-here"}).split("slug-here")
    actors = list(actors)
    for actor in actors:
        actor.public_url = f"{before}{quote(actor.slug)}{after}"
    return actors


@require_safe
def directory(request):
    """The directory: search box, facets with counts, one page of actors. Any query string is
    answered: values not understood are reported and left out, the page is clamped."""
    filters, problems = ActorFilters.from_query(request.GET)
    results = directory_search(filters, page=page_number(request.GET.get("page")))
    if results.no_words:
        problems.append(
            _(
                "Your search has no word that can be searched: type words of at least two "
                "letters (punctuation and very common words are ignored)."
            )
        )
    page = results.page
    chosen = []
    for facet in results.facets:
        for value in facet.values:
            if value.selected:
                chosen.append(
                    {
                        "facet": facet.label,
                        "label": value.label,
                        "remove_query": _query_without(filters, facet.name, value.value),
                    }
                )
    context = {
        "filters": filters,
        "results": results,
        "page_obj": page,
        "actors": _with_links(page.object_list),
        "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
        "filter_query": urlencode(filters.as_query()),
        "problems": problems + results.problems,
        "chosen": chosen,
        "facet_rows": _facet_rows(results.facets, exact=results.facets_exact),
        "closed": ActorStatus.CLOSED,
        "searched": bool(query_words(filters.q)),
    }
    return render(request, "inventory/directory/directory.html", context)


# --- The actor page --------------------------------------------------------------------------


def _identifier_links(actor) -> list[dict]:
    """(label, value, url or "") of each identifier the actor has, linking to its register."""
    registers = [
        (
            _("SIRET"),
            actor.siret,
            f"https://annuaire-entreprises.data.gouv.fr/etablissement/{actor.siret}",
        ),
        (
            _("Muséofile"),
            actor.museofile,
            f"https://www.pop.culture.gouv.fr/notice/museo/{actor.museofile}",
        ),
        (_("Wikidata"), actor.wikidata, f"https://www.wikidata.org/wiki/{actor.wikidata}"),
        (_("ROR"), actor.ror, f"https://ror.org/{actor.ror}"),
        (_("OpenStreetMap"), actor.osm, f"https://www.openstreetmap.org/{actor.osm}"),
        (_("RNA"), actor.rna, ""),
        (_("UAI"), actor.uai, ""),
        (_("RNSR"), actor.rnsr, ""),
    ]
    return [
        {"label": label, "value": value, "url": url} for label, value, url in registers if value
    ]


def _social_links(actor) -> list[dict]:
    """The actor's social links that are web addresses (anything else is not linked)."""
    links = []
    for item in actor.social_links if isinstance(actor.social_links, list) else []:
        if not isinstance(item, dict):
            continue
        url = str(item.get("url") or "")
        if url.startswith(("https://", "http://")):
            links.append({"network": str(item.get("network") or url), "url": url})
    return links


def actor_jsonld(actor, request, *, description: str, image_url: str = "") -> dict:
    """schema.org ``Museum`` (museums) or ``Organization`` with its address and coordinates."""
    is_museum = actor.family.slug in _MUSEUM_FAMILIES
    data: dict = {
        "@context": "https://schema.org",
        "@type": "Museum" if is_museum else "Organization",
        "name": actor.name,
        "url": request.build_absolute_uri(),
    }
    other_names = [name.strip() for name in actor.other_names.splitlines() if name.strip()]
    if other_names:
        data["alternateName"] = other_names
    if description:
        data["description"] = Truncator(description).chars(500)
    address = {"@type": "PostalAddress", "addressCountry": "FR"}
    if actor.street:
        address["streetAddress"] = actor.street
    if actor.postal_code:
        address["postalCode"] = actor.postal_code
    if actor.commune_id:
        address["addressLocality"] = actor.commune.name
    if actor.region_id:
        address["addressRegion"] = actor.region.name
    data["address"] = address
    if actor.latitude is not None and actor.longitude is not None:
        geo = {"@type": "GeoCoordinates", "latitude": actor.latitude, "longitude": actor.longitude}
        if is_museum:
            data["geo"] = geo
        else:
            data["location"] = {"@type": "Place", "address": address, "geo": geo}
    if actor.email:
        data["email"] = actor.email
    if actor.phone:
        data["telephone"] = actor.phone
    if actor.year_founded:
        data["foundingDate"] = str(actor.year_founded)
    if image_url:
        data["image"] = request.build_absolute_uri(image_url)
    same_as = [actor.website] if actor.website else []
    if actor.wikidata:
        same_as.append(f"https://www.wikidata.org/wiki/{actor.wikidata}")
    if actor.ror:
        same_as.append(f"https://ror.org/{actor.ror}")
    same_as += [link["url"] for link in _social_links(actor)]
    if same_as:
        data["sameAs"] = same_as
    if actor.parent_id:
        data["parentOrganization"] = {"@type": "Organization", "name": actor.parent.name}
    return data


@require_safe
def actor_detail(request, slug: str):
    """An actor's public page (never its contact persons: they are for Ocim's staff)."""
    actor = actor_public_get(slug)
    if actor is None:
        raise Http404(_("No actor has this address."))
    description_html = sanitise_html(actor.description)
    description_text = " ".join(strip_tags(description_html).split())
    image_url = ""
    rendition = None
    if actor.image_id:
        try:
            rendition = actor.image.get_rendition("max-800x600")
            image_url = rendition.url
        except OSError:  # wagtail.images.models.SourceImageIOError among them
            # The image's file is missing or unreadable: the page shows without it.
            logger.warning("Image %s of actor %s cannot be read", actor.image_id, actor.pk)
    context = {
        "actor": actor,
        "description": mark_safe(description_html),
        "identifiers": _identifier_links(actor),
        "social_links": _social_links(actor),
        "other_names": [name.strip() for name in actor.other_names.splitlines() if name.strip()],
        "labels": list(actor.labels.all()),
        "concepts": list(actor.concepts.all()),
        "children": list(actor.children.all()),
        "visitor_counts": list(actor.visitor_counts.all()),
        "related": related_sections(actor, request=request),
        "rendition": rendition,
        "jsonld": _json_for_script(
            actor_jsonld(actor, request, description=description_text, image_url=image_url)
        ),
        "directory_url": reverse("inventory:directory"),
        "closed": ActorStatus.CLOSED,
    }
    return render(request, "inventory/directory/actor.html", context)
