"""Periodic jobs of the core app (registered with the scheduler)."""
