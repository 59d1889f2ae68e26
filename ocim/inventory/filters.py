"""The filters of the directory, shared by the directory page, the map, the exports and the API:
one query string, the same answer everywhere (``?q=jardin&region=27&family=musees``).

``ActorFilters.from_query`` reads a ``QueryDict`` (or a plain mapping of lists) and never fails:
values it does not understand are left out and reported, in the language of the request.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields

from django.utils.translation import gettext as _

from .models import ActorStatus

MAX_QUERY_LENGTH = 200
MAX_VALUES = 50  # per filter
_SLUG = re.compile(r"[a-z0-9][a-z0-9-]{0,79}")
_CODE = re.compile(r"[0-9][0-9AB]{1,2}")  # INSEE codes of regions and departments (2A, 2B, 971)


@dataclass(frozen=True)
class ActorFilters:
    q: str = ""
    families: tuple[str, ...] = ()  # slugs
    types: tuple[str, ...] = ()  # slugs
    regions: tuple[str, ...] = ()  # INSEE codes
    departments: tuple[str, ...] = ()  # INSEE codes
    labels: tuple[str, ...] = ()  # slugs
    concepts: tuple[str, ...] = ()  # slugs
    statuses: tuple[str, ...] = ()  # ActorStatus values

    # Query-string parameter of each field.
    PARAMETERS = {
        "q": "q",
        "families": "family",
        "types": "type",
        "regions": "region",
        "departments": "department",
        "labels": "label",
        "concepts": "concept",
        "statuses": "status",
    }

    @classmethod
    def from_query(cls, query) -> tuple[ActorFilters, list[str]]:
        """(the filters, the problems found) from a query string's values."""
        problems: list[str] = []

        def values(name: str) -> list[str]:
            getter = getattr(query, "getlist", None)
            raw = getter(name) if getter else query.get(name, [])
            if isinstance(raw, str):
                raw = [raw]
            found = []
            for value in raw:
                found += [part.strip() for part in str(value).split(",") if part.strip()]
            return found

        def checked(name: str, pattern: re.Pattern, *, upper: bool = False) -> tuple[str, ...]:
            kept = []
            for value in values(name):
                value = value.upper() if upper else value.lower()
                if pattern.fullmatch(value) and value not in kept:
                    kept.append(value)
                else:
                    problems.append(
                        _("The filter “%(name)s” does not accept the value “%(value)s”.")
                        % {"name": name, "value": value[:40]}
                    )
            if len(kept) > MAX_VALUES:
                problems.append(
                    _("The filter “%(name)s” accepts at most %(count)d values.")
                    % {"name": name, "count": MAX_VALUES}
                )
                kept = kept[:MAX_VALUES]
            return tuple(kept)

        q = " ".join(values("q"))
        q = q.replace("\x00", "")
        if len(q) > MAX_QUERY_LENGTH:
            problems.append(
                _("The search is limited to %(count)d characters; the rest was left out.")
                % {"count": MAX_QUERY_LENGTH}
            )
            q = q[:MAX_QUERY_LENGTH]
        statuses = []
        for value in values("status"):
            if value in ActorStatus.values and value not in statuses:
                statuses.append(value)
            else:
                problems.append(
                    _("The filter “%(name)s” does not accept the value “%(value)s”.")
                    % {"name": "status", "value": value[:40]}
                )
        filters = cls(
            q=q.strip(),
            families=checked("family", _SLUG),
            types=checked("type", _SLUG),
            regions=checked("region", _CODE, upper=True),
            departments=checked("department", _CODE, upper=True),
            labels=checked("label", _SLUG),
            concepts=checked("concept", _SLUG),
            statuses=tuple(statuses),
        )
        return filters, problems

    def as_query(self) -> list[tuple[str, str]]:
        """The filters as query-string pairs (for links that keep them)."""
        pairs = []
        for item in fields(self):
            value = getattr(self, item.name)
            name = self.PARAMETERS[item.name]
            if isinstance(value, tuple):
                pairs += [(name, part) for part in value]
            elif value:
                pairs.append((name, value))
        return pairs

    def is_empty(self) -> bool:
        return not self.as_query()
