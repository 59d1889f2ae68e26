"""Periodic jobs of the publishing app (imported by PublishingConfig.ready())."""

from datetime import timedelta

from ocim.core.scheduler import register_periodic

from .tasks import lift_wall, publish_scheduled

# Imported here because this module is what PublishingConfig.ready() loads: the receivers that
# publish an issue's approved articles with it must be connected in every process.
from .workflow import receivers  # noqa: F401

# Hourly: an article that opens today is announced within the hour after midnight.
register_periodic("publishing.wall.lift", task=lift_wall, every=timedelta(hours=1))
# Every minute: a page scheduled for 9:00 is live by 9:01 (Wagtail's go-live/expiry times).
register_periodic(
    "publishing.pages.publish_scheduled", task=publish_scheduled, every=timedelta(minutes=1)
)
