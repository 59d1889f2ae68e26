"""Sections that other apps add to the account page ("My account"), without accounts knowing
them: an app registers a provider (usually from its ``AppConfig.ready``), and the account page
shows what each provider returns for the person viewing it.

A provider is a callable ``provider(request) -> AccountSection | None`` (None: nothing to show
for this person). It must stay cheap: it runs on every view of the account page.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class AccountSection:
    """What a provider shows: a template (rendered inside the account page, its headings start at
    ``h2``) and its context (under the name ``section`` in that template)."""

    template_name: str
    context: dict = field(default_factory=dict)


SectionProvider = Callable[[object], AccountSection | None]

_providers: dict[str, tuple[int, SectionProvider]] = {}


def register_account_section(name: str, provider: SectionProvider, *, order: int = 100) -> None:
    """Add ``provider`` to the account page, sections shown by ``order`` then name. Registering
    the same ``name`` again replaces the provider (so a reloaded module does not show twice)."""
    _providers[name] = (order, provider)


def account_sections(request) -> list[AccountSection]:
    """The sections to show to ``request.user`` on the account page, in order."""
    sections = []
    for _name, (_order, provider) in sorted(
        _providers.items(), key=lambda item: (item[1][0], item[0])
    ):
        section = provider(request)
        if section is not None:
            sections.append(section)
    return sections
