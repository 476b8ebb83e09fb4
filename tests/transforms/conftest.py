"""Fixtures: the tiny dbt world of tests/support/dbt_world.py (``world``, ``in_world``, ``wh``), built once per
test process."""

from tests.support.dbt_world import in_world, wh, world

__all__ = ["in_world", "wh", "world"]
