"""The order pytest-xdist deals tests out in: the groups that took longest in a measured run first."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol, TypeVar

# seconds each test module took in a measured run (scripts/test_durations.py); a module not listed counts 0
DURATIONS = Path(__file__).resolve().parents[1] / "durations.json"


class _Test(Protocol):
    nodeid: str


T = TypeVar("T", bound=_Test)


def slowest_first(items: Sequence[T], groups: Sequence[str], measured: dict | None = None) -> list[T]:
    """``items`` with the groups that took longest in the measured run (``measured``, by default
    tests/durations.json) first, a stable sort: pytest-xdist deals groups out in this order
    (``--no-loadscope-reorder``), so the long ones start at once on both workers and the short ones fill in at
    the end. A test weighs its module's seconds over its module's tests."""
    if measured is None:
        measured = json.loads(DURATIONS.read_text()) if DURATIONS.exists() else {}
    weight: dict[str, float] = {}
    for item, group in zip(items, groups, strict=True):
        module = measured.get(item.nodeid.split("::")[0], {})
        weight[group] = weight.get(group, 0.0) + module.get("seconds", 0.0) / max(module.get("tests", 1), 1)
    order = sorted(range(len(items)), key=lambda i: -weight[groups[i]])
    return [items[i] for i in order]
