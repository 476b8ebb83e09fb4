"""The suite's measured durations (tests/durations.json) name existing modules, and the slowest groups are dealt
out first."""

from __future__ import annotations

import json
from dataclasses import dataclass

from tests.architecture.importgraph import REPO
from tests.support.suite_order import DURATIONS, slowest_first


@dataclass
class _Item:
    nodeid: str


def test_measured_durations_name_existing_modules() -> None:
    measured = json.loads(DURATIONS.read_text())
    assert len(measured) > 50
    assert [m for m in measured if not (REPO / m).is_file()] == []
    assert all(d["seconds"] >= 0 and d["tests"] >= 1 for d in measured.values())


def test_slowest_groups_first_and_unmeasured_ones_last_in_their_order() -> None:
    measured = {"tests/a.py": {"seconds": 10, "tests": 2}, "tests/b.py": {"seconds": 600, "tests": 1},
                "tests/c.py": {"seconds": 30, "tests": 3}}
    items = [_Item(n) for n in ("tests/a.py::x", "tests/new.py::y", "tests/c.py::z", "tests/a.py::w",
                                "tests/b.py::v", "tests/c.py::u", "tests/other.py::t")]
    groups = ["a", "new", "dash", "a", "b", "dash", "other"]  # c's tests in the shared group "dash"
    got = [i.nodeid for i in slowest_first(items, groups, measured)]
    assert got == ["tests/b.py::v", "tests/c.py::z", "tests/c.py::u", "tests/a.py::x", "tests/a.py::w",
                   "tests/new.py::y", "tests/other.py::t"]
