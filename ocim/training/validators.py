"""Validators for registration data (the SIRET ones are shared: ``ocim.core.validators``)."""

from ocim.core.validators import normalise_siret, siret_is_valid, validate_siret

__all__ = ["normalise_siret", "siret_is_valid", "validate_siret"]
