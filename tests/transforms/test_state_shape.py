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
        good = {"project": "p1", "home": str(settings().home), "lake": {"posts": "abc"}}
        assert built_from(good, "p1")
        assert not built_from({**good, "lake": lake}, "p1")
