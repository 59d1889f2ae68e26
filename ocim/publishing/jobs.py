"""Periodic jobs of the publishing app (imported by PublishingConfig.ready())."""

from datetime import timedelta

from ocim.core.scheduler import register_periodic

from .tasks import lift_wall

# Hourly: an article that opens today is announced within the hour after midnight.
register_periodic("publishing.wall.lift", task=lift_wall, every=timedelta(hours=1))
