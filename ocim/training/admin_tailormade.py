"""Back office of tailor-made training requests (imported by wagtail_hooks)."""
