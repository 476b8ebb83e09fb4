"""A part shown for an area or the city (flagged posts, hate crimes) beside the counts an official sums from the
cells download (posts, crimes): the part less the cells' shown parts is the hidden parts' sum, and the cells
whose count is shown give their rests (posts not flagged) back from it. ``levels.hidden_units`` hides the part
at such a level where that rest is 1..k-1; a cell with both counts hidden leaves it unknown."""

from __future__ import annotations

import h3
import numpy as np
import pandas as pd
import pytest

from scn.privacy.disclosure import for_audience
from scn.privacy.levels import View, hidden_units

PARENT = h3.cell_to_parent(h3.latlng_to_cell(51.5, -0.12, 8), 7)
KIDS = sorted(h3.cell_to_children(PARENT, 8))[:3]


def _hidden(level: str, posts: tuple[int, ...], flagged: tuple[int, ...], unit: str) -> bool:
    """Whether the part (flagged posts) of one unit and month over the cells ``KIDS`` is hidden at ``level``
    (the unit's counts: the cells' sums, every event in a cell)."""
    cells = KIDS[:len(posts)]
    leaves = pd.DataFrame({"cell": cells, "period": "2025-01", "posts": list(posts), "flagged_posts": list(flagged)})
    units = pd.DataFrame({"unit": [unit], "period": ["2025-01"], "flagged_posts": [sum(flagged)],
                          "posts": [sum(posts)]})
    view = View(level, units, np.full(len(cells), unit, dtype=object))
    return bool(hidden_units(view, leaves, "flagged_posts", k=5)[0])


@pytest.mark.parametrize("level", ["area_month", "city_month"])
@pytest.mark.parametrize(("posts", "flagged", "hidden"), [
    ((5, 6), (3, 4), True),  # posts 11 shown, flagged 7 at the level: 4 not flagged
    ((5, 5, 20), (3, 4, 20), True),  # a shown cell beside them changes nothing (its rest 0 is shown)
    ((13, 14), (3, 4), False),  # 20 not flagged
    ((6, 3), (4, 2), False),  # the second cell's posts hidden too: the first cell's rest is 2, 3 or 4
])
def test_a_part_of_an_area_or_the_city_is_checked_against_the_cells_counts(
        level: str, posts: tuple[int, ...], flagged: tuple[int, ...], hidden: bool) -> None:
    assert _hidden(level, posts, flagged, "W" if level.startswith("area") else "x") == hidden


def test_the_rest_is_checked_at_the_cell_levels_too() -> None:
    """At a res-7 cell: two cells of posts 5 and 6 (flagged 3 and 4 hidden) beside a cell whose posts are hidden
    for their rest (14 posts, 12 flagged shown): the first two cells' rests (4) follow from the res-7 flagged
    posts all the same; the hidden rest beside them does not hide it."""
    assert _hidden("cell7_month", (5, 6, 14), (3, 4, 12), PARENT)


@pytest.mark.parametrize(("posts", "hidden"), [((5, 6), True), ((13, 14), False)])
def test_the_city_month_table_hides_a_part_that_gives_the_cells_rests_back(posts: tuple[int, int],
                                                                           hidden: bool) -> None:
    """``for_audience("city_month", ..., parts=cells)`` (the table's rule, the page's series for staff and any
    export): the city's flagged posts (7, every event in a cell) less the cells' shown flagged posts (none) is
    the hidden cells' 3 + 4; their posts (5 and 6, shown) leave 4 not flagged."""
    cells = pd.DataFrame({"city_id": "x", "cell": KIDS[:2], "resolution": 8, "period": "2025-01",
                          "posts": list(posts), "flagged_posts": [3, 4], "crimes": 0, "hate_crimes": 0})
    city = cells.groupby(["city_id", "period"], as_index=False)[["posts", "flagged_posts", "crimes",
                                                                 "hate_crimes"]].sum()
    out = for_audience("city_month", city.drop(columns="posts"), "official", parts=cells, k=5, min_group=10)
    assert out["flagged_posts"].isna().iloc[0] == hidden


def test_the_part_is_checked_when_the_levels_table_has_no_count() -> None:
    """An area table without posts (a level's units carry only the flagged posts): the official still sums the
    posts from the cells download, so the part is checked all the same."""
    leaves = pd.DataFrame({"cell": KIDS[:2], "period": "2025-01", "posts": [5, 6], "flagged_posts": [3, 4]})
    units = pd.DataFrame({"unit": ["W"], "period": ["2025-01"], "flagged_posts": [7]})
    assert hidden_units(View("area_month", units, np.full(2, "W", dtype=object)), leaves, "flagged_posts",
                        k=5)[0]


def test_a_cell_hidden_for_its_own_rest_pins_nothing_at_a_cell_level() -> None:
    """At a res-7 cell, the part (flagged posts) beside cells of 10 posts (7 flagged: its posts hidden for their
    rest, 3) and 8 (8 flagged): the res-7 flagged posts (15) are the cells' shown ones, and its posts (18) the
    official cannot sum (one cell's is hidden), so the hidden rest lies in no shown sum: nothing follows. (It was
    hidden: the unit's rest, 3, taken as known over one hidden rest beneath.) The count itself at that level is
    still hidden (its rest, 3, is small)."""
    assert not _hidden("cell7_month", (10, 8), (7, 8), PARENT)
    cells = KIDS[:2]
    leaves = pd.DataFrame({"cell": cells, "period": "2025-01", "posts": [10, 8], "flagged_posts": [7, 8]})
    units = pd.DataFrame({"unit": [PARENT], "period": ["2025-01"], "flagged_posts": [15], "posts": [18]})
    assert hidden_units(View("cell7_month", units, np.full(2, PARENT, dtype=object)), leaves, "posts", k=5)[0]


def test_the_level_no_attacker_could_undo_is_shown() -> None:
    """A city of two res-7 cells (one res-6): the first's cells 10 posts (7 flagged) and 8 (8); the second's
    2 (2) and 3 (3), all hidden. The cells by month fail for flagged posts (two are hidden); at res 7 the official
    reads 15 (the shown 7 + 8) and 5 (the two hidden ones: 1 + 4, 2 + 3, ...), and no posts total beside either
    (each res-7 cell has a cell whose posts are hidden): res 7 is shown (it was res 6 or coarser: the rests of the
    cells whose posts are hidden were taken as pinned)."""
    from scn.privacy import published_levels
    from scn.privacy.levels import choose

    root = h3.cell_to_parent(PARENT, 6)
    other = next(c for c in sorted(h3.cell_to_children(root, 7)) if c != PARENT)
    cells = KIDS[:2] + sorted(h3.cell_to_children(other, 8))[:2]
    leaves = pd.DataFrame({"city_id": "x", "cell": cells, "resolution": 8, "period": "2025-01",
                           "posts": [10, 8, 2, 3], "flagged_posts": [7, 8, 2, 3]})
    views = published_levels.views("x", "flagged_posts", leaves, lambda name: pd.DataFrame(), lambda c: None)
    chosen = choose(views, leaves, "flagged_posts", "official", k=5)
    assert (chosen.level, chosen.reason) == ("cell7_month", "finer_hidden"), chosen
