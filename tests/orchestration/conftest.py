"""The orchestration tests share one Dagster webserver + daemon (``scheduled_world``, tests/support/scheduled_world.py)."""

from tests.support.scheduled_world import scheduled_world

__all__ = ["scheduled_world"]
