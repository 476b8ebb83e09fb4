"""A dbt state file of another shape (``"lake": [...]``, a damaged or hand-edited file) made every build fail with
AttributeError naming no file, the second run too; it now means "not built from this state": a whole build."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.cli import scn_home


@pytest.mark.parametrize("lake", [[1, 2], "x", {"posts": 3}, {"posts": ["a"]}])
def test_a_state_of_another_shape_is_not_current(tmp_path: Path, lake: object) -> None:
    from assets.transforms.state import built_from
    from scn.settings import settings

    with scn_home(tmp_path / "home"):
        good = {"project": "p1", "home": str(settings().home), "lake": {"posts": "abc"}, "as_of": "2026-01-01",
                "planned_until": None}
        assert built_from(good, "p1")
        assert not built_from({**good, "lake": lake}, "p1")


@pytest.mark.parametrize(("as_of", "planned_until", "today", "current"), [
    ("2026-03-01", None, "2027-06-01", True),  # nothing planned: current whatever the day
    ("2026-03-01", "2026-04-10", "2026-04-09", True),
    ("2026-03-01", "2026-04-10", "2026-04-10", False),  # the planned activity starts: rebuild
    ("2026-03-01", "2026-04-10", "2026-02-28", False),  # an as-of date before the build's: rebuild
    (None, None, "2026-03-01", False),  # a state of a build before as-of dates were recorded
    ("2026-03-01", 5, "2026-03-02", False),
])
def test_a_warehouse_holds_until_its_first_planned_activity_starts(tmp_path: Path, as_of: object,
                                                                   planned_until: object, today: str,
                                                                   current: bool) -> None:
    from datetime import date

    from assets.transforms.state import built_from
    from scn.settings import override, settings

    with scn_home(tmp_path / "home"), override(as_of=date.fromisoformat(today)):
        state = {"project": "p1", "home": str(settings().home), "lake": {}, "as_of": as_of,
                 "planned_until": planned_until}
        assert built_from(state, "p1") is current
