"""Periodic jobs of the training app (imported by TrainingConfig.ready())."""

from datetime import timedelta

from ocim.core.scheduler import register_periodic

from .tasks import expire_offers, send_reminders

register_periodic("training.offers.expire", task=expire_offers, every=timedelta(minutes=15))
# Hourly: a reminder goes out within the hour a session enters its last week (or after a move).
register_periodic("training.reminders.send", task=send_reminders, every=timedelta(hours=1))
