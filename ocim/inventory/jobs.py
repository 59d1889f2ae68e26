"""Periodic jobs of the inventory (registered with the scheduler; imported by
InventoryConfig.ready())."""

from datetime import timedelta

from ocim.core.scheduler import register_periodic

from .tasks import compact_directory_counts, refresh_opendata_files
from .tasks_import import purge_import_files

# The triggers add a row per changed cell: adding them up every few minutes keeps the
# directory's counting statement reading a few thousand rows.
register_periodic(
    "inventory.directory_counts.compact", task=compact_directory_counts, every=timedelta(minutes=5)
)
# Uploaded import files may hold personal contacts: kept OCIM_IMPORT_FILES_RETENTION_DAYS.
register_periodic("inventory.import_files.purge", task=purge_import_files, every=timedelta(days=1))
# The unfiltered open-data exports are served from files written ahead (100,000 actors take
# tens of seconds to write): rewritten when the data changed, as often as shared caches may
# keep an export (``Cache-Control: max-age=300``).
register_periodic(
    "inventory.opendata.refresh", task=refresh_opendata_files, every=timedelta(minutes=5)
)
