"""Reads about accounts."""

from __future__ import annotations

from .models import User


def user_get_by_email(*, email: str) -> User | None:
    """The account whose address is ``email``, compared case-insensitively (None when absent)."""
    email = (email or "").strip()
    if not email:
        return None
    return User.objects.filter(email__iexact=email).first()
