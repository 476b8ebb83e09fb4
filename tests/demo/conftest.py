"""One small demo world (seed 11), generated once for the demo tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from scn.demo import World, generate, simulate


@pytest.fixture(scope="session")
def demo_world(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    """(inbox folder, summary) of generate(seed=11, size='small')."""
    home = tmp_path_factory.mktemp("demo-a")
    summary = generate(home, seed=11, size="small")
    return home / "inbox", summary


@pytest.fixture(scope="session")
def world() -> World:
    """simulate(seed=11, size='small'): what generate wrote."""
    return simulate(11, "small")
