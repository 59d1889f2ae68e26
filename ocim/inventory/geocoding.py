"""Geocoding of actors behind a provider interface.

``geocode(street=, postal_code=, commune=)`` returns where an actor stands and how it was found.
The provider is chosen by the ``OCIM_GEOCODER`` setting:

- ``"commune"`` (default, offline): the commune's representative point from the territory data
  (source ``"commune"``: approximate);
- ``"ign"``: the IGN Géoplateforme geocoding API (``OCIM_GEOCODER_IGN_URL``), asked through the
  platform's SSRF-safe fetch helper only, with a short deadline. An answer below
  ``OCIM_GEOCODER_IGN_MIN_SCORE``, an error, a timeout or an answer that makes no sense falls
  back to the commune's point, so geocoding never fails an import or a save.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from typing import Protocol
from urllib.parse import urlencode

from django.conf import settings

from ocim.core.fetch import FetchError, safe_fetch

from .models import CoordinatesSource

logger = logging.getLogger(__name__)

IGN_DEFAULT_URL = "https://data.geopf.fr/geocodage/search"


@dataclass(frozen=True)
class GeocodeResult:
    latitude: float
    longitude: float
    source: str  # a CoordinatesSource value

    def __iter__(self):
        # ``lat, lon, source = geocode(...)``
        return iter((self.latitude, self.longitude, self.source))


class Geocoder(Protocol):
    def geocode(self, *, street: str, postal_code: str, commune) -> GeocodeResult | None:
        """Where the address is, or None when the provider cannot tell."""


class CommuneGeocoder:
    """Offline: the commune's representative point (approximate)."""

    def geocode(self, *, street: str = "", postal_code: str = "", commune=None):
        if commune is None or commune.latitude is None or commune.longitude is None:
            return None
        return GeocodeResult(commune.latitude, commune.longitude, CoordinatesSource.COMMUNE)


class IgnGeocoder:
    """The IGN Géoplateforme geocoding API (``/geocodage/search``: GeoJSON answer whose
    features carry a ``score`` between 0 and 1)."""

    def __init__(self, *, url: str, min_score: float = 0.5, deadline: float = 5.0):
        self.url = url
        self.min_score = min_score
        self.deadline = deadline

    def query(self, *, street: str, postal_code: str, commune) -> dict[str, str] | None:
        parts = [street.strip()] if street and street.strip() else []
        if not parts:
            # Without a street the commune's own point is as good as the API's answer.
            return None
        if postal_code:
            parts.append(postal_code)
        if commune is not None:
            parts.append(commune.name)
        params = {"q": " ".join(parts)[:200], "limit": "1", "index": "address"}
        if commune is not None:
            params["citycode"] = commune.insee_code
        elif postal_code:
            params["postcode"] = postal_code
        return params

    def geocode(self, *, street: str = "", postal_code: str = "", commune=None):
        params = self.query(street=street, postal_code=postal_code, commune=commune)
        if params is None:
            return None
        separator = "&" if "?" in self.url else "?"
        try:
            result = safe_fetch(
                f"{self.url}{separator}{urlencode(params)}",
                accept="application/geo+json, application/json",
                deadline=self.deadline,
                max_bytes=512 * 1024,
                max_redirects=2,
            )
        except FetchError as error:
            logger.warning("IGN geocoding failed: %s", error)
            return None
        if not result.ok:
            logger.warning("IGN geocoding answered HTTP %s", result.status_code)
            return None
        return self.parse(result.content)

    def parse(self, content: bytes) -> GeocodeResult | None:
        try:
            data = json.loads(content)
            feature = data["features"][0]
            longitude, latitude = (float(value) for value in feature["geometry"]["coordinates"])
            score = float(feature.get("properties", {}).get("score", 0))
        except (ValueError, TypeError, KeyError, IndexError, AttributeError):
            return None
        if score < self.min_score:
            return None
        if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
            return None
        return GeocodeResult(latitude, longitude, CoordinatesSource.GEOCODED)


def geocoder() -> Geocoder:
    """The provider chosen by the settings (read at call time, so tests can switch)."""
    name = getattr(settings, "OCIM_GEOCODER", "commune")
    if name == "ign":
        return IgnGeocoder(
            url=getattr(settings, "OCIM_GEOCODER_IGN_URL", IGN_DEFAULT_URL),
            min_score=getattr(settings, "OCIM_GEOCODER_IGN_MIN_SCORE", 0.5),
            deadline=getattr(settings, "OCIM_GEOCODER_TIMEOUT", 5.0),
        )
    return CommuneGeocoder()


def geocode(
    *, street: str = "", postal_code: str = "", commune=None, provider: Geocoder | None = None
) -> GeocodeResult | None:
    """Coordinates for an address: the provider's answer, else the commune's point, else None
    (no commune, or a commune without a point). Never raises for a provider failure."""
    provider = provider or geocoder()
    found = None
    if not isinstance(provider, CommuneGeocoder):
        found = provider.geocode(street=street, postal_code=postal_code, commune=commune)
    return found or CommuneGeocoder().geocode(commune=commune)
