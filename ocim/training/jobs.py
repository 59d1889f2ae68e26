"""Periodic jobs of the training app (imported by TrainingConfig.ready())."""

from datetime import timedelta

from ocim.core.scheduler import register_periodic

from .tasks import expire_offers

register_periodic("training.offers.expire", task=expire_offers, every=timedelta(minutes=15))
