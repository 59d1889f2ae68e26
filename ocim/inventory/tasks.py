"""Background tasks of the inventory (thin: they call a service, and are safe to run twice).
The import's own tasks are in ``tasks_import``."""

from django_tasks import task

from .directory_counts import directory_counts_compact


@task()
def compact_directory_counts() -> int:
    """Add up the directory's facet cells written since the last time; returns the number of
    rows removed."""
    return directory_counts_compact()
