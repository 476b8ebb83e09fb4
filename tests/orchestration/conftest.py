"""The orchestration tests share one Dagster webserver + daemon (``scheduled_world``, tests/support/scheduled_world.py),
stopped once this folder's last test has run."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.scheduled_world import close_world, scheduled_world

__all__ = ["scheduled_world"]
HERE = Path(__file__).parent


def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> None:
    """After the last test of this folder (in this process), stop the shared webserver and daemon."""
    if nextitem is None or HERE not in Path(nextitem.path).parents:
        close_world()
