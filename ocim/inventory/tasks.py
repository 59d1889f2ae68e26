"""Background tasks of the inventory (thin: they call a service, and are safe to run twice).
The import's own tasks are in ``tasks_import``."""

from django_tasks import task

from .directory_counts import directory_counts_compact
from .opendata_prebuilt import opendata_prebuilt_refresh


@task()
def compact_directory_counts() -> int:
    """Add up the directory's facet cells written since the last time; returns the number of
    rows removed."""
    return directory_counts_compact()


@task()
def refresh_opendata_files() -> list[str]:
    """Write the open-data files of the whole inventory again if the data changed; returns
    the formats written."""
    return opendata_prebuilt_refresh()
