"""The collect sensor lives with the schedules (``assets.collect.schedules``): both read the same entries."""

from assets.collect.schedules import collect_sensor

__all__ = ["collect_sensor"]
