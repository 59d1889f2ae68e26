"""Local development and the embedded default (`make run`)."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DEBUG", True)
# A development key is fine here: these settings never serve production traffic.
SECRET_KEY = env.str("SECRET_KEY", "dev-only-insecure-key-change-me")
