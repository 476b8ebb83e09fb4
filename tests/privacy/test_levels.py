"""``scn.privacy.levels.choose`` on hand-made cells: staff get the first level; an official the finest level with
no hidden count (the primary rule and differencing against the published cells), its reason, and the declared
rule (``SMALL_COUNTS``) is the only source of hiding; later levels are built only when needed."""

from __future__ import annotations

import h3
import numpy as np
import pandas as pd
import pytest

from scn.privacy.disclosure import SMALL_COUNTS
from scn.privacy.levels import View, choose, period_at

P7 = h3.cell_to_parent(h3.latlng_to_cell(51.5, -0.12, 8), 7)
KIDS = sorted(h3.cell_to_children(P7, 8))
MONTH = "2026-01"


def _leaves(values: list[int]) -> pd.DataFrame:
    return pd.DataFrame({"cell": KIDS, "period": MONTH, "flagged_posts": values})


def _views(values: list[int], extra: int = 0) -> list[View]:
    """Cells, their res-7 parent and the city month (cells plus ``extra`` events without a cell)."""
    leaves = _leaves(values)
    cells = View("cell8_month", leaves.rename(columns={"cell": "unit"}))
    parent = View("cell7_month", pd.DataFrame({"unit": [P7], "period": [MONTH], "flagged_posts": [sum(values)]}),
                  np.full(len(KIDS), P7, dtype=object))
    city = View("city_month", pd.DataFrame({"unit": ["x"], "period": [MONTH],
                                            "flagged_posts": [sum(values) + extra]}),
                np.full(len(KIDS), "x", dtype=object))
    return [cells, parent, city]


def test_staff_keep_full_detail() -> None:
    c = choose(_views([3, 4, 9, 0, 10, 6, 8]), _leaves([3, 4, 9, 0, 10, 6, 8]), "flagged_posts", "staff", k=5)
    assert (c.level, c.reason) == ("cell8_month", "full_detail") and c.frame["flagged_posts"].notna().all()


def test_official_gets_the_finest_level_without_holes() -> None:
    values = [9, 5, 9, 0, 10, 6, 8]
    assert choose(_views(values), _leaves(values), "flagged_posts", "official", k=5).reason == "finest"
    values = [3, 4, 9, 0, 10, 6, 8]  # two hidden cells summing to 7: (3, 4) or (4, 3), the parent is safe
    c = choose(_views(values), _leaves(values), "flagged_posts", "official", k=5)
    assert (c.level, c.reason, c.finer) == ("cell7_month", "finer_hidden", "cell8_month")
    assert c.hidden_share == pytest.approx(2 / 6) and c.frame["flagged_posts"].tolist() == [40]


def test_differencing_against_the_cells_moves_the_level_up() -> None:
    values = [3, 9, 7, 0, 10, 6, 8]  # one hidden cell: parent 43 - 40 shown = 3
    c = choose(_views(values), _leaves(values), "flagged_posts", "official", k=5)
    assert c.reason == "coarsest_hidden" and c.frame["flagged_posts"].isna().all()
    values = [4, 4, 9, 0, 10, 6, 8]  # two hidden summing to 8: both 4
    assert choose(_views(values), _leaves(values), "flagged_posts", "official",
                  k=5).reason == "coarsest_hidden"
    values = [3, 4, 9, 0, 10, 6, 8]
    views = _views(values, extra=1)[::2]  # cells, then the city total with one event outside them: 7 + 1 = 8
    assert choose(views, _leaves(values), "flagged_posts", "official", k=5).reason == "coarsest_hidden"
    views = _views(values, extra=3)[::2]  # 7 + 3 = 10: nothing pinned
    assert choose(views, _leaves(values), "flagged_posts", "official", k=5).level == "city_month"


def test_the_declared_rule_is_the_only_one(monkeypatch: pytest.MonkeyPatch) -> None:
    for table in ("cell_month", "city_month"):
        monkeypatch.setitem(SMALL_COUNTS, table, tuple(c for c in SMALL_COUNTS[table] if c != "flagged_posts"))
    values = [3, 9, 7, 0, 10, 6, 8]
    c = choose(_views(values), _leaves(values), "flagged_posts", "official", k=5)
    assert (c.level, c.reason) == ("cell8_month", "finest") and 3 in c.frame["flagged_posts"].tolist()


def test_levels_are_built_lazily_and_periods_coarsened() -> None:
    values = [9, 5, 9, 0, 10, 6, 8]

    def views():
        yield _views(values)[0]
        raise AssertionError("a coarser level was built although the finest passed")

    assert choose(views(), _leaves(values), "flagged_posts", "official", k=5).level == "cell8_month"
    months = pd.Series(["2025-11", "2026-01", "2026-06"])
    assert list(period_at(months, "quarter")) == ["2025-Q4", "2026-Q1", "2026-Q2"]
    assert list(period_at(months, "year")) == ["2025", "2026", "2026"]
