"""Periodic jobs of the inventory (registered with the scheduler; imported by
InventoryConfig.ready())."""

from datetime import timedelta

from ocim.core.scheduler import register_periodic

from .tasks import compact_directory_counts

# The triggers add a row per changed cell: adding them up every few minutes keeps the
# directory's counting statement reading a few thousand rows.
register_periodic(
    "inventory.directory_counts.compact", task=compact_directory_counts, every=timedelta(minutes=5)
)
