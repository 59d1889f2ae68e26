"""Content related to an actor, from the other modules (courses it hosts, articles about it,
watch items…), shown on the actor's public page.

A module registers a provider once, from its ``AppConfig.ready``::

    from ocim.inventory.related import related_provider_register

    def courses_hosted(actor, *, request=None):
        sessions = ...  # at most a few links, one query
        return RelatedSection(title=_("Courses hosted"), links=[RelatedLink(...), ...])

    related_provider_register("training.courses", courses_hosted)

A provider returns a ``RelatedSection`` (or None when it has nothing for this actor). It must
only return public content: the page shows what it gets. The inventory does not import the
other modules: they come to it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class RelatedLink:
    title: str
    url: str
    detail: str = ""  # a date, a place, an issue number…


@dataclass
class RelatedSection:
    title: str
    links: list[RelatedLink] = field(default_factory=list)


Provider = Callable[..., "RelatedSection | None"]
_providers: dict[str, Provider] = {}


def related_provider_register(key: str, provider: Provider) -> None:
    """Register (or replace, under the same ``key``) a provider of related content."""
    _providers[key] = provider


def related_provider_unregister(key: str) -> None:
    _providers.pop(key, None)


def related_sections(actor, *, request=None) -> list[RelatedSection]:
    """The non-empty sections of every provider, in the order they were registered. A provider
    that fails is logged and left out: the actor's page still shows."""
    sections = []
    for key, provider in list(_providers.items()):
        try:
            section = provider(actor, request=request)
        except Exception:
            logger.exception("Related content provider %s failed for actor %s", key, actor.pk)
            continue
        if section is not None and section.links:
            sections.append(section)
    return sections
