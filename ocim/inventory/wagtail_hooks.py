"""Back office of the inventory (Wagtail loads this module of each app)."""

from . import wagtail_hooks_import  # noqa: F401  # import: the actor import views
