"""The one typed reader of the process environment.

Every setting that comes from the environment goes through ``env``: values are parsed
strictly ("False" is false, "maybe" is an error) so a typo fails at start-up instead of
silently flipping a behaviour. A ``.env`` file at the project root is read first, without
overriding variables already set by the process.
"""

from __future__ import annotations

import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}
_MISSING = object()


def read_dotenv(path: Path) -> None:
    """Load KEY=VALUE lines from ``path`` into os.environ (existing variables win)."""
    if not path.is_file():
        return
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, value = line.split("=", 1)
        key = key.strip().removeprefix("export ").strip()
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        os.environ.setdefault(key, value)


class Env:
    def __init__(self, environ=None):
        self._environ = os.environ if environ is None else environ

    def _raw(self, name: str, default):
        value = self._environ.get(name)
        if value is None:
            if default is _MISSING:
                raise ImproperlyConfigured(f"The environment variable {name} is required.")
            return None
        return value

    def str(self, name: str, default=_MISSING) -> str | None:
        value = self._raw(name, default)
        return default if value is None else value

    def bool(self, name: str, default=_MISSING) -> bool:
        value = self._raw(name, default)
        if value is None:
            return default
        lowered = value.strip().lower()
        if lowered in _TRUE:
            return True
        if lowered in _FALSE:
            return False
        raise ImproperlyConfigured(f"{name} must be a boolean (true/false), got {value!r}.")

    def int(self, name: str, default=_MISSING) -> int:
        value = self._raw(name, default)
        if value is None:
            return default
        try:
            return int(value.strip())
        except ValueError as exc:
            raise ImproperlyConfigured(f"{name} must be an integer, got {value!r}.") from exc

    def list(self, name: str, default=_MISSING) -> list[str]:
        value = self._raw(name, default)
        if value is None:
            return list(default)
        return [item.strip() for item in value.split(",") if item.strip()]


env = Env()
