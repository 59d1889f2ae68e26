"""What the platform's searches show beside their results (the publishing search, the
inventory's directory): the values of a facet, each with the number of results it would give
and whether it is chosen. Each search counts its own; the shape is shared."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class FacetValue:
    value: str  # as sent back in the query string
    label: str  # as shown
    count: int
    selected: bool
